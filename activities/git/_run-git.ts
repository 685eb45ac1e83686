/** Runs one git command through simple-git, bounded by a timeout and an optional AbortSignal. */
import { simpleGit } from 'simple-git';
import { GIT_ENV_ALLOWED, type GitInvocation } from './_git-env.js';

/** Options of {@link runGit}. */
export interface RunGitOptions {
  /** Working directory: a bare mirror, or the cache directory for commands without a repository. */
  cwd: string;
  invocation: GitInvocation;
  /** Extra variables (GIT_INDEX_FILE, GIT_WORK_TREE, GNUPGHOME) on top of the invocation's environment. */
  extraEnv?: Record<string, string>;
  /** Extra `-c key=value` arguments after the invocation's own. @default [] */
  extraConfigArgs?: readonly string[];
  /** The command is killed after this many milliseconds. */
  timeoutMs: number;
  /** Kills the command when aborted; the call then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** A git command that exited with an error or ran out of time; `stderr` is not redacted yet. */
export class GitCommandFailed extends Error {
  constructor(
    readonly stderr: string,
    readonly timedOutAfterMs?: number,
  ) {
    super('Git command failed');
    this.name = 'GitCommandFailed';
  }
}

/** Runs `git <configArgs> <args>` and returns its stdout. */
export async function runGit(args: readonly string[], options: RunGitOptions): Promise<string> {
  options.signal?.throwIfAborted();
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const abort = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const git = simpleGit({
    baseDir: options.cwd,
    abort,
    allowEnvironment: GIT_ENV_ALLOWED,
    unsafe: {
      allowUnsafeAskPass: true,
      allowUnsafeSshCommand: true,
      allowUnsafeCredentialHelper: true,
      // Mooring sets protocol.allow itself, to restrict transports (see `_git-env.ts`).
      allowUnsafeProtocolOverride: true,
    },
  }).env({ ...options.invocation.env, ...options.extraEnv });
  try {
    return await git.raw([...options.invocation.configArgs, ...(options.extraConfigArgs ?? []), ...args]);
  } catch (error) {
    options.signal?.throwIfAborted();
    if (timeout.aborted) throw new GitCommandFailed('', options.timeoutMs);
    throw new GitCommandFailed(error instanceof Error ? error.message : String(error));
  }
}
