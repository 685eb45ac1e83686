/**
 * The production shape's figures, side by side with the dev-server profile in one run (run it
 * through bench/production-profile.sh, which starts both stacks):
 *
 *  - per-sync latency, commit → Synced and Healthy after a `refresh` signal, for the guestbook on
 *    (a) the default profile: Temporal dev server, plaintext, no codec, one combined worker, and
 *    (b) the production profile: Temporal server on PostgreSQL, mutual TLS + JWT authorization,
 *        payload codec, a control-plane worker and an agent, each started as docker-compose.yml
 *        says. Runs alternate between the two so machine noise hits both alike;
 *  - the background document's two-cluster ApplicationSet: `app apply` → Healthy on both clusters;
 *  - catch-up: an agent killed while a commit waits, started again with an empty cache → its
 *    app Synced and Healthy at that commit.
 *
 * Prints one JSON line, then lines for humans.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { readStatus } from '../cli/app-status.js';
import { sdkWorkflowReader } from '../client/sdk-workflow-reader.js';
import { applySpec } from '../client/apply-spec.js';
import { parseApplications } from '../config/index.js';
import { applicationWorkflowId } from '../contract/ids.js';
import { refreshSignal } from '../contract/messages.js';
import { guestbookDeployment } from '../test/support/e2e.js';
import { createTestGitRepo } from '../test/support/git-repo.js';
import type { TestGitRepo } from '../test/support/git-repo.js';
import { projectRoot } from '../test/support/stack.js';
import { waitFor } from '../test/support/wait.js';
import { spawnProcessGroup } from '../test/support/worker-process.js';
import type { ProcessGroup } from '../test/support/worker-process.js';
import type { ClusterName } from '../test/production/support.js';
import {
  CLUSTERS,
  clientAs,
  clusterApplicationSet,
  mooringAs,
  spawnComposeService,
} from '../test/production/support.js';
import { summarize } from './support/stats.js';

const execFileAsync = promisify(execFile);
process.env.MOORING_LOG_LEVEL ??= 'warn';
const { values } = parseArgs({
  options: { runs: { type: 'string', default: '7' }, 'cluster-runs': { type: 'string', default: '3' } },
});
const runs = Math.max(5, Number(values.runs) || 7);
const clusterRuns = Math.max(1, Number(values['cluster-runs']) || 3);

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run bench/production-profile.sh`);
  return value;
}

interface Profile {
  label: string;
  client: Client;
  close: () => Promise<void>;
  processes: ProcessGroup[];
  app: string;
  /** Deletes the app and its objects. */
  remove: () => Promise<unknown>;
}

async function guestbookSpec(name: string, repoURL: string, cluster: string, namespace: string) {
  const text = `apiVersion: mooring.dev/v1
kind: Application
metadata: { name: ${name} }
spec:
  source: { repoURL: ${repoURL}, targetRevision: main, path: guestbook }
  destination: { cluster: ${cluster}, namespace: ${namespace} }
  syncPolicy:
    automated: { prune: true, selfHeal: true }
    syncOptions: [CreateNamespace=true]
  rollback: { automatic: true, healthTimeout: 60s }
`;
  const spec = parseApplications(text, `${name}.yaml`).apps[0];
  if (!spec) throw new Error(`no spec for ${name}`);
  return spec;
}

