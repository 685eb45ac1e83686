/**
 * Helm rendering: `helm template` on a chart directory of the checkout, with the app's value files
 * (inside the repository; URLs only when the render policy allows remote value files) and then the
 * values of its `valuesFrom` Secrets, read by the agent and passed through private temporary files.
 * helm runs with `--kubeconfig /dev/null` and the sandbox environment: it never talks to a cluster,
 * never validates against one, never runs a post-renderer, and loads plugins only when allowed.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { join, posix } from 'node:path';
import type { HelmSource } from '../../config/types.js';
import { ManifestInvalid, PolicyViolation } from '../../contract/errors.js';
import { helmTemplateArgs } from '../../core/manifests/helm-args.js';
import { parseManifestEntries } from '../../core/manifests/parse-manifests.js';
import { isRemoteValueFile } from '../../core/manifests/remote-refs.js';
import { DEFAULT_RENDER_POLICY, type RenderPolicy } from '../../core/manifests/render-policy.js';
import { isInside, repoRelative } from './repo-paths.js';
import { runTool } from './run-tool.js';
import type { ChartSource } from './chart-source/chart-source.js';
import { prepareRepoChart } from './chart-source/repo-chart-dependencies.js';
import type { ManifestEntry } from '../../core/manifests/types.js';
import { parse as parseYaml } from 'yaml';
import { redactUrl } from '../../core/git/redact.js';
import { valueFileRef } from '../../config/multi-source.js';

/** Reads one key of a Secret in `namespace`; undefined when the Secret or the key is missing. */
export type ReadSecretValue = (namespace: string, name: string, key: string) => Promise<string | undefined>;

/** Values read from one `helm.valuesFrom` entry. Never logged, never stored in clear outside a temp file. */
export interface HelmSecretValues {
  /** `valuesFrom[i]`, for messages. */
  field: string;
  content: string;
}

/** Options of `renderHelm`. */
export interface RenderHelmOptions {
  /** Real path of the repository root. */
  root: string;
  /** Release name when `helm.releaseName` is not set (Argo CD uses the app name). */
  appName: string;
  namespace: string;
  helm?: HelmSource;
  /** Values of `helm.valuesFrom`, already read (`readHelmValuesFrom`), in order. @default [] */
  secretValues?: readonly HelmSecretValues[];
  /** @default nothing remote, no plugins */
  policy?: RenderPolicy;
  /** The tool's environment (`renderToolEnv`). */
  env?: Record<string, string>;
  /** Private directory for the values files (deleted by the caller). @default a new temp dir */
  tempDir?: string;
  /** @default 60_000 */
  timeoutMs?: number;
  maxOutputBytes?: number;
  signal?: AbortSignal;
  /**
   * Credentials and URL policy for `helm dependency build` when a dependency is missing from
   * `charts/`. @default defaultChartSource() (the agent's environment)
   */
  charts?: ChartSource;
  /**
   * An app with several sources: the real root of each `ref` source, where `$<ref>/<path>` value
   * files are read (config/multi-source.ts). @default none: such a file is refused
   */
  refRoots?: ReadonlyMap<string, string>;
}

/** The data key read when a `valuesFrom` entry names none. */
export const DEFAULT_VALUES_KEY = 'values.yaml';

/**
 * Reads the app's `helm.valuesFrom` Secrets from its destination namespace, in order. A missing
 * Secret or key is skipped when the entry is optional and fails otherwise (a retryable Error: the
 * Secret may be created later). Contents never appear in messages.
 */
export async function readHelmValuesFrom(
  helm: HelmSource | undefined,
  options: { appName: string; namespace: string; readSecretValue?: ReadSecretValue },
): Promise<HelmSecretValues[]> {
  const entries = helm?.valuesFrom ?? [];
  if (entries.length === 0) return [];
  const { readSecretValue, namespace, appName } = options;
  if (!readSecretValue) {
    throw new Error(
      `Cannot render app "${appName}": helm.valuesFrom needs Secret access, which this agent was not configured with`,
    );
  }
  const values: HelmSecretValues[] = [];
  for (const [index, entry] of entries.entries()) {
    const field = `helm.valuesFrom[${index}]`;
    const key = entry.secretRef.key || DEFAULT_VALUES_KEY;
    const content = await readSecretValue(namespace, entry.secretRef.name, key);
    if (content === undefined) {
      if (entry.optional) continue;
      throw new Error(
        `Cannot render app "${appName}": ${field} names key "${key}" of Secret "${entry.secretRef.name}" in namespace "${namespace}", which does not exist; create it or mark the entry optional`,
      );
    }
    values.push({ field, content });
  }
  return values;
}

