/**
 * Runs a rendering binary (kustomize, helm) with a timeout and cancellation, and turns its
 * failures into typed errors: the tool's complaint becomes ManifestInvalid with its stderr
 * (trimmed, credentials removed); a missing binary or a timeout stays a plain, retryable Error.
 */
import { execFile } from 'node:child_process';
import { ManifestInvalid } from '../../contract/errors.js';

/** A rendering tool and the environment variable that can point at its binary. */
export type ToolName = 'kustomize' | 'helm';

const BINARY_ENV: Readonly<Record<ToolName, string>> = {
  kustomize: 'MOORING_KUSTOMIZE',
  helm: 'MOORING_HELM',
};

/** Binary of `tool`: `$MOORING_KUSTOMIZE` / `$MOORING_HELM` when set, else the name, found on PATH. */
export function toolBinary(tool: ToolName, env: NodeJS.ProcessEnv = process.env): string {
  return env[BINARY_ENV[tool]] || tool;
}

/** Options of `runTool`. */
export interface RunToolOptions {
  /** Working directory of the tool. */
  cwd: string;
  /** Words of the error message before the tool's stderr, e.g. `Rendering "guestbook" with helm failed`. */
  failure: string;
  /** Kill the tool after this long. @default 60_000 */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Paths (temporary copies) replaced by a short name in error messages: `{ '/tmp/x': '<repo>' }`. */
  aliases?: Record<string, string>;
}

const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;
const MAX_MESSAGE_CHARS = 4000;

/** Trims tool stderr for an error message: no `Error:` prefix, URL credentials or temp paths; bounded. */
export function cleanToolOutput(stderr: string, aliases: Record<string, string> = {}): string {
  let text = stderr
    .trim()
    .replace(/^Error: /, '')
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1');
  for (const [path, alias] of Object.entries(aliases)) text = text.split(path).join(alias);
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}...` : text;
}

interface ExecError extends Error {
  code?: string | number | null;
  killed?: boolean;
}

/** Runs `tool` with `args` and resolves with its stdout. */
export function runTool(tool: ToolName, args: readonly string[], options: RunToolOptions): Promise<string> {
  const binary = toolBinary(tool);
  const timeoutMs = options.timeoutMs ?? 60_000;
  return new Promise((resolve, reject) => {
    execFile(
      binary,
      args,
      {
        cwd: options.cwd,
        timeout: timeoutMs,
        signal: options.signal,
        maxBuffer: MAX_OUTPUT_BYTES,
        encoding: 'utf8',
        windowsHide: true,
      },
      (error: ExecError | null, stdout, stderr) => {
        if (!error) return resolve(stdout);
        // The exec error's message holds the whole command line (Helm --set values may be secrets),
        // so it is never attached as a cause.
        if (options.signal?.aborted) return reject(options.signal.reason ?? error);
        if (error.code === 'ENOENT') {
          return reject(
            new Error(
              `Cannot run ${tool}: "${binary}" was not found; put it on PATH or set ${BINARY_ENV[tool]}`,
            ),
          );
        }
        if (error.killed) {
          return reject(new Error(`${options.failure}: ${tool} did not finish within ${timeoutMs} ms`));
        }
        if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') {
          return reject(
            new ManifestInvalid(`${options.failure}: output exceeds ${MAX_OUTPUT_BYTES / 1024 / 1024} MiB`),
          );
        }
        const detail = cleanToolOutput(stderr, options.aliases) || `exit code ${String(error.code)}`;
        reject(new ManifestInvalid(`${options.failure}: ${detail}`));
      },
    );
  });
}
