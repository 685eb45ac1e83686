/**
 * A bench's long-running process: started with a log file, told why it stopped on its own, and
 * stopped by its own pid (SIGTERM, then SIGKILL after a grace period).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';

export interface Proc {
  name: string;
  pid: number;
  logFile: string;
  /** Why it stopped on its own; undefined while it runs. */
  exitReason(): string | undefined;
  stop(): Promise<void>;
}

const running = new Set<Proc>();

/** Stops every process this module started that still runs (after a failed start, say). */
export async function stopAll(): Promise<void> {
  for (const p of [...running]) await p.stop();
}

export function startProc(
  name: string,
  command: string,
  args: string[],
  options: {
    env?: Record<string, string | undefined>;
    logFile: string;
    cwd?: string;
    /** How long SIGTERM may take before SIGKILL (default 20 s). */
    stopGraceMs?: number;
  },
): Proc {
  const log = createWriteStream(options.logFile);
  const child: ChildProcess = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exit: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exit = `${name} exited (${signal ?? `code ${code}`}); its log: ${options.logFile}`;
      resolve();
    }),
  );
  child.on('error', (err) => {
    exit = `${name} could not start (${command}): ${err.message}`;
  });
  if (child.pid === undefined) throw new Error(`Could not start ${name} (${command} ${args.join(' ')})`);
  const proc: Proc = {
    name,
    pid: child.pid,
    logFile: options.logFile,
    exitReason: () => exit,
    async stop() {
      running.delete(proc);
      if (exit) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), options.stopGraceMs ?? 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
  running.add(proc);
  return proc;
}
