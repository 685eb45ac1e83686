/**
 * What the sync and application workflows do when activities fail, on the local Temporal dev
 * server with stub activities (test/workflows/harness) that throw Mooring's typed errors
 * (contract/errors.ts) on chosen calls: retryable errors are retried by the activity's retry
 * policy, non-retryable ones fail the revision at once, a health wait that times out counts as
 * unhealthy, and the periodic safety refresh deploys a commit nobody announced.
 *
 * Temporal's time-skipping test server cannot be downloaded on an offline machine, so durations
 * that would make the tests wait are shortened instead: the spec's apply retry backoff, and two
 * workflow interceptors bundled with the code under test (the health wait's start-to-close timeout,
 * `harness/short-health-wait.ts`; the 10-minute safety refresh timer, `harness/short-safety-refresh.ts`).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { AppSpec } from '../../config/types.js';
import type { ClusterActivities } from '../../contract/activities.js';
import { ApplyFailed, ApplyRejected, ManifestInvalid } from '../../contract/errors.js';
import { applicationWorkflowId } from '../../contract/ids.js';
import { refreshSignal } from '../../contract/messages.js';
import type { AppStatus } from '../../contract/messages.js';
import { sha } from './harness/stub-activities.js';
import { startWorkflowEnv } from './harness/workflow-env.js';
import type { WorkflowTestEnv } from './harness/workflow-env.js';

Runtime.install({ logger: new DefaultLogger('WARN') });

const harnessModule = (name: string): string => fileURLToPath(new URL(`./harness/${name}`, import.meta.url));

/** Apply retries 200 ms apart instead of the default 1 s doubling. */
function fastApplyRetry(spec: AppSpec): void {
  spec.syncPolicy.retry = { limit: 4, backoff: { duration: '200ms', factor: 1, maxDuration: '200ms' } };
}

/** Every cluster-side step after the render: none of them may run for a revision that never got there. */
const CLUSTER_STEPS: (keyof ClusterActivities)[] = [
  'prepareSync',
  'applyStep',
  'pruneOrphans',
  'waitHealthy',
  'runSyncFailHooks',
];

