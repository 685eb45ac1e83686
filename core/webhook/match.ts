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
export interface WebhookApp extends WebhookSource {
  name: string;
  workflowId: string;
  /** All sources of an app with several; a push to any of their Git repositories matches it. */
  sources?: WebhookSource[];
}

/** One source of an app, as a push is matched against it. */
export interface WebhookSource {
  repoURL: string;
  targetRevision: string;
  /** Directory of the app in its repository; the whole repository when absent. */
  path?: string;
  /** Set for a Helm chart from a chart repository or registry, which no Git push concerns. */
  chart?: string;
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
export type AppIndex<T extends WebhookApp> = ReadonlyMap<
  string,
  readonly { app: T; source: WebhookSource }[]
>;

export function indexApps<T extends WebhookApp>(apps: readonly T[]): AppIndex<T> {
  const index = new Map<string, { app: T; source: WebhookSource }[]>();
  for (const app of apps)
    for (const source of app.sources ?? [app]) {
      const key = source.chart === undefined ? repoKey(source.repoURL) : undefined;
      if (key === undefined) continue;
      const list = index.get(key);
      if (list) list.push({ app, source });
      else index.set(key, [{ app, source }]);
    }
  return index;
}

/** The apps `push` concerns, each once, in listing order. */
export function matchApps<T extends WebhookApp>(push: PushEvent, index: AppIndex<T>): T[] {
  const keys = new Set(push.repoUrls.map(repoKey).filter((k): k is string => k !== undefined));
  const matched = new Set<T>();
  for (const key of keys)
    for (const { app, source } of index.get(key) ?? [])
      if (
        refMatches(push.ref, push.defaultBranch, source.targetRevision) &&
        pathTouched(source.path, push.changedPaths)
      )
        matched.add(app);
  return [...matched];
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
