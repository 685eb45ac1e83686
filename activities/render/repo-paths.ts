/**
 * Keeps rendering inside the repository checkout: the app path may not climb out with `..`, and no
 * symlink anywhere in the checkout (hidden folders included) may lead outside the repository root
 * or to a device, FIFO or socket (rules in core/manifests/symlink-rule.ts).
 */
import type { Dirent, Stats } from 'node:fs';
import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ManifestInvalid } from '../../contract/errors.js';
import {
  specialFileProblem,
  symlinkProblem,
  type PathKind,
  type SymlinkFacts,
} from '../../core/manifests/symlink-rule.js';

/** True when `path` is `root` itself or below it; both must be absolute and normalized. */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Directories never walked: VCS metadata and other hidden directories. */
export function isHiddenDir(name: string): boolean {
  return name.startsWith('.') && name !== '.' && name !== '..';
}

/** Repository-relative, `/`-separated form of an absolute path, for messages and globs. */
export function repoRelative(root: string, path: string): string {
  return relative(root, path).split(sep).join('/') || '.';
}

/**
 * Resolves `appPath` inside the checkout at `root` to a real directory path. Throws
 * ManifestInvalid when the path is absolute, has a `..` segment, does not exist, is not a
 * directory, or reaches outside the repository through a symlink.
 */
export async function resolveAppDir(
  root: string,
  appPath: string,
): Promise<{ root: string; appDir: string }> {
  const realRoot = await realpath(root);
  const segments = appPath.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (isAbsolute(appPath) || segments.includes('..')) {
    throw new ManifestInvalid(
      `Invalid app path "${appPath}": it must be relative to the repository root and contain no ".." segment`,
    );
  }
  let appDir: string;
  try {
    appDir = await realpath(join(realRoot, ...segments));
  } catch (cause) {
    throw new ManifestInvalid(`App path "${appPath}" does not exist in the repository`, { cause });
  }
  if (!isInside(realRoot, appDir)) {
    throw new ManifestInvalid(`App path "${appPath}" resolves outside the repository through a symlink`);
  }
  if (!(await stat(appDir)).isDirectory()) {
    throw new ManifestInvalid(`App path "${appPath}" is not a directory`);
  }
  return { root: realRoot, appDir };
}

/** What `path` finally is, following links. */
async function pathKind(path: string): Promise<{ kind: PathKind; real?: string }> {
  let real: string;
  try {
    real = await realpath(path);
  } catch (error) {
    return { kind: (error as NodeJS.ErrnoException).code === 'ELOOP' ? 'loop' : 'missing' };
  }
  const stats = await stat(real);
  return { kind: statsKind(stats), real };
}

function statsKind(stats: Stats | Dirent): PathKind {
  if (stats.isDirectory()) return 'directory';
  if (stats.isBlockDevice() || stats.isCharacterDevice()) return 'device';
  if (stats.isFIFO()) return 'fifo';
  if (stats.isSocket()) return 'socket';
  return 'file';
}

/** Gathers the facts `symlinkProblem` judges for the link at `link` (below the real path `root`). */
export async function symlinkFacts(root: string, link: string): Promise<SymlinkFacts> {
  const target = await readlink(link);
  const { kind, real } = await pathKind(link);
  return {
    path: repoRelative(root, link),
    target,
    lexical: repoRelative(root, resolve(dirname(link), target)),
    real: real === undefined ? undefined : repoRelative(root, real),
    kind,
  };
}

/** Throws ManifestInvalid when the symlink at `link` may not be followed (see `symlinkProblem`). */
export async function assertSymlinkInside(root: string, link: string): Promise<void> {
  const problem = symlinkProblem(await symlinkFacts(root, link));
  if (problem) throw new ManifestInvalid(problem);
}

/**
 * Walks the whole checkout below `root` (a real path), hidden directories included, and throws
 * ManifestInvalid at the first symlink `symlinkProblem` refuses or the first device, FIFO or
 * socket. Only Git's own metadata (a `.git` directory at the root) is skipped; symlinked
 * directories are judged, not followed. Helm and kustomize read files anywhere in the tree (and
 * `.helmignore`d or hidden ones too), so the whole tree is checked whatever the source type.
 */
export async function assertNoEscapingSymlinks(root: string): Promise<void> {
  const pending = [root];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        await assertSymlinkInside(root, path);
      } else if (entry.isDirectory()) {
        if (!(dir === root && entry.name === '.git')) pending.push(path);
      } else {
        const problem = specialFileProblem(repoRelative(root, path), statsKind(entry));
        if (problem) throw new ManifestInvalid(problem);
      }
    }
  }
}

/** Outcomes of `assertNoEscapingSymlinksOnce` by root: a pass, or the ManifestInvalid it threw. */
const checkedTrees = new Map<string, Promise<void>>();
const CHECKED_TREES_MAX = 10_000;

/**
 * `assertNoEscapingSymlinks` for a checkout that never changes (one commit's tree): the walk runs
 * once per root, its pass or its ManifestInvalid is remembered; any other failure (the tree was
 * evicted meanwhile, too many open files) is not, so the next call walks again.
 */
export async function assertNoEscapingSymlinksOnce(root: string): Promise<void> {
  let check = checkedTrees.get(root);
  if (!check) {
    if (checkedTrees.size >= CHECKED_TREES_MAX) checkedTrees.clear();
    check = assertNoEscapingSymlinks(root);
    checkedTrees.set(root, check);
    check.catch((error: unknown) => {
      if (!(error instanceof ManifestInvalid)) checkedTrees.delete(root);
    });
  }
  await check;
}

/** Whether `path` exists (without following a final symlink). */
export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
