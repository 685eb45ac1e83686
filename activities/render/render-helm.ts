/**
 * Helm rendering: `helm template` on a chart directory of the checkout, with the app's value
 * files, inline values and parameters. Value files must stay inside the repository.
 */
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import type { HelmSource } from '../../config/types.js';
import { ManifestInvalid } from '../../contract/errors.js';
import { helmTemplateArgs } from '../../core/manifests/helm-args.js';
import { parseManifestEntries } from '../../core/manifests/parse-manifests.js';
import { isInside, repoRelative } from './repo-paths.js';
import { runTool } from './run-tool.js';
import type { ManifestEntry } from '../../core/manifests/types.js';

/** Options of `renderHelm`. */
export interface RenderHelmOptions {
  /** Real path of the repository root. */
  root: string;
  /** Release name when `helm.releaseName` is not set (Argo CD uses the app name). */
  appName: string;
  namespace: string;
  helm?: HelmSource;
  /** @default 60_000 */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/**
 * Resolves a value file like Argo CD: http(s) URLs pass through, an absolute path is taken from
 * the repository root, a relative one from the chart directory; it must exist inside the root.
 */
export async function resolveValueFile(root: string, chartDir: string, file: string): Promise<string> {
  if (/^https?:\/\//i.test(file)) return file;
  const relativeToRoot = file.startsWith('/')
    ? posix.normalize(file).slice(1)
    : posix.join(repoRelative(root, chartDir), file);
  if (relativeToRoot === '..' || relativeToRoot.startsWith('../')) {
    throw new ManifestInvalid(`Value file "${file}" is outside the repository`);
  }
  let real: string;
  try {
    real = await realpath(join(root, relativeToRoot));
  } catch (cause) {
    throw new ManifestInvalid(
      `Value file "${file}" does not exist in the repository: looked for "${relativeToRoot}"`,
      { cause },
    );
  }
  if (!isInside(root, real))
    throw new ManifestInvalid(`Value file "${file}" resolves outside the repository through a symlink`);
  return real;
}

/** Renders the chart in `chartDir` (a real path inside `options.root`). */
export async function renderHelm(chartDir: string, options: RenderHelmOptions): Promise<ManifestEntry[]> {
  const { root, helm = {} } = options;
  const chartPath = repoRelative(root, chartDir);
  const valueFiles: string[] = [];
  for (const file of helm.valueFiles ?? []) valueFiles.push(await resolveValueFile(root, chartDir, file));
  const temp = await mkdtemp(join(tmpdir(), 'mooring-helm-'));
  try {
    let inlineValuesFile: string | undefined;
    const values = typeof helm.values === 'string' ? helm.values : helm.values && JSON.stringify(helm.values);
    if (values && values.trim() !== '') {
      inlineValuesFile = join(temp, 'values.yaml');
      await writeFile(inlineValuesFile, values, { mode: 0o600 });
    }
    const args = helmTemplateArgs({
      releaseName: helm.releaseName || options.appName,
      chartDir,
      namespace: options.namespace,
      valueFiles,
      inlineValuesFile,
      parameters: helm.parameters,
      skipCrds: helm.skipCrds,
    });
    const output = await runTool('helm', args, {
      cwd: chartDir,
      failure: `Rendering "${chartPath}" with helm failed`,
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      aliases: { [join(temp, 'values.yaml')]: '<inline values>', [root]: '<repo>' },
    });
    return parseManifestEntries(output, { file: `helm template ${chartPath}`, helmSources: true });
  } finally {
    await rm(temp, { recursive: true, force: true });
  }
}
