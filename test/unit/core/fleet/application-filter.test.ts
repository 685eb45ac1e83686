import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApplicationSummary } from '../../../../contract/activities.js';
import { appSummary } from '../../../support/app-summary.js';
import { keptByFilter } from '../../../../core/fleet/application-filter.js';
import { pollDue, pollSourceKey, tickEnd } from '../../../../core/poll/poll-due.js';

const app = appSummary;

test('keptByFilter keeps every app without a filter, the autoscaled ones when asked', () => {
  const scaled = app('web', {
    autoscaling: { policy: { target: 'Deployment/web', min: 1, max: 3, query: 'up', targetValue: 1 } },
  } as Partial<ApplicationSummary>);
  const plain = app('api');
  assert.equal(keptByFilter(plain, undefined), true);
  assert.equal(keptByFilter(plain, {}), true);
  assert.equal(keptByFilter(plain, { autoscaled: true }), false);
  assert.equal(keptByFilter(scaled, { autoscaled: true }), true);
});

test('keptByFilter keeps the apps due in the git-poll tick, as pollDue decides for their source', () => {
  const tick = { tickEndMs: tickEnd(1_800_000_000_000, 10_000), tickMs: 10_000 };
  const apps = Array.from({ length: 50 }, (_, i) =>
    app(`app-${i}`, { interval: '1m', repoURL: `https://git.example/repo-${i}` }),
  );
  const kept = apps.filter((a) => keptByFilter(a, { pollDue: tick }));
  assert.deepEqual(
    kept.map((a) => a.name),
    apps.filter((a) => pollDue(pollSourceKey(a), 60_000, tick.tickEndMs, tick.tickMs)).map((a) => a.name),
  );
  assert.ok(kept.length > 0 && kept.length < apps.length, 'a 1 m interval is due on some 10 s ticks');
});

test('keptByFilter keeps the apps of one source and interval on the same tick, once per interval', () => {
  const mono = Array.from({ length: 200 }, (_, i) => app(`app-${i}`, { interval: '3m' }));
  const other = app('elsewhere', { interval: '3m', repoURL: 'https://git.example/other' });
  const keptAt: number[][] = [];
  const start = tickEnd(1_800_000_000_000, 10_000);
  for (let t = start; t < start + 180_000; t += 10_000) {
    const due = { pollDue: { tickEndMs: t, tickMs: 10_000 } };
    const kept = mono.filter((a) => keptByFilter(a, due));
    if (kept.length > 0) keptAt.push([t, kept.length]);
  }
  // One remote check per interval serves the whole monorepo, and every app is checked in it.
  assert.deepEqual(
    keptAt.map(([, count]) => count),
    [200],
  );
  const otherTicks = Array.from({ length: 18 }, (_, i) => start + i * 10_000).filter((t) =>
    keptByFilter(other, { pollDue: { tickEndMs: t, tickMs: 10_000 } }),
  );
  assert.equal(otherTicks.length, 1, 'another repository is checked once per interval too');
});

test('pollSourceKey tells apart what one remote check cannot answer for both', () => {
  const base = app('a');
  assert.equal(pollSourceKey(base), pollSourceKey(app('b')));
  assert.notEqual(pollSourceKey(base), pollSourceKey(app('a', { targetRevision: 'release' })));
  assert.notEqual(pollSourceKey(base), pollSourceKey(app('a', { chart: 'web' })));
  assert.notEqual(pollSourceKey(base), pollSourceKey(app('a', { repoURL: 'https://git.example/other' })));
});
