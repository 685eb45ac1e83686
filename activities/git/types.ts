/** Options and counters of the repository cache. */
import type { GitCredentials } from './credentials.js';

/** Time limits of git commands, in milliseconds. */
export interface GitTimeouts {
  /** `git fetch` (the first one clones the whole repository). @default 300000 */
  fetch: number;
  /** `git ls-remote`. @default 30000 */
  lsRemote: number;
  /** Commands that only read the mirror or write a tree. @default 120000 */
  local: number;
}

/** The default {@link GitTimeouts}. */
export const DEFAULT_GIT_TIMEOUTS: Readonly<GitTimeouts> = {
  fetch: 300_000,
  lsRemote: 30_000,
  local: 120_000,
};

/** Options of `RepoCache`. */
export interface RepoCacheOptions {
  /** Where mirrors and trees live. @default `${MOORING_CACHE:-~/.cache/mooring}/git` */
  cacheDir?: string;
  /** Credentials by URL prefix. @default GitCredentials.fromEnv() */
  credentials?: GitCredentials;
  /** Overrides of {@link DEFAULT_GIT_TIMEOUTS}. */
  timeouts?: Partial<GitTimeouts>;
  /**
   * The repository URL schemes this cache serves (`https`, `ssh`, `http`, `git`, `file`; `ssh`
   * includes scp-like `git@host:path`, `file` includes absolute local paths). Any other URL is
   * refused with RepoUrlRefused before git runs, and git itself is limited to these transports.
   * Set from the agent's policy file (`git.allowedSchemes`).
   * @default ['https', 'ssh']
   */
  allowedSchemes?: readonly string[];
}

/** Options every `RepoCache` call accepts. */
export interface GitCallOptions {
  /** Stops waiting, and stops the git command unless other callers share it. */
  signal?: AbortSignal;
}

/** Counters of the git work actually done; joined single-flight calls are not counted twice. */
export interface RepoCacheStats {
  /** `fetch` calls, shared ones included. */
  fetchCalls: number;
  /** `git fetch` processes started. */
  fetches: number;
  /** `git ls-remote` processes started. */
  lsRemotes: number;
  /** Trees written. */
  checkouts: number;
}
