/**
 * Runs a rendering binary (kustomize, helm, sops, age-keygen) with an explicit environment, a
 * timeout, an output limit and cancellation, and turns its failures into typed errors: the tool's
 * complaint and an oversized output become ManifestInvalid (stderr trimmed, credentials removed);
 * a missing binary or a timeout stays a plain, retryable Error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ManifestInvalid } from '../../contract/errors.js';
import { scrubText } from '../../core/scrub/scrub-text.js';
import { formatBytes } from '../../core/manifests/render-limits.js';

/** A rendering tool and the environment variable that can point at its binary. */
export type ToolName = 'kustomize' | 'helm' | 'sops' | 'age-keygen';

const BINARY_ENV: Readonly<Record<ToolName, string>> = {
  kustomize: 'MOORING_KUSTOMIZE',
  helm: 'MOORING_HELM',
  sops: 'MOORING_SOPS',
  'age-keygen': 'MOORING_AGE_KEYGEN',
};

/** Binary of `tool`: its `$MOORING_*` variable (`MOORING_HELM`, ...) when set, else the name on PATH. */
export function toolBinary(tool: ToolName, env: NodeJS.ProcessEnv = process.env): string {
  return env[BINARY_ENV[tool]] || tool;
}

/** Options of `runTool`. */
export interface RunToolOptions {
  /** Working directory of the tool. */
  cwd: string;
  /** Words of the error message before the tool's stderr, e.g. `Rendering "guestbook" with helm failed`. */
  failure: string;
  /**
   * The tool's whole environment (see core/manifests/tool-env.ts); nothing is inherited.
   * @default `{ PATH }` of the agent, with `LANG=C.UTF-8`
   */
  env?: Record<string, string>;
  /** Kill the tool (and anything it started) after this long. @default 60_000 */
  timeoutMs?: number;
  /** Kill the tool when its stdout grows beyond this. @default 64 MiB */
  maxOutputBytes?: number;
  signal?: AbortSignal;
  /** Paths (temporary copies) replaced by a short name in error messages: `{ '/tmp/x': '<repo>' }`. */
  aliases?: Record<string, string>;
  /** Values masked wherever the tool's complaint quotes them (the app's `valuesFrom` values). */
  secretValues?: readonly string[];
}

const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;
/** Stderr kept for the error message; the rest is dropped. */
const MAX_STDERR_BYTES = 64 * 1024;
const MAX_MESSAGE_CHARS = 4000;

/** Trims tool stderr for an error message: no `Error:` prefix, URL credentials or temp paths; bounded. */
export function cleanToolOutput(
  stderr: string,
  aliases: Record<string, string> = {},
  secretValues: readonly string[] = [],
): string {
  let text = stderr
    .trim()
    .replace(/^Error: /, '')
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1');
  for (const [path, alias] of Object.entries(aliases)) text = text.split(path).join(alias);
  // Tools echo values (a Secret's data in kustomize's Go dumps, a bad value in helm's errors).
  text = scrubText(text, { secretValues });
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}...` : text;
}

/** Kills the tool's process group (it runs detached, so helm under kustomize dies too). */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

/**
 * Runs `tool` with `args` and resolves with its stdout. The tool gets only `options.env`, its own
 * process group (killed as a whole on timeout, output overflow or cancellation) and no stdin.
 */
export function runTool(tool: ToolName, args: readonly string[], options: RunToolOptions): Promise<string> {
  const binary = toolBinary(tool);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxOutputBytes = options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const env = options.env ?? { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' };
  return new Promise((resolve, reject) => {
    const { signal } = options;
    if (signal?.aborted) return reject(signal.reason ?? new Error(`${options.failure}: cancelled`));
    const child = spawn(binary, args, {
      cwd: options.cwd,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let stdoutBytes = 0;
    let stderrBytes = 0;
    let outcome: 'timeout' | 'overflow' | 'aborted' | undefined;
    const stop = (why: typeof outcome): void => {
      outcome ??= why;
      killGroup(child);
    };
    const timer = setTimeout(() => stop('timeout'), timeoutMs);
    const onAbort = (): void => stop('aborted');
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes > maxOutputBytes) return stop('overflow');
      stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderrBytes < MAX_STDERR_BYTES) stderr.push(chunk);
      stderrBytes += chunk.length;
    });
    const finish = (error: NodeJS.ErrnoException | undefined, code: number | null): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      // The command line is never part of a message or cause: it may name Secret-backed files.
      if (outcome === 'aborted') return reject(signal?.reason ?? new Error(`${options.failure}: cancelled`));
      if (error?.code === 'ENOENT') {
        return reject(
          new Error(
            `Cannot run ${tool}: "${binary}" was not found; put it on PATH or set ${BINARY_ENV[tool]}`,
          ),
        );
      }
      if (error) return reject(new Error(`Cannot run ${tool} ("${binary}"): ${error.message}`));
      if (outcome === 'timeout') {
        return reject(new Error(`${options.failure}: ${tool} did not finish within ${timeoutMs} ms`));
      }
      if (outcome === 'overflow') {
        return reject(
          new ManifestInvalid(
            `${options.failure}: output exceeds ${formatBytes(maxOutputBytes)}; make the app smaller or raise the agent's maxOutputBytes render limit`,
          ),
        );
      }
      if (code === 0) return resolve(Buffer.concat(stdout).toString('utf8'));
      const text = Buffer.concat(stderr).toString('utf8');
      const detail =
        cleanToolOutput(text, options.aliases, options.secretValues) || `exit code ${String(code)}`;
      reject(new ManifestInvalid(`${options.failure}: ${detail}`));
    };
    let settled = false;
    child.once('error', (error: NodeJS.ErrnoException) => {
      if (settled) return;
      settled = true;
      finish(error, null);
    });
    child.once('close', (code) => {
      if (settled) return;
      settled = true;
      finish(undefined, code);
    });
  });
}