/** sha256 of the Secret values, for the render cache key: the values themselves are never stored. */
export function secretValuesDigest(values: readonly HelmSecretValues[]): string | undefined {
  if (values.length === 0) return undefined;
  const hash = createHash('sha256');
  for (const { field, content } of values) hash.update(`${field}\0${content.length}\0${content}\0`);
  return hash.digest('hex');
}

/**
 * Resolves a value file like Argo CD: an absolute path is taken from the repository root, a
 * relative one from the chart directory, and it must exist inside the root. A URL (any scheme) is
 * refused unless `allowRemote`; then it is passed to helm as is.
 */
export async function resolveValueFile(
  root: string,
  chartDir: string,
  file: string,
  allowRemote = false,
): Promise<string> {
  if (isRemoteValueFile(file)) {
    if (allowRemote) return file;
    throw new PolicyViolation(
      `Value file "${redactUrl(file)}" of helm.valueFiles is remote; remote value files are off unless the app's project allows them (allowRemoteValueFiles): copy the file into the repository`,
    );
  }
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
  const policy = options.policy ?? DEFAULT_RENDER_POLICY;
  const chartPath = repoRelative(root, chartDir);
  const aliases: Record<string, string> = { [root]: '<repo>' };
  const valueFiles: string[] = [];
  for (const file of helm.valueFiles ?? []) {
    const named = valueFileRef(file);
    if (named === undefined) {
      valueFiles.push(await resolveValueFile(root, chartDir, file, policy.allowRemoteValueFiles));
      continue;
    }
    const refRoot = options.refRoots?.get(named.ref);
    if (refRoot === undefined)
      throw new ManifestInvalid(
        `Value file "${file}" names $${named.ref}, which is the ref of no source of this app (known: ${[...(options.refRoots?.keys() ?? [])].map((r) => `$${r}`).join(', ') || 'none'})`,
      );
    valueFiles.push(
      await resolveValueFile(refRoot, refRoot, `/${named.path}`).catch(refFileError(file, named.ref)),
    );
    aliases[refRoot] = `<$${named.ref}>`;
  }
  const ownTemp = options.tempDir === undefined;
  const temp = options.tempDir ?? (await mkdtemp(join(process.env.TMPDIR || '/tmp', 'mooring-helm-')));
  const secretFiles: string[] = [];
  try {
    for (const [index, { field, content }] of (options.secretValues ?? []).entries()) {
      const file = join(temp, `values-from-${index}.yaml`);
      secretFiles.push(file);
      await writeFile(file, content, { mode: 0o600, flag: 'wx' });
      valueFiles.push(file);
      aliases[file] = `<${field}>`;
    }
    // A chart with dependencies missing from charts/ is rendered from a private copy, built first.
    const templateDir = await prepareRepoChart(
      chartDir,
      { root, tempDir: temp, charts: options.charts, timeoutMs: options.timeoutMs, signal: options.signal },
      aliases,
    );
    const args = helmTemplateArgs({
      releaseName: helm.releaseName || options.appName,
      chartDir: templateDir,
      namespace: options.namespace,
      valueFiles,
      skipCrds: helm.skipCrds,
    });
    args.push('--kubeconfig', '/dev/null');
    aliases[temp] = '<temp>';
    const output = await runTool('helm', args, {
      cwd: templateDir,
      env: options.env,
      failure: `Rendering "${chartPath}" with helm failed`,
      timeoutMs: options.timeoutMs,
      maxOutputBytes: options.maxOutputBytes,
      signal: options.signal,
      aliases,
      secretValues: (options.secretValues ?? []).flatMap(({ content }) => secretLeaves(content)),
    });
    return parseManifestEntries(output, { file: `helm template ${chartPath}`, helmSources: true });
  } finally {
    if (ownTemp) await rm(temp, { recursive: true, force: true });
    else for (const file of secretFiles) await rm(file, { force: true });
  }
}

/** The scalar values of a values file (and its lines, when it does not parse), to mask in messages. */
function secretLeaves(content: string): string[] {
  const leaves: string[] = [];
  const walk = (value: unknown): void => {
    if (value === null || value === undefined) return;
    if (typeof value === 'object') for (const item of Object.values(value)) walk(item);
    else leaves.push(String(value));
  };
  try {
    walk(parseYaml(content));
  } catch {
    leaves.push(...content.split('\n').map((line) => line.trim()));
  }
  return leaves.filter((leaf) => leaf.length >= 4);
}

/** Names the `$<ref>` value file and its source in a failure to find it there. */
function refFileError(file: string, ref: string): (error: unknown) => never {
  return (error) => {
    if (error instanceof ManifestInvalid)
      throw new ManifestInvalid(`Value file "${file}" cannot be read from source $${ref}: ${error.message}`);
    throw error;
  };
}
