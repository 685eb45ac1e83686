import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApplicationSummary } from '../../../../contract/activities.js';
import { appSummary } from '../../../support/app-summary.js';
import { keptByFilter } from '../../../../core/fleet/application-filter.js';
import { pollDue, tickEnd } from '../../../../core/poll/poll-due.js';

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

test('keptByFilter keeps the apps due in the git-poll tick, as pollDue decides', () => {
  const tick = { tickEndMs: tickEnd(1_800_000_000_000, 10_000), tickMs: 10_000 };
  const apps = Array.from({ length: 50 }, (_, i) => app(`app-${i}`, { interval: '1m' }));
  const kept = apps.filter((a) => keptByFilter(a, { pollDue: tick }));
  assert.deepEqual(
    kept.map((a) => a.name),
    apps.filter((a) => pollDue(a.name, 60_000, tick.tickEndMs, tick.tickMs)).map((a) => a.name),
  );
  assert.ok(kept.length > 0 && kept.length < apps.length, 'a 1 m interval is due on some 10 s ticks');
});
