/**
 * A Mooring worker as a separate OS process (`bin/mooring worker`), in its own process group so a
 * test can kill it the hard way, as a crash or an OOM kill would.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot, temporalAddress } from './stack.js';
import { waitFor } from './wait.js';

export interface WorkerProcess {
  pid: number;
  /** Path of the file that receives the worker's stdout and stderr. */
  logFile: string;
  /** Sends `signal` to the whole process group and resolves once the worker process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /**
   * Why the worker exited, with the end of its log, when it exited without `kill`; undefined while
   * it runs or after `kill`. E2e waits watch it (`E2eEnv.watchWorker`) to fail at once.
   */
  exitReason(): string | undefined;
}

/** The last `lines` lines of a log file, or why it cannot be read. */
function logTail(logFile: string, lines = 20): string {
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (err) {
    return `(cannot read ${logFile}: ${(err as Error).message})`;
  }
}

/** A child process in its own process group, killed as a group. */
export interface ProcessGroup {
  pid: number;
  logFile: string;
  /** Signals the group and resolves when the process has exited. */
  kill(signal: NodeJS.Signals): Promise<void>;
  /** Why it exited when nobody asked it to; undefined while it runs or after `kill`. */
  exitReason(): string | undefined;
  /** Resolves with the time `text` first appeared in the log (polled every 100 ms). */
  logged(text: string, timeoutMs?: number): Promise<number>;
}

export function spawnProcessGroup(
  label: string,
  command: string,
  args: string[],
  logFile: string,
  env: NodeJS.ProcessEnv = process.env,
): ProcessGroup {
  const fd = openSync(logFile, 'a');
  const child: ChildProcess = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], env });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`Cannot start ${label}: no process id (see ${logFile})`);
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  let killed = false;
  return {
    pid,
    logFile,
    exitReason() {
      if (killed || (child.exitCode === null && child.signalCode === null)) return undefined;
      const how = child.exitCode !== null ? `with code ${child.exitCode}` : `on ${child.signalCode}`;
      return `${label} (pid ${pid}) exited ${how}; the end of ${logFile}:\n${logTail(logFile)}`;
    },
    async logged(text, timeoutMs = 120_000) {
      return await waitFor(
        `"${text}" in ${logFile}`,
        () => (readFileSync(logFile, 'utf8').includes(text) ? Date.now() : undefined),
        { timeoutMs, intervalMs: 100, abortIf: () => this.exitReason() },
      );
    },
    async kill(signal) {
      killed = true;
      try {
        process.kill(-pid, signal);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      }
      await exited;
    },
  };
}

/**
 * Starts `bin/mooring worker` for one task queue and cluster, without schedules, and without metrics
 * unless `options.metricsPort` is given; `options.env` replaces the environment.
 */
export function spawnWorker(
  taskQueue: string,
  cluster: string,
  logFile: string,
  options: { metricsPort?: number; env?: NodeJS.ProcessEnv } = {},
): ProcessGroup {
  return spawnProcessGroup(
    `bin/mooring worker for ${taskQueue}`,
    join(projectRoot, 'bin/mooring'),
    [
      '--address',
      temporalAddress(),
      'worker',
      '--task-queue',
      taskQueue,
      '--cluster',
      cluster,
      '--metrics-port',
      String(options.metricsPort ?? 0),
      '--no-schedules',
    ],
    logFile,
    options.env,
  );
}
