/**
 * End to end on the real stack, pull topology: a workflow worker that serves no cluster, and two
 * agent replicas of one cluster sharing its task queue, each with its own cache directory. The
 * agent running an apply (a PreSync hook that takes seconds) is killed with SIGKILL, the other
 * replica's rendered manifests are wiped too: the other replica renders the revision again and
 * finishes the same operation, recorded once in the app's history with the right revision.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { settledAt, startE2e } from '../support/e2e.js';
import { syncStuckInApply } from '../support/slow-apply.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';
import { spawnAgent, spawnControlWorker, type AgentProcess } from '../support/agent-process.js';
import type { ProcessGroup } from '../support/worker-process.js';
import { requireStages } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

/** A PreSync hook Pod that runs for 8 s (kwok stage scripts/stages/pod-slow-complete.yaml). */

describe('two agent replicas of one cluster', () => {
  let env: E2eEnv;
  let app: E2eApp;
  let control: ProcessGroup;
  let controlCache: string;
  const agents: AgentProcess[] = [];
  const logs: string[] = [];
  const logFile = (name: string) => {
    const file = join(tmpdir(), `mooring-e2e-${env.suffix}-${name}.log`);
    logs.push(file);
    return file;
  };

  before(async () => {
    await requireStages('mooring-pod-slow-complete');
    env = await startE2e('replicas', { worker: false });
    controlCache = join(tmpdir(), `mooring-e2e-${env.suffix}-control-cache`);
    control = spawnControlWorker(env.taskQueue, env.cluster, logFile('control'), controlCache);
    env.watchWorker(control);
    for (const name of ['agent-a', 'agent-b']) {
      const agent = await spawnAgent(env.taskQueue, env.cluster, logFile(name));
      agents.push(agent);
      env.watchWorker(agent);
    }
    app = await env.createApp('gb-replicas');
    const head = await app.repo.head();
    await app.waitStatus(`initial sync of ${head}`, settledAt(head), 120_000);
  });
  after(async () => {
    for (const a of agents) await a.kill('SIGTERM');
    await control?.kill('SIGTERM');
    await env?.close();
    for (const dir of [controlCache, ...agents.map((a) => a.cacheDir)])
      if (dir) await rm(dir, { recursive: true, force: true });
    for (const file of logs) await rm(file, { force: true });
  });

  test('killing the replica that applies: the other one renders again and finishes, recorded once', async () => {
    const { sha, op, child } = await syncStuckInApply(env, app);
    // Which replica runs the apply: the pending activity names the worker that took it (`pid@host`).
    const applier = await waitFor(
      'the applyStep activity to be running on an agent',
      async () => {
        const pending = (await child.describe()).raw.pendingActivities ?? [];
        const apply = pending.find((p) => p.activityType?.name === 'applyStep' && p.lastWorkerIdentity);
        return agents.find((a) => apply?.lastWorkerIdentity === `${a.pid}@${hostname()}`);
      },
      { timeoutMs: 20_000, intervalMs: 100 },
    );
    const survivor = agents.find((a) => a !== applier);
    assert.ok(survivor);
    // The survivor lacks the rendered manifests whichever replica rendered them: a new pod's disk.
    await rm(join(survivor.cacheDir, 'manifests'), { recursive: true, force: true });
    await applier.kill('SIGKILL');

    const status = await app.waitStatus(`sync of ${sha} on the other replica`, settledAt(sha), 150_000);
    const entries = status.history.filter((h) => h.revision === sha);
    assert.equal(entries.length, 1, JSON.stringify(status.history));
    assert.equal(entries[0]?.id, op.id);
    assert.equal(entries[0]?.outcome, 'Succeeded');
    assert.equal(status.history.filter((h) => h.id === op.id).length, 1);

    // The survivor's manifests were wiped before the kill: what its store holds now it rendered
    // itself, from the plan's source (same SHA and source, same key), to finish the sync.
    const manifests = (await readdir(join(survivor.cacheDir, 'manifests'))).filter((f) =>
      f.endsWith('.json'),
    );
    assert.ok(manifests.length > 0, 'the survivor stored the manifests it rendered again');

    const live = await app.deployment();
    assert.equal(live.spec.template.spec.containers[0]?.image, 'gcr.io/heptio-images/ks-guestbook-demo:0.3');
    assert.equal(live.status?.readyReplicas, 2);
  });
});
