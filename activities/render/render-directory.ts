/**
 * Plain directory rendering (Argo CD's "Directory" source type): `.yaml`, `.yml` and `.json` files
 * in deterministic order, optionally recursive, filtered by include/exclude globs. Reads only
 * inside the repository; never runs anything.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DirectorySource } from '../../config/types.js';
import { ManifestInvalid } from '../../contract/errors.js';
import { compileDirectoryFilter, type PathFilter } from '../../core/manifests/directory-glob.js';
import { parseManifestEntries } from '../../core/manifests/parse-manifests.js';
import { DEFAULT_RENDER_LIMITS, formatBytes } from '../../core/manifests/render-limits.js';
import { assertSymlinkInside, isHiddenDir, repoRelative } from './repo-paths.js';
import type { ManifestEntry } from '../../core/manifests/types.js';

/** Options of `renderDirectory`. */
export interface RenderDirectoryOptions extends DirectorySource {
  /** Real path of the repository root; files are named relative to it and symlinks kept inside. */
  root: string;
  /** Largest total size of the manifest files read. @default 64 MiB */
  maxBytes?: number;
}

const MANIFEST_FILE = /\.(ya?ml|json)$/i;

function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/**
 * Lists the manifest files of `appDir` (a real path inside `options.root`), depth-first in byte
 * order of names like Argo CD's walk, as paths relative to `appDir`. Hidden directories are
 * skipped; symlinked directories are not followed; any symlink pointing outside the root throws.
 */
export async function listManifestFiles(appDir: string, options: RenderDirectoryOptions): Promise<string[]> {
  const filter: PathFilter = compileDirectoryFilter(options);
  const files: string[] = [];
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort(byName);
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const relativePath = prefix + entry.name;
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        await assertSymlinkInside(options.root, path);
        // A dangling link inside the repository is ignored, like a missing file.
        isFile = await stat(path).then(
          (s) => s.isFile(),
          () => false,
        );
      } else if (entry.isDirectory()) {
        if (options.recurse && !isHiddenDir(entry.name)) await walk(path, `${relativePath}/`);
        continue;
      }
      if (isFile && MANIFEST_FILE.test(entry.name) && filter(relativePath)) files.push(relativePath);
    }
  };
  await walk(appDir, '');
  return files;
}

/** Argo CD ignores a YAML file that fails to parse unless it looks like a Kubernetes manifest. */
function looksLikeManifest(text: string, json: boolean): boolean {
  const keys = ['apiVersion', 'kind', 'metadata'];
  return keys.every((key) => text.includes(json ? `"${key}"` : `${key}:`));
}

/**
 * Renders a plain directory into entries naming their repository-relative file. Files that fail
 * to parse throw ManifestInvalid, except those that do not look like Kubernetes manifests at all
 * (say, a `values.yaml` or `package.json` beside them), which are skipped as Argo CD does.
 */
export async function renderDirectory(
  appDir: string,
  options: RenderDirectoryOptions,
): Promise<ManifestEntry[]> {
  const entries: ManifestEntry[] = [];
  const maxBytes = options.maxBytes ?? DEFAULT_RENDER_LIMITS.maxOutputBytes;
  let total = 0;
  for (const relativePath of await listManifestFiles(appDir, options)) {
    const path = join(appDir, relativePath);
    const file = repoRelative(options.root, path);
    total += (await stat(path)).size;
    if (total > maxBytes) {
      throw new ManifestInvalid(
        `The manifest files of "${repoRelative(options.root, appDir)}" exceed ${formatBytes(maxBytes)} (reached at "${file}"); make the app smaller or raise the agent's maxOutputBytes render limit`,
      );
    }
    const text = await readFile(path, 'utf8');
    try {
      entries.push(...parseManifestEntries(text, { file }));
    } catch (error) {
      if (error instanceof ManifestInvalid && !looksLikeManifest(text, /\.json$/i.test(file))) continue;
      throw error;
    }
  }
  return entries;
}
