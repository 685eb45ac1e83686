/**
 * Peers side by side (opt-in, not in CI): Flux, Argo CD and Mooring, one at a time, against the
 * same kwok cluster and the same monorepo served over Git smart HTTP. Per peer, N and setting:
 *
 *  - registration → all apps Synced at the head commit (as the peer reports it), with the
 *    controllers' CPU seconds and peak RSS over that window;
 *  - commit → synced through polling: a push touching app-0000's ConfigMap until the live
 *    ConfigMap shows it;
 *  - commit → synced through a notification (default setting only: it does not depend on polling):
 *    each peer's webhook path or its stand-in, named in the results;
 *  - drift: a hand edit of app-0000's Deployment image until the live image is Git's again;
 *  - idle: CPU (% of one core) and peak RSS for `--idle`.
 *
 * Build the peers first (bench/peers/build.sh), then on a stack of its own (Mooring uses the
 * default task queue `mooring` and cluster `local`):
 *
 *   export MOORING_STATE=/tmp/peers-stack MOORING_TEMPORAL_PORT=17233 MOORING_TEMPORAL_UI_PORT=18233 \
 *     MOORING_TEMPORAL_METRICS_PORT=17234 MOORING_PROMETHEUS_PORT=19091 MOORING_TEST_EXPORTER_PORT=19475 \
 *     MOORING_CLUSTER_NAME=peers
 *   scripts/stack up && eval "$(scripts/stack env)"
 *   npm run bench:peers -- [--peers flux,argocd,mooring] [--apps 1,10,100,1000] [--settings default,tuned]
 *       [--runs 3] [--default-poll-runs 1] [--idle 5m] [--full-max-apps 100] [--drift-timeout 120s]
 *   scripts/stack down --reset
 *
 * Appends each (peer, N, setting) to bench/results/peers-<date>.json and rewrites bench/results/peers.md.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { parseDuration } from '../../config/duration.js';
import { PEERS } from './controllers.js';
import type { Peer, PeerRun, Setting } from './controllers.js';
import {
  applyObjects,
  deleteNamespaces,
  liveGeneration,
  liveImage,
  namespaceObjects,
  patchImage,
} from './kube.js';
import { appName, createPeersRepo, IMAGE, OBJECTS_PER_APP } from './monorepo.js';
import type { PeersRepo } from './monorepo.js';
import { readProc } from '../fleet/proc-sampler.js';
import { stopAll, Window } from './proc.js';
import { record, summarize } from './report.js';
import type { PeerResult, Summary } from './report.js';

const run = promisify(execFile);
const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

const { values } = parseArgs({
  options: {
    peers: { type: 'string', default: 'flux,argocd,mooring' },
    apps: { type: 'string', default: '1,10,100,1000' },
    settings: { type: 'string', default: 'default,tuned' },
    runs: { type: 'string', default: '3' },
    'default-poll-runs': { type: 'string', default: '3' },
    idle: { type: 'string', default: '5m' },
    'idle-large': { type: 'string', default: '2m' },
    'full-max-apps': { type: 'string', default: '100' },
    'drift-timeout': { type: 'string', default: '120s' },
    'register-timeout': { type: 'string', default: '20m' },
  },
});
const peers = values.peers.split(',').map((p) => {
  const peer = PEERS[p.trim()];
  if (!peer) throw new Error(`--peers: unknown peer "${p}"; known: ${Object.keys(PEERS).join(', ')}`);
  return peer;
});
const appCounts = values.apps.split(',').map((n) => {
  const v = Number(n);
  if (!Number.isInteger(v) || v < 1 || v > 9999)
    throw new Error(`--apps: "${n}" is not a whole number from 1 to 9999`);
  return v;
});
const settings = values.settings.split(',').map((s) => {
  if (s !== 'default' && s !== 'tuned') throw new Error(`--settings: "${s}" is neither default nor tuned`);
  return s as Setting;
});
const runs = Math.max(1, Number(values.runs) || 3);
const defaultPollRuns = Math.max(0, Number(values['default-poll-runs']));
const idleMs = parseDuration(values.idle);
const idleLargeMs = parseDuration(values['idle-large']);
const fullMaxApps = Number(values['full-max-apps']);
const driftTimeoutMs = parseDuration(values['drift-timeout']);
const registerTimeoutMs = parseDuration(values['register-timeout']);
for (const v of ['TEMPORAL_ADDRESS', 'KUBECONFIG'])
  if (!process.env[v])
    throw new Error(
      `${v} is not set: start a stack of its own and export its environment (see the header of bench/peers/run.ts)`,
    );
process.env.MOORING_LOG_LEVEL ??= 'warn';
// A client timer that fires after its connection closed must not end the whole run.
process.on('unhandledRejection', (err) => say(`unhandled rejection (ignored): ${String(err)}`));

const say = (line: string) =>
  process.stderr.write(`[peers ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const machine = {
  nproc: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  loadAverageAtStart: loadavg().map((l) => Math.round(l * 10) / 10),
};
const resultsDir = join(ROOT, 'bench/results');
await mkdir(resultsDir, { recursive: true });
let generation = 1;

/** Polls `probe` every `everyMs` until it holds; the elapsed ms, or undefined after the timeout. */
async function timeUntil(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  started: number,
  run: PeerRun,
  everyMs = 50,
): Promise<number | undefined> {
  for (;;) {
    for (const p of run.procs) {
      const r = p.exitReason();
      if (r) throw new Error(r);
    }
    if (await probe().catch(() => false)) return performance.now() - started;
    if (performance.now() - started > timeoutMs) return undefined;
    await sleep(everyMs);
  }
}

