/**
 * Which repository paths an app's render reads, and whether a commit touched them; pure. A push to
 * a monorepo moves the commit of every app in it, but only the apps whose sources changed need a
 * render (Argo CD's `manifest-generate-paths`, computed instead of declared): the app's directory,
 * plus the directories its kustomization references outside it (`../base`), recursively, and the
 * `file://` dependencies of its Helm chart.
 */
import { parse } from 'yaml';
import { kustomizationRefs } from '../manifests/kustomization-refs.js';
import type { KustomizationRefs } from '../manifests/kustomization-refs.js';

/** The names Kustomize reads as a kustomization, in its order of preference. */
export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'] as const;

/** A repository path without `./`, duplicate or trailing slashes; `''` is the root. */
export function normalizeRepoPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    parts.push(part);
  }
  return parts.join('/');
}

/** `relative` resolved against directory `dir`; undefined when it leaves the repository. */
export function joinRepoPath(dir: string, relative: string): string | undefined {
  if (relative.startsWith('/')) return undefined;
  const parts = normalizeRepoPath(dir).split('/').filter(Boolean);
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}

/** True when `file` is `dir` itself or lies under it (`dir` `''` holds everything). */
export function isUnder(file: string, dir: string): boolean {
  const d = normalizeRepoPath(dir);
  return d === '' || file === d || file.startsWith(`${d}/`);
}

/** The parent directory of a repository path (`''` for a top-level file). */
export function parentDir(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function field(entry: unknown, name: string): unknown {
  return entry && typeof entry === 'object' ? (entry as Record<string, unknown>)[name] : undefined;
}

/**
 * The local paths (files or directories, relative to the kustomization's directory) a
 * kustomization reads: resources, bases, components, plugin configs, patches, generators' files.
 * Remote references are left out (they are not in this repository), and so is everything of a file
 * that does not parse: the caller counts the kustomization file itself.
 */
export function kustomizationReferences(text: string): string[] {
  let refs: KustomizationRefs;
  try {
    refs = kustomizationRefs(text);
  } catch {
    return [];
  }
  return [...refs.local, ...refs.pluginConfigs, ...refs.localFiles]
    .map((r) => r.entry.slice(r.entry.indexOf('=') + 1)) // generator files may be `key=path`
    .filter((r) => r.trim() !== '' && !r.includes('\n')); // a multi-line string is an inline patch
}

/** The `file://` dependencies of a Helm chart's Chart.yaml, relative to the chart's directory. */
export function chartFileDependencies(text: string): string[] {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return [];
  }
  const deps = field(doc, 'dependencies');
  if (!Array.isArray(deps)) return [];
  return deps
    .map((d) => field(d, 'repository'))
    .filter((r): r is string => typeof r === 'string' && r.startsWith('file://'))
    .map((r) => r.slice('file://'.length));
}

/** The repository at the new commit, as {@link affectedPaths} reads it. */
export interface RepoSnapshot {
  /** Every file path of the commit. */
  files: ReadonlySet<string>;
  /** The content of one file of the commit. */
  read(path: string): Promise<string>;
}

/** Most directories one app's sources may span before the check gives up and calls it affected. */
const MAX_SOURCE_DIRS = 64;

/**
 * The paths and files an app at `appPath` renders from: its directory, then what its
 * kustomizations and chart reference, followed recursively. Undefined when there are too many to
 * follow (the caller then treats the app as changed).
 */
export async function sourceRoots(appPath: string, repo: RepoSnapshot): Promise<string[] | undefined> {
  const root = normalizeRepoPath(appPath);
  const roots = [root];
  const queue = [root];
  const isDir = (path: string): boolean => {
    for (const f of repo.files) if (isUnder(f, path) && f !== path) return true;
    return false;
  };
  while (queue.length > 0) {
    const dir = queue.shift() as string;
    const refs: string[] = [];
    const kustomization = KUSTOMIZATION_FILES.map((n) => joinRepoPath(dir, n)).find(
      (f) => f !== undefined && repo.files.has(f),
    );
    if (kustomization) refs.push(...kustomizationReferences(await repo.read(kustomization)));
    const chart = joinRepoPath(dir, 'Chart.yaml');
    if (chart && repo.files.has(chart)) refs.push(...chartFileDependencies(await repo.read(chart)));
    for (const ref of refs) {
      const target = joinRepoPath(dir, ref);
      if (target === undefined || roots.some((r) => isUnder(target, r))) continue;
      roots.push(target);
      if (roots.length > MAX_SOURCE_DIRS) return undefined;
      if (isDir(target)) queue.push(target);
    }
  }
  return roots;
}

/**
 * Which of `appPaths` a commit that changed `changedFiles` affects: those with a changed file
 * under one of their source roots (see {@link sourceRoots}). A path whose sources cannot be read
 * counts as affected: a needless render is cheap, a missed one is a stale app.
 */
export async function affectedPaths(
  changedFiles: readonly string[],
  appPaths: readonly string[],
  repo: RepoSnapshot,
): Promise<string[]> {
  const affected: string[] = [];
  for (const path of appPaths) {
    if (changedFiles.some((f) => isUnder(f, path))) {
      affected.push(path);
      continue;
    }
    const roots = await sourceRoots(path, repo).catch(() => undefined);
    if (!roots || changedFiles.some((f) => roots.some((r) => isUnder(f, r)))) affected.push(path);
  }
  return affected;
}
