/**
 * Which apps a push concerns, pure, the way Argo CD's webhook handler decides: the repository
 * (URLs compared by host and path, whatever the scheme, user, port or `.git` suffix), the ref
 * (the app's target revision, or the default branch for `HEAD`), and the changed files against the
 * app's directory (Argo CD's `manifest-generate-paths` default: the app's path). Anything the push
 * did not say (no file list, no ref in a generic event) matches: a needless refresh is cheap, a
 * missed one waits for git-poll.
 */
import { parseGitUrl } from '../../config/git-url.js';
import type { PushEvent } from './payload.js';
import { semverConstraintOf, tagSatisfies } from '../git/semver-tags.js';

/** What matching reads of an app (a subset of `ApplicationSummary`). */
export interface WebhookApp {
  name: string;
  workflowId: string;
  repoURL: string;
  targetRevision: string;
  /** Directory of the app in its repository; the whole repository when absent. */
  path?: string;
}

/**
 * The identity of a repository URL for matching: host (lower-cased, `www.` dropped) and path
 * (lower-cased, without `.git` and trailing slash), ignoring scheme, user and port, so
 * `git@github.com:Org/Repo.git`, `ssh://git@github.com:22/org/repo` and `https://github.com/org/repo/`
 * are one repository. A local path keys as itself. Undefined for URLs git would not fetch
 * (remote helpers such as `ext::`).
 */
export function repoKey(url: string): string | undefined {
  const parsed = parseGitUrl(url);
  if (parsed.form === 'path' || parsed.scheme === 'file') return `file:${parsed.path}`;
  if (parsed.scheme === undefined || parsed.host === '') return undefined;
  const host = parsed.host.replace(/^www\./, '');
  const path = parsed.path
    .replace(/^\/+/, '')
    .replace(/\.git$/i, '')
    .toLowerCase();
  return `${host}/${path}`;
}

/** Apps grouped by {@link repoKey}, built once per listing. */
export type AppIndex<T extends WebhookApp> = ReadonlyMap<string, readonly T[]>;

export function indexApps<T extends WebhookApp>(apps: readonly T[]): AppIndex<T> {
  const index = new Map<string, T[]>();
  for (const app of apps) {
    const key = repoKey(app.repoURL);
    if (key === undefined) continue;
    const list = index.get(key);
    if (list) list.push(app);
    else index.set(key, [app]);
  }
  return index;
}

/** The apps `push` concerns, each once, in listing order. */
export function matchApps<T extends WebhookApp>(push: PushEvent, index: AppIndex<T>): T[] {
  const keys = new Set(push.repoUrls.map(repoKey).filter((k): k is string => k !== undefined));
  const matched: T[] = [];
  for (const key of keys)
    for (const app of index.get(key) ?? [])
      if (
        refMatches(push.ref, push.defaultBranch, app.targetRevision) &&
        pathTouched(app.path, push.changedPaths)
      )
        matched.push(app);
  return matched;
}

/**
 * True when a push of `ref` moves what `targetRevision` names: the same branch or tag
 * (`refs/heads/main` and `refs/tags/v1` match `main` and `v1`, or the full ref), a tag that
 * satisfies a semver constraint (`refs/tags/v1.4.0` matches `^1.2.0`), or, for `HEAD`
 * (or empty), the repository's default branch; when the payload does not name the default
 * branch, any branch. A commit SHA as target revision never moves. An absent ref matches all.
 */
export function refMatches(
  ref: string | undefined,
  defaultBranch: string | undefined,
  targetRevision: string,
): boolean {
  if (ref === undefined) return true;
  const target = targetRevision.trim();
  const pushed = /^refs\/(heads|tags)\/(.+)$/.exec(ref);
  const kind = pushed?.[1];
  const name = pushed?.[2] ?? ref;
  if (target === '' || target === 'HEAD')
    return kind !== 'tags' && (defaultBranch === undefined || name === defaultBranch);
  if (target === ref) return true;
  const constraint = semverConstraintOf(target);
  if (constraint && kind === 'tags' && tagSatisfies(constraint, name)) return true;
  const targetMatch = /^refs\/(heads|tags)\/(.+)$/.exec(target);
  if (targetMatch) return kind === undefined && targetMatch[2] === name;
  return target === name;
}

/**
 * True when some changed file is the app's directory or lies under it. Unknown changes (no file
 * list) and an app at the repository root match.
 */
export function pathTouched(appPath: string | undefined, changed: readonly string[] | undefined): boolean {
  if (changed === undefined) return true;
  const dir = normalizeDir(appPath ?? '');
  if (dir === '') return true;
  return changed.some((file) => {
    const f = normalizeDir(file);
    return f === dir || f.startsWith(`${dir}/`);
  });
}

function normalizeDir(path: string): string {
  const parts: string[] = [];
  for (const segment of path.replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') parts.pop();
    else parts.push(segment);
  }
  return parts.join('/');
}