describe('workflows when activities fail', { concurrency: true }, () => {
  let env: WorkflowTestEnv;
  let safetyEnv: WorkflowTestEnv;
  before(async () => {
    [env, safetyEnv] = await Promise.all([
      startWorkflowEnv({ interceptors: [harnessModule('short-health-wait.ts')] }),
      startWorkflowEnv({ interceptors: [harnessModule('short-safety-refresh.ts')] }),
    ]);
  });
  after(async () => {
    await Promise.all([env?.close(), safetyEnv?.close()]);
  });

  async function pushCommit(spec: AppSpec, commit: string): Promise<void> {
    env.script.setHead(spec.source.repoURL, commit);
    await env.handle(spec.name).signal(refreshSignal, { reason: 'test push' });
  }

  /** Attempt numbers of every call of `activity` the app made for `revision`. */
  function attempts(activity: keyof ClusterActivities, app: string, revision: string): number[] {
    return env.script
      .callsOf(activity, app)
      .filter((c) => c.revision === revision)
      .map((c) => c.attempt);
  }

  /** The app has `entries` history entries and no operation in flight. */
  const settledAfter =
    (entries: number) =>
    (s: AppStatus): boolean =>
      s.history.length === entries && !s.operation;

  it('retries a retryable apply failure (ApplyFailed) and succeeds on the third attempt', async () => {
    const [c1, c2] = [sha('af-retry-1'), sha('af-retry-2')];
    const spec = await env.syncedApp('af-retry', c1, fastApplyRetry);
    env.script.fail('applyStep', {
      revision: c2,
      times: 2,
      error: () =>
        new ApplyFailed('Deployment/af/guestbook-ui: the API server answered 503 Service Unavailable'),
    });
    await pushCommit(spec, c2);
    const s = await env.waitStatus(spec.name, 'the sync of the new commit', settledAfter(2));

    assert.deepEqual(attempts('applyStep', spec.name, c2), [1, 2, 3], 'two failed attempts, then success');
    assert.deepEqual(
      s.history.map((h) => [h.revision, h.outcome]),
      [
        [c1, 'Succeeded'],
        [c2, 'Succeeded'],
      ],
      'one history entry for the retried sync',
    );
    assert.deepEqual(
      env.script.rendered(spec.name),
      [c1, c2],
      'the retries are of the call, not the pipeline',
    );
    assert.equal(s.deployedRevision, c2);
    assert.equal(s.health, 'Healthy');
    assert.deepEqual(s.badRevisions, []);
  });

  it('fails a rejected apply (ApplyRejected) at once, without retries, and rolls back what it touched', async () => {
    const [c1, c2] = [sha('af-rejected-1'), sha('af-rejected-2')];
    const spec = await env.syncedApp('af-rejected', c1, fastApplyRetry);
    env.script.fail('applyStep', {
      revision: c2,
      error: () => new ApplyRejected('Deployment/af/guestbook-ui is invalid: spec.replicas: must be >= 0'),
    });
    await pushCommit(spec, c2);
    const s = await env.waitStatus(spec.name, 'the rollback of the rejected commit', settledAfter(2));

    assert.deepEqual(attempts('applyStep', spec.name, c2), [1], 'a non-retryable error is not retried');
    const entry = s.history[1];
    assert.deepEqual([entry?.revision, entry?.outcome, entry?.rolledBackTo], [c2, 'RolledBack', c1]);
    assert.match(entry?.message ?? '', /spec\.replicas: must be >= 0/, 'the history entry names the cause');
    assert.deepEqual(
      env.script.rendered(spec.name),
      [c1, c2, c1],
      'exactly one rollback to the last healthy commit',
    );
    assert.equal(s.deployedRevision, c1);
    assert.ok(
      s.badRevisions.includes(c2),
      `the rejected commit is marked bad: ${JSON.stringify(s.badRevisions)}`,
    );
  });

  it('fails a commit the dry-run rejects (ApplyRejected) without touching the cluster or rolling back', async () => {
    const [c1, c2] = [sha('af-dryrun-1'), sha('af-dryrun-2')];
    const spec = await env.syncedApp('af-dryrun', c1);
    env.script.fail('prepareSync', {
      revision: c2,
      error: () => new ApplyRejected('ConfigMap/af/guestbook-config is invalid: data: must be a map'),
    });
    await pushCommit(spec, c2);
    const s = await env.waitStatus(spec.name, 'the failed sync', settledAfter(2));

    assert.deepEqual(attempts('prepareSync', spec.name, c2), [1]);
    assert.deepEqual([s.history[1]?.revision, s.history[1]?.outcome], [c2, 'Failed']);
    assert.equal(s.history[1]?.rolledBackTo, undefined);
    for (const step of CLUSTER_STEPS.filter((a) => a !== 'prepareSync'))
      assert.deepEqual(attempts(step, spec.name, c2), [], `no ${step} for the rejected commit`);
    assert.deepEqual(env.script.rendered(spec.name), [c1, c2], 'no rollback: nothing was written');
    assert.equal(s.deployedRevision, c1);
  });

  it('treats a health wait that times out (start-to-close) as unhealthy and rolls back', async () => {
    const [c1, c2] = [sha('af-hangs-1'), sha('af-hangs-2')];
    const spec = await env.syncedApp('af-hangs', c1);
    env.script.health.set(c2, 'block'); // heartbeats, never answers: only the start-to-close timeout ends it
    await pushCommit(spec, c2);
    const s = await env.waitStatus(spec.name, 'the rollback after the timeouts', settledAfter(2), 60_000);

    assert.deepEqual(
      attempts('waitHealthy', spec.name, c2),
      [1, 2, 3],
      'every attempt of the health wait timed out',
    );
    const entry = s.history[1];
    assert.deepEqual([entry?.revision, entry?.outcome, entry?.rolledBackTo], [c2, 'RolledBack', c1]);
    assert.deepEqual(env.script.rendered(spec.name), [c1, c2, c1]);
    assert.equal(s.deployedRevision, c1);
    assert.equal(s.health, 'Healthy', 'the rollback target is healthy again');
  });

  it('fails a commit whose render fails (ManifestInvalid): marked bad, cluster untouched, no rollback', async () => {
    const [c1, c2] = [sha('af-invalid-1'), sha('af-invalid-2')];
    const spec = await env.syncedApp('af-invalid', c1);
    env.script.fail('renderManifests', {
      revision: c2,
      error: () =>
        new ManifestInvalid('guestbook/deployment.yaml: document 1: spec.replicas: must be an integer'),
    });
    await pushCommit(spec, c2);
    const s = await env.waitStatus(spec.name, 'the failed sync', settledAfter(2));

    assert.deepEqual(attempts('renderManifests', spec.name, c2), [1], 'a render error is not retried');
    assert.deepEqual([s.history[1]?.revision, s.history[1]?.outcome], [c2, 'Failed']);
    assert.match(s.history[1]?.message ?? '', /spec\.replicas: must be an integer/);
    assert.deepEqual(s.badRevisions, [c2]);
    for (const step of CLUSTER_STEPS)
      assert.deepEqual(attempts(step, spec.name, c2), [], `no ${step} for the invalid commit`);
    assert.deepEqual(env.script.rendered(spec.name), [c1, c2], 'no rollback: nothing was written');
    assert.equal(s.deployedRevision, c1);
  });

  it('deploys a commit nobody announced when the periodic safety refresh fires', async () => {
    const [c1, c2] = [sha('af-safety-1'), sha('af-safety-2')];
    const spec = await safetyEnv.syncedApp('af-safety', c1);
    safetyEnv.script.setHead(spec.source.repoURL, c2); // no refresh signal, no git-poll
    const s = await safetyEnv.waitStatus(
      spec.name,
      'the periodic refresh to deploy the new commit',
      (x) => x.deployedRevision === c2 && !x.operation,
    );

    assert.deepEqual(
      s.history.map((h) => [h.revision, h.outcome, h.initiatedBy]),
      [
        [c1, 'Succeeded', 'auto-sync'],
        [c2, 'Succeeded', 'auto-sync'],
      ],
    );
    const events = await safetyEnv.eventTypes(applicationWorkflowId(spec.name));
    assert.ok(events.includes('TimerFired'), `the safety timer fired: ${events.join(', ')}`);
    assert.ok(!events.includes('WorkflowExecutionSignaled'), 'nothing signalled the app');
  });
});
