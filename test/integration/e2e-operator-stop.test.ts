/**
 * End to end on the real stack: the ways an operator stops things. `mooring app terminate` (a
 * cancel of the running sync) stops the operation where it is, rolls nothing back and marks
 * nothing bad; the Web UI's buttons on `app/<name>` — Request Cancellation, Terminate, Reset —
 * leave an app that answers and that `mooring app apply` (or the next commit) brings back.
 */
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import proto from '@temporalio/proto';
import { applySpec } from '../../client/apply-spec.js';
import { refreshSignal, syncStepQuery, syncUpdate } from '../../contract/messages.js';
import type { AppStatus } from '../../contract/messages.js';
import { applicationWorkflowId } from '../../contract/ids.js';
import { guestbookDeployment, settledAt, startE2e } from '../support/e2e.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';
import { waitFor } from '../support/wait.js';
import { waitQuiescent } from '../support/workflow-history.js';

const WorkflowTaskFailedCause = proto.temporal.api.enums.v1.WorkflowTaskFailedCause;
const NEVER_READY_IMAGE = 'gcr.io/heptio-images/ks-guestbook-demo:0.3';

describe('stopping an operation or an app workflow', () => {
  let env: E2eEnv;
  let app: E2eApp;
  let good: string;

  const appHandle = () => env.client.workflow.getHandle(applicationWorkflowId(app.name));

  async function push(message: string, files: Record<string, string>): Promise<string> {
    const sha = await app.repo.commit(message, files);
    await appHandle().signal(refreshSignal, { reason: 'test push' });
    return sha;
  }

  /** Pushes a commit whose pods never become ready and waits until its sync waits for health. */
  async function pushNeverReady(label: string): Promise<{ sha: string; status: AppStatus }> {
    const sha = await push(`never ready (${label})`, {
      'guestbook/deployment.yaml': await guestbookDeployment({
        image: NEVER_READY_IMAGE,
        simulate: 'never-ready',
        replicas: label.length,
      }),
    });
    const status = await app.waitStatus(
      `the sync of ${sha.slice(0, 7)} to wait for health`,
      (s) => s.operation?.revision === sha,
    );
    const op = status.operation;
    assert.ok(op);
    await waitFor(`${op.workflowId} to wait for health`, async () => {
      const step = await env.client.workflow.getHandle(op.workflowId).query(syncStepQuery);
      return step.startsWith('wait healthy') ? step : undefined;
    });
    return { sha, status };
  }

  /** Workflow tasks that failed, apart from the one a reset fails on purpose to start the new run. */
  async function workflowTaskFailures(): Promise<number> {
    const events = (await appHandle().fetchHistory()).events ?? [];
    return events.filter(
      (e) =>
        e.workflowTaskFailedEventAttributes &&
        e.workflowTaskFailedEventAttributes.cause !==
          WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW,
    ).length;
  }

  before(async () => {
    env = await startE2e('stop');
    app = await env.createApp('gb-stop', { healthTimeout: '5m' });
    good = await app.repo.head();
    await app.waitStatus(`initial sync of ${good}`, settledAt(good));
  });
  after(async () => {
    await env?.close();
  });

  test('terminate stops the operation, leaves the cluster as it is and marks nothing bad', async () => {
    const { sha, status } = await pushNeverReady('term');
    await env.client.workflow.getHandle(status.operation?.workflowId ?? '').cancel();
    const s = await app.waitStatus(
      'the terminated operation to be recorded',
      (x) => x.operation === undefined && x.history.some((h) => h.revision === sha),
    );
    const entry = s.history.find((h) => h.revision === sha);
    assert.equal(entry?.outcome, 'Terminated', JSON.stringify(entry));
    assert.match(entry?.message ?? '', /terminated by an operator during "wait healthy/);
    assert.deepEqual(s.badRevisions, [], 'a terminated commit is not bad');
    assert.equal(s.stoppedRevision, sha);
    assert.equal(s.lastHealthyRevision, good);
    assert.equal(s.history.filter((h) => h.outcome === 'RolledBack').length, 0, 'no rollback');
    const live = await app.deployment();
    assert.equal(
      live.spec.template.spec.containers[0]?.image,
      NEVER_READY_IMAGE,
      'the cluster is left as it was',
    );

    // Auto-sync does not start the stopped revision again.
    await appHandle().signal(refreshSignal, { reason: 'test refresh' });
    await waitQuiescent(env.client, applicationWorkflowId(app.name));
    assert.equal((await app.status()).history.filter((h) => h.revision === sha).length, 1);
  });

  test("the Web UI's Request Cancellation stops the running operation, not the app", async () => {
    const { sha } = await pushNeverReady('cancel');
    await appHandle().cancel();
    const s = await app.waitStatus(
      'the cancelled operation to be recorded',
      (x) => x.operation === undefined && x.history.some((h) => h.revision === sha),
    );
    assert.equal(s.history.find((h) => h.revision === sha)?.outcome, 'Terminated');
    const condition = s.conditions.find((c) => c.type === 'CancelRequested');
    assert.match(condition?.message ?? '', /operation #\d+ was cancelled instead/);
    assert.equal((await appHandle().describe()).status.name, 'RUNNING');
    assert.equal(await workflowTaskFailures(), 0, 'no workflow task failed');

    // The app still takes updates: an operator's sync of a good commit deploys it.
    const fixed = await app.repo.commit('good again', {
      'guestbook/deployment.yaml': await guestbookDeployment({ replicas: 2 }),
    });
    await appHandle().executeUpdate(syncUpdate, { args: [{}] });
    const after = await app.waitStatus(`${fixed.slice(0, 7)} to be Healthy`, settledAt(fixed));
    assert.equal(
      after.conditions.find((c) => c.type === 'CancelRequested'),
      undefined,
    );
  });

  test('after Terminate from the Web UI, `app apply` brings the app back', async () => {
    const head = await app.repo.head();
    await appHandle().terminate('terminated from the Web UI');
    assert.equal(await applySpec(env.client, app.spec, env.taskQueue), 'created');
    const s = await app.waitStatus(`the new run to manage ${head.slice(0, 7)}`, settledAt(head));
    assert.equal(s.history.length, 1, 'a new run starts its history afresh');
  });

  test('after Reset from the Web UI to its first workflow task, the app carries on', async () => {
    const handle = appHandle();
    const { runId } = await handle.describe();
    const events = (await handle.fetchHistory()).events ?? [];
    const firstTask = events.find((e) => e.workflowTaskCompletedEventAttributes);
    assert.ok(firstTask?.eventId);
    const reset = await env.client.workflowService.resetWorkflowExecution({
      namespace: env.client.options.namespace,
      workflowExecution: { workflowId: applicationWorkflowId(app.name), runId },
      workflowTaskFinishEventId: firstTask.eventId,
      requestId: randomUUID(),
      reason: 'reset from the Web UI',
    });
    assert.notEqual(reset.runId, runId);
    const next = await app.repo.commit('after reset', {
      'guestbook/deployment.yaml': await guestbookDeployment({ replicas: 1 }),
    });
    await appHandle().signal(refreshSignal, { reason: 'test push' });
    await app.waitStatus(`${next.slice(0, 7)} to be Healthy after the reset`, settledAt(next));
    assert.equal(await workflowTaskFailures(), 0, 'the reset run replays without a failed workflow task');
  });
});
