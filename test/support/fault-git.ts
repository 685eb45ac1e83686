/**
 * A Git server the fault matrix can take away: `git daemon` serving one directory of bare
 * repositories, behind a TCP front on a port of the test's own. The front passes connections
 * through, holds them (a fetch hangs in flight until `pass`), or refuses them (the port is closed
 * and open connections are cut, as when the Git host is unreachable).
 */
import { freePort } from './free-port.js';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import type { Server, Socket } from 'node:net';
import { waitFor } from './wait.js';

export type GitMode = 'pass' | 'hold' | 'refuse';

export interface FaultGitServer {
  /** `git://127.0.0.1:<port>/` + a repository's path under the served directory. */
  urlOf(repoDir: string): string;
  mode(): GitMode;
  setMode(mode: GitMode): Promise<void>;
  /** Connections accepted so far (each fetch or ls-remote opens one). */
  connections(): number;
  /** Connections waiting in `hold` mode right now. */
  held(): number;
  close(): Promise<void>;
}

/** Serves the bare repositories under `baseDir` (their paths are relative to it in URLs). */
export async function startFaultGit(baseDir: string): Promise<FaultGitServer> {
  const daemonPort = await freePort();
  const daemon: ChildProcess = spawn(
    'git',
    [
      'daemon',
      '--reuseaddr',
      '--export-all',
      '--listen=127.0.0.1',
      `--port=${daemonPort}`,
      `--base-path=${baseDir}`,
      baseDir,
    ],
    { stdio: 'ignore' },
  );
  await waitFor(
    `git daemon on port ${daemonPort}`,
    () =>
      new Promise<true | undefined>((resolve) => {
        const s = createConnection({ host: '127.0.0.1', port: daemonPort }, () => {
          s.destroy();
          resolve(true);
        });
        s.on('error', () => resolve(undefined));
      }),
    { timeoutMs: 10_000, intervalMs: 100 },
  );

  let mode: GitMode = 'pass';
  let accepted = 0;
  const open = new Set<Socket>();
  let held: Socket[] = [];

  function forward(client: Socket): void {
    const upstream = createConnection({ host: '127.0.0.1', port: daemonPort });
    open.add(upstream);
    client.pipe(upstream).pipe(client);
    const end = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  }

  function onConnection(client: Socket): void {
    accepted += 1;
    open.add(client);
    if (mode === 'hold') {
      client.pause();
      held.push(client);
      client.on('close', () => {
        held = held.filter((s) => s !== client);
        open.delete(client);
      });
      return;
    }
    forward(client);
  }

  const port = await freePort();
  let server: Server | undefined;
  async function listen(): Promise<void> {
    const s = createServer(onConnection);
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(port, '127.0.0.1', resolve);
    });
    server = s;
  }
  async function unlisten(): Promise<void> {
    const s = server;
    server = undefined;
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  }
  await listen();

  return {
    urlOf: (repoDir) => `git://127.0.0.1:${port}/${repoDir.replace(/^\/+/, '')}`,
    mode: () => mode,
    async setMode(next) {
      const previous = mode;
      mode = next;
      if (next === 'refuse') {
        await unlisten();
        for (const s of open) s.destroy();
        open.clear();
        held = [];
        return;
      }
      if (previous === 'refuse') await listen();
      if (next === 'pass') {
        const waiting = held;
        held = [];
        for (const s of waiting) {
          s.resume();
          forward(s);
        }
      }
    },
    connections: () => accepted,
    held: () => held.length,
    async close() {
      await unlisten();
      for (const s of open) s.destroy();
      daemon.kill('SIGTERM');
    },
  };
}
