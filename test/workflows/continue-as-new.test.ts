/**
 * Continue-as-new of the application workflow, on a separate Temporal dev server (the `temporal`
 * binary on PATH, nothing downloaded) whose history threshold is lowered to 40 events so the
 * server suggests it after a couple of operations. The continued run must answer `status` with
 * everything the operator saw before, and a run must never continue while a sync child runs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { refreshSignal } from '../../contract/messages.js';
import { SEARCH_ATTRIBUTE_KEYS } from '../../contract/search-attributes.js';
import { sha } from './harness/stub-activities.js';
import { eventTypes } from './harness/history-json.js';
import type { History } from './harness/history-json.js';
import { startWorkflowEnv } from './harness/workflow-env.js';
import type { WorkflowTestEnv } from './harness/workflow-env.js';
import { waitFor } from '../support/wait.js';

Runtime.install({ logger: new DefaultLogger('WARN') });

const temporalBinary = (process.env.PATH ?? '')
  .split(delimiter)
  .map((dir) => join(dir, 'temporal'))
  .find((p) => existsSync(p));
const CHILD_END = new Set([
  'ChildWorkflowExecutionCompleted',
  'ChildWorkflowExecutionFailed',
  'ChildWorkflowExecutionCanceled',
  'ChildWorkflowExecutionTerminated',
  'ChildWorkflowExecutionTimedOut',
]);

describe(
  'application workflow: continue-as-new',
  { skip: temporalBinary ? false : 'no temporal binary on PATH (eval "$(scripts/stack env)")' },
  () => {
    let server: TestWorkflowEnvironment;
    let env: WorkflowTestEnv;
    before(async () => {
      server = await TestWorkflowEnvironment.createLocal({
        server: {
          executable: { type: 'existing-path', path: temporalBinary ?? 'temporal' },
          extraArgs: ['--dynamic-config-value', 'limit.historyCount.suggestContinueAsNew=40'],
          searchAttributes: Object.values(SEARCH_ATTRIBUTE_KEYS),
        },
      });
      env = await startWorkflowEnv({ nativeConnection: server.nativeConnection, client: server.client });
    });
    after(async () => {
      await env?.close();
      await server?.teardown();
    });

    /** Every run of the app's chain, oldest first, with its history. */
    async function runs(
      workflowId: string,
      firstRunId: string,
    ): Promise<{ runId: string; history: History }[]> {
      const chain: { runId: string; history: History }[] = [];
      for (let runId: string | undefined = firstRunId; runId;) {
        const history = await server.client.workflow.getHandle(workflowId, runId).fetchHistory();
        chain.push({ runId, history });
        runId =
          history.events?.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId ??
          undefined;
      }
      return chain;
    }

    it('keeps history, bad revisions, counters and the deployed revision, and waits for the running child', async () => {
      const [c1, c2, c3] = [sha('can-1'), sha('can-2'), sha('can-3')];
      const spec = env.spec('wf-can');
      env.script.setHead(spec.source.repoURL, c1);
      env.script.health.set(c2, 'Degraded');
      env.script.health.set(c3, 'block');
      const handle = await env.apply(spec);
      const firstRunId = (await handle.describe()).runId;
      await env.waitStatus(spec.name, 'the first sync', (s) => s.history.length === 1 && !s.operation);
      env.script.setHead(spec.source.repoURL, c2);
      await handle.signal(refreshSignal, { sha: c2, reason: 'new commit' });
      await env.waitStatus(spec.name, 'the rollback', (s) => s.history.length === 2 && !s.operation);
      await waitFor('a continue-as-new', async () =>
        (await handle.describe()).runId !== firstRunId ? true : undefined,
      );

      const carried = await env.status(spec.name);
      assert.deepEqual(
        carried.history.map((h) => [h.revision, h.outcome]),
        [
          [c1, 'Succeeded'],
          [c2, 'RolledBack'],
        ],
      );
      assert.deepEqual(carried.badRevisions, [c2]);
      assert.equal(carried.consecutiveFailures, 1);
      assert.equal(carried.deployedRevision, c1);
      assert.equal(carried.lastHealthyRevision, c1);
      assert.equal(carried.headRevision, c2);

      // A long operation: the run grows past the threshold while the child waits, and must not continue.
      env.script.setHead(spec.source.repoURL, c3);
      await handle.signal(refreshSignal, { sha: c3, reason: 'new commit' });
      await env.waitStatus(spec.name, 'the third commit to be running', (s) => s.operation?.revision === c3);
      const busyRun = (await handle.describe()).runId;
      await waitFor('the running workflow to pass 40 events', async () => {
        await handle.signal(refreshSignal, { sha: c3, reason: 'same commit again' });
        return ((await handle.fetchHistory()).events?.length ?? 0) > 44 || undefined;
      });
      assert.equal((await handle.describe()).runId, busyRun, 'no continue-as-new while the sync child runs');
      assert.equal((await env.status(spec.name)).operation?.revision, c3);

      env.script.health.set(c3, 'Healthy');
      await env.waitStatus(spec.name, 'the third commit', (s) => s.deployedRevision === c3 && !s.operation);
      await waitFor('a continue-as-new after the operation', async () =>
        (await handle.describe()).runId !== busyRun ? true : undefined,
      );
      const final = await env.status(spec.name);
      assert.deepEqual(
        final.history.map((h) => h.revision),
        [c1, c2, c3],
      );
      assert.equal(final.consecutiveFailures, 0);

      const chain = await runs(handle.workflowId, firstRunId);
      assert.ok(chain.length >= 3, `expected at least 3 runs, got ${chain.length}`);
      for (const { runId, history } of chain.slice(0, -1)) {
        const types = eventTypes(history);
        assert.equal(types.at(-1), 'WorkflowExecutionContinuedAsNew');
        const started = types.filter((t) => t === 'StartChildWorkflowExecutionInitiated').length;
        const ended = types.filter((t) => CHILD_END.has(t)).length;
        assert.equal(
          ended,
          started,
          `run ${runId} continued as new with ${started - ended} child(ren) running`,
        );
      }
    });
  },
);
