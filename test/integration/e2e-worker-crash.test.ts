/**
 * End to end on the real stack: the worker process is killed with SIGKILL in the middle of an
 * apply (a PreSync hook that takes seconds); a new worker process finishes the same operation,
 * and the app's history holds exactly one entry for it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { settledAt, startE2e } from '../support/e2e.js';
import { syncStuckInApply } from '../support/slow-apply.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';
import { requireStages } from '../support/stack.js';
import { spawnWorker } from '../support/worker-process.js';
import type { WorkerProcess } from '../support/worker-process.js';

/** A PreSync hook Pod that runs for 8 s (kwok stage scripts/stages/pod-slow-complete.yaml). */

describe('worker killed during an apply', () => {
  let env: E2eEnv;
  let app: E2eApp;
  const workers: WorkerProcess[] = [];
  const logFile = (n: number) => join(tmpdir(), `mooring-e2e-${env.suffix}-worker-${n}.log`);
  function startWorker(): void {
    const worker = spawnWorker(env.taskQueue, env.cluster, logFile(workers.length + 1));
    workers.push(worker);
    env.watchWorker(worker);
  }
  before(async () => {
    await requireStages('mooring-pod-slow-complete');
    env = await startE2e('crash', { worker: false });
    startWorker();
    app = await env.createApp('gb-crash');
    const head = await app.repo.head();
    await app.waitStatus(`initial sync of ${head}`, settledAt(head), 120_000);
  });
  after(async () => {
    for (const w of workers) await w.kill('SIGTERM');
    await env?.close();
    for (const [i] of workers.entries()) await rm(logFile(i + 1), { force: true });
  });

  test('a restarted worker completes the same sync, recorded once', async () => {
    const { sha, op, child } = await syncStuckInApply(env, app);

    await workers[0]?.kill('SIGKILL');
    startWorker();

    // The killed attempt is noticed by its heartbeat timeout (30 s), then retried on the new worker.
    const status = await app.waitStatus(`sync of ${sha} after the restart`, settledAt(sha), 150_000);
    const entries = status.history.filter((h) => h.revision === sha);
    assert.equal(entries.length, 1, JSON.stringify(status.history));
    assert.equal(entries[0]?.id, op.id);
    assert.equal(entries[0]?.outcome, 'Succeeded');
    assert.equal(status.history.filter((h) => h.id === op.id).length, 1);

    const events = (await child.fetchHistory()).events ?? [];
    const attempts = events.flatMap((e) => e.activityTaskStartedEventAttributes?.attempt ?? []);
    assert.ok(
      attempts.some((a) => a >= 2),
      `expected a retried activity after the kill, attempts: ${attempts.join(', ')}`,
    );
    const live = await app.deployment();
    assert.equal(live.spec.template.spec.containers[0]?.image, 'gcr.io/heptio-images/ks-guestbook-demo:0.3');
    assert.equal(live.status?.readyReplicas, 2);
  });
});
