/**
 * Kustomize rendering: `kustomize build <dir>`. When the app sets kustomize options, the edits
 * run in a temporary copy of the repository (never in the checkout), as Argo CD does.
 */
import { cp, lstat, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import type { KustomizeSource } from '../../config/types.js';
import { ManifestInvalid } from '../../contract/errors.js';
import { KUSTOMIZATION_FILES, kustomizeEditCommands } from '../../core/manifests/kustomize-edits.js';
import { parseManifestEntries } from '../../core/manifests/parse-manifests.js';
import { exists, repoRelative } from './repo-paths.js';
import { runTool } from './run-tool.js';
import type { ManifestEntry } from '../../core/manifests/types.js';

/** Options of `renderKustomize`. */
export interface RenderKustomizeOptions {
  /** Real path of the repository root. */
  root: string;
  kustomize?: KustomizeSource;
  /** @default 60_000 */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The kustomization file of `dir`, or undefined when there is none. */
export async function findKustomization(dir: string): Promise<string | undefined> {
  for (const name of KUSTOMIZATION_FILES) {
    if (await exists(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** A kustomization that is a symlink would be edited through the link: replace it by a copy. */
async function unlinkKustomization(file: string): Promise<void> {
  if ((await lstat(file)).isSymbolicLink()) {
    const text = await readFile(file);
    await rm(file);
    await writeFile(file, text);
  }
}

/** Renders the kustomization in `appDir` (a real path inside `options.root`). */
export async function renderKustomize(
  appDir: string,
  options: RenderKustomizeOptions,
): Promise<ManifestEntry[]> {
  const { root } = options;
  const appPath = repoRelative(root, appDir);
  const kustomization = await findKustomization(appDir);
  if (!kustomization) {
    throw new ManifestInvalid(
      `No kustomization in "${appPath}": expected one of ${KUSTOMIZATION_FILES.join(', ')}`,
    );
  }
  const failure = `Rendering "${appPath}" with kustomize failed`;
  const edits = kustomizeEditCommands(options.kustomize);
  const tool = { timeoutMs: options.timeoutMs, signal: options.signal, failure };
  let output: string;
  if (edits.length === 0) {
    output = await runTool('kustomize', ['build', appDir], {
      ...tool,
      cwd: appDir,
      aliases: { [root]: '<repo>' },
    });
  } else {
    const temp = await mkdtemp(join(tmpdir(), 'mooring-kustomize-'));
    try {
      const copy = join(temp, 'repo');
      await cp(root, copy, {
        recursive: true,
        verbatimSymlinks: true,
        filter: (source) => basename(source) !== '.git',
      });
      const workDir = join(copy, relative(root, appDir));
      await unlinkKustomization(join(workDir, basename(kustomization)));
      const run = { ...tool, cwd: workDir, aliases: { [copy]: '<repo>', [root]: '<repo>' } };
      for (const edit of edits) await runTool('kustomize', edit, run);
      output = await runTool('kustomize', ['build', workDir], run);
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }
  return parseManifestEntries(output, { file: `kustomize build ${appPath}` });
}
