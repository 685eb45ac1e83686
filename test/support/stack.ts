/**
 * Access to the local real stack for integration tests. `scripts/test` (and `.ci/run`) start the
 * stack and export its environment; a test run outside them fails with a message saying so.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';

const execFileAsync = promisify(execFile);

export const projectRoot = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

function required(name: string): string {
  const value = process.env[name];
  if (!value) {
    throw new Error(
      `${name} is not set: run integration tests through "npm test" (scripts/test), which starts the local stack`,
    );
  }
  return value;
}

export function kubeconfigPath(): string {
  const path = required('KUBECONFIG');
  if (!existsSync(path))
    throw new Error(
      `KUBECONFIG points to ${path}, which does not exist: is the stack up? (scripts/stack up)`,
    );
  return path;
}

export function temporalAddress(): string {
  return required('TEMPORAL_ADDRESS');
}

export function temporalUiUrl(): string {
  return required('MOORING_TEMPORAL_UI');
}

/** Runs the stack's kubectl against the local cluster; rejects with stderr on failure. */
export async function kubectl(
  args: string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<string> {
  const child = execFileAsync('kubectl', ['--kubeconfig', kubeconfigPath(), ...args], {
    timeout: options.timeoutMs ?? 60_000,
    maxBuffer: 32 * 1024 * 1024,
  });
  if (options.input !== undefined) {
    child.child.stdin?.end(options.input);
  }
  try {
    const { stdout } = await child;
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`kubectl ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`, { cause: err });
  }
}

export async function kubectlJson<T>(args: string[]): Promise<T> {
  return JSON.parse(await kubectl([...args, '-o', 'json'])) as T;
}

/** A short random suffix for names that must not collide between tests or runs. */
export function uniqueSuffix(): string {
  return randomBytes(3).toString('hex');
}

/** Creates a namespace for one test; the returned function deletes it (without waiting). */
export async function createTestNamespace(
  prefix: string,
): Promise<{ name: string; cleanup: () => Promise<void> }> {
  const name = `${prefix}-${uniqueSuffix()}`;
  await kubectl(['create', 'namespace', name]);
  return {
    name,
    cleanup: async () => {
      await kubectl(['delete', 'namespace', name, '--wait=false', '--ignore-not-found']);
    },
  };
}

/**
 * Fails unless the kwok Stages a test relies on are installed. `scripts/stack up` applies every
 * file of scripts/stages/ when it creates or starts the cluster; tests never add or remove stages.
 */
export async function requireStages(...names: string[]): Promise<void> {
  const installed = new Set(
    (await kubectl(['get', 'stages.kwok.x-k8s.io', '-o', 'name']))
      .split('\n')
      .map((n) => n.replace(/^.*\//, '')),
  );
  const missing = names.filter((n) => !installed.has(n));
  if (missing.length > 0)
    throw new Error(
      `kwok stages ${missing.join(', ')} are not installed: scripts/stack up applies scripts/stages/ ` +
        `when it starts the cluster; on a cluster that was already running: kubectl apply -f scripts/stages/`,
    );
}
