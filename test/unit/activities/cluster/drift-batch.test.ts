/**
 * drift-scan's batch call on the agent: every app checked, a few at a time, results in input order;
 * one app's failure is that app's result, a cancelled scan ends the call, an oversized batch is refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { DRIFT_BATCH_CONCURRENCY, detectDriftBatch } from '../../../../activities/cluster/drift-batch.js';
import { MAX_DRIFT_BATCH } from '../../../../contract/activities.js';
import type { DetectDriftResult, PlanInput } from '../../../../contract/activities.js';

const plan = (app: string): PlanInput => ({
  app,
  manifestKey: `key-${app}`,
  namespace: 'default',
  syncOptions: [],
  ignoreDifferences: [],
});
const drift = (drifted: boolean): DetectDriftResult => ({
  drifted,
  changedObjects: drifted ? 1 : 0,
  changes: drifted
    ? [{ group: '', kind: 'ConfigMap', namespace: 'default', name: 'c', action: 'configured' }]
    : [],
  health: 'Healthy',
});

test('checks every app at most DRIFT_BATCH_CONCURRENCY at a time and answers in input order', async () => {
  const apps = Array.from({ length: 12 }, (_, i) => plan(`app-${i}`));
  let running = 0;
  let most = 0;
  const progress: number[] = [];
  const { results } = await detectDriftBatch(
    { apps },
    async (app) => {
      running += 1;
      most = Math.max(most, running);
      // Later apps finish first: the order of results must not follow completion.
      await delay(2 * (12 - Number(app.app.split('-')[1])));
      running -= 1;
      return drift(app.app === 'app-3');
    },
    { heartbeat: ({ checked, of }) => progress.push(checked / of) },
  );
  assert.equal(most, DRIFT_BATCH_CONCURRENCY);
  assert.deepEqual(
    results.map((r) => ('drift' in r ? r.drift.drifted : r.error)),
    apps.map((a) => a.app === 'app-3'),
  );
  assert.ok(
    results.every((r) => 'drift' in r && !('changes' in r.drift)),
    'the per-object list stays on the agent',
  );
  assert.deepEqual(
    progress,
    apps.map((_, i) => (i + 1) / 12),
  );
});

test("one app's failure is its own result; the others are checked", async () => {
  const { results } = await detectDriftBatch(
    { apps: [plan('a'), plan('b'), plan('c')] },
    async (app) => {
      if (app.app === 'b') throw new Error('Cannot read the manifests of app b: gone');
      return drift(false);
    },
    { heartbeat: () => undefined },
  );
  assert.deepEqual(results, [
    { drift: { drifted: false, changedObjects: 0, health: 'Healthy' } },
    { error: 'Cannot read the manifests of app b: gone' },
    { drift: { drifted: false, changedObjects: 0, health: 'Healthy' } },
  ]);
});

test('a cancelled scan ends the call instead of reporting every app as failed', async () => {
  const controller = new AbortController();
  const checked: string[] = [];
  await assert.rejects(
    detectDriftBatch(
      { apps: Array.from({ length: 10 }, (_, i) => plan(`app-${i}`)) },
      async (app) => {
        checked.push(app.app);
        if (app.app === 'app-1') controller.abort(new Error('activity cancelled'));
        controller.signal.throwIfAborted();
        return drift(false);
      },
      { heartbeat: () => undefined, signal: controller.signal },
    ),
    /activity cancelled/,
  );
  assert.ok(
    checked.length <= DRIFT_BATCH_CONCURRENCY,
    `no app started after the cancel: ${checked.join(' ')}`,
  );
});

test('more apps than MAX_DRIFT_BATCH are refused before any is checked', async () => {
  let calls = 0;
  await assert.rejects(
    detectDriftBatch(
      { apps: Array.from({ length: MAX_DRIFT_BATCH + 1 }, (_, i) => plan(`app-${i}`)) },
      async () => {
        calls += 1;
        return drift(false);
      },
      { heartbeat: () => undefined },
    ),
    /at most 200 apps, got 201/,
  );
  assert.equal(calls, 0);
});
