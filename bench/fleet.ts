/**
 * The fleet on the real local stack (Temporal dev server + kwok): N apps × 10 objects in ONE
 * monorepo (a local bare Git repository, `apps/app-0000` …), served by `mooring worker` as its own
 * process with its schedules (git-poll, drift-scan, autoscale), as in production.
 *
 *  1. registration → all Synced and Healthy: one ApplicationSet with a git directory generator,
 *     applied with `mooring app apply -f` (the fastest path a user has: one CLI process, one
 *     directory listing on the agent, one update-with-start per app); the apps' state is read from
 *     visibility (search attributes, one count per poll), not by querying each app;
 *  2. one push touching one app's path → a git-poll run over all apps: how many apps it refreshed
 *     and how many sync workflows (`app/<name>/op-N`) started after the push (goal: exactly one);
 *  3. pushes announced by a signed webhook (`--webhook-pushes`, 3), each found by `mooring webhook`
 *     against an app listing older than its TTL: from the POST to the app Synced, and Healthy;
 *  4. the fleet's first drift-scan, triggered by hand (unless `--no-idle-after-scan`): the one scan
 *     that dry-runs what registration wrote, so it is reported apart and kept out of the window;
 *  5. steady state, idle for `--idle` (10m): worker CPU (% of one core) and RSS, the Temporal dev
 *     server's CPU and RSS, sampled from /proc/<pid>/stat every 5 s; the scheduled workflows that
 *     ran meanwhile and how long they took; `/metrics` scraped every `--scrape-every` as
 *     Prometheus would.
 *
 * Run it on a stack of its own (it uses the default task queue `mooring`, cluster `local` and the
 * global schedules, and refuses to start when another worker polls that queue):
 *
 *   export MOORING_STATE=/tmp/fleet-stack MOORING_TEMPORAL_PORT=27233 MOORING_TEMPORAL_UI_PORT=28233 \
 *     MOORING_TEMPORAL_METRICS_PORT=27234 MOORING_PROMETHEUS_PORT=29091 MOORING_TEST_EXPORTER_PORT=29475 \
 *     MOORING_CLUSTER_NAME=fleet
 *   scripts/stack up && eval "$(scripts/stack env)"
 *   npm run bench:fleet -- [--apps 1000] [--idle 10m] [--no-idle-after-scan] [--cpu-prof [--cpu-prof-interval µs]]
 *       [--workflow-cache N] [--node-arg=--flag]... [--keep]
 *   scripts/stack down --reset
 *
 * With `--cpu-prof` the worker runs under V8's profiler and each phase's CPU is summarized apart
 * (self time by function and file, the project's functions by inclusive time).
 *
 * Prints one JSON line, then lines for humans; appends the run to bench/results/fleet-<date>.json.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { cpus, homedir, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { applySpec } from '../client/apply-spec.js';
import { applicationsOnQueue, listApplications } from '../client/list-applications.js';
import { sdkWorkflowReader } from '../client/sdk-workflow-reader.js';
import { GENERIC_SIGNATURE_HEADER } from '../client/webhook/server.js';
import { startWebhookService } from '../client/webhook/service.js';
import { signBody } from '../core/webhook/signature.js';
import { loadSpecs } from '../cli/load-specs.js';
import { repoDirectoryLister } from '../cli/repo-directories.js';
import { parseDuration } from '../config/duration.js';
import { MAX_GENERATED_APPS } from '../config/applicationset.js';
import {
  applicationWorkflowId,
  DEFAULT_TASK_QUEUE,
  driftWatchWorkflowId,
  SCHEDULE_IDS,
  WORKFLOW_TYPES,
} from '../contract/ids.js';
import type { GitPollResult } from '../contract/workflows.js';
import { monotonicMicros, summarizeProfiles } from './fleet/cpu-profile.js';
import { summarizeHeapSnapshot } from './fleet/heap-snapshot.js';
import type { HeapSummary } from './fleet/heap-snapshot.js';
import { summarize } from './support/stats.js';
import type { Phase, ProfileSummary } from './fleet/cpu-profile.js';
import { appDir, createMonorepo, OBJECTS_PER_APP } from './fleet/monorepo.js';
import { ProcSampler } from './fleet/proc-sampler.js';
import type { ProcWindow } from './fleet/proc-sampler.js';
import { startWorkerProcess } from './fleet/worker-process.js';
import { ensureBuild } from './support/build.js';
import { wrapperSettings } from '../test/support/wrapper-settings.js';

const run = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const CLUSTER = 'local';
const TASK_QUEUE = DEFAULT_TASK_QUEUE;
const GOALS = { allHealthyS: 240, idleCpuPercent: 5, idleRssMB: 500, syncsAfterOnePush: 1 };

/**
 * Counters, the workflow cache's hits and misses, and the sums of the queue latencies (the time a
 * task waited for the worker: a task that waited past the sticky queue's timeout is replayed from
 * its whole history).
 */
const COUNTER = /_total$|_count$|sticky_cache|schedule_to_start_latency_sum$/;
/** The one label a counter is told apart by; others are summed over. */
const KEPT_LABEL: Readonly<Record<string, string>> = {
  mooring_k8s_request_total: 'verb',
  mooring_git_request_duration_seconds_count: 'op',
};

