/**
 * Automatic sync and automatic rollback of the application workflow, on the local Temporal dev
 * server with stub activities (test/workflows/harness): what an operator sees in `mooring app get`
 * and `history` after good commits, crash-looping commits, health timeouts and failed rollbacks.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { refreshSignal, syncUpdate } from '../../contract/messages.js';
import { syncWorkflowId } from '../../contract/ids.js';
import type { AppSpec } from '../../config/types.js';
import { sha } from './harness/stub-activities.js';
import { startWorkflowEnv } from './harness/workflow-env.js';
import type { WorkflowTestEnv } from './harness/workflow-env.js';

Runtime.install({ logger: new DefaultLogger('WARN') });

/** A routine sync (render, dry-run, one wave, prune, health wait) must stay this small. */
const SYNC_CHILD_EVENT_BUDGET = 60;

describe('application workflow: auto-sync and automatic rollback', () => {
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
    await env.handle(spec.name).signal(refreshSignal, { reason: 'test push' });
  }

  it('deploys the branch head on first start and reports Synced/Healthy', async () => {
    const c1 = sha('first-1');
    const spec = await syncedApp('wf-first', c1);
    const s = await env.status(spec.name);
    assert.equal(s.sync, 'Synced');
    assert.equal(s.health, 'Healthy');
    assert.equal(s.deployedRevision, c1);
    assert.equal(s.lastHealthyRevision, c1);
    assert.deepEqual(
      s.history.map((h) => [h.revision, h.outcome, h.initiatedBy]),
      [[c1, 'Succeeded', 'auto-sync']],
    );
    assert.deepEqual(s.badRevisions, []);

    const events = await env.eventTypes(syncWorkflowId(spec.name, s.history[0]?.id ?? 0));
    assert.ok(
      events.length <= SYNC_CHILD_EVENT_BUDGET,
      `a routine sync child took ${events.length} history events (budget ${SYNC_CHILD_EVENT_BUDGET}): ${events.join(', ')}`,
    );
  });

  it('renders and dry-runs a commit in one call to the agent', async () => {
    const spec = await syncedApp('wf-together', sha('together-1'));
    const s = await env.status(spec.name);
    const history = await env.client.workflow
      .getHandle(syncWorkflowId(spec.name, s.history[0]?.id ?? 0))
      .fetchHistory();
    const scheduled = (history.events ?? []).flatMap((e) => {
      const name = e.activityTaskScheduledEventAttributes?.activityType?.name;
      return name ? [name] : [];
    });
    assert.deepEqual(scheduled, ['renderAndPrepare', 'applyStep', 'waitHealthy']);
  });

  it('renders and dry-runs in two calls on an agent older than 0.14.0, which lacks the joint call', async () => {
    const older = await startWorkflowEnv({ agentWithout: ['renderAndPrepare'] });
    try {
      const c1 = sha('older-agent-1');
      const spec = await older.syncedApp('wf-older-agent', c1);
      const s = await older.status(spec.name);
      assert.deepEqual([s.deployedRevision, s.health, s.history[0]?.outcome], [c1, 'Healthy', 'Succeeded']);
      const events =
        (
          await older.client.workflow
            .getHandle(syncWorkflowId(spec.name, s.history[0]?.id ?? 0))
            .fetchHistory()
        ).events ?? [];
      const failed = events.flatMap((e) => (e.activityTaskFailedEventAttributes ? [e] : []));
      const attempts = events.flatMap((e) => {
        const started = e.activityTaskStartedEventAttributes;
        return started ? [started.attempt] : [];
      });
      assert.equal(failed.length, 1, 'the joint call fails, then the two calls follow');
      assert.deepEqual(new Set(attempts), new Set([1]), 'no call was retried');
      assert.deepEqual(older.script.rendered(spec.name), [c1]);
      assert.equal(older.script.callsOf('prepareSync', spec.name).length, 1);
    } finally {
      await older.close();
    }
  });

  it('prunes beside the health wait only when the dry run found objects left over', async () => {
    const [c1, c2] = [sha('leftover-1'), sha('leftover-2')];
    env.script.orphans.set(c2, 2);
    const spec = await syncedApp('wf-leftover', c1);
    const prunedRevisions = () => env.script.callsOf('pruneOrphans', spec.name).map((c) => c.revision);
    assert.deepEqual(prunedRevisions(), [], 'nothing was left over from the first sync');
    await pushCommit(spec, c2);
    await env.waitStatus(spec.name, 'the second commit', (x) => x.deployedRevision === c2 && !x.operation);
    assert.deepEqual(prunedRevisions(), [c2]);
  });

  it('rolls a degraded commit back, never auto-deploys it again, and deploys newer or explicitly requested commits', async () => {
    const [c1, c2, c3] = [sha('rb-1'), sha('rb-2'), sha('rb-3')];
    const spec = await syncedApp('wf-rollback', c1);
    env.script.health.set(c2, 'Degraded');
    await pushCommit(spec, c2);
    let s = await env.waitStatus(
      spec.name,
      'the bad commit to be rolled back',
      (x) => x.history.length === 2 && !x.operation,
    );
    const entry = s.history[1];
    assert.equal(entry?.outcome, 'RolledBack');
    assert.equal(entry?.revision, c2);
    assert.equal(entry?.rolledBackTo, c1);
    assert.match(entry?.message ?? '', /crash-looping/, 'the history entry names the cause');
    assert.match(entry?.message ?? '', new RegExp(`rolled back to ${c1.slice(0, 7)}`));
    assert.deepEqual(s.badRevisions, [c2]);
    assert.equal(s.deployedRevision, c1);
    assert.equal(s.health, 'Healthy');
    assert.equal(s.sync, 'OutOfSync', 'the branch head is not what runs');
    assert.equal(s.consecutiveFailures, 1);
    assert.deepEqual(env.script.rendered(spec.name), [c1, c2, c1]);

    // The same head again: nothing is deployed.
    await env.handle(spec.name).signal(refreshSignal, { sha: c2, reason: 'git-poll' });
    await env.idle(spec.name);
    s = await env.status(spec.name);
    assert.equal(s.history.length, 2);
    assert.deepEqual(env.script.rendered(spec.name), [c1, c2, c1]);

    // A newer commit gets a fresh start: deployed, and the failure counter starts over.
    env.script.health.set(c3, 'Degraded');
    await pushCommit(spec, c3);
    s = await env.waitStatus(
      spec.name,
      'the newer commit to be tried',
      (x) => x.history.length === 3 && !x.operation,
    );
    assert.equal(s.history[2]?.revision, c3);
    assert.equal(s.history[2]?.outcome, 'RolledBack');
    assert.equal(s.consecutiveFailures, 1, 'the counter restarted with the new commit');
    assert.deepEqual(s.badRevisions, [c2, c3]);

    // An operator's explicit sync of a bad commit deploys it (and clears its mark when it is healthy).
    env.script.health.set(c2, 'Healthy');
    const accepted = await env.handle(spec.name).executeUpdate(syncUpdate, { args: [{ revision: c2 }] });
    s = await env.waitStatus(spec.name, 'the operator sync', (x) => x.history.length === 4 && !x.operation);
    assert.equal(s.history[3]?.id, accepted.operationId);
    assert.deepEqual(
      [s.history[3]?.revision, s.history[3]?.outcome, s.history[3]?.initiatedBy],
      [c2, 'Succeeded', 'operator'],
    );
    assert.equal(s.deployedRevision, c2);
    assert.deepEqual(s.badRevisions, [c3]);
  });

  it('rolls back when the new commit is not healthy within the health timeout', async () => {
    const [c1, c2] = [sha('to-1'), sha('to-2')];
    const spec = await syncedApp('wf-timeout', c1);
    env.script.health.set(c2, 'timeout');
    await pushCommit(spec, c2);
    const s = await env.waitStatus(
      spec.name,
      'the rollback after the timeout',
      (x) => x.history.length === 2 && !x.operation,
    );
    assert.equal(s.history[1]?.outcome, 'RolledBack');
    assert.match(s.history[1]?.message ?? '', /not healthy within 2m/);
    assert.equal(s.deployedRevision, c1);
    assert.deepEqual(s.badRevisions, [c2]);
  });

  it('reports Failed/Degraded after one failed rollback attempt, and does not loop', async () => {
    const [c1, c2] = [sha('ff-1'), sha('ff-2')];
    const spec = await syncedApp('wf-doublefail', c1);
    env.script.health.set(c1, 'Degraded');
    env.script.health.set(c2, 'Degraded');
    await pushCommit(spec, c2);
    let s = await env.waitStatus(
      spec.name,
      'the failed rollback',
      (x) => x.history.length === 2 && !x.operation,
    );
    assert.equal(s.history[1]?.outcome, 'Failed');
    assert.match(s.history[1]?.message ?? '', new RegExp(`rollback to ${c1.slice(0, 7)} also failed`));
    assert.equal(s.health, 'Degraded');
    assert.deepEqual(s.badRevisions, [c2]);
    await env.idle(spec.name);
    s = await env.status(spec.name);
    assert.equal(s.history.length, 2);
    assert.deepEqual(env.script.rendered(spec.name), [c1, c2, c1], 'exactly one rollback attempt');
  });
});