async function ensurePodCapacity(pods: number): Promise<void> {
  const { stdout } = await run('kubectl', [
    'get',
    'nodes',
    '-o',
    'jsonpath={range .items[*]}{.status.allocatable.pods}{"\\n"}{end}',
  ]);
  const perNode = stdout.split('\n').filter(Boolean).map(Number);
  const capacity = perNode.reduce((a, b) => a + b, 0);
  if (capacity >= pods + 20) return;
  const nodes = Math.ceil((pods + 20) / (perNode[0] || 110));
  const cluster = process.env.MOORING_KWOK_CLUSTER;
  if (!cluster)
    throw new Error(
      `The nodes hold ${capacity} pods, ${pods + 20} are needed: export the stack's environment (MOORING_KWOK_CLUSTER)`,
    );
  say(`scaling kwok cluster ${cluster} to ${nodes} nodes for ${pods} pods`);
  await run('kwokctl', ['--name', cluster, 'scale', 'node', '--replicas', String(nodes)]);
}

/**
 * Waits until the controllers are quiet (under 15 % of a core over 3 s): a commit to a monorepo
 * may keep a peer busy with every app long after the measured one synced, and the next run or the
 * idle window must not start inside that. A peer that stays busy (a short interval over many apps)
 * is measured busy after a minute. Returns the seconds it waited.
 */
async function quiesce(run: PeerRun, timeoutMs = 60_000): Promise<number> {
  const t0 = Date.now();
  const cpu = () => run.procs.reduce((sum, p) => sum + (readProc(p.pid)?.cpuS ?? 0), 0);
  for (;;) {
    const before = cpu();
    await sleep(3000);
    if ((cpu() - before) / 3 < 0.15 || Date.now() - t0 > timeoutMs)
      return Math.round((Date.now() - t0) / 1000);
  }
}

async function commitRuns(
  peer: Peer,
  run: PeerRun,
  repo: PeersRepo,
  count: number,
  timeoutMs: number,
  notify: boolean,
): Promise<Summary> {
  const samples: number[] = [];
  let timedOut = 0;
  const ns = peer.namespace(0);
  for (let i = 0; i < count; i++) {
    const g = ++generation;
    await quiesce(run);
    // A little random phase, so consecutive runs do not meet the poll at the same point.
    await sleep(Math.random() * 2000);
    const sha = await repo.touch(0, g);
    const t0 = performance.now();
    if (notify) await run.notify(sha);
    const ms = await timeUntil(
      async () => (await liveGeneration(ns, appName(0))) === String(g),
      timeoutMs,
      t0,
      run,
    );
    if (ms === undefined) {
      timedOut++;
      say(`  ${notify ? 'notify' : 'poll'} run ${i + 1}: not synced within ${timeoutMs / 1000} s`);
      break;
    }
    samples.push(ms);
    say(`  ${notify ? 'notify' : 'poll'} run ${i + 1}: ${Math.round(ms)} ms`);
  }
  return summarize(samples, timedOut, timeoutMs / 1000);
}

async function driftRuns(peer: Peer, run: PeerRun, count: number): Promise<Summary> {
  const samples: number[] = [];
  let timedOut = 0;
  const ns = peer.namespace(0);
  for (let i = 0; i < count; i++) {
    await sleep(1000 + Math.random() * 1000);
    const t0 = performance.now();
    await patchImage(ns, appName(0), `registry.example/hand-edit:${i}`);
    const ms = await timeUntil(
      async () => (await liveImage(ns, appName(0))) === IMAGE,
      driftTimeoutMs,
      t0,
      run,
    );
    if (ms === undefined) {
      timedOut++;
      say(`  drift run ${i + 1}: not reverted within ${driftTimeoutMs / 1000} s`);
      // Put Git's image back by hand so the next measurement starts clean.
      await patchImage(ns, appName(0), IMAGE);
      break;
    }
    samples.push(ms);
    say(`  drift run ${i + 1}: ${Math.round(ms)} ms`);
  }
  return summarize(samples, timedOut, driftTimeoutMs / 1000);
}