const { values } = parseArgs({
  options: {
    apps: { type: 'string', default: '1000' },
    idle: { type: 'string', default: '10m' },
    settle: { type: 'string', default: '30s' },
    timeout: { type: 'string', default: '20m' },
    'scrape-every': { type: 'string', default: '15s' },
    'metrics-port': { type: 'string', default: '29464' },
    register: { type: 'string', default: 'parallel' },
    'register-concurrency': { type: 'string', default: '16' },
    'cpu-prof': { type: 'boolean', default: false },
    'heap-snapshot': { type: 'boolean', default: false },
    'cpu-prof-interval': { type: 'string' },
    'idle-after-scan': { type: 'boolean', default: true },
    'webhook-pushes': { type: 'string', default: '3' },
    'workflow-cache': { type: 'string' },
    'node-arg': { type: 'string', multiple: true, default: [] },
    keep: { type: 'boolean', default: false },
  },
});
const apps = Number(values.apps);
if (!Number.isInteger(apps) || apps < 1 || apps > MAX_GENERATED_APPS)
  throw new Error(
    `--apps must be a whole number from 1 to ${MAX_GENERATED_APPS} (one ApplicationSet), got "${values.apps}"`,
  );
const idleMs = parseDuration(values.idle);
const settleMs = parseDuration(values.settle);
const timeoutMs = parseDuration(values.timeout);
/** The worker's memory besides its RSS: the main thread's JavaScript heap (workflow threads not included). */
const MEMORY_GAUGES = {
  heapUsedMB: 'mooring_process_nodejs_heap_size_used_bytes',
  heapTotalMB: 'mooring_process_nodejs_heap_size_total_bytes',
  externalMB: 'mooring_process_nodejs_external_memory_bytes',
} as const;

const scrapeMs = values['scrape-every'] === '0' ? 0 : parseDuration(values['scrape-every']);
const metricsPort = Number(values['metrics-port']);
const registerMode = values.register;
if (registerMode !== 'parallel' && registerMode !== 'cli')
  throw new Error(`--register is "parallel" or "cli", got "${registerMode}"`);
const registerConcurrency = Math.max(1, Number(values['register-concurrency']) || 16);
for (const v of ['TEMPORAL_ADDRESS', 'KUBECONFIG'])
  if (!process.env[v])
    throw new Error(
      `${v} is not set: start a stack and export its environment first: eval "$(scripts/stack env)"`,
    );

