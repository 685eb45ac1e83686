/**
 * An OCI registry for tests: the real CNCF distribution `registry` binary (`registry serve` with a
 * generated config: filesystem storage in a temp dir, 127.0.0.1 on a free port, optional htpasswd
 * auth with a bcrypt hash), waited for on `/v2/` with a timeout, stopped and removed by `close`.
 * Charts are pushed with the real `helm push --plain-http` and the registry's own login, written
 * into a private helm registry config.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import bcrypt from 'bcryptjs';
import { stringify as stringifyYaml } from 'yaml';
import { toolBinary } from '../../activities/render/run-tool.js';
import { isolatedHelmEnv } from './chart-repo.js';
import { waitFor } from './wait.js';

const run = promisify(execFile);

/** The registry binary: $MOORING_REGISTRY, else the stack's, else `registry` on PATH. */
export function registryBinary(): string {
  return process.env.MOORING_REGISTRY || join(homedir(), '.cache', 'mooring', 'bin', 'registry');
}

/** Options of {@link startOciRegistry}. */
export interface OciRegistryOptions {
  /** Users allowed in (htpasswd); none means anonymous access. */
  auth?: { username: string; password: string };
  /** @default 30_000 */
  readyTimeoutMs?: number;
}

/** A running registry. */
export interface OciRegistry {
  /** `127.0.0.1:<port>` */
  host: string;
  /** Pushes a chart archive under `oci://<host>/<namespace>`, with the registry's credentials. */
  push(archive: string, namespace?: string): Promise<void>;
  /** Stops the registry (its data stays until `close`). */
  stop(): Promise<void>;
  /** Stops the registry and removes its files. */
  close(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (released just before the registry binds it). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('No free port');
  return address.port;
}

/** Starts a registry; the caller closes it. */
export async function startOciRegistry(options: OciRegistryOptions = {}): Promise<OciRegistry> {
  const dir = await mkdtemp(join(tmpdir(), 'mooring-oci-registry-'));
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const config: Record<string, unknown> = {
    version: 0.1,
    log: { level: 'error', accesslog: { disabled: true } },
    storage: { filesystem: { rootdirectory: join(dir, 'data') } },
    http: { addr: host, secret: `test-${port}` },
  };
  if (options.auth) {
    const hash = bcrypt.hashSync(options.auth.password, 10);
    await writeFile(join(dir, 'htpasswd'), `${options.auth.username}:${hash}\n`, { mode: 0o600 });
    config.auth = { htpasswd: { realm: 'mooring-test', path: join(dir, 'htpasswd') } };
  }
  await writeFile(join(dir, 'config.yml'), stringifyYaml(config));
  let output = '';
  const child: ChildProcess = spawn(registryBinary(), ['serve', join(dir, 'config.yml')], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, OTEL_TRACES_EXPORTER: 'none' },
  });
  const keep = (chunk: Buffer) => {
    if (output.length < 8000) output += chunk.toString('utf8');
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
  };
  try {
    await waitFor(
      `the registry on ${host} to answer /v2/`,
      async () => {
        const response = await fetch(`http://${host}/v2/`).catch(() => undefined);
        return response && (response.status === 200 || response.status === 401) ? true : undefined;
      },
      {
        timeoutMs: options.readyTimeoutMs ?? 30_000,
        intervalMs: 100,
        abortIf: () => (child.exitCode !== null ? `the registry exited: ${output.trim()}` : undefined),
      },
    );
  } catch (error) {
    await stop();
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  const helmEnv = isolatedHelmEnv(join(dir, 'helm'));
  const registryConfig = join(dir, 'helm-registry.json');
  const auths = options.auth
    ? {
        [host]: { auth: Buffer.from(`${options.auth.username}:${options.auth.password}`).toString('base64') },
      }
    : {};
  await writeFile(registryConfig, JSON.stringify({ auths }), { mode: 0o600 });
  return {
    host,
    async push(archive, namespace = 'charts') {
      await run(
        toolBinary('helm'),
        ['push', archive, `oci://${host}/${namespace}`, '--plain-http', '--registry-config', registryConfig],
        { env: helmEnv, timeout: 60_000 },
      );
    },
    stop,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
