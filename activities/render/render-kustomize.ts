/**
 * Kustomize rendering: `kustomize build <dir>`. When the app sets kustomize options, the edits
 * run in a temporary copy of the repository (never in the checkout), as Argo CD does. Before
 * kustomize runs, every reachable kustomization is checked against the render policy (remote
 * bases, plugins); kustomize gets the plugin flags only when plugins are allowed, the sandbox
 * environment, and loads files only below each kustomization root.
 */
import { copyWorkTree } from './copy-work-tree.js';
import { lstat, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, relative } from 'node:path';
import type { KustomizeSource } from '../../config/types.js';
import { ManifestInvalid } from '../../contract/errors.js';
import { KUSTOMIZATION_FILES, kustomizeEditCommands } from '../../core/manifests/kustomize-edits.js';
import { parseManifestEntries } from '../../core/manifests/parse-manifests.js';
import { exists, repoRelative } from './repo-paths.js';
import { assertKustomizePolicy } from './kustomize-policy.js';
import { runTool, toolBinary } from './run-tool.js';
import { DEFAULT_RENDER_POLICY, type RenderPolicy } from '../../core/manifests/render-policy.js';
import type { ManifestEntry } from '../../core/manifests/types.js';

/** Options of `renderKustomize`. */
export interface RenderKustomizeOptions {
  /** Real path of the repository root. */
  root: string;
  kustomize?: KustomizeSource;
  /** @default nothing remote, no plugins */
  policy?: RenderPolicy;
  /** The tool's environment (`renderToolEnv`). */
  env?: Record<string, string>;
  /** Directory for the temporary copy (deleted by the caller). @default the OS temp directory */
  tempDir?: string;
  /** @default 60_000 */
  timeoutMs?: number;
  maxOutputBytes?: number;
  signal?: AbortSignal;
}

/** `kustomize build` arguments: root-only file loading, plugin flags only when allowed. */
export function kustomizeBuildArgs(dir: string, policy: RenderPolicy): string[] {
  const args = ['build', dir, '--load-restrictor', 'LoadRestrictionsRootOnly'];
  if (policy.allowPlugins) {
    args.push('--enable-alpha-plugins', '--enable-exec', '--enable-helm');
    args.push('--helm-command', toolBinary('helm'));
  }
  return args;
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
  const policy = options.policy ?? DEFAULT_RENDER_POLICY;
  await assertKustomizePolicy(root, appDir, policy);
  const failure = `Rendering "${appPath}" with kustomize failed`;
  const edits = kustomizeEditCommands(options.kustomize);
  const tool = {
    timeoutMs: options.timeoutMs,
    maxOutputBytes: options.maxOutputBytes,
    signal: options.signal,
    env: options.env,
    failure,
  };
  let output: string;
  if (edits.length === 0) {
    output = await runTool('kustomize', kustomizeBuildArgs(appDir, policy), {
      ...tool,
      cwd: appDir,
      aliases: { [root]: '<repo>' },
    });
  } else {
    const temp = await mkdtemp(join(options.tempDir ?? tmpdir(), 'mooring-kustomize-'));
    try {
      const copy = join(temp, 'repo');
      await copyWorkTree(root, copy);
      const workDir = join(copy, relative(root, appDir));
      await unlinkKustomization(join(workDir, basename(kustomization)));
      const run = { ...tool, cwd: workDir, aliases: { [copy]: '<repo>', [root]: '<repo>' } };
      for (const edit of edits) await runTool('kustomize', edit, run);
      output = await runTool('kustomize', kustomizeBuildArgs(workDir, policy), run);
    } finally {
      await rm(temp, { recursive: true, force: true });
    }
  }
  return parseManifestEntries(output, { file: `kustomize build ${appPath}` });
}
