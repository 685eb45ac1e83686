/**
 * The application workflow under operator and fleet messages, on the local Temporal dev server
 * with stub activities: a newer commit superseding a health wait, manual rollback pins, rejected
 * rollbacks, drift reports with and without self-heal, pause and resume.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import {
  driftDetectedSignal,
  pauseUpdate,
  refreshSignal,
  resumeUpdate,
  rollbackSignal,
  rollbackUpdate,
  syncStepQuery,
} from '../../contract/messages.js';
import type { AppSpec } from '../../config/types.js';
import { sha } from './harness/stub-activities.js';
import { startWorkflowEnv } from './harness/workflow-env.js';
import type { WorkflowTestEnv } from './harness/workflow-env.js';
import { waitFor } from '../support/wait.js';

Runtime.install({ logger: new DefaultLogger('WARN') });

describe('application workflow: operator and fleet messages', () => {
  let env: WorkflowTestEnv;
  before(async () => {
    env = await startWorkflowEnv();
  });
  after(async () => {
    await env?.close();
  });

  const syncedApp = (prefix: string, first: string, change?: (spec: AppSpec) => void): Promise<AppSpec> =>
    env.syncedApp(prefix, first, change);

  async function pushCommit(spec: AppSpec, commit: string): Promise<void> {
    env.script.setHead(spec.source.repoURL, commit);
    await env.handle(spec.name).signal(refreshSignal, { sha: commit, reason: 'new commit' });
  }

  it('a newer commit during the health wait cancels it and is deployed; the old one is not a failure', async () => {
    const [c1, c2, c3] = [sha('sup-1'), sha('sup-2'), sha('sup-3')];
    const spec = await syncedApp('wf-supersede', c1);
    env.script.health.set(c2, 'block');
    await pushCommit(spec, c2);
    await waitFor(
      'the health wait of the second commit',
      () => env.script.callsOf('waitHealthy', spec.name).some((c) => c.revision === c2) || undefined,
    );
    await pushCommit(spec, c3);
    const s = await env.waitStatus(
      spec.name,
      'the newer commit',
      (x) => x.deployedRevision === c3 && !x.operation,
    );
    assert.deepEqual(
      s.history.map((h) => [h.revision, h.outcome]),
      [
        [c1, 'Succeeded'],
        [c3, 'Succeeded'],
      ],
    );
    assert.deepEqual(s.badRevisions, []);
    assert.equal(s.consecutiveFailures, 0);
    assert.deepEqual(env.script.rendered(spec.name), [c1, c2, c3], 'no rollback for the superseded commit');
    await waitFor(
      'the activity to see the cancellation',
      () => env.script.cancelledWaits.includes(c2) || undefined,
    );
  });

  it('the step says the health wait is running for as long as it runs, after the prune beside it is done', async () => {
    const [c1, c2, c3] = [sha('step-1'), sha('step-2'), sha('step-3')];
    const spec = await syncedApp('wf-step', c1);
    env.script.health.set(c2, 'block');
    env.script.orphans.set(c2, 1);
    await pushCommit(spec, c2);
    const op = await env
      .waitStatus(spec.name, 'the sync of the second commit', (x) => x.operation !== undefined)
      .then((x) => x.operation?.workflowId ?? '');
    // The prune's activity completed and its workflow task ran: the prune is over, the wait is not.
    // Completed before it: render and dry-run (one call), the apply.
    await waitFor('the prune beside the health wait to be done', async () => {
      const events = await env.eventTypes(op);
      const pruned = events.lastIndexOf('ActivityTaskCompleted');
      return events.filter((e) => e === 'ActivityTaskCompleted').length >= 3 &&
        events.indexOf('WorkflowTaskCompleted', pruned) > pruned
        ? true
        : undefined;
    });
    assert.equal(await env.client.workflow.getHandle(op).query(syncStepQuery), 'wait healthy and prune');
    await pushCommit(spec, c3);
    await env.waitStatus(spec.name, 'the newer commit', (x) => x.deployedRevision === c3 && !x.operation);
  });

  it('a manual rollback pins the app until resume; an unknown history id is rejected', async () => {
    const [c1, c2, c3] = [sha('pin-1'), sha('pin-2'), sha('pin-3')];
    const spec = await syncedApp('wf-pin', c1);
    const handle = env.handle(spec.name);
    await pushCommit(spec, c2);
    await env.waitStatus(spec.name, 'the second commit', (x) => x.history.length === 2 && !x.operation);

    await handle.signal(rollbackSignal, { historyId: 1 });
    let s = await env.waitStatus(
      spec.name,
      'the rollback by history id',
      (x) => x.history.length === 3 && !x.operation,
    );
    assert.deepEqual(
      [s.history[2]?.revision, s.history[2]?.outcome, s.history[2]?.initiatedBy],
      [c1, 'Succeeded', 'rollback'],
    );
    assert.equal(s.pinnedRevision, c1);
    assert.equal(s.deployedRevision, c1);
    assert.equal(s.sync, 'Synced');

    await pushCommit(spec, c3);
    await env.idle(spec.name);
    s = await env.status(spec.name);
    assert.equal(s.headRevision, c3);
    assert.equal(s.deployedRevision, c1, 'a pinned app does not follow the branch');
    assert.equal(s.history.length, 3);

    const accepted = await handle.executeUpdate(rollbackUpdate, { args: [{ toRevision: c2.slice(0, 7) }] });
    s = await env.waitStatus(
      spec.name,
      'the rollback by revision',
      (x) => x.history.length === 4 && !x.operation,
    );
    assert.equal(s.history[3]?.id, accepted.operationId);
    assert.equal(s.pinnedRevision, c2);
    assert.equal(s.deployedRevision, c2);

    const before = await env.eventTypes(handle.workflowId);
    await assert.rejects(
      handle.executeUpdate(rollbackUpdate, { args: [{ historyId: 99 }] }),
      (err: unknown) => {
        assert.ok(err instanceof WorkflowUpdateFailedError);
        assert.match(String(err.cause?.message), /History id 99 does not exist/);
        return true;
      },
    );
    const afterRejection = await env.eventTypes(handle.workflowId);
    assert.deepEqual(
      afterRejection.filter((t) => t.startsWith('WorkflowExecutionUpdate')),
      before.filter((t) => t.startsWith('WorkflowExecutionUpdate')),
      'a rejected update leaves no history event',
    );

    const resumed = await handle.executeUpdate(resumeUpdate);
    assert.equal(resumed.pinnedRevision, undefined);
    s = await env.waitStatus(
      spec.name,
      'the branch head after resume',
      (x) => x.deployedRevision === c3 && !x.operation,
    );
    assert.equal(s.sync, 'Synced');
  });

  it('self-heals a drift report by re-syncing the same revision', async () => {
    const c1 = sha('heal-1');
    const spec = await syncedApp('wf-heal', c1);
    await env
      .handle(spec.name)
      .signal(driftDetectedSignal, { drifted: true, changedObjects: 2, health: 'Healthy' });
    const s = await env.waitStatus(spec.name, 'the self-heal', (x) => x.history.length === 2 && !x.operation);
    assert.deepEqual(
      [s.history[1]?.revision, s.history[1]?.outcome, s.history[1]?.initiatedBy],
      [c1, 'Succeeded', 'self-heal'],
    );
    assert.equal(s.sync, 'Synced');
  });

  it('without selfHeal a drift report only marks the app OutOfSync', async () => {
    const c1 = sha('drift-1');
    const spec = await syncedApp('wf-drift', c1, (x) => {
      x.syncPolicy.automated = { prune: true, selfHeal: false, allowEmpty: false };
    });
    await env
      .handle(spec.name)
      .signal(driftDetectedSignal, { drifted: true, changedObjects: 1, health: 'Healthy' });
    await env.waitStatus(spec.name, 'OutOfSync', (x) => x.sync === 'OutOfSync');
    await env.idle(spec.name);
    assert.equal((await env.status(spec.name)).history.length, 1);
    assert.deepEqual(env.script.rendered(spec.name), [c1]);
  });

  it('pause stops auto-sync and resume catches up with the branch', async () => {
    const [c1, c2] = [sha('pause-1'), sha('pause-2')];
    const spec = await syncedApp('wf-pause', c1);
    const handle = env.handle(spec.name);
    const paused = await handle.executeUpdate(pauseUpdate);
    assert.equal(paused.paused, true);
    await pushCommit(spec, c2);
    await env.idle(spec.name);
    let s = await env.status(spec.name);
    assert.equal(s.deployedRevision, c1);
    assert.equal(s.sync, 'OutOfSync');
    const resumed = await handle.executeUpdate(resumeUpdate);
    assert.equal(resumed.paused, false);
    s = await env.waitStatus(
      spec.name,
      'the new commit after resume',
      (x) => x.deployedRevision === c2 && !x.operation,
    );
    assert.equal(s.sync, 'Synced');
  });
});
