/**
 * End to end on the real stack, pull topology: an agent whose cache directory is wiped after a sync
 * (a new pod, a lost disk) carries on. `mooring app diff` and the sync of a new commit render again
 * from the Git SHA and the spec; nothing needs the lost manifests.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DiffWorkflowInput, DiffWorkflowResult } from '../../contract/workflows.js';
import { applicationWorkflowId, diffWorkflowId, WORKFLOW_TYPES } from '../../contract/ids.js';
import { refreshSignal, specQuery } from '../../contract/messages.js';
import { guestbookDeployment, settledAt, startE2e } from '../support/e2e.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';
import { spawnAgent, spawnControlWorker, type AgentProcess } from '../support/agent-process.js';
import type { ProcessGroup } from '../support/worker-process.js';

type DiffWorkflow = (input: DiffWorkflowInput) => Promise<DiffWorkflowResult>;

describe('an agent that lost its cache directory', () => {
  let env: E2eEnv;
  let app: E2eApp;
  let control: ProcessGroup;
  let controlCache: string;
  let agent: AgentProcess;
  const logs: string[] = [];
  const logFile = (name: string) => {
    const file = join(tmpdir(), `mooring-e2e-${env.suffix}-${name}.log`);
    logs.push(file);
    return file;
  };

  before(async () => {
    env = await startE2e('agentcache', { worker: false });
    controlCache = join(tmpdir(), `mooring-e2e-${env.suffix}-control-cache`);
    control = spawnControlWorker(env.taskQueue, env.cluster, logFile('control'), controlCache);
    env.watchWorker(control);
    agent = await spawnAgent(env.taskQueue, env.cluster, logFile('agent'));
    env.watchWorker(agent);
    app = await env.createApp('gb-cache');
    const head = await app.repo.head();
    await app.waitStatus(`initial sync of ${head}`, settledAt(head), 120_000);
  });
  after(async () => {
    await agent?.kill('SIGTERM');
    await control?.kill('SIGTERM');
    await env?.close();
    for (const dir of [controlCache, agent?.cacheDir])
      if (dir) await rm(dir, { recursive: true, force: true });
    for (const file of logs) await rm(file, { force: true });
  });

  test('app diff and the next sync render again after the cache directory is wiped', async () => {
    const stored = async () =>
      (await readdir(join(agent.cacheDir, 'manifests')).catch(() => [])).filter((f) => f.endsWith('.json'));
    assert.ok((await stored()).length > 0, 'the agent stored the rendered manifests of the first sync');
    await rm(agent.cacheDir, { recursive: true, force: true });

    // `mooring app diff`: the same workflow, started as the CLI starts it.
    const spec = await env.client.workflow.getHandle(applicationWorkflowId(app.name)).query(specQuery);
    const diff = await env.client.workflow.execute<DiffWorkflow>(WORKFLOW_TYPES.diff, {
      taskQueue: env.taskQueue,
      workflowId: diffWorkflowId(app.name, Date.now().toString(36)),
      args: [{ spec }],
    });
    assert.equal(diff.summary.create + diff.summary.update + diff.summary.delete, 0, diff.text);
    assert.ok(diff.summary.unchanged > 0);
    assert.ok((await stored()).length > 0, 'the diff rendered the revision again');

    await rm(agent.cacheDir, { recursive: true, force: true });
    const sha = await app.repo.commit('guestbook 0.3', {
      'guestbook/deployment.yaml': await guestbookDeployment({
        image: 'gcr.io/heptio-images/ks-guestbook-demo:0.3',
      }),
    });
    await env.client.workflow
      .getHandle(applicationWorkflowId(app.name))
      .signal(refreshSignal, { reason: 'test push' });
    const status = await app.waitStatus(`sync of ${sha} with an empty cache`, settledAt(sha), 120_000);
    assert.equal(status.history.filter((h) => h.revision === sha).length, 1);
    const live = await app.deployment();
    assert.equal(live.spec.template.spec.containers[0]?.image, 'gcr.io/heptio-images/ks-guestbook-demo:0.3');
  });
});
