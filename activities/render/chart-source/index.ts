/**
 * Helm charts from chart repositories (`helm repo index` served over HTTP) and OCI registries:
 * resolving a chart source's targetRevision (a version or a semver range) to an exact version and
 * content digest, pulling that exact content into the agent's chart cache, and building chart
 * dependencies (`helm dependency build`) in a private sandbox. What a version constraint selects
 * and what a recorded chart revision looks like are pure functions here; the rest reads the
 * network only through the agent's chart URL policy, with credentials only from the agent's own
 * Helm credentials file. Never writes to a checkout, never contacts a cluster, never puts a
 * credential in a command line, a message or a result.
 */
export { ChartSource, defaultChartSource, type ChartSourceOptions } from './chart-source.js';
export { resolveChartVersion, type ChartSourceSpec } from './resolve-chart-version.js';
export { fetchChart, type FetchChartOptions } from './fetch-chart.js';
export { ChartCache, chartCacheKey, type ChartCacheOptions, type ChartRef } from './chart-cache.js';
export {
  ChartCredentials,
  HELM_CREDENTIALS_FILE_ENV,
  type ChartCredentialEntry,
  type ResolvedChartCredentials,
} from './chart-credentials.js';
export {
  DEFAULT_CHART_URL_POLICY,
  PLAIN_HTTP_SETTING,
  allowsPlainHttp,
  chartUrlPolicyFromEnv,
  checkChartRepoUrl,
  type ChartUrlPolicy,
} from './chart-url-policy.js';
export { DEFAULT_CHART_LIMITS, type ChartLimits, type ChartRequestOptions } from './chart-request.js';
export {
  formatChartRevision,
  parseChartRevision,
  isChartRevision,
  type ChartPin,
} from '../../../contract/revision.js';
export { selectChartVersion } from './select-version.js';
export { buildChartDependencies, type BuildDependenciesOptions } from './dependency-build.js';
export { chartDependencies, missingDependencies, type ChartDependency } from './chart-dependencies.js';
export { normalizeChartRepoUrl } from './chart-repo-url.js';
