/**
 * The Git layer: one bare mirror per repository URL, shared by every app that uses the repository.
 *
 * It decides which commit a `targetRevision` (branch, tag, full or short SHA, `HEAD`) means, and
 * hands out read-only trees at a commit. It never renders, never writes to a remote, and never
 * takes credentials from its callers: they come from `credentials.ts`, and every error message is
 * redacted (`redact.ts`) and typed (`classify.ts`).
 *
 * Rule order of `resolve`: a semver constraint (`^1.2.0`, `1.2.*`; `core/git/semver-tags.ts`)
 * picks the highest satisfying tag from `git ls-remote <url> refs/tags/*`; a full SHA is answered from the mirror when present (else one fetch);
 * any other revision is looked up with `git ls-remote` (full ref, then tag, then branch, as
 * gitrevisions(7)), and the mirror is fetched only when it lacks that commit; a hex revision that
 * names no ref is an abbreviated SHA, resolved in the mirror (fetching once if needed).
 *
 * Before any git command, the URL passes `checkRepoUrl` (allowed schemes, no credentials in it, no
 * local path inside Mooring's cache); git then runs with only those transports allowed.
 *
 * Concurrency: fetches of one repository, ls-remote calls for one revision and checkouts of one
 * commit are single-flighted. A caller that joins a fetch in flight may get the commit the remote
 * had when that fetch started; the next poll sees anything newer.
 *
 * Mirrors and trees are a cache (limits: `activities/cache/limits.ts`, cache `git`), evicted least
 * recently used first: a mirror is held while a call uses it, a tree for the grace period after
 * `checkout` hands it out (the render that reads it cannot outlast that). An evicted mirror is
 * fetched again, an evicted tree checked out again.
 */
import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { RevisionNotFound } from '../../contract/errors.js';
import type { GitScheme } from '../../config/git-url.js';
import { defaultCacheDir } from '../render/manifest-store.js';
import { GitCredentials } from './credentials.js';
import { redactText, redactUrl } from '../../core/git/redact.js';
import { remoteUrl, repoHash } from './repo-url.js';
import {
  isFullSha,
  parseRefLines,
  parseRevision,
  pickRef,
  type ParsedRevision,
  type ResolvedRef,
} from './revision.js';
import {
  noTagProblem,
  pickSemverTag,
  semverConstraintOf,
  TAG_REF_PATTERNS,
  type SemverConstraint,
} from '../../core/git/semver-tags.js';
import {
  DEFAULT_GIT_TIMEOUTS,
  type GitCallOptions,
  type RepoCacheOptions,
  type RepoCacheStats,
} from './types.js';
import { checkRepoUrl, parseAllowedSchemes, type RepoUrlPolicy } from './url-policy.js';
import { GitRunner, type GitOutcome } from './_git-runner.js';
import { SingleFlight } from './_single-flight.js';
import { writeTree } from './_tree.js';
import { lease, pinFor, sharedCacheDir, touch, type CacheDir } from '../cache/cache-dir.js';
import type { CacheLimits } from '../cache/limits.js';

const ENTRY = /^[0-9a-f]{24}(?:\.git|-[0-9a-f]{40}|-[0-9a-f]{64})$/;

/** {@link RepoCacheOptions} and the limits of the `git` cache. */
export interface RepoCacheCacheOptions extends RepoCacheOptions {
  /** Overrides of the `git` cache limits. @default from the environment (`cacheSettings`) */
  cacheLimits?: Partial<CacheLimits>;
  /** Background sweep interval; 0 disables it. @default from the environment */
  sweepIntervalMs?: number;
}

/** One bare mirror per normalized repository URL, with revision resolution and read-only trees. */
export class RepoCache {
  /** The cache directory (`repos/` holds mirrors, `trees/` holds checked-out trees). */
  readonly cacheDir: string;
  #runner: GitRunner;
  readonly #makeRunner: () => GitRunner;
  readonly #stats: RepoCacheStats = { fetchCalls: 0, fetches: 0, lsRemotes: 0, checkouts: 0 };
  readonly #fetches = new SingleFlight<void>();
  readonly #listings = new SingleFlight<Map<string, string>>();
  readonly #checkouts = new SingleFlight<string>();
  readonly #urlPolicy: RepoUrlPolicy;
  /** The size limit and eviction of mirrors (`repos/`) and trees (`trees/`). */
  readonly cache: CacheDir;

