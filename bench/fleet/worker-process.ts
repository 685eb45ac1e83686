/**
 * `mooring worker` as its own process, as a user runs it: the bundled JavaScript of
 * `dist/bin/mooring.js` (built first when a source is newer than the build), started with Node
 * directly so that `--cpu-prof` can be added; stopped with SIGTERM, which lets it shut down and
 * write its profile.
 */
import { shippedWorker } from '../support/build.js';
import { startProc } from '../support/proc.js';
import type { Proc } from '../support/proc.js';

export async function startWorkerProcess(options: {
  root: string;
  metricsPort: number;
  logFile: string;
  cacheDir: string;
  cpuProfDir?: string;
  /** V8's sampling interval in microseconds (Node's default: 1000). */
  cpuProfIntervalUs?: number;
  /** `mooring worker --workflow-cache`; the worker's default when unset. */
  workflowCache?: string;
  /** Where the worker writes a heap snapshot of its main thread when sent SIGUSR2. */
  heapSnapshotDir?: string;
  /** More options for Node and V8 (`--node-arg`), e.g. to compare heap settings. */
  nodeArgs?: readonly string[];
}): Promise<Proc> {
  const worker = shippedWorker(
    options.root,
    [
      '--metrics-port',
      String(options.metricsPort),
      ...(options.workflowCache ? ['--workflow-cache', options.workflowCache] : []),
    ],
    [
      ...(options.nodeArgs ?? []),
      ...(options.heapSnapshotDir
        ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${options.heapSnapshotDir}`]
        : []),
      ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : []),
      ...(options.cpuProfDir && options.cpuProfIntervalUs
        ? [`--cpu-prof-interval=${options.cpuProfIntervalUs}`]
        : []),
    ],
  );
  const proc = startProc('the worker process', worker.command, worker.args, {
    cwd: options.root,
    env: {
      ...worker.env,
      MOORING_CACHE: options.cacheDir,
      MOORING_LOG_LEVEL: process.env.MOORING_LOG_LEVEL ?? 'warn',
    },
    logFile: options.logFile,
    stopGraceMs: 60_000, // time to shut down and write its CPU profile
  });

  const metricsUrl = `http://127.0.0.1:${options.metricsPort}/metrics`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    const exit = proc.exitReason();
    if (exit) throw new Error(exit);
    const up = await fetch(metricsUrl).then(
      (r) => r.ok,
      () => false,
    );
    if (up) break;
    if (Date.now() > deadline)
      throw new Error(`The worker did not serve ${metricsUrl} within 120 s; its log: ${options.logFile}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  return proc;
}
