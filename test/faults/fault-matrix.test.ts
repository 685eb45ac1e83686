/**
 * The fault matrix (issue 9): each case deploys the guestbook example, injects one fault in the
 * middle of a sync of a new revision, and checks that the app converges to the right revision with
 * exactly one history entry for the operation and the Deployment's generation raised once per
 * revision (a duplicate apply of a changed spec would show there); it records the recovery time
 * (from the fault's end to convergence). Results go to bench/results/faults.json (not in Git)
 * and a markdown table is printed at the end.
 *
 * Everything runs on the matrix's own Temporal dev servers (one is killed), a fault proxy per case
 * in front of the shared API server (a second API server for the case that stops one), and a
 * `git://` server per case, so the shared stack other tests use is never disturbed.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { WorkflowNotFoundError } from '@temporalio/client';
import { syncStepQuery } from '../../contract/messages.js';
import type { AppStatus } from '../../contract/messages.js';
import { WORKFLOW_TYPES } from '../../contract/ids.js';
import { guestbookDeployment, settledAt } from '../support/e2e.js';
import { startFaultCase } from '../support/fault-env.js';
import type { FaultCase, FaultCaseOptions } from '../support/fault-env.js';
import { isApply, isDelete, isDryRun, startFaultProxy } from '../support/fault-proxy.js';
import type { FaultProxy } from '../support/fault-proxy.js';
import {
  caseDir,
  RESULTS_FILE,
  startFaultApiServer,
  startFaultTemporal,
  writeFaultResults,
} from '../support/fault-stack.js';
import type { FaultResult, FaultTemporal } from '../support/fault-stack.js';
import { kubeconfigPath, kubectl, requireStages } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

/** After a worker comes back, the interrupted activity must run again within this. */
const RESUME_WITHIN_MS = 15_000;
const IMAGE_03 = 'gcr.io/heptio-images/ks-guestbook-demo:0.3';

const results: FaultResult[] = [];
let temporal: FaultTemporal;
let workDir: { path: string; remove: () => Promise<void> };

/** What one case hands back for its row. */
interface CaseOutcome {
  outcome: string;
  recoveryMs?: number;
  resumeMs?: number;
  notes?: string;
}

/** Runs one case, recording its row whether it passes or fails. */
async function recordCase(fault: string, run: () => Promise<CaseOutcome>): Promise<void> {
  try {
    const r = await run();
    results.push({ fault, ...r, passed: true });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    results.push({ fault, outcome: message.split('\n')[0]!.slice(0, 300), passed: false });
    throw err;
  }
}

/** A case on the matrix's Temporal with a fault proxy in front of the shared API server. */
async function withCase<T>(
  prefix: string,
  run: (c: FaultCase, proxy: FaultProxy) => Promise<T>,
  options: Partial<FaultCaseOptions> & { upstreamKubeconfig?: string } = {},
): Promise<T> {
  const proxy = await startFaultProxy(options.upstreamKubeconfig ?? kubeconfigPath());
  let c: FaultCase | undefined;
  try {
    c = await startFaultCase(prefix, { address: temporal.address, kubeconfig: proxy.kubeconfig, ...options });
    return await run(c, proxy);
  } finally {
    proxy.release();
    await c?.close();
    await proxy.close();
  }
}

/** Waits for the first sync of the app's first commit; returns that status and the Deployment's generation. */
async function initialSync(c: FaultCase): Promise<{ status: AppStatus; generation: number }> {
  const head = await c.repo.head();
  const status = await c.waitStatus(`initial sync of ${head.slice(0, 7)}`, settledAt(head), 150_000);
  return { status, generation: (await c.deployment()).metadata.generation };
}

/** Commits the guestbook Deployment with another image (a spec change: one generation). */
async function commitImage(c: FaultCase, image = IMAGE_03, simulate?: 'crashloop'): Promise<string> {
  return await c.repo.commit(`guestbook ${image}${simulate ? ` (${simulate})` : ''}`, {
    'guestbook/deployment.yaml': await guestbookDeployment({ image, simulate }),
  });
}

/**
 * Waits until `sha` is deployed, in sync and healthy, then checks: one history entry for it,
 * Succeeded; the Deployment's generation raised by `generations` since `generationBefore`.
 */
