/**
 * Temporal activities of the Git layer: small JSON in, small JSON out, typed errors thrown as they
 * come from `RepoCache` (RepoNotFound, AuthFailed, RevisionNotFound are not retryable; Unreachable
 * is). Credentials never travel in these inputs; a repo URL's userinfo is ignored.
 */
import { asyncLocalStorage } from '@temporalio/activity';
import type { RepoCache } from './repo-cache.js';

/** Input of `resolveRevision`. */
export interface ResolveRevisionInput {
  repoURL: string;
  /** Branch, tag, full or abbreviated commit SHA, or `HEAD` (also when empty). */
  targetRevision: string;
}

/** Result of `resolveRevision`. */
export interface ResolveRevisionResult {
  /** The full commit SHA, present in the worker's mirror. */
  sha: string;
}

/** Input of `checkRemote`. */
export interface CheckRemoteInput extends ResolveRevisionInput {
  /** The commit the caller last saw for this revision. */
  knownSha?: string;
}

/** Result of `checkRemote`. */
export interface CheckRemoteResult {
  /** The commit the revision names on the remote now. */
  sha: string;
  /** True when `sha` differs from `knownSha`, or when no `knownSha` was given. */
  moved: boolean;
}

/** Dependencies of {@link createGitActivities}. */
export interface GitActivityDeps {
  cache: RepoCache;
}

/** The Git activities, as closures over one `RepoCache` (built once per worker). */
export function createGitActivities({ cache }: GitActivityDeps): {
  resolveRevision(input: ResolveRevisionInput): Promise<ResolveRevisionResult>;
  checkRemote(input: CheckRemoteInput): Promise<CheckRemoteResult>;
} {
  return {
    /** Resolves a revision to a commit and makes sure the mirror has it (fetching when needed). */
    async resolveRevision({ repoURL, targetRevision }) {
      const { sha } = await cache.resolve(repoURL, targetRevision, { signal: cancellationSignal() });
      return { sha };
    },

    /**
     * The poll check: `git ls-remote` only, no fetch. Falls back to a full resolve when the remote
     * advertises no such ref (which then fails with RevisionNotFound) or for an abbreviated SHA the
     * mirror does not know yet.
     */
    async checkRemote({ repoURL, targetRevision, knownSha }) {
      const signal = cancellationSignal();
      const sha = (await cache.lsRemote(repoURL, targetRevision, { signal }))
        ?? (await cache.resolve(repoURL, targetRevision, { signal })).sha;
      return { sha, moved: sha !== knownSha?.toLowerCase() };
    },
  };
}

/** The activity's cancellation signal when running inside a Temporal activity, else none. */
function cancellationSignal(): AbortSignal | undefined {
  return asyncLocalStorage.getStore()?.cancellationSignal;
}
