/**
 * The fault matrix's own pieces of the stack, so faults never disturb other tests on the shared
 * one: a Temporal dev server of its own (killed and restarted by the Temporal case), a second
 * kube-apiserver against the shared etcd (stopped by the API server case), worker processes with
 * their own cache directory and kubeconfig, and the results table.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { freePort } from './free-port.js';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { parse, stringify } from 'yaml';
import { SEARCH_ATTRIBUTES } from '../../contract/search-attributes.js';
import { kubeconfigPath, projectRoot } from './stack.js';
import { waitFor } from './wait.js';
import { spawnProcessGroup } from './worker-process.js';
import type { ProcessGroup } from './worker-process.js';

const execFileAsync = promisify(execFile);
const BIN = join(process.env.MOORING_CACHE || join(homedir(), '.cache', 'mooring'), 'bin');

export type FaultProcess = ProcessGroup;

/** A Temporal dev server of the fault matrix, with its sqlite file kept across restarts. */
export interface FaultTemporal {
  address: string;
  /** Starts the server (again) with the same database and ports; resolves when it answers. */
  start(): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultTemporal(dir: string): Promise<FaultTemporal> {
  await mkdir(dir, { recursive: true });
  const [port, httpPort, metricsPort] = [await freePort(), await freePort(), await freePort()];
  const address = `127.0.0.1:${port}`;
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--http-port',
    String(httpPort),
    '--metrics-port',
    String(metricsPort),
    '--headless',
    '--db-filename',
    join(dir, 'temporal.db'),
    '--log-format',
    'json',
    '--log-level',
    'error',
    ...SEARCH_ATTRIBUTES.flatMap((a) => ['--search-attribute', `${a}=Keyword`]),
  ];
  let proc: FaultProcess | undefined;
  const temporal: FaultTemporal = {
    address,
    async start() {
      proc = spawnProcessGroup('temporal dev server', join(BIN, 'temporal'), args, join(dir, 'temporal.log'));
      const started = proc;
      await waitFor(
        `the fault matrix's Temporal on ${address}`,
        async () => {
          const connection = await Connection.connect({ address, connectTimeout: 1000 });
          try {
            await connection.healthService.check({});
            return true;
          } finally {
            await connection.close();
          }
        },
        { timeoutMs: 60_000, intervalMs: 250, abortIf: () => started.exitReason() },
      );
    },
    async kill(signal) {
      await proc?.kill(signal);
    },
    async close() {
      await proc?.kill('SIGTERM');
    },
  };
  await temporal.start();
  return temporal;
}

/** A second kube-apiserver of the shared kwok cluster (same etcd), on a port of its own. */
export interface FaultApiServer {
  /** A kubeconfig for it, with the shared cluster's credentials. */
  kubeconfig: string;
  start(): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
  close(): Promise<void>;
}

interface KwokComponent {
  name: string;
  binary: string;
  args: string[];
}

export async function startFaultApiServer(dir: string): Promise<FaultApiServer> {
  const workdir = process.env.KWOK_WORKDIR;
  const name = process.env.MOORING_KWOK_CLUSTER ?? 'mooring';
  if (!workdir) throw new Error('KWOK_WORKDIR is not set: eval "$(scripts/stack env)" first');
  const kwok = parse(await readFile(join(workdir, 'clusters', name, 'kwok.yaml'), 'utf8')) as {
    components: KwokComponent[];
  };
  const api = kwok.components.find((c) => c.name === 'kube-apiserver');
  if (!api) throw new Error(`No kube-apiserver in ${workdir}/clusters/${name}/kwok.yaml`);
  const port = await freePort();
  const args = api.args.map((a) => (a.startsWith('--secure-port=') ? `--secure-port=${port}` : a));
  const shared = parse(await readFile(kubeconfigPath(), 'utf8')) as {
    clusters: { cluster: { server: string } }[];
  };
  for (const c of shared.clusters) c.cluster.server = `https://127.0.0.1:${port}`;
  const kubeconfig = join(dir, 'apiserver-kubeconfig');
  await writeFile(kubeconfig, stringify(shared));
  let proc: FaultProcess | undefined;
  const server: FaultApiServer = {
    kubeconfig,
    async start() {
      proc = spawnProcessGroup('second kube-apiserver', api.binary, args, join(dir, 'kube-apiserver.log'));
      const started = proc;
      await waitFor(
        `the second kube-apiserver on port ${port}`,
        async () => {
          const { stdout } = await execFileAsync('kubectl', [
            '--kubeconfig',
            kubeconfig,
            'get',
            '--raw',
            '/readyz',
          ]);
          return stdout.trim() === 'ok' ? true : undefined;
        },
        { timeoutMs: 90_000, intervalMs: 500, abortIf: () => started.exitReason() },
      );
    },
    async kill(signal) {
      await proc?.kill(signal);
    },
    async close() {
      await proc?.kill('SIGTERM');
    },
  };
  await server.start();
  return server;
}

export interface FaultWorkerOptions {
  address: string;
  taskQueue: string;
  cluster: string;
  kubeconfig: string;
  /** `$MOORING_CACHE` of the process: its Git mirrors and manifest store. */
  cacheDir: string;
  /** Only the cluster's activities (`--agent`). */
  agent?: boolean;
  logFile: string;
}

/** `bin/mooring worker` (or `--agent`) with its own cache directory and kubeconfig. */
export function spawnFaultWorker(options: FaultWorkerOptions): FaultProcess {
  const args = [
    '--address',
    options.address,
    'worker',
    '--task-queue',
    options.taskQueue,
    '--cluster',
    options.cluster,
    '--kubeconfig',
    options.kubeconfig,
    '--metrics-port',
    '0',
    '--no-schedules',
    ...(options.agent ? ['--agent'] : []),
  ];
  return spawnProcessGroup(
    options.agent ? `agent of ${options.cluster}` : `worker of ${options.taskQueue}`,
    join(projectRoot, 'bin/mooring'),
    args,
    options.logFile,
    { ...process.env, MOORING_CACHE: options.cacheDir, TEMPORAL_ADDRESS: options.address },
  );
}

/** One row of the matrix. */
export interface FaultResult {
  fault: string;
  outcome: string;
  /** From the end of the fault to convergence; undefined when the case has no recovery. */
  recoveryMs?: number;
  /** Time from the end of the fault until the interrupted work ran again, when measured. */
  resumeMs?: number;
  notes?: string;
  passed: boolean;
}

export const RESULTS_FILE = join(projectRoot, 'bench/results/faults.json');

/** Writes the results (bench/results/ is not in Git) and returns the markdown table. */
export async function writeFaultResults(results: FaultResult[]): Promise<string> {
  await mkdir(join(projectRoot, 'bench/results'), { recursive: true });
  await writeFile(RESULTS_FILE, `${JSON.stringify({ at: new Date().toISOString(), results }, null, 2)}\n`);
  const seconds = (ms: number | undefined) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);
  const rows = results.map(
    (r) =>
      `| ${r.fault} | ${r.passed ? 'pass' : 'FAIL'}: ${r.outcome.replace(/\|/g, '\\|').replace(/\n/g, ' ')} | ${seconds(r.recoveryMs)} | ${seconds(r.resumeMs)} | ${(r.notes ?? '').replace(/\|/g, '\\|')} |`,
  );
  return [
    '| fault | outcome | recovery | resumed after | notes |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** A temporary directory for one case. */
export async function caseDir(prefix: string): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `mooring-fault-${prefix}-`));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