const load = () => loadavg().map((l) => Math.round(l * 10) / 10);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => Math.round(ms / 100) / 10;
const say = (line: string) =>
  process.stderr.write(`[fleet ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const iso = (ms: number) => new Date(ms).toISOString();

const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
const client = new Client({ connection });
const count = async (query: string): Promise<number> => (await client.workflow.count(query)).count;

await refuseSharedQueue();

const suffix = randomBytes(2).toString('hex');
const prefix = `f${suffix}`;
const appName = (i: number) => `${prefix}-app-${String(i).padStart(4, '0')}`;
const APPS_QUERY = `WorkflowType = '${WORKFLOW_TYPES.application}' AND ExecutionStatus = 'Running' AND MooringApp STARTS_WITH '${prefix}-'`;
const READY_QUERY = `${APPS_QUERY} AND MooringSyncStatus = 'Synced' AND MooringHealth = 'Healthy'`;

/** Applies that failed and were retried, with their errors. */
const applyFailures: string[] = [];

const work = await mkdtemp(join(tmpdir(), 'mooring-fleet-'));
const resultsDir = join(ROOT, 'bench/results');
const profDir = join(resultsDir, `fleet-prof-${suffix}`);
if (values['cpu-prof'] || values['heap-snapshot']) await mkdir(profDir, { recursive: true });

await ensurePodCapacity(apps);
say(`creating the monorepo: ${apps} apps × ${OBJECTS_PER_APP} objects`);
const t = Date.now();
const repo = await createMonorepo(apps);
const repoMs = Date.now() - t;

say(
  `starting mooring worker (metrics on 127.0.0.1:${metricsPort}${values['cpu-prof'] ? ', --cpu-prof' : ''})`,
);
const workerCode = await ensureBuild(ROOT, say);
const worker = await startWorkerProcess({
  root: ROOT,
  metricsPort,
  logFile: join(work, 'worker.log'),
  cacheDir: join(work, 'cache'),
  cpuProfDir: values['cpu-prof'] ? profDir : undefined,
  cpuProfIntervalUs:
    values['cpu-prof-interval'] === undefined ? undefined : Number(values['cpu-prof-interval']),
  workflowCache: values['workflow-cache'],
  heapSnapshotDir: values['heap-snapshot'] ? profDir : undefined,
  nodeArgs: values['node-arg'],
});
const pids = { worker: worker.pid, ...(await stackPids()) };
const sampler = new ProcSampler(pids);

/** The run's phases for the CPU profile's summary, in the monotonic clock. */
const phases: Phase[] = [];
async function phase<T>(name: string, body: () => Promise<T>): Promise<T> {
  const fromUs = monotonicMicros();
  try {
    return await body();
  } finally {
    phases.push({ name, fromUs, toUs: monotonicMicros() });
  }
}

try {
  const registration = await phase('registration', async () => {
    const r = await register();
    await waitNoSyncRunning();
    return r;
  });
  const push = await phase('one push', pushOneApp);
  const webhook = await phase('webhook pushes', webhookPushes);
  const firstScan = values['idle-after-scan'] ? await phase('first drift-scan', firstDriftScan) : undefined;
  const idle = await phase('idle', idleWindow);
  const heapSnapshot = values['heap-snapshot'] ? await writeHeapSnapshot() : undefined;
  sampler.stop();
  await worker.stop();
  const profiles = values['cpu-prof'] ? await summarizeProfiles(profDir, ROOT, phases) : [];
  await report({ registration, push, webhook, firstScan, idle, profiles, heapSnapshot });
} finally {
  sampler.stop();
  await worker.stop();
  if (!values.keep) await cleanup();
  await connection.close();
}

/** Another worker on the queue would share the fleet's work and its schedules would be changed. */
async function refuseSharedQueue(): Promise<void> {
  const { pollers } = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: TASK_QUEUE, kind: 1 },
    taskQueueType: 1,
  });
  // Pollers stay listed for a while after their worker stopped: only a recent poll counts.
  const recent = (pollers ?? []).filter(
    (p) => Date.now() - Number(p.lastAccessTime?.seconds ?? 0) * 1000 < 20_000,
  );
  if (recent.length)
    throw new Error(
      `A worker already polls task queue "${TASK_QUEUE}" on ${process.env.TEMPORAL_ADDRESS} (${recent.map((p) => p.identity).join(', ')}): run the fleet bench on a stack of its own (see the header of bench/fleet.ts)`,
    );
}

/**
 * Room for one pod per app: a kwok node takes 110 pods, and the stack starts two. Adds fake nodes
 * through kwokctl (the stack's cluster, `MOORING_KWOK_CLUSTER`) when there are too few.
 */
async function ensurePodCapacity(pods: number): Promise<void> {
  const { stdout } = await run('kubectl', [
    'get',
    'nodes',
    '-o',
    'jsonpath={range .items[*]}{.status.allocatable.pods}{"\\n"}{end}',
  ]);
  const perNode = stdout.split('\n').filter(Boolean).map(Number);
  const capacity = perNode.reduce((a, b) => a + b, 0);
  const headroom = pods + 20;
  if (capacity >= headroom) return;
  const cluster = process.env.MOORING_KWOK_CLUSTER;
  const nodes = Math.ceil(headroom / (perNode[0] || 110));
  if (!cluster)
    throw new Error(
      `The cluster's nodes hold ${capacity} pods, the fleet needs ${headroom}: add nodes (kwokctl --name <cluster> scale node --replicas ${nodes}) or export the stack's environment (MOORING_KWOK_CLUSTER)`,
    );
  say(`the nodes hold ${capacity} pods; scaling cluster ${cluster} to ${nodes} fake nodes`);
  await run('kwokctl', ['--name', cluster, 'scale', 'node', '--replicas', String(nodes)]);
}

/** The Temporal dev server's and the kwok cluster's processes, from the stack's pid files. */
async function stackPids(): Promise<Record<string, number>> {
  const state = process.env.MOORING_STATE ?? join(homedir(), '.local/state/mooring');
  const kwok = process.env.KWOK_WORKDIR;
  const cluster = process.env.MOORING_KWOK_CLUSTER ?? 'mooring';
  const files: Record<string, string> = { temporal: join(state, 'temporal.pid') };
  if (kwok) {
    files['kube-apiserver'] = join(kwok, 'clusters', cluster, 'pids/kube-apiserver.pid');
    files.etcd = join(kwok, 'clusters', cluster, 'pids/etcd.pid');
  }
  const out: Record<string, number> = {};
  for (const [name, file] of Object.entries(files)) {
    const pid = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (pid > 0) out[name] = pid;
    else say(`no pid file ${file}: ${name} is not measured`);
  }
  return out;
}

function assertWorker(): void {
  const reason = worker.exitReason();
  if (reason) throw new Error(reason);
}

async function register() {
  const spec = join(work, 'appset.yaml');
  await writeFile(
    spec,
    [
      'apiVersion: argoproj.io/v1alpha1',
      'kind: ApplicationSet',
      `metadata: {name: ${prefix}}`,
      'spec:',
      `  generators: [{git: {repoURL: ${repo.url}, revision: ${repo.branch}, directories: [{path: 'apps/*'}]}}]`,
      '  template:',
      `    metadata: {name: '${prefix}-{{path.basename}}'}`,
      '    spec:',
      `      source: {repoURL: ${repo.url}, targetRevision: ${repo.branch}, path: '{{path}}'}`,
      `      destination: {name: ${CLUSTER}, namespace: '${prefix}-{{path.basename}}'}`,
      '      syncPolicy:',
      '        automated: {prune: true, selfHeal: true}',
      '        syncOptions: [CreateNamespace=true]',
      '',
    ].join('\n'),
  );
  say(
    registerMode === 'cli'
      ? 'registering: mooring app apply -f <ApplicationSet, git directories apps/*> (one app at a time)'
      : `registering: the ApplicationSet's apps through applySpec, ${registerConcurrency} at a time`,
  );
  const t0 = Date.now();
  const countersBefore = await scrape();
  // Progress is polled while the apps are applied too: the first ones sync meanwhile.
  let applyMs: number | undefined;
  let applyError: unknown;
  let created = 0;
  const applying = (registerMode === 'cli' ? applyWithCli(spec) : applyParallel(spec)).then(
    (n) => {
      created = n;
      applyMs = Date.now() - t0;
      say(`applied in ${seconds(applyMs)} s: ${n} created; waiting for all Synced and Healthy`);
    },
    (err: unknown) => {
      applyError = err;
    },
  );

  const milestones: Record<string, number> = {};
  const marks = [1, Math.ceil(apps / 2), Math.ceil(apps * 0.9), apps];
  const progress: { s: number; registered: number; ready: number }[] = [];
  let ready: number;
  let lastLog = -Infinity;
  do {
    assertWorker();
    if (applyError) throw applyError;
    ready = await count(READY_QUERY);
    const at = Date.now() - t0;
    for (const m of marks) if (ready >= m && milestones[m] === undefined) milestones[m] = at;
    if (at - lastLog >= 10_000 || ready === apps) {
      const registered = await count(APPS_QUERY);
      progress.push({ s: seconds(at), registered, ready });
      say(`${seconds(at)} s: ${registered} registered, ${ready} Synced and Healthy`);
      lastLog = at;
    }
    if (ready < apps) await sleep(1000);
  } while (ready < apps && Date.now() - t0 < timeoutMs);
  await applying;
  if (applyError) throw applyError;
  const allMs = milestones[apps];
  return {
    path:
      registerMode === 'cli'
        ? 'ApplicationSet (git directory generator) through `mooring app apply -f` (sequential)'
        : `ApplicationSet (git directory generator): the CLI's loadSpecs + applySpec, ${registerConcurrency} at a time`,
    created,
    applyS: applyMs === undefined ? null : seconds(applyMs),
    allSyncedHealthyS: allMs === undefined ? null : seconds(allMs),
    readyAtEnd: ready,
    applyFailures: { count: applyFailures.length, first: applyFailures.slice(0, 5) },
    firstS: milestones[1] === undefined ? null : seconds(milestones[1]),
    halfS: milestones[marks[1] ?? apps] === undefined ? null : seconds(milestones[marks[1] ?? apps] ?? 0),
    ninetyPercentS:
      milestones[marks[2] ?? apps] === undefined ? null : seconds(milestones[marks[2] ?? apps] ?? 0),
    progress,
    processes: sampler.window(t0),
    loadAverageAtEnd: load(),
    counterDeltas: counterDeltas(countersBefore, await scrape()),
  };
}

