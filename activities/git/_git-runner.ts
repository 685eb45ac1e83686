/** Runs git for one cache directory: credentials by URL, timeouts, typed and redacted errors. */
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { statSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import type { GitScheme } from '../../config/git-url.js';
import { classifyGitError, isAmbiguousRevision, type GitFailureContext } from './classify.js';
import type { GitCredentials } from './credentials.js';
import type { GitTimeouts } from './types.js';
import { ASKPASS_SCRIPT, gitInvocation, type GitInvocation } from './_git-env.js';
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
  /** Extra `-c key=value` arguments. @default [] */
  extraConfigArgs?: readonly string[];
}

/** What a git command printed and how it exited. */
export interface GitOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Settings of a {@link GitRunner}. */
export interface GitRunnerOptions {
  credentials: GitCredentials;
  timeouts: GitTimeouts;
  /** The transports git may use (`protocol.<scheme>.allow`). */
  allowedSchemes: readonly GitScheme[];
}

/** The git runner of a `RepoCache`. */
export class GitRunner {
  readonly #ready: { promise?: Promise<void> } = {};
  /** `<mirror identity>\n<sha>` of commits `revParse` found (see there). */
  readonly #knownCommits = new Set<string>();
  readonly credentials: GitCredentials;
  readonly timeouts: GitTimeouts;
  readonly allowedSchemes: readonly GitScheme[];

  constructor(
    readonly cacheDir: string,
    options: GitRunnerOptions,
  ) {
    this.credentials = options.credentials;
    this.timeouts = options.timeouts;
    this.allowedSchemes = options.allowedSchemes;
  }

  /** Runs `git <args>`, returning stdout; failures become typed, redacted errors. */
  async run(args: readonly string[], command: GitCommand): Promise<string> {
    await this.prepare();
    const credentials = command.network ? this.credentials.forUrl(command.url) : undefined;
    const invocation = this.#invocation(credentials);
    try {
      return await runGit(args, {
        cwd: command.cwd ?? join(this.cacheDir, 'repos'),
        invocation,
        extraEnv: command.extraEnv,
        extraConfigArgs: command.extraConfigArgs,
        timeoutMs: command.timeoutMs ?? this.timeouts.local,
        signal: command.signal,
      });
    } catch (error) {
      throw classify(error, { ...command, secrets: invocation.secrets });
    }
  }

  /**
   * Runs a local `git <args>` and returns its exit code and output instead of throwing when git
   * exits with an error: for commands whose failure is an answer, such as `verify-commit`. Run
   * without simple-git, which reports an exit code without output as a success. A timeout or an
   * abort still throws.
   */
  async tryRun(args: readonly string[], command: GitCommand): Promise<GitOutcome> {
    await this.prepare();
    const invocation = this.#invocation(undefined);
    const fullArgs = [...invocation.configArgs, ...(command.extraConfigArgs ?? []), ...args];
    const timeoutMs = command.timeoutMs ?? this.timeouts.local;
    return await new Promise<GitOutcome>((resolve, reject) => {
      execFile(
        'git',
        fullArgs,
        {
          cwd: command.cwd ?? join(this.cacheDir, 'repos'),
          env: { ...invocation.env, ...command.extraEnv },
          timeout: timeoutMs,
          killSignal: 'SIGKILL',
          maxBuffer: 4 * 1024 * 1024,
          signal: command.signal,
        },
        (error, stdout, stderr) => {
          if (command.signal?.aborted) return reject(command.signal.reason as Error);
          if (error && (error.killed || typeof error.code !== 'number')) {
            return reject(
              classify(new GitCommandFailed(stderr, error.killed ? timeoutMs : undefined), command),
            );
          }
          resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
        },
      );
    });
  }

  /**
   * The full SHA of the commit `revision` names in `mirror`, or `undefined` when the mirror or the
   * commit is missing. An ambiguous abbreviation throws RevisionNotFound.
   */
  async revParse(mirror: string, command: GitCommand & { revision: string }): Promise<string | undefined> {
    const identity = mirrorIdentity(mirror);
    if (identity === undefined) return undefined;
    // A commit a mirror holds stays there (fetches add objects; an evicted and cloned-again mirror
    // has another inode), so a full SHA found once is not asked again: a fleet of apps on one
    // monorepo would otherwise spawn a git per app and revision.
    const sha = /^[0-9a-f]{40}$/i.test(command.revision) ? command.revision.toLowerCase() : undefined;
    const known = sha && `${identity}\n${sha}`;
    if (known && this.#knownCommits.has(known)) return sha;
    await this.prepare();
    try {
      const output = await runGit(['rev-parse', '--verify', `${command.revision}^{commit}`], {
        cwd: mirror,
        invocation: this.#invocation(undefined),
        timeoutMs: this.timeouts.local,
        signal: command.signal,
      });
      const found = output.trim().toLowerCase() || undefined;
      if (known && found === sha) {
        if (this.#knownCommits.size >= KNOWN_COMMITS_MAX) this.#knownCommits.clear();
        this.#knownCommits.add(known);
      }
      return found;
    } catch (error) {
      const missing =
        error instanceof GitCommandFailed &&
        error.timedOutAfterMs === undefined &&
        !isAmbiguousRevision(error.stderr);
      if (missing) return undefined;
      throw classify(error, command);
    }
  }

  /** Creates the cache directories, the empty HOME and the askpass helper, once. */
  prepare(): Promise<void> {
    this.#ready.promise ??= this.#writeFiles().catch((error: unknown) => {
      this.#ready.promise = undefined;
      throw error;
    });
    return this.#ready.promise;
  }

  #invocation(credentials: ReturnType<GitCredentials['forUrl']>): GitInvocation {
    return gitInvocation(credentials, {
      askpassPath: this.#askpassPath(),
      homeDir: join(this.cacheDir, 'home'),
      allowedSchemes: this.allowedSchemes,
    });
  }

  async #writeFiles(): Promise<void> {
    await mkdir(join(this.cacheDir, 'repos'), { recursive: true });
    await mkdir(join(this.cacheDir, 'trees'), { recursive: true });
    // HOME of every git command: empty and read-only, so no user configuration is ever read.
    await mkdir(join(this.cacheDir, 'home'), { recursive: true });
    await chmod(join(this.cacheDir, 'home'), 0o555);
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

const KNOWN_COMMITS_MAX = 100_000;

/** The mirror directory's device and inode, or undefined when it does not exist. */
function mirrorIdentity(mirror: string): string | undefined {
  const stat = statSync(mirror, { throwIfNoEntry: false });
  return stat && `${mirror}\n${stat.dev}:${stat.ino}`;
}

function classify(error: unknown, context: GitFailureContext): unknown {
  if (!(error instanceof GitCommandFailed)) return error;
  return classifyGitError(error.stderr, { ...context, timedOutAfterMs: error.timedOutAfterMs });
}
