/**
 * `applySpec` (what `mooring app apply` and app-of-apps registration call) when the answer of its
 * update-with-start is lost: the server acted, but the caller saw a timeout, as happens when a busy
 * worker runs the update after the RPC deadline. The call is asked again, a bounded number of
 * times, and the app exists once; other failures are not asked again. Real Temporal and a real
 * worker; the lost answers are injected by a client interceptor around the real call.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, WorkflowNotFoundError, WorkflowUpdateRPCTimeoutOrCancelledError } from '@temporalio/client';
import type { WorkflowClientInterceptor } from '@temporalio/client';
import { applicationWorkflowId } from '../../contract/ids.js';
import { settledAt, startE2e } from '../support/e2e.js';
import type { E2eEnv } from '../support/e2e.js';

/** A client whose update-with-start calls reach the server, and whose first `lose` answers are lost. */
function losingClient(env: E2eEnv, lose: number): { client: Client; calls: () => number } {
  let calls = 0;
  const interceptor: WorkflowClientInterceptor = {
    async startUpdateWithStart(input, next) {
      calls += 1;
      const output = await next(input);
      if (calls <= lose)
        throw new WorkflowUpdateRPCTimeoutOrCancelledError('Timeout or cancellation waiting for update', {
          cause: new Error('injected: the answer was lost after the server acted'),
        });
      return output;
    },
  };
  const client = new Client({ connection: env.client.connection, interceptors: { workflow: [interceptor] } });
  return { client, calls: () => calls };
}

describe('applySpec when an answer is lost', () => {
  let env: E2eEnv;
  const stray: string[] = [];
  before(async () => {
    env = await startE2e('apply-retry');
  });
  after(async () => {
    for (const name of stray)
      await env?.client.workflow
        .getHandle(applicationWorkflowId(name))
        .terminate('test cleanup')
        .catch((err: unknown) => {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        });
    await env?.close();
  });

  test('asks again after a lost answer; the app runs once and deploys', async () => {
    const { client, calls } = losingClient(env, 2);
    const app = await env.createApp('lost-twice', { registerWith: client });
    assert.equal(calls(), 3, 'two lost answers, then one kept');
    const runs = [];
    for await (const run of env.client.workflow.list({
      query: `WorkflowId = '${applicationWorkflowId(app.name)}'`,
    }))
      runs.push(run.runId);
    assert.equal(runs.length, 1, `one run of the app's workflow, got ${runs.join(', ')}`);
    const head = await app.repo.head();
    await app.waitStatus(`first sync of ${head}`, settledAt(head));
  });

  test('gives up after five lost answers with the timeout', async () => {
    const { client, calls } = losingClient(env, Number.POSITIVE_INFINITY);
    stray.push(`lost-always-${env.suffix}`);
    await assert.rejects(
      env.createApp('lost-always', { registerWith: client }),
      WorkflowUpdateRPCTimeoutOrCancelledError,
    );
    assert.equal(calls(), 5);
  });

  test('does not ask again after another failure', async () => {
    let calls = 0;
    const refusing: WorkflowClientInterceptor = {
      startUpdateWithStart() {
        calls += 1;
        return Promise.reject(new Error('injected: permission denied'));
      },
    };
    const client = new Client({ connection: env.client.connection, interceptors: { workflow: [refusing] } });
    await assert.rejects(env.createApp('refused', { registerWith: client }), /permission denied/);
    assert.equal(calls, 1);
  });
});