/** `mooring app apply -f`: applies the generated apps one after the other. */
async function applyWithCli(spec: string): Promise<number> {
  const applied = await run(
    join(ROOT, 'bin/mooring'),
    ['app', 'apply', '-f', spec, '--task-queue', TASK_QUEUE, '--git-cluster', CLUSTER],
    { cwd: ROOT, maxBuffer: 16 * 2 ** 20, timeout: timeoutMs },
  ).catch((err: unknown) => {
    const e = err as { stderr?: string; message: string };
    throw new Error(
      `mooring app apply of the fleet's ApplicationSet failed: ${e.stderr?.trim() || e.message}`,
    );
  });
  return applied.stdout.split('\n').filter((l) => l.endsWith(' created')).length;
}

/**
 * What `mooring app apply -f` does (the same directory listing on the agent and the same
 * update-with-start per app), with `registerConcurrency` applies in flight instead of one.
 */
async function applyParallel(spec: string): Promise<number> {
  const specs = await loadSpecs(
    spec,
    repoDirectoryLister(client, { taskQueue: TASK_QUEUE, cluster: CLUSTER }),
  );
  let created = 0;
  let next = 0;
  // Applying is idempotent: an apply that failed (an update that timed out while the worker was
  // saturated) is applied again, as a user would run the command again, and counted.
  const applyOne = async (s: (typeof specs)[number]): Promise<void> => {
    for (let attempt = 1; ; attempt++) {
      try {
        if ((await applySpec(client, s, TASK_QUEUE)) === 'created') created++;
        return;
      } catch (err) {
        applyFailures.push(
          `${s.name} (attempt ${attempt}): ${err instanceof Error ? err.message : String(err)}`,
        );
        if (attempt === 3) throw err;
      }
    }
  };
  const lane = async (): Promise<void> => {
    while (next < specs.length) {
      const s = specs[next++];
      if (s) await applyOne(s);
    }
  };
  await Promise.all(Array.from({ length: registerConcurrency }, lane));
  return created;
}

async function waitNoSyncRunning(): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (
    (await count(`WorkflowType = '${WORKFLOW_TYPES.sync}' AND ExecutionStatus = 'Running'`)) > 0 &&
    Date.now() < deadline
  )
    await sleep(1000);
}

