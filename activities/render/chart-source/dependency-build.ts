/**
 * `helm dependency build` for a chart whose declared dependencies are not all in `charts/`, in a
 * private sandbox: its own HELM_CACHE_HOME / HELM_CONFIG_HOME / HELM_DATA_HOME, a repositories file
 * and a registry config written for this run only (mode 0600, deleted with the sandbox), so helm
 * never reads the agent user's repositories or logins and no password is on a command line.
 *
 * Rules, in order, before helm runs: every repository a missing dependency names must be an
 * `https://` (or allowed plain `http://`) chart repository or an `oci://` registry allowed by the
 * agent's chart URL policy; `file://` dependencies must stay inside `boundary`; a repository
 * named by `helm repo add` alias (`@name`) is refused (the agent has none). Credentials come from
 * the agent's Helm credentials file, per dependency URL.
 */
import { realpath, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify as stringifyYaml } from 'yaml';
import { ManifestInvalid } from '../../../contract/errors.js';
import { renderToolEnv } from '../../../core/manifests/tool-env.js';
import { isInside } from '../repo-paths.js';
import { runTool } from '../run-tool.js';
import { withToolSandbox } from '../tool-sandbox.js';
import type { ResolvedChartCredentials } from './chart-credentials.js';
import { normalizeChartRepoUrl, ociLocation } from './chart-repo-url.js';
import type { ChartRequestOptions } from './chart-request.js';
import { allowsPlainHttp, checkChartRepoUrl } from './chart-url-policy.js';
import { chartDependencies, missingDependencies, type ChartDependency } from './chart-dependencies.js';

/** Options of {@link buildChartDependencies}. */
export interface BuildDependenciesOptions extends ChartRequestOptions {
  /** What the chart is, for messages. */
  what: string;
  /** Directory `file://` dependencies must stay inside (the repository, or the pulled chart). */
  boundary: string;
  /** Paths replaced in helm's messages: `{ '/tmp/x': '<chart>' }`. */
  aliases?: Record<string, string>;
  /** @default 120_000 */
  timeoutMs?: number;
  /** The agent's environment (PATH, proxies, CA). @default process.env */
  agentEnv?: Readonly<Record<string, string | undefined>>;
}

/**
 * Runs `helm dependency build` in `chartDir` (writable) when a declared dependency is missing
 * from `charts/`; returns whether it ran.
 */
export async function buildChartDependencies(
  chartDir: string,
  options: BuildDependenciesOptions,
): Promise<boolean> {
  const declared = await chartDependencies(chartDir, options.what);
  const missing = await missingDependencies(chartDir, declared);
  if (missing.length === 0) return false;
  const remote = await checkDependencies(chartDir, missing, options);
  await withToolSandbox(
    { allowRemoteValueFiles: false, allowRemoteBases: false, allowPlugins: false },
    async (sandbox) => {
      const env = chartToolEnv(sandbox.dir, options.agentEnv ?? process.env);
      const repositories = join(sandbox.dir, 'config', 'repositories.yaml');
      const registry = join(sandbox.dir, 'config', 'registry.json');
      const secrets = await writeHelmConfig(remote, options, { repositories, registry });
      const args = [
        'dependency',
        'build',
        chartDir,
        '--repository-config',
        repositories,
        '--registry-config',
        registry,
      ];
      const oci = remote.filter((d) => d.source === 'oci');
      if (
        oci.length > 0 &&
        oci.every((d) => allowsPlainHttp(options.policy, ociLocation(d.repository, d.name).host))
      )
        args.push('--plain-http');
      await runTool('helm', args, {
        cwd: chartDir,
        env,
        failure: `Building the dependencies of ${options.what} with helm failed`,
        timeoutMs: options.timeoutMs ?? 120_000,
        signal: options.signal,
        aliases: { ...options.aliases, [sandbox.dir]: '<sandbox>' },
        secretValues: secrets,
      });
    },
  );
  return true;
}

/** Checks every missing dependency against the rules; returns the remote ones. */
async function checkDependencies(
  chartDir: string,
  missing: readonly ChartDependency[],
  options: BuildDependenciesOptions,
): Promise<ChartDependency[]> {
  const remote: ChartDependency[] = [];
  const boundary = await realpath(options.boundary);
  for (const dep of missing) {
    const what = `dependency "${dep.name}" of ${options.what}`;
    if (dep.source === 'vendored')
      throw new ManifestInvalid(
        `Cannot render ${options.what}: ${what} names no repository and is not in charts/; vendor it or give its repository URL`,
      );
    if (dep.source === 'alias')
      throw new ManifestInvalid(
        `Cannot render ${options.what}: ${what} names repository ${JSON.stringify(dep.repository)}, an alias from "helm repo add", which the agent does not have; write the repository URL instead`,
      );
    if (dep.source === 'file') {
      const target = resolve(chartDir, dep.repository.trim().replace(/^file:\/\//i, ''));
      const real = await realpath(target).catch(() => undefined);
      if (real === undefined || !isInside(boundary, real))
        throw new ManifestInvalid(
          `Cannot render ${options.what}: ${what} points outside the ${real === undefined ? 'chart (or does not exist)' : 'repository'}: ${JSON.stringify(dep.repository)}`,
        );
      continue;
    }
    checkChartRepoUrl(dep.repository, options.policy, what);
    remote.push(dep);
  }
  return remote;
}

/** The tool environment of a chart download: the render sandbox, with the agent's proxies and CAs. */
export function chartToolEnv(
  sandbox: string,
  agentEnv: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  return renderToolEnv({
    sandbox,
    // Remote content is the point here; what may be reached was checked against the chart URL policy.
    policy: { allowRemoteValueFiles: true, allowRemoteBases: false, allowPlugins: false },
    agentEnv,
  });
}

/**
 * Writes helm's repositories file (HTTP repositories with their credentials) and registry config
 * (OCI registries with theirs), mode 0600; returns the secrets written, to mask in messages.
 */
async function writeHelmConfig(
  remote: readonly ChartDependency[],
  options: BuildDependenciesOptions,
  files: { repositories: string; registry: string },
): Promise<string[]> {
  const secrets: string[] = [];
  const repositories: Record<string, string>[] = [];
  const auths: Record<string, Record<string, string>> = {};
  for (const [index, dep] of remote.entries()) {
    const lookup =
      dep.source === 'oci' ? `${normalizeChartRepoUrl(dep.repository)}/${dep.name}` : dep.repository;
    const credentials: ResolvedChartCredentials | undefined = options.credentials.forUrl(lookup);
    if (credentials?.kind === 'basic') secrets.push(credentials.password);
    if (credentials?.kind === 'bearer') secrets.push(credentials.token);
    if (dep.source === 'http') {
      const entry: Record<string, string> = {
        name: `mooring-dependency-${index}`,
        url: dep.repository.trim(),
      };
      if (credentials?.kind === 'basic')
        Object.assign(entry, { username: credentials.username, password: credentials.password });
      repositories.push(entry);
    } else if (credentials) {
      const { host } = ociLocation(dep.repository, dep.name);
      auths[host] =
        credentials.kind === 'basic'
          ? { auth: Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64') }
          : { registrytoken: credentials.token };
    }
  }
  await writeFile(files.repositories, stringifyYaml({ apiVersion: '', repositories }), { mode: 0o600 });
  await writeFile(files.registry, JSON.stringify({ auths }), { mode: 0o600 });
  return secrets;
}
