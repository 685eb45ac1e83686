/**
 * The agent's age key: a file named by the agent's own configuration (`MOORING_SOPS_AGE_KEY_FILE`,
 * or the render activities' `sopsAgeKeyFile` option), never by an app spec or a repository. It is
 * read at every render (so a rotated file needs no restart) for a sha256 digest that enters the
 * render cache key; its public recipients come from `age-keygen -y`, remembered per digest. The
 * file's content never leaves this module: not in errors, logs, results or the cache.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { SOPS_AGE_KEY_FILE_ENV, type AgentAgeKey } from './sops-check.js';
import { withSopsSandbox, type SopsSandbox } from './sops-sandbox.js';

/** Larger key files are refused unread. */
export const MAX_AGE_KEY_FILE_BYTES = 1024 * 1024;
/** Digests whose recipients are remembered (one per rotation; a handful is plenty). */
const MAX_REMEMBERED = 16;

/** The key file as read for one render. */
export interface AgeKeyState {
  /** The configured file; undefined when the agent has no age key. */
  file?: string;
  /** sha256 (hex) of the file's content; `unreadable` when it cannot be read. */
  digest?: string;
  /** Why the configured file cannot be used (an agent problem: retried, never the revision's fault). */
  problem?: string;
}

/** The key file of the agent's configuration: `option`, else `$MOORING_SOPS_AGE_KEY_FILE`. */
export function ageKeyFileFrom(
  option: string | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  return option || env[SOPS_AGE_KEY_FILE_ENV] || undefined;
}

async function digestOf(file: string): Promise<string> {
  const info = await stat(file);
  if (!info.isFile()) throw new Error('not a regular file');
  if (info.size > MAX_AGE_KEY_FILE_BYTES) throw new Error(`larger than ${MAX_AGE_KEY_FILE_BYTES} bytes`);
  return createHash('sha256')
    .update(await readFile(file))
    .digest('hex');
}

/** Reads the agent's age key file for one render (see the module comment). */
export class AgeKeySource {
  readonly file: string | undefined;
  readonly #recipients = new Map<string, readonly string[]>();

  constructor(file: string | undefined) {
    this.file = file;
  }

  /** The digest of the key file now, or why it is unusable. Never throws. */
  async state(): Promise<AgeKeyState> {
    const { file } = this;
    if (!file) return {};
    try {
      return { file, digest: await digestOf(file) };
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
      return {
        file,
        digest: 'unreadable',
        problem: `Cannot read the agent's age key file ${file} (${reason}); fix ${SOPS_AGE_KEY_FILE_ENV} or the file (docs/SOPS.md)`,
      };
    }
  }

  /**
   * The agent's key for `state` (undefined without a key file), its recipients from `age-keygen -y`
   * in `sandbox`. @throws {Error} (retryable) when the configured file is unreadable or holds no identity
   */
  async key(state: AgeKeyState, sandbox: SopsSandbox): Promise<AgentAgeKey | undefined> {
    if (!state.file || !state.digest) return undefined;
    if (state.problem) throw new Error(state.problem);
    let recipients = this.#recipients.get(state.digest);
    if (!recipients) {
      recipients = await sandbox.recipients(state.file);
      if (recipients.length === 0)
        throw new Error(`The agent's age key file ${state.file} holds no age identity (docs/SOPS.md)`);
      // Remembered only if the file did not change while age-keygen read it.
      if ((await digestOf(state.file).catch(() => undefined)) === state.digest) {
        if (this.#recipients.size >= MAX_REMEMBERED) this.#recipients.clear();
        this.#recipients.set(state.digest, recipients);
      }
    }
    return { file: state.file, recipients };
  }
}

/**
 * Checks the agent's key file once (a worker calls it at start, to fail before polling) and returns
 * its public recipients; undefined when no file is configured.
 * @throws {Error} naming the file (never its content) when it is unreadable or holds no identity
 */
export async function loadAgentAgeKey(file: string | undefined): Promise<AgentAgeKey | undefined> {
  const source = new AgeKeySource(file);
  const state = await source.state();
  return withSopsSandbox(file, {}, (sandbox) => source.key(state, sandbox));
}
