/**
 * `mooring worker` as its own process (as in production), started with Node directly so that
 * `--cpu-prof` can be added; stopped with SIGTERM, which lets it shut down and write its profile.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';

export interface FleetWorker {
  pid: number;
  /** Why it stopped on its own; undefined while it runs. */
  exitReason(): string | undefined;
  stop(): Promise<void>;
}

export async function startWorkerProcess(options: {
  root: string;
  metricsPort: number;
  logFile: string;
  cacheDir: string;
  cpuProfDir?: string;
}): Promise<FleetWorker> {
  const nodeArgs = [
    '--no-warnings=ExperimentalWarning',
    '--import',
    `file://${join(options.root, 'node_modules/tsx/dist/loader.mjs')}`,
    ...(options.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfDir}`] : []),
    join(options.root, 'cli/main.ts'),
    'worker',
    '--metrics-port',
    String(options.metricsPort),
  ];
  const log = createWriteStream(options.logFile);
  const child: ChildProcess = spawn(process.execPath, nodeArgs, {
    cwd: options.root,
    env: {
      ...process.env,
      MOORING_CACHE: options.cacheDir,
      MOORING_LOG_LEVEL: process.env.MOORING_LOG_LEVEL ?? 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exit = `the worker process exited (${signal ?? `code ${code}`}); its log: ${options.logFile}`;
      resolve();
    }),
  );
  if (child.pid === undefined)
    throw new Error(`Could not start the worker process (node ${nodeArgs.join(' ')})`);

  const metricsUrl = `http://127.0.0.1:${options.metricsPort}/metrics`;
  const deadline = Date.now() + 120_000;
  for (;;) {
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
  return {
    pid: child.pid,
    exitReason: () => exit,
    async stop() {
      if (exit) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
