/** Runs git for one cache directory: credentials by URL, timeouts, typed and redacted errors. */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { classifyGitError, isAmbiguousRevision, type GitFailureContext } from './classify.js';
import type { GitCredentials } from './credentials.js';
import type { GitTimeouts } from './types.js';
import { ASKPASS_SCRIPT, gitInvocation } from './_git-env.js';
import { GitCommandFailed, runGit } from './_run-git.js';

/** What one command is about, for its error message and its credentials. */
export interface GitCommand {
  url: string;
  /** Verb phrase completed by the URL in error messages (`fetch`, `list refs of`). */
  action: string;
  revision?: string;
  /** @default `<cacheDir>/repos` */
  cwd?: string;
  /** Talks to the remote: credentials for `url` are given to git. @default false */
  network?: boolean;
  /** @default the `local` timeout */
  timeoutMs?: number;
  signal?: AbortSignal;
  extraEnv?: Record<string, string>;
}

/** The git runner of a `RepoCache`. */
export class GitRunner {
  readonly #ready: { promise?: Promise<void> } = {};

  constructor(
    readonly cacheDir: string,
    readonly credentials: GitCredentials,
    readonly timeouts: GitTimeouts,
  ) {}

  /** Runs `git <args>`, returning stdout; failures become typed, redacted errors. */
  async run(args: readonly string[], command: GitCommand): Promise<string> {
    await this.prepare();
    const credentials = command.network ? this.credentials.forUrl(command.url) : undefined;
    const invocation = gitInvocation(credentials, { askpassPath: this.#askpassPath() });
    try {
      return await runGit(args, {
        cwd: command.cwd ?? join(this.cacheDir, 'repos'),
        invocation,
        extraEnv: command.extraEnv,
        timeoutMs: command.timeoutMs ?? this.timeouts.local,
        signal: command.signal,
      });
    } catch (error) {
      throw classify(error, { ...command, secrets: invocation.secrets });
    }
  }

  /**
   * The full SHA of the commit `revision` names in `mirror`, or `undefined` when the mirror or the
   * commit is missing. An ambiguous abbreviation throws RevisionNotFound.
   */
  async revParse(mirror: string, command: GitCommand & { revision: string }): Promise<string | undefined> {
    if (!existsSync(mirror)) return undefined;
    try {
      const output = await runGit(['rev-parse', '--verify', `${command.revision}^{commit}`], {
        cwd: mirror,
        invocation: gitInvocation(undefined, { askpassPath: this.#askpassPath() }),
        timeoutMs: this.timeouts.local,
        signal: command.signal,
      });
      return output.trim().toLowerCase() || undefined;
    } catch (error) {
      const missing =
        error instanceof GitCommandFailed &&
        error.timedOutAfterMs === undefined &&
        !isAmbiguousRevision(error.stderr);
      if (missing) return undefined;
      throw classify(error, command);
    }
  }

  /** Creates the cache directories and the askpass helper, once. */
  prepare(): Promise<void> {
    this.#ready.promise ??= this.#writeFiles().catch((error: unknown) => {
      this.#ready.promise = undefined;
      throw error;
    });
    return this.#ready.promise;
  }

  async #writeFiles(): Promise<void> {
    await mkdir(join(this.cacheDir, 'repos'), { recursive: true });
    await mkdir(join(this.cacheDir, 'trees'), { recursive: true });
    const current = await readFile(this.#askpassPath(), 'utf8').catch(() => undefined);
    if (current === ASKPASS_SCRIPT) return;
    const temp = `${this.#askpassPath()}.tmp-${randomUUID()}`;
    await writeFile(temp, ASKPASS_SCRIPT, { mode: 0o700 });
    await rename(temp, this.#askpassPath());
  }

  #askpassPath(): string {
    return join(this.cacheDir, 'askpass.sh');
  }
}

function classify(error: unknown, context: GitFailureContext): unknown {
  if (!(error instanceof GitCommandFailed)) return error;
  return classifyGitError(error.stderr, { ...context, timedOutAfterMs: error.timedOutAfterMs });
}