async function converged(
  c: FaultCase,
  sha: string,
  since: number,
  expect: { generationBefore: number; generations: number; timeoutMs?: number },
): Promise<{ status: AppStatus; recoveryMs: number }> {
  const status = await c.waitStatus(`convergence to ${sha.slice(0, 7)}`, settledAt(sha), expect.timeoutMs);
  const recoveryMs = Date.now() - since;
  const entries = status.history.filter((h) => h.revision === sha);
  assert.equal(entries.length, 1, `one history entry for ${sha}: ${JSON.stringify(status.history)}`);
  assert.equal(entries[0]?.outcome, 'Succeeded', JSON.stringify(entries[0]));
  const ids = status.history.map((h) => h.id);
  assert.equal(
    new Set(ids).size,
    ids.length,
    `no operation recorded twice: ${JSON.stringify(status.history)}`,
  );
  const live = await c.deployment();
  assert.equal(
    live.metadata.generation,
    expect.generationBefore + expect.generations,
    `the Deployment's generation went from ${expect.generationBefore} to ${live.metadata.generation}; ` +
      `expected +${expect.generations} (one per revision that changed it)`,
  );
  return { status, recoveryMs };
}

/** The first request after `since` the proxy forwarded that matches. */
function firstSeenAfter(
  proxy: FaultProxy,
  since: number,
  match: (r: { method: string; url: string }) => boolean,
) {
  return proxy.seen.find((r) => r.at >= since && !r.injected && match(r));
}

/** Attempts of each activity type in a sync child's history, e.g. `{ applyStep: [1, 2] }`. */
async function activityAttempts(c: FaultCase, workflowId: string): Promise<Record<string, number[]>> {
  const events = (await c.client.workflow.getHandle(workflowId).fetchHistory()).events ?? [];
  const typeOf = new Map<string, string>();
  const out: Record<string, number[]> = {};
  for (const e of events) {
    const scheduled = e.activityTaskScheduledEventAttributes;
    if (scheduled) typeOf.set(String(e.eventId), scheduled.activityType?.name ?? '?');
    const started = e.activityTaskStartedEventAttributes;
    if (started) {
      const type = typeOf.get(String(started.scheduledEventId)) ?? '?';
      (out[type] ??= []).push(started.attempt ?? 1);
    }
  }
  return out;
}

/**
 * The sync workflow's current step, or '' while that workflow does not exist yet: the app reports
 * its operation as it starts the sync, so a query can reach the server a moment before it.
 */
async function querySyncStep(c: FaultCase, workflowId: string): Promise<string> {
  try {
    return await c.client.workflow.getHandle(workflowId).query(syncStepQuery);
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return '';
    throw err;
  }
}

/**
 * SIGKILLs the case's worker once `inFlight` holds (the step is where the test wants it), starts a
 * new one, lets the fault go (`release`), and returns when that happened.
 */
