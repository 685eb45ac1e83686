/**
 * The agent's rules for chart repository URLs, checked before any request: the URL must be usable
 * at all (`chartRepoUrlProblem`: https, http or oci, no credentials in it), and plain HTTP (an
 * `http://` repository, or an `oci://` registry spoken to without TLS) only when the operator
 * allows it in the agent's settings. The same rules apply to the repositories a chart's
 * dependencies name, to archive URLs an index points at and to every redirect. Failures are
 * RepoUrlRefused.
 */
import { RepoUrlRefused } from '../../../contract/errors.js';
import { chartRepoUrlProblem } from '../../../config/chart-source.js';
import { redactUrl } from '../../../core/git/redact.js';

/** Where the operator allows plain HTTP; named in every refusal. */
export const PLAIN_HTTP_SETTING = 'MOORING_HELM_PLAIN_HTTP_HOSTS (the agent environment)';

/** What {@link checkChartRepoUrl} enforces. */
export interface ChartUrlPolicy {
  /**
   * `host[:port]` of the chart repositories and registries that may be spoken to over plain HTTP
   * (an `http://` repository; an `oci://` registry without TLS), lower-case; `*` for any.
   * @default [] (TLS everywhere)
   */
  readonly plainHttpHosts: readonly string[];
}

/** Plain HTTP refused everywhere. */
export const DEFAULT_CHART_URL_POLICY: ChartUrlPolicy = Object.freeze({ plainHttpHosts: [] });

/**
 * The policy of the agent's environment: `MOORING_HELM_PLAIN_HTTP_HOSTS`, a comma-separated list
 * of `host[:port]` (or `*`), allows plain HTTP to those hosts only.
 */
export function chartUrlPolicyFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): ChartUrlPolicy {
  const hosts = (env.MOORING_HELM_PLAIN_HTTP_HOSTS ?? '')
    .split(',')
    .map((host) => host.trim().toLowerCase())
    .filter((host) => host !== '');
  for (const host of hosts)
    if (host !== '*' && !/^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/.test(host))
      throw new TypeError(
        `Invalid MOORING_HELM_PLAIN_HTTP_HOSTS: ${JSON.stringify(host)} is not host[:port]; expected e.g. "registry.internal:5000" or "*"`,
      );
  return { plainHttpHosts: Object.freeze(hosts) };
}

/** True when the policy lets `host` (`host[:port]`, as in a URL) be spoken to over plain HTTP. */
export function allowsPlainHttp(policy: ChartUrlPolicy, host: string): boolean {
  const wanted = host.toLowerCase();
  return policy.plainHttpHosts.some((allowed) => allowed === '*' || allowed === wanted);
}

/**
 * Throws RepoUrlRefused unless `url` is a usable chart repository URL under `policy`.
 * @param what the thing named in the message, e.g. `chart repository` or `dependency "redis"`
 */
export function checkChartRepoUrl(url: string, policy: ChartUrlPolicy, what = 'chart repository'): void {
  const problem = chartRepoUrlProblem(url);
  if (problem !== undefined) throw new RepoUrlRefused(`Cannot use ${what} URL: ${problem}`);
  const parsed = new URL(url.trim());
  if (parsed.protocol === 'http:' && !allowsPlainHttp(policy, parsed.host)) {
    throw new RepoUrlRefused(
      `Cannot use ${what} ${JSON.stringify(redactUrl(url))}: plain HTTP to "${parsed.host}" is not allowed on this agent; use https:// or have the operator list the host in ${PLAIN_HTTP_SETTING}`,
    );
  }
}

/** The scheme an `oci://` registry at `host` is spoken to with: `http` only when the policy allows it. */
export function registryScheme(policy: ChartUrlPolicy, host: string): 'https' | 'http' {
  return allowsPlainHttp(policy, host) ? 'http' : 'https';
}
