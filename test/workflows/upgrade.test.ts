/**
 * Upgrade with an operation in flight, on the real stack: a worker running the workflow code of the
 * previous release (the newest folder of test/fixtures/histories whose code is not the checkout's,
 * checked out with `git worktree add`) deploys the guestbook, starts a sync of a new commit, and is shut down in
 * the middle of its apply (a PreSync hook that takes 8 s). A worker with the current code takes
 * over the same task queues: it replays the running workflows' histories with the new code, and
 * the operation must finish, deploy the commit and leave the app Healthy, with no workflow task
 * failed in any history (a determinism error fails a workflow task). See docs/VERSIONING.md.
 */
import { after, before, describe, test } from 'node:test';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import type { AppStatus } from '../../contract/messages.js';
import { applicationWorkflowId } from '../../contract/ids.js';
import { runWorker } from '../../workers/worker.js';
import { settledAt, startE2e } from '../support/e2e.js';
import { SLOW_APPLY_IMAGE, syncStuckInApply } from '../support/slow-apply.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';
import { requireStages } from '../support/stack.js';
import { waitFor } from '../support/wait.js';
import { eventTypes } from './harness/history-json.js';
import { previousRelease } from './harness/recordings.js';
import type { Recording } from './harness/recordings.js';
import { bundleRelease, checkoutRelease, startReleaseWorker } from './harness/release-worker.js';
import type { ReleaseCheckout, ReleaseWorker } from './harness/release-worker.js';

/** The messages of every WorkflowTaskFailed event of a workflow's history (a determinism error is one). */
async function failedWorkflowTasks(handle: WorkflowHandle): Promise<string[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  return events.flatMap((e) =>
    e.workflowTaskFailedEventAttributes
      ? [`${handle.workflowId}: ${e.workflowTaskFailedEventAttributes.failure?.message ?? 'no message'}`]
      : [],
  );
}

/** Identities of the workers that completed the workflow's tasks, in order of first appearance. */
async function taskIdentities(handle: WorkflowHandle): Promise<string[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  return [...new Set(events.flatMap((e) => e.workflowTaskCompletedEventAttributes?.identity ?? []))];
}

describe('upgrade from the previous release while an operation is in flight', () => {
  const started = performance.now();
  const phases: string[] = [];
  const mark = (phase: string): void => {
    phases.push(`${phase} at ${((performance.now() - started) / 1000).toFixed(1)} s`);
  };
  let previous: Recording;
  let checkout: ReleaseCheckout | undefined;
  let env: E2eEnv | undefined;
  let app: E2eApp;
  let oldWorker: ReleaseWorker | undefined;
  let stopNewWorker = async (): Promise<void> => undefined;

  before(async () => {
    await requireStages('mooring-pod-slow-complete');
    const release = await previousRelease();
    if (!release)
      throw new Error(
        'No folder of test/fixtures/histories holds a release other than the current code: nothing to upgrade from',
      );
    previous = release;
    checkout = await checkoutRelease(previous.manifest.commit);
    const bundle = await bundleRelease(checkout);
    mark(`release ${previous.folder} checked out and bundled`);
    env = await startE2e('upgrade', { worker: false });
    oldWorker = await startReleaseWorker({
      workflowBundle: bundle,
      taskQueue: env.taskQueue,
      cluster: env.cluster,
      identity: `mooring-${previous.folder}`,
    });
    env.watchWorker(oldWorker);
    app = await env.createApp('gb-upgrade');
    const head = await app.repo.head();
    await app.waitStatus(`initial sync of ${head} by ${previous.folder}`, settledAt(head), 120_000);
    mark('first sync Healthy on the previous release');
  });

  after(async () => {
    await env?.close();
    await oldWorker?.shutdown();
    await stopNewWorker();
    await checkout?.remove();
  });

  test('the current code finishes the sync the previous release started, with no workflow task failed', async (t: TestContext) => {
    assert.ok(env && oldWorker);
    const { sha, op, child } = await syncStuckInApply(env, app);
    const appHandle = env.client.workflow.getHandle(applicationWorkflowId(app.name));
    mark('sync in flight (PreSync hook running)');

    await oldWorker.shutdown();
    mark('previous release worker shut down');
    const { status: childStatus } = await child.describe();
    assert.equal(childStatus.name, 'RUNNING', 'the sync was still in flight when the old worker stopped');

    let release: () => void = () => undefined;
    const stop = new Promise<void>((resolve) => {
      release = resolve;
    });
    let stopping = false;
    let newWorkerFailure: string | undefined;
    const running = runWorker({
      taskQueue: env.taskQueue,
      cluster: env.cluster,
      schedules: false,
      metricsPort: 0,
      stop,
    });
    running.then(
      () => {
        if (!stopping) newWorkerFailure = 'the current worker stopped before the test ended';
      },
      (err: unknown) => {
        newWorkerFailure = `the current worker failed: ${err instanceof Error ? err.message : String(err)}`;
      },
    );
    env.watchWorker({ exitReason: () => newWorkerFailure });
    stopNewWorker = async () => {
      stopping = true;
      release();
      await running.catch(() => undefined);
    };
    mark('current worker started');

    // A determinism error fails workflow tasks over and over: stop waiting at the first one.
    const failedTasks = async () => [
      ...(await failedWorkflowTasks(appHandle)),
      ...(await failedWorkflowTasks(child)),
    ];
    let last: AppStatus | undefined;
    const status = await waitFor(
      `${app.name}: sync of ${sha} after the upgrade`,
      async () => {
        last = await app.status();
        return settledAt(sha)(last) ? last : undefined;
      },
      {
        timeoutMs: 150_000,
        intervalMs: 500,
        abortIf: async () => {
          const failed = await failedTasks();
          return (
            newWorkerFailure ??
            (failed.length > 0 ? `workflow tasks failed:\n${failed.join('\n')}` : undefined)
          );
        },
        describe: () => `last status: ${JSON.stringify({ ...last, resources: undefined }, null, 1)}`,
      },
    );
    mark(`${sha.slice(0, 7)} deployed and Healthy on the current code`);
    const entries = status.history.filter((h) => h.revision === sha);
    assert.deepEqual(
      entries.map((h) => [h.id, h.outcome]),
      [[op.id, 'Succeeded']],
      `one history entry for ${sha}: ${JSON.stringify(status.history)}`,
    );
    const live = await app.deployment();
    assert.equal(live.spec.template.spec.containers[0]?.image, SLOW_APPLY_IMAGE);
    assert.equal(live.status?.readyReplicas, 2);

    const identities = await taskIdentities(child);
    assert.equal(identities[0], `mooring-${previous.folder}`, 'the previous release started the sync');
    assert.ok(
      identities.length >= 2,
      `the current worker completed workflow tasks of the same sync: ${identities.join(', ')}`,
    );
    assert.deepEqual(
      await failedTasks(),
      [],
      'no workflow task failed (a failed task after the swap is a determinism error of the new code)',
    );
    assert.ok(
      eventTypes(await child.fetchHistory()).includes('WorkflowExecutionCompleted'),
      'the sync child completed',
    );
    t.diagnostic(`upgrade from ${previous.folder}: ${phases.join('; ')}`);
  });
});
