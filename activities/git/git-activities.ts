/**
 * Temporal activities of the Git layer: small JSON in, small JSON out, typed errors thrown as they
 * come from `RepoCache` (RepoNotFound, AuthFailed, RevisionNotFound are not retryable; Unreachable
 * is). Credentials never travel in these inputs: a repo URL with userinfo credentials, or with a
 * scheme the agent does not allow, is refused with RepoUrlRefused before git runs.
 */
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { asyncLocalStorage } from '@temporalio/activity';
import { TooManyDirectories } from '../../contract/errors.js';
import type { ClusterActivities } from '../../contract/activities.js';
import type { RepoCache } from './repo-cache.js';
import { redactUrl } from '../../core/git/redact.js';
import { affectedPaths, isUnder } from '../../core/git/source-paths.js';
import { AffectedPathsMemo } from './affected-paths-memo.js';
import { semverConstraintOf } from '../../core/git/semver-tags.js';
import { checkRepoUrl, parseAllowedSchemes, type RepoUrlPolicy } from './url-policy.js';

/**
 * Most directories `listRepoDirectories` returns, and most bytes of their names (as JSON); a
 * bigger tree fails the activity, since the listing travels through Temporal.
 */
export const DIRECTORY_LIMITS: Readonly<{ count: number; bytes: number }> = {
  count: 10_000,
  bytes: 1024 * 1024,
};

/** Most app paths one `affectedAppPaths` call checks (the caller splits bigger fleets). */
export const MAX_AFFECTED_PATHS = 5000;

/** The Git activities of the contract's cluster activities. */
export type GitActivities = Pick<
  ClusterActivities,
  'resolveRevision' | 'checkRemote' | 'affectedAppPaths' | 'listRepoDirectories'
>;

/** Dependencies of {@link createGitActivities}. */
export interface GitActivityDeps {
  cache: RepoCache;
  /**
   * The repository URL schemes these activities accept (`https`, `ssh`, `http`, `git`, `file`),
   * checked before the cache is called; the cache applies its own list as well.
   * @default the cache's `allowedSchemes`
   */
  allowedSchemes?: readonly string[];
}

