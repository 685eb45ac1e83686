/**
 * A sync caught in the middle of its apply: a commit whose PreSync hook Pod runs for a while (kwok's
 * `mooring.dev/simulate: slow` stage), so a test can kill whatever runs the apply at that moment.
 */
import assert from 'node:assert/strict';
import { stringify } from 'yaml';
import type { WorkflowHandle } from '@temporalio/client';
import { applicationWorkflowId } from '../../contract/ids.js';
import { refreshSignal, syncStepQuery } from '../../contract/messages.js';
import type { OperationState } from '../../contract/messages.js';
import { guestbookDeployment } from './e2e.js';
import type { E2eApp, E2eEnv } from './e2e.js';
import { kubectl } from './stack.js';
import { waitFor } from './wait.js';

/** A PreSync hook Pod that runs for a few seconds (kwok stage scripts/stages/pod-slow-complete.yaml). */
/** The guestbook image of the slow commit. */
export const SLOW_APPLY_IMAGE = 'gcr.io/heptio-images/ks-guestbook-demo:0.3';

export const SLOW_HOOK = stringify({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'guestbook-migrate',
    labels: { 'mooring.dev/simulate': 'slow' },
    annotations: { 'mooring.dev/hook': 'PreSync', 'mooring.dev/hook-delete-policy': 'BeforeHookCreation' },
  },
  spec: {
    restartPolicy: 'Never',
    containers: [{ name: 'migrate', image: 'registry.example/guestbook-migrate:1' }],
  },
});

/**
 * Pushes guestbook 0.3 with the slow hook, asks the app to refresh, and resolves once its sync is
 * applying the PreSync wave with the hook Pod running.
 */
export async function syncStuckInApply(
  env: E2eEnv,
  app: E2eApp,
): Promise<{ sha: string; op: OperationState; child: WorkflowHandle }> {
  const sha = await app.repo.commit('guestbook 0.3 with a migration hook', {
    'guestbook/deployment.yaml': await guestbookDeployment({
      image: 'gcr.io/heptio-images/ks-guestbook-demo:0.3',
    }),
    'guestbook/migrate-hook.yaml': SLOW_HOOK,
  });
  await env.client.workflow
    .getHandle(applicationWorkflowId(app.name))
    .signal(refreshSignal, { reason: 'test push' });
  const op = (await app.waitStatus(`an operation for ${sha}`, (s) => s.operation?.revision === sha))
    .operation;
  assert.ok(op);
  const child = env.client.workflow.getHandle(op.workflowId);
  await waitFor(
    `${op.workflowId} to reach the PreSync apply`,
    async () => {
      const step = await child.query(syncStepQuery);
      return step.startsWith('apply PreSync') ? step : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  await waitFor(
    'the hook Pod to run',
    async () => {
      const phase = await kubectl([
        'get',
        'pod',
        'guestbook-migrate',
        '-n',
        app.namespace,
        '-o',
        'jsonpath={.status.phase}',
      ]);
      return phase === 'Running' ? phase : undefined;
    },
    { timeoutMs: 30_000 },
  );
  return { sha, op, child };
}