async function measure(peer: Peer, repo: PeersRepo, setting: Setting): Promise<PeerResult> {
  const apps = repo.apps;
  const result: PeerResult = {
    at: new Date().toISOString(),
    machine,
    peer: peer.name,
    version: peer.version,
    apps,
    objectsPerApp: OBJECTS_PER_APP,
    setting,
    settings: {},
  };
  const unavailable = peer.unavailable();
  if (unavailable) {
    result.error = unavailable;
    return result;
  }
  const namespaces = Array.from({ length: apps }, (_, i) => peer.namespace(i));
  await applyObjects(namespaceObjects(namespaces));
  const work = await mkdtemp(join(tmpdir(), `peers-${peer.name}-${apps}-${setting}-`));
  result.logs = work;
  let started: PeerRun | undefined;
  try {
    say(`${peer.name} N=${apps} ${setting}: starting (logs in ${work})`);
    started = await peer.start({ repo, setting, work, root: ROOT });
    const r = started;
    result.settings = r.settings;
    const head = await repo.head();
    const win = new Window(r.procs);
    const t0 = performance.now();
    await r.register();
    let synced = 0;
    let lastLog = 0;
    const ms = await timeUntil(
      async () => {
        synced = await r.syncedAt(head);
        if (performance.now() - lastLog > 10_000) {
          lastLog = performance.now();
          say(
            `  registration: ${synced}/${apps} synced after ${Math.round((performance.now() - t0) / 1000)} s`,
          );
        }
        return synced >= apps;
      },
      // Small fleets that are not synced in a minute or two will not be: fail early.
      Math.min(registerTimeoutMs, 90_000 + apps * 2000),
      t0,
      r,
      apps > 100 ? 1000 : 200,
    );
    result.registration = {
      allSyncedS: ms === undefined ? null : Math.round(ms / 10) / 100,
      synced,
      window: win.stop(),
    };
    say(
      `  registration → all synced: ${ms === undefined ? `not reached (${synced}/${apps})` : `${Math.round(ms)} ms`}`,
    );
    if (ms === undefined) return result;

    if (apps <= fullMaxApps) {
      // Drift first, while the live objects are the ones registered (a watch lists the apps' manifests).
      await r.prepareDrift?.();
      result.drift = await driftRuns(peer, r, runs);
      const pollCount = setting === 'default' ? defaultPollRuns : runs;
      if (pollCount > 0)
        result.poll = await commitRuns(
          peer,
          r,
          repo,
          pollCount,
          (peer.pollIntervalS(setting) * 2 + 30) * 1000,
          false,
        );
      if (setting === 'default' || !settings.includes('default')) {
        const n = await commitRuns(peer, r, repo, runs, 300_000, true);
        result.notify = { path: r.notifyPath, ...n };
      }
    }
    const idleFor = apps > fullMaxApps ? idleLargeMs : idleMs;
    if (idleFor > 0) {
      say(`  idle for ${idleFor / 1000} s (after ${await quiesce(r)} s to quiesce)`);
      const idle = new Window(r.procs);
      await sleep(idleFor);
      result.idle = idle.stop();
      say(`  idle: ${result.idle.total.cpuPercentOfCore} % of a core, RSS ${result.idle.total.rssPeakMB} MB`);
    }
  } catch (err) {
    result.error = err instanceof Error ? err.message : String(err);
    say(`  FAILED: ${result.error}`);
  } finally {
    if (started) await started.stop().catch((err: unknown) => say(`  stopping ${peer.name}: ${String(err)}`));
    await stopAll();
    say(`  deleting ${namespaces.length} namespaces`);
    await deleteNamespaces(namespaces);
  }
  return result;
}

for (const apps of appCounts) {
  await ensurePodCapacity(apps);
  say(`N=${apps}: creating the monorepo (${apps} apps × ${OBJECTS_PER_APP} objects)`);
  const repo = await createPeersRepo(apps);
  try {
    for (const peer of peers)
      for (const setting of settings) {
        const result = await measure(peer, repo, setting);
        await record(resultsDir, result);
        console.log(JSON.stringify(result));
        if (result.error && peer.unavailable()) break;
      }
  } finally {
    await repo.close();
  }
}
process.exit(0);