async function syncsSince(fromMs: number): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of client.workflow.list({
    query: `WorkflowType = '${WORKFLOW_TYPES.sync}' AND StartTime >= '${iso(fromMs)}'`,
  }))
    ids.push(wf.workflowId);
  return ids.sort();
}

async function pushOneApp() {
  const index = Math.min(7, apps - 1);
  const name = appName(index);
  const tPush = Date.now();
  const sha = await repo.touchApp(index, 2);
  say(
    `pushed ${sha.slice(0, 12)} touching apps/app-${String(index).padStart(4, '0')} only; running git-poll over all apps`,
  );
  const tPoll = Date.now();
  const poll = await client.workflow.execute(WORKFLOW_TYPES.gitPoll, {
    taskQueue: TASK_QUEUE,
    workflowId: `fleet-bench-git-poll-${suffix}`,
    args: [{}],
    workflowExecutionTimeout: '10m',
  });
  const pollResult = poll as GitPollResult;
  const pollMs = Date.now() - tPoll;
  const target = `WorkflowId = '${applicationWorkflowId(name)}' AND MooringRevision = '${sha}' AND MooringSyncStatus = 'Synced' AND MooringHealth = 'Healthy'`;
  let syncedMs: number | undefined;
  while (Date.now() - tPush < 120_000) {
    assertWorker();
    if ((await count(target)) === 1) {
      syncedMs = Date.now() - tPush;
      break;
    }
    await sleep(250);
  }
  say(
    `touched app ${syncedMs === undefined ? 'NOT synced within 120 s' : `Synced and Healthy ${seconds(syncedMs)} s after the push`}; watching ${seconds(settleMs)} s more`,
  );
  await sleep(settleMs);
  const syncs = await syncsSince(tPush);
  return {
    touchedApp: name,
    sha,
    gitPoll: {
      ms: pollMs,
      apps: pollResult.apps,
      due: pollResult.due,
      remoteChecks: pollResult.remoteChecks,
      refreshed: pollResult.refreshed,
      unchanged: pollResult.unchanged?.length,
      errors: pollResult.errors,
    },
    pushToSyncedHealthyS: syncedMs === undefined ? null : seconds(syncedMs),
    watchedS: seconds(Date.now() - tPush),
    syncWorkflowsStarted: syncs.length,
    syncWorkflowIds: syncs.slice(0, 20),
  };
}

/** Scheduled runs of one workflow type started in the window, with their durations. */
async function runsIn(type: string, fromMs: number, toMs: number) {
  const durations: number[] = [];
  let started = 0;
  for await (const wf of client.workflow.list({
    query: `WorkflowType = '${type}' AND StartTime >= '${iso(fromMs)}' AND StartTime < '${iso(toMs)}'`,
  })) {
    started++;
    if (wf.closeTime) durations.push(wf.closeTime.getTime() - wf.startTime.getTime());
  }
  durations.sort((a, b) => a - b);
  const at = (q: number) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))];
  return {
    started,
    closed: durations.length,
    medianMs: durations.length ? at(0.5) : null,
    maxMs: durations.at(-1) ?? null,
  };
}

/** Counters (summed over labels but KEPT_LABEL's) and the memory gauges of one `/metrics` scrape. */
async function scrape(): Promise<Map<string, number>> {
  const text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text());
  const gauges: readonly string[] = Object.values(MEMORY_GAUGES);
  const sums = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+([-+0-9.eE]+|NaN)$/.exec(line);
    if (!m?.[1] || !(COUNTER.test(m[1]) || gauges.includes(m[1]))) continue;
    const label = KEPT_LABEL[m[1]];
    const value = label ? new RegExp(`${label}="([^"]*)"`).exec(m[2] ?? '')?.[1] : undefined;
    const key = value === undefined ? m[1] : `${m[1]}{${label}="${value}"}`;
    sums.set(key, (sums.get(key) ?? 0) + Number(m[3]));
  }
  return sums;
}

/** What the counters of two scrapes grew by (the memory gauges left out). */
function counterDeltas(before: Map<string, number>, after: Map<string, number>): Record<string, number> {
  const deltas: Record<string, number> = {};
  for (const [k, v] of after) {
    const d = v - (before.get(k) ?? 0);
    if (d > 0 && !k.startsWith('mooring_process_')) deltas[k] = Math.round(d);
  }
  return deltas;
}

function memoryAtEnd(scraped: Map<string, number>): Record<keyof typeof MEMORY_GAUGES, number> {
  const mb = (name: string) => Math.round((scraped.get(name) ?? 0) / 2 ** 20);
  return Object.fromEntries(Object.entries(MEMORY_GAUGES).map(([key, name]) => [key, mb(name)])) as Record<
    keyof typeof MEMORY_GAUGES,
    number
  >;
}

/**
 * Pushes announced by a signed webhook (`mooring webhook`'s service, in this process: its CPU is not
 * counted), each touching one app and sent once the webhook's app listing is older than its TTL, as
 * pushes minutes apart find it: from the POST to the app Synced at the new commit, and Healthy. Also
 * times one listing of the fleet, the work a push used to wait for.
 */