  /** @throws {TypeError} when `allowedSchemes` holds an unknown scheme */
  constructor(options: RepoCacheCacheOptions = {}) {
    this.cacheDir = options.cacheDir ?? join(defaultCacheDir(), 'git');
    const allowedSchemes = parseAllowedSchemes(options.allowedSchemes, 'RepoCache option allowedSchemes');
    this.#urlPolicy = { allowedSchemes, forbiddenDirs: [...new Set([defaultCacheDir(), this.cacheDir])] };
    const credentials = options.credentials ?? GitCredentials.fromEnv();
    this.#makeRunner = () =>
      new GitRunner(this.cacheDir, {
        credentials,
        timeouts: { ...DEFAULT_GIT_TIMEOUTS, ...options.timeouts },
        allowedSchemes,
      });
    this.#runner = this.#makeRunner();
    this.cache = sharedCacheDir({
      name: 'git',
      dirs: [join(this.cacheDir, 'repos'), join(this.cacheDir, 'trees')],
      isEntry: (name) => ENTRY.test(name),
      // A tree at a commit is written aside and renamed into place whole; a mirror grows with fetches.
      isImmutable: (path) => dirname(path) === join(this.cacheDir, 'trees'),
      limits: options.cacheLimits,
      sweepIntervalMs: options.sweepIntervalMs,
    });
  }