async function settled(client: Client, app: string, sha: string, what: string): Promise<void> {
  await waitFor(
    what,
    async () => {
      const { status } = await readStatus(sdkWorkflowReader(client), app);
      return status.deployedRevision === sha &&
        status.sync === 'Synced' &&
        status.health === 'Healthy' &&
        !status.operation
        ? true
        : undefined;
    },
    { timeoutMs: 180_000, intervalMs: 25 },
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'mooring-bench-prod-'));
  const suffix = Date.now().toString(36);
  const repo: TestGitRepo = await createTestGitRepo(
    join(projectRoot, 'config/examples/guestbook'),
    'guestbook',
  );
  const profiles: Profile[] = [];
  try {
    // (a) the default profile: one combined worker on the dev server, plaintext.
    const devAddress = required('MOORING_BENCH_DEV_ADDRESS');
    const devQueue = `bench-dev-${suffix}`;
    const devEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KUBECONFIG: required('MOORING_BENCH_DEV_KUBECONFIG'),
      MOORING_POLICY_FILE: join(projectRoot, 'config/examples/policy-local.yaml'),
      MOORING_CACHE: join(dir, 'dev-cache'),
      MOORING_LOG_LEVEL: 'info',
    };
    const devWorker = spawnProcessGroup(
      'dev worker',
      join(projectRoot, 'bin/mooring'),
      [
        '--address',
        devAddress,
        'worker',
        '--task-queue',
        devQueue,
        '--cluster',
        'local',
        '--metrics-port',
        '0',
        '--no-schedules',
      ],
      join(dir, 'dev-worker.log'),
      devEnv,
    );
    const devConnection = await Connection.connect({ address: devAddress });
    const dev: Profile = {
      label: 'default profile (dev server, plaintext, no codec)',
      client: new Client({ connection: devConnection }),
      close: () => devConnection.close(),
      processes: [devWorker],
      app: `bench-dev-${suffix}`,
      remove: () =>
        execFileAsync(
          join(projectRoot, 'bin/mooring'),
          ['--address', devAddress, 'app', 'delete', `bench-dev-${suffix}`, '--cascade', '--wait'],
          { env: devEnv, timeout: 120_000 },
        ),
    };
    profiles.push(dev);
    await applySpec(
      dev.client,
      await guestbookSpec(dev.app, repo.url, 'local', `bench-dev-${suffix}`),
      devQueue,
    );

    // (b) the production profile: compose's control plane and the us-east agent.
    const operator = await clientAs('operator');
    const prod: Profile = {
      label: 'production profile (Temporal server on PostgreSQL, mTLS + JWT, codec, control plane + agent)',
      client: operator.client,
      close: operator.close,
      processes: [
        spawnComposeService('worker', join(dir, 'prod-worker.log')),
        spawnComposeService('agent-us-east', join(dir, 'prod-agent.log'), {
          MOORING_CACHE: join(dir, 'prod-cache'),
        }),
      ],
      app: `bench-prod-${suffix}`,
      remove: () => mooringAs('operator', ['app', 'delete', `bench-prod-${suffix}`, '--cascade', '--wait']),
    };
    profiles.push(prod);
    await Promise.all([...dev.processes, ...prod.processes].map((p) => p.logged('worker started', 90_000)));
    await applySpec(prod.client, await guestbookSpec(prod.app, repo.url, 'us-east', `bench-prod-${suffix}`));

    const head = await repo.head();
    for (const p of profiles) await settled(p.client, p.app, head, `${p.label}: first sync`);

    // Per-sync latency, alternating profiles.
    const samples = new Map<Profile, number[]>(profiles.map((p) => [p, []]));
    for (let i = 0; i < runs; i++) {
      const sha = await repo.commit(`bench ${i}`, {
        'guestbook/deployment.yaml': await guestbookDeployment({ replicas: (i % 2) + 1 }),
      });
      for (const p of i % 2 ? [...profiles].reverse() : profiles) {
        const started = performance.now();
        await p.client.workflow
          .getHandle(applicationWorkflowId(p.app))
          .signal(refreshSignal, { sha, reason: 'bench' });
        await settled(p.client, p.app, sha, `${p.label}: run ${i}`);
        samples.get(p)?.push(performance.now() - started);
      }
    }

    // The two-cluster ApplicationSet and an agent's catch-up.
    const appset = [] as number[];
    const catchUp = [] as number[];
    const agents = new Map<ClusterName, ProcessGroup>([
      ['us-east', prod.processes[1] as ProcessGroup],
      [
        'eu-central',
        spawnComposeService('agent-eu-central', join(dir, 'prod-agent-eu-central.log'), {
          MOORING_CACHE: join(dir, 'cache-eu-central'),
        }),
      ],
    ]);
    await Promise.all([...agents.values()].map((a) => a.logged('worker started', 90_000)));
    for (let r = 0; r < clusterRuns; r++) {
      const name = `bset-${suffix}-${r}`;
      const file = join(dir, `${name}.yaml`);
      await writeFile(
        file,
        clusterApplicationSet({
          name,
          repoURL: repo.url,
          appName: `{{cluster}}-${name}`,
          namespace: `${name}-{{cluster}}`,
        }),
      );
      const sha = await repo.head();
      const started = performance.now();
      const applied = await mooringAs('operator', ['app', 'apply', '-f', file]);
      if (applied.code !== 0) throw new Error(applied.stderr);
      for (const c of CLUSTERS) await settled(prod.client, `${c}-${name}`, sha, `${c}-${name} Healthy`);
      appset.push(performance.now() - started);

      // Catch-up: kill eu-central's agent, commit, sync, start it again with an empty cache.
      const downApp = `eu-central-${name}`;
      await agents.get('eu-central')?.kill('SIGKILL');
      const next = await repo.commit(`catch-up ${r}`, {
        'guestbook/deployment.yaml': await guestbookDeployment({ replicas: r % 2 ? 1 : 2 }),
      });
      await prod.client.workflow
        .getHandle(applicationWorkflowId(downApp))
        .signal(refreshSignal, { sha: next, reason: 'bench' });
      const back = performance.now();
      const agent = spawnComposeService('agent-eu-central', join(dir, `prod-agent-eu-central-${r}.log`), {
        MOORING_CACHE: join(dir, `cache-eu-central-${r}`),
      });
      agents.set('eu-central', agent);
      await settled(prod.client, downApp, next, `${downApp} caught up`);
      catchUp.push(performance.now() - back);
      for (const c of CLUSTERS)
        await mooringAs('operator', ['app', 'delete', `${c}-${name}`, '--cascade', '--wait']);
    }
    prod.processes.push(...[...agents.values()].filter((a) => !prod.processes.includes(a)));

    const result = {
      bench: 'production-profile',
      machine: '2 cores, 24 GiB',
      syncLatency: Object.fromEntries(profiles.map((p) => [p.label, summarize(samples.get(p) ?? [])])),
      extraLatencyMedianMs:
        summarize(samples.get(prod) ?? []).medianMs - summarize(samples.get(dev) ?? []).medianMs,
      applicationSetHealthyEverywhere: summarize(appset),
      agentCatchUp: summarize(catchUp),
    };
    console.log(JSON.stringify(result));
    for (const p of profiles) {
      const s = summarize(samples.get(p) ?? []);
      console.log(
        `${p.label}: commit → Healthy after refresh, median ${s.medianMs} ms (min ${s.minMs}, max ${s.maxMs}, ${s.runs} runs)`,
      );
    }
    console.log(
      `extra latency of TLS + authorization + codec + separate agent: ${result.extraLatencyMedianMs} ms (median difference)`,
    );
    console.log(
      `two-cluster ApplicationSet, app apply → Healthy everywhere: median ${result.applicationSetHealthyEverywhere.medianMs} ms (${clusterRuns} runs)`,
    );
    console.log(
      `agent back (empty cache) → its app caught up: median ${result.agentCatchUp.medianMs} ms (${clusterRuns} runs)`,
    );
  } finally {
    for (const p of profiles) {
      await p.remove().catch(() => undefined);
      await Promise.all(p.processes.map((g) => g.kill('SIGTERM')));
      await p.close();
    }
    await repo.remove();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