async function webhookPushes() {
  const runs = Number(values['webhook-pushes']);
  if (!(runs > 0)) return undefined;
  const secret = randomBytes(32).toString('hex');
  const listTtlMs = 2000;
  const tList = Date.now();
  const listed = await listApplications(sdkWorkflowReader(client), applicationsOnQueue(TASK_QUEUE));
  const listingMs = Date.now() - tList;
  const service = await startWebhookService({
    client,
    taskQueue: TASK_QUEUE,
    port: 0,
    secrets: { generic: [secret] },
    listTtlMs,
  });
  const samples: { app: string; status: number; syncedMs: number | null; healthyMs: number | null }[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const index = Math.min(8 + i, apps - 1);
      const name = appName(index);
      const sha = await repo.touchApp(index, 3 + i);
      await sleep(listTtlMs + 500); // the listing is stale, as for pushes minutes apart
      const body = JSON.stringify({
        repository: repo.url,
        ref: `refs/heads/${repo.branch}`,
        after: sha,
        paths: [`${appDir(index)}/configmap-0.yaml`],
        sender: 'fleet-bench',
      });
      const t0 = Date.now();
      const res = await fetch(`${service.url}/api/webhook`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          [GENERIC_SIGNATURE_HEADER]: signBody(Buffer.from(body), secret),
        },
        body,
      });
      await res.text();
      const app = `WorkflowId = '${applicationWorkflowId(name)}' AND MooringRevision = '${sha}' AND MooringSyncStatus = 'Synced'`;
      let syncedMs: number | null = null;
      let healthyMs: number | null = null;
      while (Date.now() - t0 < 60_000 && healthyMs === null) {
        assertWorker();
        if (syncedMs === null && (await count(app)) === 1) syncedMs = Date.now() - t0;
        if (syncedMs !== null && (await count(`${app} AND MooringHealth = 'Healthy'`)) === 1)
          healthyMs = Date.now() - t0;
        else await sleep(50);
      }
      samples.push({ app: name, status: res.status, syncedMs, healthyMs });
      say(
        `webhook push ${i + 1}/${runs} (${name}): HTTP ${res.status}; Synced ${syncedMs ?? 'never'} ms, Healthy ${healthyMs ?? 'never'} ms`,
      );
    }
  } finally {
    await service.close();
  }
  const ok = (k: 'syncedMs' | 'healthyMs') => samples.map((x) => x[k]).filter((v): v is number => v !== null);
  return {
    listingOfTheFleet: { apps: listed.length, ms: listingMs },
    runs: samples,
    syncedMs: summarize(ok('syncedMs')),
    healthyMs: summarize(ok('healthyMs')),
  };
}

/**
 * The fleet's first drift-scan, started by hand and waited for: it dry-runs each object that
 * changed since its sync (a Deployment's status moves once its pods run), which later scans of an
 * unchanged fleet do not. Without it the idle window would hold this one-off.
 */
async function firstDriftScan() {
  const t0 = Date.now();
  say('first drift-scan: triggering the schedule and waiting for the run to close');
  const before = await scrape();
  await client.schedule.getHandle(SCHEDULE_IDS.driftScan).trigger();
  const scans = `WorkflowType = '${WORKFLOW_TYPES.driftScan}'`;
  const deadline = t0 + 10 * 60_000;
  for (;;) {
    assertWorker();
    const closed = await count(`${scans} AND ExecutionStatus != 'Running' AND CloseTime >= '${iso(t0)}'`);
    if (closed > 0 && (await count(`${scans} AND ExecutionStatus = 'Running'`)) === 0) break;
    if (Date.now() > deadline) throw new Error('the first drift-scan did not close within 10 minutes');
    await sleep(1000);
  }
  const t1 = Date.now();
  const runs = await runsIn(WORKFLOW_TYPES.driftScan, t0 - 60_000, t1);
  say(`first drift-scan closed after ${seconds(t1 - t0)} s`);
  return {
    seconds: seconds(t1 - t0),
    runs,
    processes: sampler.window(t0, t1),
    counterDeltas: counterDeltas(before, await scrape()),
  };
}

/** The worker's main-thread heap after the idle window (`--heapsnapshot-signal`), summarized by constructor. */
async function writeHeapSnapshot() {
  const listed = async () => (await readdir(profDir)).filter((f) => f.endsWith('.heapsnapshot'));
  const before = new Set(await listed());
  say('writing a heap snapshot of the worker (SIGUSR2)');
  process.kill(worker.pid, 'SIGUSR2');
  const deadline = Date.now() + 300_000;
  for (;;) {
    const file = (await listed()).find((f) => !before.has(f));
    // V8 writes the file in one go and renames nothing: done once its size stops growing.
    if (file) {
      const size = async () => (await stat(join(profDir, file))).size;
      const first = await size();
      await sleep(2000);
      if ((await size()) === first && first > 0) return summarizeHeapSnapshot(join(profDir, file));
    }
    if (Date.now() > deadline)
      throw new Error(`the worker wrote no heap snapshot in ${profDir} within 300 s`);
    await sleep(1000);
  }
}

