/**
 * End to end on the real stack: watch-based drift detection. The cluster's drift-watch workflow
 * gets the agent's watch on managed objects; a hand edit is reverted by self-heal within seconds,
 * with no drift-scan run, and Mooring's own syncs nominate nothing.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { ensureDriftWatches } from '../../activities/control/control-activities.js';
import { applicationWorkflowId, driftWatchWorkflowId } from '../../contract/ids.js';
import { refreshSignal } from '../../contract/messages.js';
import { guestbookDeployment, settledAt, startE2e } from '../support/e2e.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';
import { kubectl } from '../support/stack.js';
import { waitFor } from '../support/wait.js';
import { driftChecks, waitWatching } from '../support/drift-watch.js';

const IMAGE = 'gcr.io/heptio-images/ks-guestbook-demo:0.2';

describe('watch-based drift detection', () => {
  let env: E2eEnv;
  let app: E2eApp;
  let watcher: string;

  before(async () => {
    env = await startE2e('dwatch');
    app = await env.createApp('gb-dwatch');
    await app.waitStatus('initial sync', settledAt(await app.repo.head()));
    assert.deepEqual(await ensureDriftWatches(env.client, env.taskQueue, [env.cluster]), [env.cluster]);
    assert.deepEqual(
      await ensureDriftWatches(env.client, env.taskQueue, [env.cluster]),
      [],
      'one watcher per cluster',
    );
    watcher = driftWatchWorkflowId(env.cluster, env.taskQueue);
    await waitWatching(env.client, watcher);
  });
  after(async () => {
    await env?.close();
  });

  test('a hand-edited Deployment is reverted by self-heal without a drift scan', async () => {
    const head = await app.repo.head();
    const started = performance.now();
    await kubectl([
      'set',
      'image',
      'deployment/guestbook-ui',
      '-n',
      app.namespace,
      'guestbook-ui=registry.example/hand-edited:1',
    ]);
    await waitFor(
      'the hand edit to be reverted',
      async () =>
        (await app.deployment()).spec.template.spec.containers[0]?.image === IMAGE ? true : undefined,
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    const revertMs = Math.round(performance.now() - started);
    const status = await app.waitStatus(
      'self-heal recorded',
      (s) => s.history.some((h) => h.initiatedBy === 'self-heal') && settledAt(head)(s),
    );
    assert.equal(status.history.find((h) => h.initiatedBy === 'self-heal')?.outcome, 'Succeeded');
    assert.equal(await driftChecks(env.client, watcher), 1, 'one edit, one drift check');
    console.log(`# hand edit reverted in ${revertMs} ms`);
  });

  test("Mooring's own sync of a new commit nominates nothing; the next hand edit is caught", async () => {
    // Counted once the watcher waits again: a check still running for the previous test counts there.
    await waitWatching(env.client, watcher);
    const before = await driftChecks(env.client, watcher);
    const sha = await app.repo.commit('new image', {
      'guestbook/deployment.yaml': await guestbookDeployment({
        image: 'gcr.io/heptio-images/ks-guestbook-demo:0.1',
      }),
    });
    await env.client.workflow
      .getHandle(applicationWorkflowId(app.name))
      .signal(refreshSignal, { reason: 'test push' });
    await app.waitStatus(`sync of ${sha}`, settledAt(sha));
    await kubectl(['scale', 'deployment/guestbook-ui', '-n', app.namespace, '--replicas=3']);
    await waitFor(
      'the scale edit to be reverted',
      async () => ((await app.deployment()).spec.replicas === 2 ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    // The sync's writes (apply, rollout status) would have come first: only the edit was checked.
    await waitWatching(env.client, watcher);
    assert.equal(await driftChecks(env.client, watcher), before + 1);
  });
});