/** The Git activities, as closures over one `RepoCache` (built once per worker). */
export function createGitActivities({ cache, allowedSchemes }: GitActivityDeps): GitActivities {
  const policy: RepoUrlPolicy = {
    allowedSchemes:
      allowedSchemes === undefined
        ? cache.allowedSchemes
        : parseAllowedSchemes(allowedSchemes, 'Git activities option allowedSchemes'),
    forbiddenDirs: [cache.cacheDir],
  };
  const memo = new AffectedPathsMemo();

  async function compareCommits(
    repoURL: string,
    from: string,
    to: string,
    paths: readonly string[],
  ): Promise<{ affected: string[]; changedFiles: number }> {
    const signal = cancellationSignal();
    const changed = await cache.changedFiles(repoURL, from, to, { signal });
    const direct = paths.filter((p) => changed.some((f) => isUnder(f, p)));
    if (direct.length === paths.length) return { affected: direct, changedFiles: changed.length };
    const snapshot = await cache.snapshot(repoURL, to, { signal });
    const reads = new Map<string, Promise<string>>();
    const repo = {
      files: snapshot.files,
      read: (path: string) => {
        let text = reads.get(path);
        if (!text) reads.set(path, (text = snapshot.read(path)));
        return text;
      },
    };
    return { affected: await affectedPaths(changed, paths, repo), changedFiles: changed.length };
  }

  return {
    /**
     * Resolves a revision to a commit and makes sure the mirror has it (fetching when needed), then
     * starts checking that commit out for the render that comes next.
     */
    async resolveRevision({ repoURL, targetRevision }) {
      checkRepoUrl(repoURL, policy);
      const { sha, ref } = await cache.resolve(repoURL, targetRevision, { signal: cancellationSignal() });
      // The checkout (about 60 ms of git) then runs while Temporal hands this result to the workflow
      // and the workflow asks for the render, whose own checkout joins it or finds the tree. A
      // failure here is the render's to report, with its retries.
      void cache.checkout(repoURL, sha).catch(() => undefined);
      // A semver constraint resolves to a tag: say which, so history records `tag -> sha`.
      const tag = semverConstraintOf(targetRevision) && /^refs\/tags\/(.+)$/.exec(ref)?.[1];
      return tag ? { sha, tag } : { sha };
    },

    /**
     * The poll check: `git ls-remote` only, no fetch. Falls back to a full resolve when the remote
     * advertises no such ref (which then fails with RevisionNotFound) or for an abbreviated SHA the
     * mirror does not know yet.
     */
    async checkRemote({ repoURL, targetRevision, knownSha }) {
      checkRepoUrl(repoURL, policy);
      const signal = cancellationSignal();
      const sha =
        (await cache.lsRemote(repoURL, targetRevision, { signal })) ??
        (await cache.resolve(repoURL, targetRevision, { signal })).sha;
      return { sha, moved: sha !== knownSha?.toLowerCase() };
    },

    /**
     * The app paths whose sources differ between two commits: `git diff --name-only` in the mirror,
     * then each untouched path's kustomize references and chart dependencies read at `to`. Answers
     * are remembered per commit pair (AffectedPathsMemo): git-poll asks again at every check.
     */
    async affectedAppPaths({ repoURL, from, to, paths }) {
      checkRepoUrl(repoURL, policy);
      if (paths.length > MAX_AFFECTED_PATHS)
        throw new TypeError(
          `affectedAppPaths takes at most ${MAX_AFFECTED_PATHS} paths per call, got ${paths.length}`,
        );
      const known = memo.lookup(repoURL, from, to, paths);
      if (known.unknown.length === 0)
        return { affected: known.affected, changedFiles: known.changedFiles ?? 0 };
      const { affected, changedFiles } = await compareCommits(repoURL, from, to, known.unknown);
      memo.record(repoURL, from, to, known.unknown, affected, changedFiles);
      const touched = new Set([...known.affected, ...affected]);
      return { affected: paths.filter((p) => touched.has(p)), changedFiles };
    },

    /** Resolves the revision, checks it out (read-only tree) and lists its directories. */
    async listRepoDirectories({ repoURL, revision }) {
      checkRepoUrl(repoURL, policy);
      const signal = cancellationSignal();
      const { sha } = await cache.resolve(repoURL, revision, { signal });
      const root = await cache.checkout(repoURL, sha, { signal });
      try {
        return { sha, directories: await listDirectories(root) };
      } catch (error) {
        if (!(error instanceof TooManyDirectories)) throw error;
        throw new TooManyDirectories(
          `Cannot list the directories of ${redactUrl(repoURL)} at ${sha.slice(0, 12)} for an ApplicationSet git generator: ${error.message}`,
        );
      }
    },
  };
}

/**
 * Every directory under `root` except hidden ones and those inside them ("/"-separated, relative
 * to `root`), sorted. Throws {@link TooManyDirectories} beyond `limits` (their names travel
 * through Temporal, whose payloads are limited to a few MiB).
 */
export async function listDirectories(
  root: string,
  limits: { count: number; bytes: number } = DIRECTORY_LIMITS,
): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const directories = entries
    .filter((e) => e.isDirectory())
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .filter((d) => !d.split('/').some((p) => p.startsWith('.')));
  if (directories.length > limits.count) {
    throw new TooManyDirectories(
      `it has ${directories.length.toLocaleString('en-US')} directories, more than the ${limits.count.toLocaleString('en-US')} a listing may return`,
    );
  }
  const bytes = directories.reduce((sum, d) => sum + Buffer.byteLength(d) + 3, 0);
  if (bytes > limits.bytes) {
    throw new TooManyDirectories(
      `its directory names take ${bytes.toLocaleString('en-US')} bytes, more than the ${limits.bytes.toLocaleString('en-US')} a listing may return`,
    );
  }
  return directories.sort();
}

/** The activity's cancellation signal when running inside a Temporal activity, else none. */
function cancellationSignal(): AbortSignal | undefined {
  return asyncLocalStorage.getStore()?.cancellationSignal;
}
