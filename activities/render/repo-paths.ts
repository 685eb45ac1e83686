/**
 * Keeps rendering inside the repository checkout: the app path may not climb out with `..`, and no
 * symlink (file or directory) may point outside the repository root, as Argo CD enforces.
 */
import { lstat, readdir, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { ManifestInvalid } from '../../contract/errors.js';

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

/** Real path of a symlink's target, or its textual resolution when the target does not exist. */
async function symlinkTarget(link: string): Promise<string> {
  try {
    return await realpath(link);
  } catch {
    // A dangling link reads nothing; judge it by where it would point.
    return resolve(dirname(link), await readlink(link));
  }
}

/** Throws ManifestInvalid when the symlink at `link` points outside `root` (both real paths). */
export async function assertSymlinkInside(root: string, link: string): Promise<void> {
  const target = await symlinkTarget(link);
  if (!isInside(root, target)) {
    const text = await readlink(link);
    throw new ManifestInvalid(
      `Symlink "${repoRelative(root, link)}" points outside the repository: link target is "${text}"`,
    );
  }
}

/**
 * Walks the repository below `root` (a real path; hidden directories skipped, symlinked
 * directories not followed) and throws ManifestInvalid at the first symlink pointing outside it.
 * Helm and Kustomize read files anywhere in the tree, so the whole tree is checked.
 */
export async function assertNoEscapingSymlinks(root: string): Promise<void> {
  const pending = [root];
  for (let dir = pending.pop(); dir !== undefined; dir = pending.pop()) {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) await assertSymlinkInside(root, path);
      else if (entry.isDirectory() && !isHiddenDir(entry.name)) pending.push(path);
    }
  }
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