async function killWorkerWhen(
  c: FaultCase,
  what: string,
  inFlight: () => Promise<boolean> | boolean,
  release: () => Promise<void> | void,
): Promise<{ restartedAt: number; ready: Promise<number>; step: string }> {
  let step = '';
  await waitFor(
    what,
    async () => {
      const op = (await c.status()).operation;
      if (!op) return undefined;
      // The step is read once the fault holds the work: read before, it may be one step behind.
      if (!(await inFlight())) {
        step = await querySyncStep(c, op.workflowId);
        return undefined;
      }
      step = await querySyncStep(c, op.workflowId);
      return true;
    },
    { timeoutMs: 90_000, intervalMs: 100, describe: () => `last step: ${step}` },
  );
  await c.agent()?.kill('SIGKILL');
  const restartedAt = Date.now();
  const ready = c.startAgent().logged('worker started');
  await release();
  return { restartedAt, ready, step };
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

before(async () => {
  await requireStages('mooring-pod-crashloop');
  workDir = await caseDir('matrix');
  temporal = await startFaultTemporal(join(workDir.path, 'temporal'));
});

after(async () => {
  await temporal?.close();
  await workDir?.remove();
  const table = await writeFaultResults(results);
  console.log(`\nFault matrix (${RESULTS_FILE}):\n\n${table}\n`);
});

describe('fault matrix', { concurrency: 3 }, () => {
  // ---------------------------------------------------------------- worker SIGKILL, five steps
  /**
   * The common part of the five worker kills: the worker is killed while `inFlight` holds, a new
   * one starts, the fault goes (`release`); `resumedAt` finds when the interrupted work ran again.
   * Checks convergence and that the work resumed within RESUME_WITHIN_MS of the new worker
   * polling (its "worker started" log line).
   */
  async function killCase(
    c: FaultCase,
    what: string,
    kill: { inFlight: () => Promise<boolean> | boolean; release: () => Promise<void> | void },
    resumedAt: (restartedAt: number) => number | undefined,
    expect: { sha: string; generationBefore: number; generations: number; step?: RegExp },
  ): Promise<CaseOutcome & { status: AppStatus }> {
    const { restartedAt, ready, step } = await killWorkerWhen(c, what, kill.inFlight, kill.release);
    if (expect.step) assert.match(step, expect.step, `killed at the wrong step: "${step}"`);
    const resumed = waitFor(`${what}: the work to run again`, () => resumedAt(restartedAt), {
      timeoutMs: 240_000,
    });
    resumed.catch(() => undefined);
    const { recoveryMs, status } = await converged(c, expect.sha, restartedAt, {
      generationBefore: expect.generationBefore,
      generations: expect.generations,
      timeoutMs: 240_000,
    });
    const readyAt = await ready;
    const resumeMs = Math.max(0, (await resumed) - readyAt);
    const attempts = await activityAttempts(c, status.lastOperation?.workflowId ?? '');
    assert.ok(
      resumeMs <= RESUME_WITHIN_MS,
      `the interrupted work ran again ${seconds(resumeMs)} after the new worker polled ` +
        `(limit ${seconds(RESUME_WITHIN_MS)}); attempts ${JSON.stringify(attempts)}`,
    );
    return {
      status,
      outcome: `converged; killed at "${step}"; activity attempts ${JSON.stringify(attempts)}`,
      recoveryMs,
      resumeMs,
      notes: `new worker polling ${seconds(readyAt - restartedAt)} after its start`,
    };
  }

  test('worker SIGKILL during render', async () => {
    await recordCase('worker SIGKILL during render', () =>
      withCase('kill-render', async (c) => {
        const { generation } = await initialSync(c);
        await c.git.setMode('hold');
        const sha = await commitImage(c);
        await c.refresh(sha);
        let connectionsAtRestart = Number.POSITIVE_INFINITY;
        return await killCase(
          c,
          'the render fetching from Git (held)',
          {
            inFlight: () => c.git.held() > 0,
            release: async () => {
              connectionsAtRestart = c.git.connections();
              await c.git.setMode('pass');
            },
          },
          () => (c.git.connections() > connectionsAtRestart ? Date.now() : undefined),
          { sha, generationBefore: generation, generations: 1, step: /^render/ },
        );
      }),
    );
  });

  for (const [label, prefix, match] of [
    ['dry run', 'kill-dryrun', isDryRun],
    ['mid-wave apply', 'kill-apply', isApply],
  ] as const) {
    test(`worker SIGKILL during ${label}`, async () => {
      await recordCase(`worker SIGKILL during ${label}`, () =>
        withCase(prefix, async (c, proxy) => {
          const { generation } = await initialSync(c);
          proxy.hold(match);
          const sha = await commitImage(c);
          await c.refresh(sha);
          return await killCase(
            c,
            `a ${label} request in flight`,
            { inFlight: () => proxy.held() > 0, release: () => proxy.release() },
            (since) => firstSeenAfter(proxy, since, match)?.at,
            {
              sha,
              generationBefore: generation,
              generations: 1,
              step: label === 'dry run' ? /dry-run/ : /^apply /, // "render and dry-run" since 0.14.0
            },
          );
        }),
      );
    });
  }

  test('worker SIGKILL during prune', async () => {
    await recordCase('worker SIGKILL during prune', () =>
      withCase('kill-prune', async (c, proxy) => {
        const { generation } = await initialSync(c);
        proxy.hold(isDelete);
        const sha = await c.repo.commit('drop the Service', { 'guestbook/service.yaml': null });
        await c.refresh(sha);
        const result = await killCase(
          c,
          'the prune DELETE in flight',
          { inFlight: () => proxy.held() > 0, release: () => proxy.release() },
          (since) => firstSeenAfter(proxy, since, isDelete)?.at,
          { sha, generationBefore: generation, generations: 0, step: /prune/ },
        );
        const services = await kubectl(['get', 'services', '-n', c.namespace, '-o', 'name']);
        assert.equal(services.trim(), '', `the Service is pruned: ${services}`);
        return result;
      }),
    );
  });

  test('worker SIGKILL during health wait', async () => {
    await recordCase('worker SIGKILL during health wait', () =>
      withCase('kill-health', async (c, proxy) => {
        const { generation } = await initialSync(c);
        // Hold the health wait's reads of the Deployment once the step says it waits (the apply
        // reads it too). minReadySeconds keeps the rollout Progressing for seconds after the Pods
        // are Ready, so the wait is still reading when the step query catches it, however
        // quickly the health wait polls or the machine answers.
        let armed = false;
        let watching = true;
        const isHealthRead = (r: { method: string; url: string }) =>
          armed && r.method === 'GET' && /\/deployments\/guestbook-ui(\?|$)/.test(r.url);
        proxy.hold(isHealthRead);
        const sha = await c.repo.commit('guestbook 0.3, 6 replicas', {
          'guestbook/deployment.yaml': await guestbookDeployment({
            image: IMAGE_03,
            replicas: 6,
            minReadySeconds: 8,
          }),
        });
        await c.refresh(sha);
        const arming = (async () => {
          while (watching && !armed) {
            const op = (await c.status()).operation;
            const step = op ? await querySyncStep(c, op.workflowId) : '';
            armed = step.startsWith('wait healthy');
            if (!armed) await delay(50);
          }
        })();
        try {
          return await killCase(
            c,
            'the health wait reading the Deployment (held)',
            {
              inFlight: () => proxy.held() > 0,
              release: () => {
                armed = false;
                proxy.release();
              },
            },
            (since) =>
              firstSeenAfter(proxy, since, (r) => r.method === 'GET' && r.url.includes('/deployments/'))?.at,
            { sha, generationBefore: generation, generations: 1, step: /^wait healthy/ },
          );
        } finally {
          watching = false;
          await arming;
        }
      }),
    );
  });
  // ---------------------------------------------------------------- Temporal and the API server
  test('Temporal server SIGKILL and restart mid-sync', async () => {
    await recordCase('Temporal server SIGKILL + restart mid-apply', async () => {
      const dir = await caseDir('temporal');
      const own = await startFaultTemporal(join(dir.path, 'temporal'));
      const proxy = await startFaultProxy(kubeconfigPath());
      let c: FaultCase | undefined;
      try {
        c = await startFaultCase('temporal', { address: own.address, kubeconfig: proxy.kubeconfig });
        const { generation } = await initialSync(c);
        proxy.hold(isApply);
        const sha = await commitImage(c);
        await c.refresh(sha);
        await waitFor('an apply in flight', () => (proxy.held() > 0 ? true : undefined), {
          timeoutMs: 90_000,
        });
        await own.kill('SIGKILL');
        await own.start();
        const restartedAt = Date.now();
        proxy.release();
        const { recoveryMs } = await converged(c, sha, restartedAt, {
          generationBefore: generation,
          generations: 1,
          timeoutMs: 180_000,
        });
        return { outcome: 'converged after the server came back', recoveryMs };
      } finally {
        proxy.release();
        await c?.close();
        await proxy.close();
        await own.close();
        await dir.remove();
      }
    });
  });

  test('kube-apiserver stopped mid-apply and restarted', async () => {
    await recordCase('kube-apiserver stopped mid-apply (15 s) and restarted', async () => {
      const dir = await caseDir('apiserver');
      const api = await startFaultApiServer(dir.path);
      try {
        return await withCase(
          'apiserver',
          async (c, proxy) => {
            const { generation } = await initialSync(c);
            proxy.hold(isApply);
            const sha = await commitImage(c);
            await c.refresh(sha);
            await waitFor('an apply in flight', () => (proxy.held() > 0 ? true : undefined), {
              timeoutMs: 90_000,
            });
            await api.kill('SIGTERM');
            proxy.release(); // the held apply meets a stopped server
            const outage = waitFor(
              'the worker to meet the stopped API server',
              () => (proxy.seen.some((r) => r.status === 0) ? true : undefined),
              { timeoutMs: 30_000 },
            );
            await outage;
            const stoppedFor = 15_000; // the outage itself, not a synchronisation
            await delay(stoppedFor);
            await api.start();
            const restartedAt = Date.now();
            const { recoveryMs, status } = await converged(c, sha, restartedAt, {
              generationBefore: generation,
              generations: 1,
            });
            const attempts = await activityAttempts(c, status.lastOperation?.workflowId ?? '');
            return {
              outcome: `converged; attempts ${JSON.stringify(attempts)}`,
              recoveryMs,
              notes: `${proxy.seen.filter((r) => r.status === 0).length} requests met the stopped server`,
            };
          },
          { upstreamKubeconfig: api.kubeconfig },
        );
      } finally {
        await api.close();
        await dir.remove();
      }
    });
  });

  for (const status of [429, 500] as const) {
    test(`the API answering ${status} for a while`, async () => {
      const fault = status === 429 ? '429 + Retry-After: 2 for 10 s' : '500 for the next 25 requests';
      await recordCase(`API answers ${fault}`, () =>
        withCase(`http${status}`, async (c, proxy) => {
          const { generation } = await initialSync(c);
          const sha = await commitImage(c);
          if (status === 429) proxy.failNext({ status, forMs: 10_000, retryAfterSeconds: 2 });
          else proxy.failNext({ status, requests: 25 });
          await c.refresh(sha);
          const endedAt = await proxy.failureOver();
          const { recoveryMs, status: s } = await converged(c, sha, endedAt, {
            generationBefore: generation,
            generations: 1,
          });
          const attempts = await activityAttempts(c, s.lastOperation?.workflowId ?? '');
          const injected = proxy.seen.filter((r) => r.injected).length;
          return {
            outcome: `converged; activity attempts ${JSON.stringify(attempts)}`,
            recoveryMs,
            notes: `${injected} answers injected`,
          };
        }),
      );
    });
  }

  // ---------------------------------------------------------------- Git
  test('Git unreachable during a sync', async () => {
    await recordCase('Git unreachable for 30 s during a sync (render)', () =>
      withCase('git-sync', async (c) => {
        const { generation } = await initialSync(c);
        await c.git.setMode('refuse');
        const sha = await commitImage(c);
        await c.refresh(sha);
        await c.waitStep('render', (s) => s.startsWith('render'));
        const outageMs = 30_000; // the outage itself, not a synchronisation
        await delay(outageMs);
        const during = await c.status();
        await c.git.setMode('pass');
        const backAt = Date.now();
        if (during.badRevisions.includes(sha))
          throw new Error(
            `a ${seconds(outageMs)} Git outage failed the sync and marked ${sha.slice(0, 7)} bad, so it is not ` +
              `deployed when Git is back (until a newer commit): last operation ${during.lastOperation?.phase} ` +
              `"${during.lastOperation?.message ?? ''}"`,
          );
        const { recoveryMs } = await converged(c, sha, backAt, {
          generationBefore: generation,
          generations: 1,
        });
        return {
          outcome: `converged; during the outage: operation ${during.operation?.phase ?? 'none'}, last ${during.lastOperation?.phase ?? 'none'}`,
          recoveryMs,
        };
      }),
    );
  });

  test('Git unreachable during git-poll', async () => {
    await recordCase('Git unreachable during git-poll', () =>
      withCase('git-poll', async (c) => {
        const { generation } = await initialSync(c);
        await c.git.setMode('refuse');
        const sha = await commitImage(c);
        const poll = (n: number) =>
          c.client.workflow.execute(WORKFLOW_TYPES.gitPoll, {
            taskQueue: c.taskQueue,
            workflowId: `git-poll-${c.name}-${n}`,
            args: [],
            workflowExecutionTimeout: '2m',
          });
        const pollStarted = Date.now();
        const failed = (await poll(1)) as { refreshed?: string[]; errors?: string[] };
        const pollMs = Date.now() - pollStarted;
        const during = await c.status();
        assert.notEqual(during.deployedRevision, sha, 'nothing deployed while Git was unreachable');
        assert.ok(pollMs < 60_000, `git-poll returned after ${seconds(pollMs)}`);
        await c.git.setMode('pass');
        const backAt = Date.now();
        const ok = (await poll(2)) as { refreshed?: string[] };
        assert.ok(ok.refreshed?.includes(c.name), `the second poll refreshed the app: ${JSON.stringify(ok)}`);
        const { recoveryMs } = await converged(c, sha, backAt, {
          generationBefore: generation,
          generations: 1,
        });
        return {
          outcome: `converged; the poll during the outage returned in ${seconds(pollMs)} with ${failed.errors?.length ?? 0} errors`,
          recoveryMs,
          notes:
            'recovery counts from Git back to convergence, with the next poll started at once (the schedule runs every 1 m)',
        };
      }),
    );
  });

  // ---------------------------------------------------------------- the agent gone
  test('the agent gone for 2 minutes', async () => {
    await recordCase('agent (cluster-queue worker) gone for 2 min', () =>
      withCase(
        'agent',
        async (c) => {
          const { generation } = await initialSync(c);
          await c.agent()?.kill('SIGTERM');
          const stoppedAt = Date.now();
          const sha = await commitImage(c);
          await c.refresh(sha);
          const expected = `waiting for the agent of cluster "${c.cluster}"`;
          let step = '';
          await waitFor(
            'the sync step to name the missing agent',
            async () => {
              const op = (await c.status()).operation;
              if (!op) return undefined;
              step = await querySyncStep(c, op.workflowId);
              return step.includes(expected) ? true : undefined;
            },
            { timeoutMs: 75_000, describe: () => `last step: ${step}` },
          );
          const namedAfterMs = Date.now() - stoppedAt;
          // The app's status must name the agent too; checked, then the catch-up is checked anyway.
          let statusText = '';
          const statusNamesAgent = await waitFor(
            'the app status to name the missing agent',
            async () => {
              const status = await c.status();
              statusText = JSON.stringify({ ...status, resources: undefined });
              const condition = status.conditions.find((x) => x.type === 'AgentUnavailable');
              return condition?.message.includes(expected) ? true : undefined;
            },
            { timeoutMs: 30_000, describe: () => `last status: ${statusText}` },
          ).then(
            () => undefined,
            (err: unknown) =>
              `statusQuery never named the missing agent while the sync step did (${seconds(namedAfterMs)} after ` +
              `the agent stopped): ${(err as Error).message.slice(0, 1500)}`,
          );
          const goneMs = 120_000; // the outage itself, not a synchronisation
          await delay(Math.max(0, stoppedAt + goneMs - Date.now()));
          const queryStarted = Date.now();
          await c.status();
          const queryMs = Date.now() - queryStarted;
          c.startAgent();
          const backAt = Date.now();
          const { recoveryMs } = await converged(c, sha, backAt, {
            generationBefore: generation,
            generations: 1,
          });
          const outcome =
            `sync step named the agent after ${seconds(namedAfterMs)}; status query answered in ${queryMs} ms ` +
            `while it was gone; converged after it came back in ${seconds(recoveryMs)}`;
          if (statusNamesAgent) throw new Error(`${statusNamesAgent}\n(otherwise: ${outcome})`);
          return { outcome, recoveryMs };
        },
        { split: true },
      ),
    );
  });

  // ---------------------------------------------------------------- manifests and rollbacks
  test('the manifest cache wiped mid-sync', async () => {
    await recordCase('manifest cache wiped mid-sync', () =>
      withCase('wipe', async (c, proxy) => {
        const { generation } = await initialSync(c);
        proxy.hold(isApply);
        const sha = await commitImage(c);
        await c.refresh(sha);
        await waitFor('an apply in flight', () => (proxy.held() > 0 ? true : undefined), {
          timeoutMs: 90_000,
        });
        await rm(join(c.cacheDir, 'manifests'), { recursive: true, force: true });
        const wipedAt = Date.now();
        proxy.release();
        const { recoveryMs, status } = await converged(c, sha, wipedAt, {
          generationBefore: generation,
          generations: 1,
        });
        const attempts = await activityAttempts(c, status.lastOperation?.workflowId ?? '');
        // The step that found its manifests gone rendered them again itself, from the plan's source.
        const rendered = (await readdir(join(c.cacheDir, 'manifests')).catch(() => [])).filter((f) =>
          f.endsWith('.json'),
        );
        assert.ok(
          rendered.length > 0,
          `the revision is rendered again after the wipe: ${JSON.stringify(attempts)}`,
        );
        return {
          outcome: `Succeeded, no rollback; the agent rendered again within the step; activities ${JSON.stringify(attempts)}`,
          recoveryMs,
        };
      }),
    );
  });

  test('a rollback target that also fails', async () => {
    await recordCase('rollback target also fails (its apply forbidden)', () =>
      withCase(
        'rb-fail',
        async (c, proxy) => {
          const { status: first } = await initialSync(c);
          const good = first.deployedRevision ?? '';
          const goodImage = (await c.deployment()).spec.template.spec.containers[0]?.image ?? '';
          assert.ok(goodImage, 'the first revision names an image');
          // Only the rollback applies the first image again. Armed from before the bad revision: a
          // crash loop is found and rolled back within a second, quicker than this test's status
          // polls, and a failure armed when the poll saw the health wait came too late.
          proxy.failNext({
            status: 403,
            match: (r) => isApply(r) && r.url.includes('/deployments/') && (r.body ?? '').includes(goodImage),
            forMs: 600_000,
          });
          const armedAt = Date.now();
          const bad = await commitImage(c, IMAGE_03, 'crashloop');
          await c.refresh(bad);
          const failed = await c.waitStatus(
            `the operation for ${bad.slice(0, 7)} to end`,
            (s) => s.operation === undefined && s.lastOperation?.revision === bad,
          );
          const endedAt = Date.now();
          const entries = failed.history.filter((h) => h.revision === bad);
          assert.equal(entries.length, 1, JSON.stringify(failed.history));
          assert.equal(entries[0]?.outcome, 'Failed', JSON.stringify(entries[0]));
          const forbidden = proxy.seen.filter((r) => r.injected).length;
          // No loop: nothing else starts. Watching for a while is the check itself.
          await delay(20_000);
          const later = await c.status();
          assert.equal(later.operation, undefined, `no new operation: ${JSON.stringify(later.operation)}`);
          assert.equal(later.history.length, failed.history.length, JSON.stringify(later.history));
          assert.equal(proxy.seen.filter((r) => r.injected).length, forbidden, 'no further apply attempts');
          assert.ok(later.badRevisions.includes(bad), `${bad} is marked bad`);
          const attempts = await activityAttempts(c, failed.lastOperation?.workflowId ?? '');
          assert.deepEqual(
            attempts.applyStep,
            [1, 1],
            `one apply of the bad revision and one of the rollback, no retry: ${JSON.stringify(attempts)}`,
          );
          assert.match(entries[0]?.message ?? '', /rollback/i, 'the history entry says the rollback failed');
          return {
            outcome: `Failed once (${entries[0]?.message?.slice(0, 200) ?? ''}); no further operation in 20 s; applies ${JSON.stringify(attempts.applyStep)}`,
            notes: `${forbidden} applies answered 403; good revision ${good.slice(0, 7)} not restored (by design of the case); Failed ${seconds(endedAt - armedAt)} after the bad commit was pushed`,
          };
        },
        { healthTimeout: '30s' },
      ),
    );
  });

  test('a newer commit arriving during a rollback', async () => {
    await recordCase('newer commit during a rollback', () =>
      withCase('rb-newer', async (c, proxy) => {
        const { generation } = await initialSync(c);
        const goodImage = (await c.deployment()).spec.template.spec.containers[0]?.image ?? '';
        assert.ok(goodImage, 'the first revision names an image');
        // Only the rollback applies the first image again. Held from before the bad revision, so
        // a rollback quicker than this test's status polls is held too.
        proxy.hold(
          (r) => isApply(r) && r.url.includes('/deployments/') && (r.body ?? '').includes(goodImage),
        );
        const bad = await commitImage(c, IMAGE_03, 'crashloop');
        await c.refresh(bad);
        await c.waitStep('the rollback', (s) => s.includes('(rollback to'));
        await waitFor('the rollback apply in flight', () => (proxy.held() > 0 ? true : undefined), {
          timeoutMs: 60_000,
        });
        const newer = await commitImage(c, 'gcr.io/heptio-images/ks-guestbook-demo:0.4');
        await c.refresh(newer);
        const committedAt = Date.now();
        proxy.release();
        const { recoveryMs, status } = await converged(c, newer, committedAt, {
          generationBefore: generation,
          generations: 3, // the bad revision, the rollback to the first, the newer commit
          timeoutMs: 180_000,
        });
        const badEntries = status.history.filter((h) => h.revision === bad);
        assert.equal(badEntries.length, 1, JSON.stringify(status.history));
        assert.equal(badEntries[0]?.outcome, 'RolledBack', JSON.stringify(badEntries[0]));
        assert.equal(
          (await c.deployment()).spec.template.spec.containers[0]?.image,
          'gcr.io/heptio-images/ks-guestbook-demo:0.4',
        );
        return {
          outcome: 'RolledBack, then the newer commit deployed',
          recoveryMs,
          notes: 'recovery from the newer commit',
        };
      }),
    );
  });
});
