/**
 * A drift report made against manifests the app no longer runs (a drift-scan that listed the app
 * before its last sync reaches it after) is ignored: it would re-sync an app that is in sync.
 * A report on the current manifests still self-heals. So is a report the checker asked for before
 * the app's last operation ended: it may have read that operation's rollout half-way.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { driftDetectedSignal, refreshSignal } from '../../contract/messages.js';
import { sha } from './harness/stub-activities.js';
import { startWorkflowEnv } from './harness/workflow-env.js';
import type { WorkflowTestEnv } from './harness/workflow-env.js';

Runtime.install({ logger: new DefaultLogger('WARN') });

describe('drift reports on manifests the app no longer runs', () => {
  let env: WorkflowTestEnv;
  before(async () => {
    env = await startWorkflowEnv();
  });
  after(async () => {
    await env?.close();
  });

  it('are ignored; a report on the current manifests self-heals', async () => {
    const [c1, c2] = [sha('stale-1'), sha('stale-2')];
    const spec = await env.syncedApp('stale', c1);
    const oldKey = `stub:${spec.name}:${c1}`;
    env.script.setHead(spec.source.repoURL, c2);
    await env.handle(spec.name).signal(refreshSignal, { reason: 'test push' });
    await env.waitStatus(spec.name, 'c2 deployed', (s) => s.deployedRevision === c2 && !s.operation);
    const rendersBefore = env.script.rendered(spec.name).length;

    await env
      .handle(spec.name)
      .signal(driftDetectedSignal, { drifted: true, changedObjects: 1, manifestKey: oldKey });
    await env.idle(spec.name);
    const after = await env.status(spec.name);
    assert.equal(after.sync, 'Synced', 'a stale report does not make the app OutOfSync');
    assert.equal(after.history.length, 2, 'and starts no self-heal');
    assert.equal(env.script.rendered(spec.name).length, rendersBefore);

    await env.handle(spec.name).signal(driftDetectedSignal, {
      drifted: true,
      changedObjects: 1,
      manifestKey: `stub:${spec.name}:${c2}`,
    });
    const healed = await env.waitStatus(
      spec.name,
      'the self-heal',
      (s) => s.history.length === 3 && !s.operation,
    );
    assert.equal(healed.history.at(-1)?.initiatedBy, 'self-heal');
  });

  it('are ignored when asked for before the last operation ended; a later report counts', async () => {
    const c1 = sha('before-end-1');
    const spec = await env.syncedApp('before-end', c1);
    const manifestKey = `stub:${spec.name}:${c1}`;
    const synced = await env.status(spec.name);
    assert.equal(synced.health, 'Healthy');
    const beforeTheSync = Date.now() - 60_000;

    // What a drift check sees half-way through the sync's own rollout, reaching the app after it.
    await env.handle(spec.name).signal(driftDetectedSignal, {
      drifted: true,
      changedObjects: 1,
      health: 'Progressing',
      healthMessage: 'Waiting for rollout to finish',
      manifestKey,
      checkedAfter: beforeTheSync,
    });
    await env.idle(spec.name);
    const after = await env.status(spec.name);
    assert.equal(after.health, 'Healthy', "the sync's own health stands");
    assert.equal(after.sync, 'Synced');
    assert.equal(after.history.length, 1, 'and no self-heal starts');

    await env.handle(spec.name).signal(driftDetectedSignal, {
      drifted: false,
      changedObjects: 0,
      health: 'Degraded',
      healthMessage: 'Back-off restarting failed container',
      manifestKey,
      checkedAfter: Date.now(),
    });
    const degraded = await env.waitStatus(spec.name, 'the later report', (s) => s.health === 'Degraded');
    assert.equal(degraded.healthMessage, 'Back-off restarting failed container');
  });
});