  /**
   * The git runner; a new one when the cache directory was wiped under it (a new runner writes
   * the private HOME and askpass helper again): a lost cache costs a fetch, never a failure.
   */
  get #git(): GitRunner {
    if (!existsSync(join(this.cacheDir, 'home'))) this.#runner = this.#makeRunner();
    return this.#runner;
  }

  /** The schemes this cache serves (see `RepoCacheOptions.allowedSchemes`). */
  get allowedSchemes(): readonly GitScheme[] {
    return this.#urlPolicy.allowedSchemes;
  }

  /** A snapshot of the work counters. */
  get stats(): Readonly<RepoCacheStats> {
    return { ...this.#stats };
  }

  /** The bare mirror directory of `url` (it may not exist yet). */
  mirrorPath(url: string): string {
    return join(this.cacheDir, 'repos', `${repoHash(url)}.git`);
  }

  /** Fetches all branches and tags of `url` into its mirror; concurrent calls share one fetch. */
  async fetch(url: string, options: GitCallOptions = {}): Promise<void> {
    this.#checkUrl(url);
    this.#stats.fetchCalls += 1;
    await this.#usingMirror(url, () =>
      this.#fetches.run(repoHash(url), (signal) => this.#fetchNow(url, signal), options.signal),
    );
  }

  /** Resolves `targetRevision` to the commit it names now (rule order in the module comment). */
  async resolve(url: string, targetRevision: string, options: GitCallOptions = {}): Promise<ResolvedRef> {
    this.#checkUrl(url);
    return await this.#usingMirror(url, () => this.#resolve(url, targetRevision, options));
  }

  async #resolve(url: string, targetRevision: string, options: GitCallOptions): Promise<ResolvedRef> {
    const { signal } = options;
    const constraint = semverConstraintOf(targetRevision);
    const tags = constraint && (await this.#listTags(url, constraint, signal));
    if (constraint && tags) {
      const choice = pickSemverTag(constraint, tags);
      if (choice) {
        await this.#ensureCommit(url, choice, targetRevision, signal);
        return { sha: choice.sha, ref: choice.ref };
      }
      // As in Argo CD, a constraint no tag meets is then tried as a plain name (a branch "v1.x").
      if (!parseRevision(targetRevision))
        throw this.#notFound(url, targetRevision, noTagProblem(constraint, tags));
    }
    const revision = this.#parse(url, targetRevision);
    if (revision.kind === 'sha') {
      await this.#ensureCommit(url, { sha: revision.text, ref: revision.text }, targetRevision, signal);
      return { sha: revision.text, ref: revision.text };
    }
    const remote = pickRef(revision, await this.#listRefs(url, revision, signal));
    if (remote) {
      await this.#ensureCommit(url, remote, targetRevision, signal);
      return remote;
    }
    if (revision.kind === 'short-sha') {
      let sha = await this.#revParse(url, revision.text, signal);
      if (sha === undefined) {
        await this.fetch(url, options);
        sha = await this.#revParse(url, revision.text, signal);
      }
      if (sha !== undefined) return { sha, ref: sha };
    }
    throw this.#notFound(
      url,
      targetRevision,
      constraint && tags
        ? `${noTagProblem(constraint, tags)}, and no branch has that name`
        : 'no branch, tag or commit has that name',
    );
  }

  /**
   * The cheap poll check: the commit `targetRevision` names on the remote, from `git ls-remote`
   * without fetching. A full SHA is returned as is (a commit never moves); an abbreviated SHA is
   * answered from the mirror. `undefined` when the remote advertises no such ref (or the mirror
   * lacks the abbreviated SHA): call `resolve` to fetch and get a typed error.
   */
  async lsRemote(
    url: string,
    targetRevision: string,
    options: GitCallOptions = {},
  ): Promise<string | undefined> {
    this.#checkUrl(url);
    const constraint = semverConstraintOf(targetRevision);
    const choice =
      constraint && pickSemverTag(constraint, await this.#listTags(url, constraint, options.signal));
    if (choice) return choice.sha;
    if (constraint && !parseRevision(targetRevision)) return undefined;
    const revision = this.#parse(url, targetRevision);
    if (revision.kind === 'sha') return revision.text;
    const remote = pickRef(revision, await this.#listRefs(url, revision, options.signal));
    if (remote) return remote.sha;
    if (revision.kind !== 'short-sha') return undefined;
    return await this.#usingMirror(url, () => this.#revParse(url, revision.text, options.signal));
  }

  /**
   * The path of a read-only tree of `url` at commit `sha` (a full SHA), written once into
   * `<cacheDir>/trees/<hash>-<sha>` through a temporary directory and a rename, then reused. The
   * tree is kept for the grace period of the `git` cache from now (see `withCheckout`).
   */
  async checkout(url: string, sha: string, options: GitCallOptions = {}): Promise<string> {
    const target = this.#treePath(url, sha);
    pinFor(target, this.cache.limits.graceMs);
    await touch(target);
    return await this.#checkout(url, sha, options);
  }

  /** Runs `work` on the tree of `url` at `sha`; the tree is never evicted while it runs. */
  async withCheckout<T>(
    url: string,
    sha: string,
    work: (root: string) => Promise<T>,
    options: GitCallOptions = {},
  ): Promise<T> {
    const release = lease(this.#treePath(url, sha));
    try {
      return await work(await this.#checkout(url, sha, options));
    } finally {
      release();
    }
  }

  /** Where the tree of `url` at `sha` lives; checks the URL and the SHA. */
  #treePath(url: string, sha: string): string {
    this.#checkUrl(url);
    if (!isFullSha(sha)) {
      throw new TypeError(`Cannot check out "${sha}" from "${redactUrl(url)}": expected a full commit SHA`);
    }
    return join(this.cacheDir, 'trees', `${repoHash(url)}-${sha.toLowerCase()}`);
  }

  async #checkout(url: string, sha: string, options: GitCallOptions): Promise<string> {
    const target = this.#treePath(url, sha);
    const commit = sha.toLowerCase();
    if (existsSync(target)) return target;
    return this.#checkouts.run(
      target,
      (signal) =>
        this.#usingMirror(url, async () => {
          if (existsSync(target)) return target;
          await this.#ensureCommit(url, { sha: commit, ref: commit }, commit, signal);
          this.#stats.checkouts += 1;
          await writeTree(this.#git, { url, mirror: this.mirrorPath(url), sha: commit, target, signal });
          this.cache.noteWrite(target);
          return target;
        }),
      options.signal,
    );
  }

  /**
   * The raw commit object of `sha` (a full SHA) in the mirror of `url`, fetched first when the
   * mirror lacks it: headers (`tree`, `parent`, `author`, `gpgsig`, ...), a blank line, the message.
   */
  async readCommit(url: string, sha: string, options: GitCallOptions = {}): Promise<string> {
    this.#checkUrl(url);
    const commit = this.#fullSha(url, sha);
    return await this.#usingMirror(url, async () => {
      await this.#ensureCommit(url, { sha: commit, ref: commit }, commit, options.signal);
      return await this.#git.run(['cat-file', 'commit', commit], {
        url,
        action: `read commit ${commit} of`,
        cwd: this.mirrorPath(url),
        signal: options.signal,
      });
    });
  }

  /**
   * Runs `git verify-commit --raw <sha>` in the mirror of `url` with the trust settings of the
   * caller (`-c` arguments such as `gpg.ssh.allowedSignersFile`, variables such as GNUPGHOME) and
   * returns how it exited and what it printed; see `verify-commit.ts`, which decides.
   */
  async runVerifyCommit(
    url: string,
    sha: string,
    trust: { configArgs: readonly string[]; env: Record<string, string> },
    options: GitCallOptions = {},
  ): Promise<GitOutcome> {
    this.#checkUrl(url);
    const commit = this.#fullSha(url, sha);
    return await this.#usingMirror(url, async () => {
      await this.#ensureCommit(url, { sha: commit, ref: commit }, commit, options.signal);
      return await this.#git.tryRun(['verify-commit', '--raw', commit], {
        url,
        action: `verify commit ${commit} of`,
        cwd: this.mirrorPath(url),
        extraConfigArgs: trust.configArgs,
        extraEnv: trust.env,
        signal: options.signal,
      });
    });
  }

  /**
   * The files that differ between commits `from` and `to` (full SHAs) of `url`, both sides of a
   * rename included; fetches first when the mirror lacks either commit.
   */
  async changedFiles(url: string, from: string, to: string, options: GitCallOptions = {}): Promise<string[]> {
    this.#checkUrl(url);
    const [a, b] = [this.#fullSha(url, from), this.#fullSha(url, to)];
    return await this.#usingMirror(url, async () => {
      for (const sha of [a, b]) await this.#ensureCommit(url, { sha, ref: sha }, sha, options.signal);
      const out = await this.#git.run(['diff', '--name-only', '--no-renames', '-z', a, b], {
        url,
        action: `compare ${a.slice(0, 12)}..${b.slice(0, 12)} of`,
        cwd: this.mirrorPath(url),
        signal: options.signal,
      });
      return out.split('\0').filter(Boolean);
    });
  }

  /** The file paths of commit `sha` of `url` (which must be in the mirror), and a reader of one file. */
  async snapshot(
    url: string,
    sha: string,
    options: GitCallOptions = {},
  ): Promise<{ files: Set<string>; read(path: string): Promise<string> }> {
    this.#checkUrl(url);
    const commit = this.#fullSha(url, sha);
    const cwd = this.mirrorPath(url);
    const listing = await this.#usingMirror(url, () =>
      this.#git.run(['ls-tree', '-r', '-z', '--name-only', commit], {
        url,
        action: `list the files of ${commit.slice(0, 12)} of`,
        cwd,
        signal: options.signal,
      }),
    );
    return {
      files: new Set(listing.split('\0').filter(Boolean)),
      read: (path: string) =>
        this.#usingMirror(url, () =>
          this.#git.run(['cat-file', 'blob', `${commit}:${path}`], {
            url,
            action: `read ${path} at ${commit.slice(0, 12)} of`,
            cwd,
            signal: options.signal,
          }),
        ),
    };
  }

  /** Runs `work` with the mirror of `url` held against eviction, and marks it used. */
  async #usingMirror<T>(url: string, work: () => Promise<T>): Promise<T> {
    const mirror = this.mirrorPath(url);
    const release = lease(mirror);
    try {
      return await work();
    } finally {
      await touch(mirror).finally(release);
    }
  }

  #fullSha(url: string, sha: string): string {
    if (!isFullSha(sha)) {
      throw new TypeError(`Cannot read commit "${sha}" of "${redactUrl(url)}": expected a full commit SHA`);
    }
    return sha.toLowerCase();
  }

  async #fetchNow(url: string, signal: AbortSignal): Promise<void> {
    const mirror = this.mirrorPath(url);
    if (!existsSync(mirror)) {
      const temp = `${mirror}.tmp-${randomUUID()}`;
      await this.#git.run(['init', '--bare', temp], { url, action: 'create a mirror of', signal });
      await rename(temp, mirror).catch(async (error: unknown) => {
        await rm(temp, { recursive: true, force: true });
        if (!existsSync(mirror)) throw error; // else another process created it first: use theirs
      });
    }
    this.#stats.fetches += 1;
    const refspecs = ['+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'];
    await this.#git.run(
      [
        'fetch',
        '--prune',
        '--verbose',
        '--no-write-fetch-head',
        '--no-recurse-submodules',
        remoteUrl(url),
        ...refspecs,
      ],
      {
        url,
        action: 'fetch',
        cwd: mirror,
        network: true,
        timeoutMs: this.#git.timeouts.fetch,
        signal,
      },
    );
    this.cache.noteWrite(mirror);
  }

  async #listRefs(url: string, revision: ParsedRevision, signal?: AbortSignal): Promise<Map<string, string>> {
    const key = `${repoHash(url)}\n${revision.patterns.join('\n')}`;
    return this.#listings.run(
      key,
      async (shared) => {
        this.#stats.lsRemotes += 1;
        const output = await this.#git.run(['ls-remote', remoteUrl(url), ...revision.patterns], {
          url,
          action: 'list refs of',
          revision: revision.text,
          network: true,
          timeoutMs: this.#git.timeouts.lsRemote,
          signal: shared,
        });
        return parseRefLines(output);
      },
      signal,
    );
  }

  /** Every tag of `url` (`git ls-remote <url> refs/tags/*`), for a semver constraint. */
  #listTags(url: string, constraint: SemverConstraint, signal?: AbortSignal): Promise<Map<string, string>> {
    return this.#listRefs(url, { kind: 'name', text: constraint.text, patterns: TAG_REF_PATTERNS }, signal);
  }

  /** Makes sure the mirror has `ref.sha`, fetching once (and the ref itself if it is no branch or tag). */
  async #ensureCommit(
    url: string,
    ref: ResolvedRef,
    targetRevision: string,
    signal?: AbortSignal,
  ): Promise<void> {
    if ((await this.#revParse(url, ref.sha, signal)) === ref.sha) return;
    await this.fetch(url, { signal });
    if ((await this.#revParse(url, ref.sha, signal)) === ref.sha) return;
    if (ref.ref.startsWith('refs/') && !/^refs\/(heads|tags)\//.test(ref.ref)) {
      await this.#git.run(
        ['fetch', '--no-write-fetch-head', '--no-recurse-submodules', remoteUrl(url), ref.ref],
        {
          url,
          action: 'fetch',
          revision: targetRevision,
          cwd: this.mirrorPath(url),
          network: true,
          timeoutMs: this.#git.timeouts.fetch,
          signal,
        },
      );
      if ((await this.#revParse(url, ref.sha, signal)) === ref.sha) return;
    }
    throw this.#notFound(url, targetRevision, `commit ${ref.sha} is not in the repository`);
  }

  #revParse(url: string, revision: string, signal?: AbortSignal): Promise<string | undefined> {
    return this.#git.revParse(this.mirrorPath(url), {
      url,
      action: 'resolve a revision in',
      revision,
      signal,
    });
  }

  /** Refuses a URL the agent's rules forbid (see `url-policy.ts`), before any git command. */
  #checkUrl(url: string): void {
    checkRepoUrl(url, this.#urlPolicy);
  }

  #parse(url: string, targetRevision: string): ParsedRevision {
    const revision = parseRevision(targetRevision);
    if (!revision) throw this.#notFound(url, targetRevision, 'not a valid branch, tag or commit name');
    return revision;
  }

  #notFound(url: string, targetRevision: string, why: string): RevisionNotFound {
    const text = redactText(`Cannot resolve revision "${targetRevision}" in "${redactUrl(url)}": ${why}`);
    return new RevisionNotFound(text);
  }
}
