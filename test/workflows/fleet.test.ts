/**
 * The scheduled fleet workflows (git-poll, drift-scan) on the local Temporal dev server with stub
 * activities: one remote check per repository and revision, and signals only to the apps that
 * need them. The signalled apps are real application workflows.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type {
  ApplicationFilter,
  ApplicationSummary,
  DetectDriftBatchInput,
  ListApplicationPageInput,
} from '../../contract/activities.js';
import { MAX_LISTING_PAGE_BYTES } from '../../contract/activities.js';
import type { AppSpec } from '../../config/types.js';
import type { gitPollWorkflow } from '../../workflows/git-poll.js';
import type { autoscaleWorkflow } from '../../workflows/autoscale.js';
import type { driftScanWorkflow } from '../../workflows/drift-scan.js';
import { applicationWorkflowId } from '../../contract/ids.js';
import { refreshSignal, statusQuery } from '../../contract/messages.js';
import type { AppStatus } from '../../contract/messages.js';
import { waitFor } from '../support/wait.js';
import { waitQuiescent } from '../support/workflow-history.js';
import { sha } from './harness/stub-activities.js';
import { pollDue, pollSourceKey, tickEnd } from '../../core/poll/poll-due.js';
import { LISTING_SHARDS } from '../../workflows/fleet.js';
import { startWorkflowEnv } from './harness/workflow-env.js';
import type { WorkflowTestEnv } from './harness/workflow-env.js';

Runtime.install({ logger: new DefaultLogger('WARN') });

describe('fleet workflows', () => {
  let env: WorkflowTestEnv;
  const specs: AppSpec[] = [];
  const [a1, a2, a3, b1] = [sha('fleet-a1'), sha('fleet-a2'), sha('fleet-a3'), sha('fleet-b1')];

  before(async () => {
    env = await startWorkflowEnv();
    const shared = `https://git.example.test/mooring/shared-${env.suffix}.git`;
    for (const prefix of ['wf-fleet-1', 'wf-fleet-2', 'wf-fleet-3', 'wf-fleet-4']) {
      specs.push(
        env.spec(prefix, (s) => {
          if (prefix !== 'wf-fleet-4') s.source.repoURL = shared;
        }),
      );
    }
    env.script.setHead(shared, a1);
    env.script.setHead(specs[3]?.source.repoURL ?? '', b1);
    for (const spec of specs) await env.apply(spec);
    for (const spec of specs)
      await env.waitStatus(spec.name, 'the first sync', (s) => s.history.length === 1 && !s.operation);
  });
  after(async () => {
    await env?.close();
  });

  function summary(spec: AppSpec, extra: Partial<ApplicationSummary>): ApplicationSummary {
    return {
      name: spec.name,
      workflowId: applicationWorkflowId(spec.name),
      cluster: spec.destination.cluster,
      repoURL: spec.source.repoURL,
      targetRevision: spec.source.targetRevision,
      namespace: spec.destination.namespace,
      syncOptions: [],
      ignoreDifferences: [],
      ...extra,
    };
  }

  async function signalsReceived(app: string): Promise<number> {
    return (await env.eventTypes(applicationWorkflowId(app))).filter((t) => t === 'WorkflowExecutionSignaled')
      .length;
  }

  it('git-poll checks each repository and revision once and refreshes only the apps whose head moved', async () => {
    const [s1, s2, s3, s4] = specs as [AppSpec, AppSpec, AppSpec, AppSpec];
    env.script.setHead(s1.source.repoURL, a2);
    // What visibility would say: app 2 already saw the new commit, app 4's repository did not move.
    env.script.applications = [
      summary(s1, { headRevision: a1 }),
      summary(s2, { headRevision: a2 }),
      summary(s3, { headRevision: a1 }),
      summary(s4, { headRevision: b1 }),
    ];
    const checksBefore = env.script.callsOf('checkRemote').length;
    const result = await env.client.workflow.execute<typeof gitPollWorkflow>('gitPollWorkflow', {
      taskQueue: env.taskQueue,
      workflowId: `git-poll-${env.suffix}`,
      workflowExecutionTimeout: '1m',
    });
    assert.equal(env.script.callsOf('checkRemote').length - checksBefore, 2);
    assert.equal(result.remoteChecks, 2);
    assert.deepEqual([...result.refreshed].sort(), [s1.name, s3.name].sort());
    assert.deepEqual(result.errors, []);
    for (const spec of [s1, s3])
      await env.waitStatus(
        spec.name,
        'the moved head to be deployed',
        (s) => s.deployedRevision === a2 && !s.operation,
      );
    assert.equal(await signalsReceived(s2.name), 0);
    assert.equal(await signalsReceived(s4.name), 0);
  });

  it('git-poll refreshes only the due apps whose paths the new commit touched', async () => {
    const [s1, s2, s3] = specs as [AppSpec, AppSpec, AppSpec];
    env.script.setHead(s1.source.repoURL, a3);
    env.script.changedPaths = ['apps/one', 'apps/three'];
    env.script.applications = [
      summary(s1, { headRevision: a2, path: 'apps/one', interval: '10s' }),
      summary(s2, { headRevision: a2, path: 'apps/two', interval: '10s' }),
      summary(s3, { headRevision: a2, path: 'apps/three', interval: '24h' }),
    ];
    const before = await Promise.all([s2, s3].map((sp) => signalsReceived(sp.name)));
    const workflowId = `git-poll-paths-${env.suffix}`;
    const result = await env.client.workflow.execute<typeof gitPollWorkflow>('gitPollWorkflow', {
      taskQueue: env.taskQueue,
      workflowId,
      args: [{ tick: '10s' }],
      workflowExecutionTimeout: '1m',
    });
    env.script.changedPaths = undefined;
    // A 24 h interval is due on one 10 s tick in 8,640: work out whether this run's tick was it.
    const { startTime } = await env.client.workflow.getHandle(workflowId).describe();
    const s3Due = pollDue(
      pollSourceKey(summary(s3, {})),
      86_400_000,
      tickEnd(startTime.getTime(), 10_000),
      10_000,
    );
    assert.equal(result.due, s3Due ? 3 : 2);
    // The activity filters: the run's history holds the due apps only, never the whole fleet.
    assert.deepEqual(env.script.callsOf('listApplicationPage').at(-1)?.input, {
      filter: { pollDue: { tickEndMs: tickEnd(startTime.getTime(), 10_000), tickMs: 10_000 } },
    });
    assert.deepEqual(result.refreshed.sort(), (s3Due ? [s1.name, s3.name] : [s1.name]).sort());
    assert.deepEqual(result.unchanged, [s2.name]);
    assert.deepEqual(result.errors, []);
    await env.waitStatus(
      s1.name,
      'the touched app to deploy the new commit',
      (st) => st.deployedRevision === a3 && !st.operation,
    );
    assert.equal(await signalsReceived(s2.name), before[0], 'an untouched app gets no signal');
    if (!s3Due) assert.equal(await signalsReceived(s3.name), before[1], 'an app not due gets no signal');
  });

  it('git-poll started by hand lists a fleet of 2,000 apps in pages, none near the payload limit', async () => {
    const [s1] = specs as [AppSpec];
    // The branch's own head, so that the tests after this one find it where it was.
    const head = env.script.heads.get(`${s1.source.repoURL}@main`) ?? '';
    const names = Array.from({ length: 2000 }, (_, i) => `${s1.name}-p${String(i).padStart(4, '0')}`);
    const fleet = names.map((name, i) =>
      summary(s1, {
        name,
        workflowId: applicationWorkflowId(name),
        headRevision: head, // nothing moved: no signal to these apps, which do not run
        path: `apps/app-${i}`,
      }),
    );
    env.script.applications = fleet;
    const pagesBefore = env.script.callsOf('listApplicationPage').length;
    const workflowId = `git-poll-paged-${env.suffix}`;
    const result = await env.client.workflow.execute<typeof gitPollWorkflow>('gitPollWorkflow', {
      taskQueue: env.taskQueue,
      workflowId,
      workflowExecutionTimeout: '1m',
    });
    assert.equal(result.apps, 2000);
    assert.equal(result.remoteChecks, 1);
    assert.deepEqual(result.refreshed, []);
    assert.deepEqual(result.errors, []);
    const cursors = env.script
      .callsOf('listApplicationPage')
      .slice(pagesBefore)
      .map((c) => (c.input as ListApplicationPageInput).after);
    assert.ok(cursors.length >= 2, `the fleet is listed in pages, got ${cursors.length}`);
    assert.equal(cursors[0], undefined);
    assert.deepEqual(cursors.slice(1), [...cursors.slice(1)].sort(), 'each page starts after the one before');
    const history = await env.client.workflow.getHandle(workflowId).fetchHistory();
    const results = (history.events ?? [])
      .map((e) => e.activityTaskCompletedEventAttributes?.result?.payloads?.[0]?.data?.length)
      .filter((n): n is number => n !== undefined && n !== null);
    assert.ok(results.length >= cursors.length);
    for (const bytes of results)
      assert.ok(bytes <= MAX_LISTING_PAGE_BYTES + 1024, `an activity result of ${bytes} bytes`);
  });

  it("the app's periodic check does not deploy a commit that left its sources alone", async () => {
    const s2 = specs[1] as AppSpec;
    // After the test above, the branch is at a3, which git-poll did not give app 2 (untouched).
    const before = await env.client.workflow
      .getHandle(applicationWorkflowId(s2.name))
      .query<AppStatus>(statusQuery);
    assert.notEqual(before.deployedRevision, a3);
    const checks = env.script.callsOf('affectedAppPaths').length;
    env.script.changedPaths = [];
    try {
      await env.client.workflow
        .getHandle(applicationWorkflowId(s2.name))
        .signal(refreshSignal, { reason: 'periodic check' });
      await waitFor('the periodic check to compare the commits', () =>
        env.script.callsOf('affectedAppPaths').length > checks ? true : undefined,
      );
      await waitQuiescent(env.client, applicationWorkflowId(s2.name));
    } finally {
      env.script.changedPaths = undefined;
    }
    const after = await env.client.workflow
      .getHandle(applicationWorkflowId(s2.name))
      .query<AppStatus>(statusQuery);
    assert.equal(after.deployedRevision, before.deployedRevision);
    assert.equal(after.history.length, before.history.length, 'no sync');
    // Any other refresh of a head that did move deploys it.
    await env.client.workflow
      .getHandle(applicationWorkflowId(s2.name))
      .signal(refreshSignal, { reason: 'test push' });
    await env.waitStatus(
      s2.name,
      'a refresh to deploy the head',
      (st) => st.deployedRevision === a3 && !st.operation,
    );
  });

  it('drift-scan signals only the apps that drifted or whose health changed', async () => {
    const [s1, s2, s3, s4] = specs as [AppSpec, AppSpec, AppSpec, AppSpec];
    // The manifests each app runs now, as its memo says (a report on others would be stale).
    const key = async (spec: AppSpec): Promise<string> =>
      `stub:${spec.name}:${(await env.status(spec.name)).deployedRevision ?? ''}`;
    env.script.applications = [
      summary(s1, { manifestKey: await key(s1), health: 'Healthy', drifted: false }),
      summary(s2, { manifestKey: await key(s2), health: 'Healthy', drifted: false }),
      summary(s3, { manifestKey: await key(s3), health: 'Healthy', drifted: false }),
      summary(s4, { health: 'Healthy' }), // never deployed: not scanned
    ];
    env.script.drift.set(s1.name, { drifted: true, changedObjects: 1, changes: [], health: 'Healthy' });
    env.script.drift.set(s2.name, {
      drifted: false,
      changedObjects: 0,
      changes: [],
      health: 'Degraded',
      healthMessage: 'Deployment: 0 of 1 available',
    });
    const before = await Promise.all(specs.map((s) => signalsReceived(s.name)));
    const result = await env.client.workflow.execute<typeof driftScanWorkflow>('driftScanWorkflow', {
      taskQueue: env.taskQueue,
      workflowId: `drift-scan-${env.suffix}`,
      workflowExecutionTimeout: '1m',
    });
    assert.equal(result.scanned, 3);
    assert.deepEqual(result.drifted, [s1.name]);
    assert.deepEqual(result.healthChanged, [s2.name]);
    const afterScan = await Promise.all(specs.map((s) => signalsReceived(s.name)));
    assert.deepEqual(
      afterScan.map((n, i) => n - (before[i] ?? 0)),
      [1, 1, 0, 0],
    );
    assert.equal(env.script.callsOf('detectDrift', s4.name).length, 0);
    const degraded = await env.waitStatus(s2.name, 'the reported health', (s) => s.health === 'Degraded');
    assert.equal(degraded.healthMessage, 'Deployment: 0 of 1 available');
  });

  it("drift-scan checks a cluster's apps 50 to an agent call; an app it cannot check is reported alone", async () => {
    const [s1] = specs as [AppSpec];
    const fleet = Array.from({ length: 120 }, (_, i) =>
      summary(s1, {
        name: `${s1.name}-f${i}`,
        workflowId: applicationWorkflowId(`${s1.name}-f${i}`),
        manifestKey: `stub:${s1.name}-f${i}`,
        deployedRevision: sha(`fleet-${i}`),
        path: 'app',
        health: 'Healthy',
        drifted: false,
      }),
    );
    env.script.applications = fleet;
    env.script.fail('detectDrift', {
      revision: sha('fleet-7'),
      error: () => new Error('manifests unreadable'),
    });
    const before = env.script.callsOf('detectDriftBatch').length;
    const listsBefore = env.script.callsOf('listApplications').length;
    const workflowId = `drift-scan-batches-${env.suffix}`;
    const result = await env.client.workflow.execute<typeof driftScanWorkflow>('driftScanWorkflow', {
      taskQueue: env.taskQueue,
      workflowId,
      workflowExecutionTimeout: '1m',
    });
    assert.equal(result.scanned, 120);
    assert.deepEqual(result.drifted, []);
    assert.deepEqual(result.healthChanged, []);
    assert.deepEqual(result.errors, [`${s1.name}-f7: manifests unreadable`]);
    const batches = env.script
      .callsOf('detectDriftBatch')
      .slice(before)
      .map((c) => (c.input as DetectDriftBatchInput).apps.map((a) => a.app));
    assert.deepEqual(
      batches.map((b) => b.length),
      [50, 50, 20],
    );
    assert.deepEqual(batches.flat().sort(), fleet.map((a) => a.name).sort());
    const scheduled = (await env.eventTypes(workflowId)).filter((t) => t === 'ActivityTaskScheduled');
    assert.equal(scheduled.length, 12, 'listApplications in 8 parts, three batches, ensureDriftWatches');
    const parts = env.script
      .callsOf('listApplications')
      .slice(listsBefore)
      .map((c) => c.input as ApplicationFilter | undefined)
      .filter((filter) => filter?.cluster === undefined) // drift-watch lists its cluster's apps meanwhile
      .map((filter) => filter?.shard)
      .sort((a, b) => (a?.index ?? -1) - (b?.index ?? -1));
    assert.deepEqual(
      parts,
      Array.from({ length: LISTING_SHARDS }, (_, index) => ({ index, count: LISTING_SHARDS })),
      'the fleet is listed in parts, so no activity result nears the payload limit',
    );
  });

  it('autoscale asks for the autoscaled apps only: the rest of the fleet stays out of its history', async () => {
    const [s1, s2] = specs as [AppSpec, AppSpec];
    const policy = { target: 'Deployment/web', min: 1, max: 4, query: 'up', targetValue: 1 };
    env.script.applications = [
      summary(s1, { autoscaling: { policy } as ApplicationSummary['autoscaling'] }),
      summary(s2, {}),
    ];
    const result = await env.client.workflow.execute<typeof autoscaleWorkflow>('autoscaleWorkflow', {
      taskQueue: env.taskQueue,
      workflowId: `autoscale-${env.suffix}`,
      workflowExecutionTimeout: '1m',
    });
    assert.equal(result.evaluated, 1);
    assert.deepEqual(env.script.callsOf('listApplicationPage').at(-1)?.input, {
      filter: { autoscaled: true },
    });
  });
});