async function idleWindow() {
  say(`steady state: idle for ${seconds(idleMs)} s (sampling /proc every 5 s)`);
  const t0 = Date.now();
  const before = await scrape();
  const scrapeTimes: number[] = [];
  let after = before;
  let lastScrape = Date.now();
  while (Date.now() - t0 < idleMs) {
    assertWorker();
    await sleep(Math.min(1000, idleMs - (Date.now() - t0)));
    if (scrapeMs > 0 && Date.now() - lastScrape >= scrapeMs) {
      const s0 = Date.now();
      after = await scrape();
      scrapeTimes.push(Date.now() - s0);
      lastScrape = Date.now();
    }
    if ((Date.now() - t0) % 60_000 < 1000) say(`idle ${Math.round((Date.now() - t0) / 1000)} s`);
  }
  const t1 = Date.now();
  const processes = sampler.window(t0, t1);
  if (scrapeMs === 0 || scrapeTimes.length === 0) after = await scrape();
  const counters = counterDeltas(before, after);
  const types = [
    WORKFLOW_TYPES.gitPoll,
    WORKFLOW_TYPES.driftScan,
    WORKFLOW_TYPES.autoscale,
    WORKFLOW_TYPES.sync,
    WORKFLOW_TYPES.driftWatch,
  ];
  const workflows: Record<string, Awaited<ReturnType<typeof runsIn>>> = {};
  for (const type of types) workflows[type] = await runsIn(type, t0, t1);
  return {
    seconds: seconds(t1 - t0),
    loadAverageAtEnd: load(),
    processes,
    workerPlusAgent: processes.worker && {
      cpuPercentOfCore: processes.worker.cpuPercentOfCore,
      withChildrenPercentOfCore:
        Math.round((processes.worker.cpuPercentOfCore + processes.worker.childCpuPercentOfCore) * 10) / 10,
      rssMaxMB: processes.worker.rssMaxMB,
      rssLastMB: processes.worker.rssLastMB,
      rssMaxByMinuteMB: processes.worker.rssMaxByMinuteMB,
      mainThreadMemoryAtEnd: memoryAtEnd(after),
    },
    workflowsStarted: workflows,
    metricsScrapes: {
      every: values['scrape-every'],
      count: scrapeTimes.length,
      maxMs: Math.max(0, ...scrapeTimes),
    },
    counterDeltas: counters,
  };
}

async function report(r: {
  registration: Awaited<ReturnType<typeof register>>;
  push: Awaited<ReturnType<typeof pushOneApp>>;
  webhook: Awaited<ReturnType<typeof webhookPushes>>;
  firstScan: Awaited<ReturnType<typeof firstDriftScan>> | undefined;
  idle: Awaited<ReturnType<typeof idleWindow>>;
  profiles: ProfileSummary[];
  heapSnapshot: HeapSummary | undefined;
}): Promise<void> {
  const result = {
    bench: 'fleet',
    at: new Date().toISOString(),
    machine: { cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    apps,
    objectsPerApp: OBJECTS_PER_APP,
    worker: {
      code: workerCode,
      workflowCache: values['workflow-cache'] ?? 'default',
      processSettings: wrapperSettings(ROOT).env,
      nodeArgs: values['node-arg'],
    },
    goals: GOALS,
    repoCreateS: seconds(repoMs),
    registration: r.registration,
    onePush: r.push,
    webhookPushes: r.webhook,
    firstDriftScan: r.firstScan,
    idle: { ...r.idle, after: r.firstScan ? 'the first drift-scan' : 'the one push' },
    cpuProfiles: r.profiles.length
      ? {
          dir: profDir,
          intervalUs: values['cpu-prof-interval'] ?? 'node default (1000)',
          top: r.profiles.slice(0, 3),
        }
      : undefined,
    heapSnapshotAfterIdle: r.heapSnapshot,
  };
  console.log(JSON.stringify(result));
  await mkdir(resultsDir, { recursive: true });
  const file = join(resultsDir, `fleet-${result.at.slice(0, 10)}.json`);
  const earlier = JSON.parse(await readFile(file, 'utf8').catch(() => '[]')) as unknown[];
  await writeFile(file, `${JSON.stringify([...earlier, result], null, 1)}\n`);

  const verdict = (ok: boolean) => (ok ? 'meets' : 'misses');
  const reg = r.registration;
  const w = (p: ProcWindow | undefined) =>
    p
      ? `${p.cpuPercentOfCore} % of a core (peak ${p.cpuPercentPeak} %), RSS max ${p.rssMaxMB} MB`
      : 'not measured';
  const lines = [
    `fleet of ${apps} apps × ${OBJECTS_PER_APP} objects, one monorepo, ${result.machine.cores} cores / ${result.machine.memoryGiB} GiB`,
    `registration (${reg.path}): apply ${reg.applyS} s; all Synced and Healthy ${reg.allSyncedHealthyS ?? `NOT reached (${reg.readyAtEnd}/${apps})`} s (first ${reg.firstS} s, half ${reg.halfS} s, 90 % ${reg.ninetyPercentS} s) — ${verdict(reg.allSyncedHealthyS !== null && reg.allSyncedHealthyS <= GOALS.allHealthyS)} the ${GOALS.allHealthyS} s goal`,
    `  during registration: worker ${w(reg.processes.worker)}; Temporal ${w(reg.processes.temporal)}; kube-apiserver ${w(reg.processes['kube-apiserver'])}`,
    `one push touching ${r.push.touchedApp}: git-poll over ${r.push.gitPoll.apps} apps took ${r.push.gitPoll.ms} ms, refreshed ${r.push.gitPoll.refreshed.length} (${r.push.gitPoll.refreshed.slice(0, 5).join(', ')}), left ${r.push.gitPoll.unchanged ?? 'n/a'} unchanged; Synced and Healthy ${r.push.pushToSyncedHealthyS ?? 'never'} s after the push; ${r.push.syncWorkflowsStarted} sync workflow(s) started in ${r.push.watchedS} s — ${verdict(r.push.syncWorkflowsStarted === GOALS.syncsAfterOnePush)} the goal of ${GOALS.syncsAfterOnePush}`,
    `idle ${r.idle.seconds} s: worker (+agent, one process) ${w(r.idle.processes.worker)}, its git/kustomize children ${r.idle.processes.worker?.childCpuPercentOfCore ?? '?'} %; at the end RSS ${r.idle.workerPlusAgent?.rssLastMB ?? '?'} MB (each minute's largest: ${r.idle.workerPlusAgent?.rssMaxByMinuteMB.join(', ') ?? '?'}), main-thread heap ${r.idle.workerPlusAgent?.mainThreadMemoryAtEnd.heapUsedMB ?? '?'} MB used of ${r.idle.workerPlusAgent?.mainThreadMemoryAtEnd.heapTotalMB ?? '?'} — ${verdict(!!r.idle.workerPlusAgent && r.idle.workerPlusAgent.withChildrenPercentOfCore <= GOALS.idleCpuPercent && r.idle.workerPlusAgent.rssMaxMB <= GOALS.idleRssMB)} the ≤ ${GOALS.idleCpuPercent} % / ≤ ${GOALS.idleRssMB} MB goal`,
    `  Temporal dev server ${w(r.idle.processes.temporal)}; kube-apiserver ${w(r.idle.processes['kube-apiserver'])}; etcd ${w(r.idle.processes.etcd)}`,
    `  scheduled runs: ${Object.entries(r.idle.workflowsStarted)
      .map(
        ([k, v]) =>
          `${k} ${v.started}${v.medianMs !== null ? ` (median ${v.medianMs} ms, max ${v.maxMs} ms)` : ''}`,
      )
      .join('; ')}`,
    ...(r.webhook
      ? [
          `webhook pushes (signed, generic; the app listing stale each time): Synced median ${r.webhook.syncedMs.medianMs} ms (max ${r.webhook.syncedMs.maxMs}), Healthy median ${r.webhook.healthyMs.medianMs} ms (max ${r.webhook.healthyMs.maxMs}) over ${r.webhook.healthyMs.runs} of ${r.webhook.runs.length}; one listing of the fleet (${r.webhook.listingOfTheFleet.apps} apps): ${r.webhook.listingOfTheFleet.ms} ms`,
        ]
      : []),
    ...(r.firstScan
      ? [
          `first drift-scan (before the window): ${r.firstScan.seconds} s; worker ${w(r.firstScan.processes.worker)}; kube-apiserver ${w(r.firstScan.processes['kube-apiserver'])}`,
        ]
      : []),
    ...r.profiles.slice(0, 2).flatMap((p) =>
      p.phases.map(
        (ph) =>
          `cpu profile ${p.file}, ${ph.phase}: ${ph.totalMs} ms on CPU; project functions (inclusive): ${ph.projectInclusive
            .slice(0, 6)
            .map((f) => `${f.name} ${f.percent} %`)
            .join(', ')}; top files (self): ${ph.byFile
            .slice(0, 6)
            .map((f) => `${f.file} ${f.percent} %`)
            .join(', ')}`,
      ),
    ),
  ];
  for (const line of lines) console.log(line);
}

async function cleanup(): Promise<void> {
  say('cleaning up: app workflows, namespaces, repository');
  const ids: string[] = [];
  for await (const wf of client.workflow.list({
    query: `ExecutionStatus = 'Running' AND MooringApp STARTS_WITH '${prefix}-'`,
  }))
    ids.push(wf.workflowId);
  ids.push(driftWatchWorkflowId(CLUSTER, TASK_QUEUE));
  for (let i = 0; i < ids.length; i += 16)
    await Promise.all(
      ids.slice(i, i + 16).map((id) =>
        client.workflow
          .getHandle(id)
          .terminate('fleet bench cleanup')
          .catch((err: unknown) => {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          }),
      ),
    );
  const namespaces = Array.from({ length: apps }, (_, i) => appName(i));
  for (let i = 0; i < namespaces.length; i += 200)
    await run('kubectl', [
      'delete',
      'namespace',
      '--wait=false',
      '--ignore-not-found',
      ...namespaces.slice(i, i + 200),
    ]);
  await repo.remove();
  await rm(work, { recursive: true, force: true });
}
