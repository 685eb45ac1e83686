/**
 * Helm chart sources (`spec.source.chart` + `repoURL`), pure: what makes a chart source valid
 * whatever the agent's policy says. Spec loading calls it so `mooring app apply` refuses a bad
 * source before contacting Temporal; the agent checks the URL again against its own policy before
 * any request (activities/render/chart-source/chart-url-policy.ts).
 *
 * Rules, in order: the chart name is one path segment (no "/", no ".."); `path` is absent or empty
 * (the chart is the whole source); no `kustomize` or `directory` block; `repoURL` is an `https://`
 * or `http://` chart repository or an `oci://` registry, without credentials in it; `targetRevision`
 * is a chart version or a semver range (`1.2.*`, `^1.2.0`, `>=1.0 <2`), or `HEAD` / `*` / empty for
 * the highest stable version. Never reads the network.
 */
import semver from 'semver';
import { isSecretParam, redactUrl } from './redact-url.js';
import type { AppSource } from './types.js';

/** A chart name: letters, digits, ".", "_" and "-", starting with a letter or digit. */
export const CHART_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** The longest chart name accepted. */
export const MAX_CHART_NAME_LENGTH = 250;
/** Where chart repository credentials belong instead of the URL; named in messages. */
export const CHART_CREDENTIALS_HINT =
  "put the user name and password or token in the agent's Helm credentials file (MOORING_HELM_CREDENTIALS_FILE)";
/** targetRevision values meaning "the highest stable version" for a chart source. */
export const LATEST_CHART_REVISIONS: readonly string[] = ['', 'HEAD', '*', 'latest'];

/** The kind of chart repository a URL names. */
export type ChartRepoKind = 'http' | 'oci';

/** A problem with one field of a source: the field under `spec.source` and the words. */
export interface SourceProblem {
  field: keyof AppSource;
  problem: string;
}

/** True for an `oci://` repository URL. */
export function isOciRepoUrl(url: string): boolean {
  return /^oci:\/\//i.test(url.trim());
}

/**
 * The problem with `url` as a chart repository URL, or undefined: it must parse, use `https://`,
 * `http://` or `oci://`, name a host and carry no credentials (userinfo or a credential-like query
 * parameter). The message never contains the secret.
 */
export function chartRepoUrlProblem(url: string): string | undefined {
  const text = url.trim();
  if (text === '') return 'is empty: expected an https:// chart repository or an oci:// registry';
  const shown = JSON.stringify(redactUrl(text));
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f]/.test(text)) return `${shown} contains a space or a control character`;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return `${shown} is not a URL: expected https://host/path (a chart repository) or oci://host/path (a registry)`;
  }
  if (!['https:', 'http:', 'oci:'].includes(parsed.protocol)) {
    return `${shown} uses scheme "${parsed.protocol.slice(0, -1)}", which chart sources do not support: expected https:// (or http://) for a chart repository or oci:// for a registry`;
  }
  if (parsed.username !== '' || parsed.password !== '') {
    return `credentials in a chart repository URL are refused: ${shown} carries them in its userinfo; ${CHART_CREDENTIALS_HINT}`;
  }
  for (const name of parsed.searchParams.keys()) {
    if (isSecretParam(name))
      return `credentials in a chart repository URL are refused: ${shown} carries a credential in query parameter "${name}"; ${CHART_CREDENTIALS_HINT}`;
  }
  if (parsed.hostname === '') return `${shown} names no host`;
  if (parsed.hash !== '') return `${shown} has a fragment ("#..."), which a repository URL cannot have`;
  if (parsed.protocol === 'oci:' && parsed.search !== '')
    return `${shown} has a query, which an oci:// registry URL cannot have`;
  return undefined;
}

/** The problem with a chart name, or undefined. */
export function chartNameProblem(chart: string): string | undefined {
  const shown = JSON.stringify(chart);
  if (chart === '') return 'must not be empty';
  if (chart.length > MAX_CHART_NAME_LENGTH)
    return `must have at most ${MAX_CHART_NAME_LENGTH} characters: current value has ${chart.length}`;
  if (chart.includes('/') || chart.includes('\\'))
    return `must be a chart name, not a path: current value is ${shown}; put the registry path in repoURL (oci://host/path) and the last segment here`;
  if (chart.includes('..') || !CHART_NAME_PATTERN.test(chart))
    return `must be a chart name (letters, digits, ".", "_" and "-", starting with a letter or digit, no ".."): current value is ${shown}`;
  return undefined;
}

/**
 * The semver constraint of a chart's targetRevision, as the `semver` package reads it: Helm's
 * comma (AND) becomes a space; `HEAD`, `*`, `latest` and empty mean any stable version (`*`).
 * Undefined when the text is neither a version nor a range.
 */
export function chartConstraint(targetRevision: string): string | undefined {
  const text = targetRevision.trim();
  if (LATEST_CHART_REVISIONS.includes(text)) return '*';
  if (semver.valid(text, { loose: true })) return text;
  const range = text.replace(/\s*,\s*/g, ' ');
  return semver.validRange(range, { loose: true }) === null ? undefined : range;
}

/**
 * The first problem of a source, or undefined. A Git source (no `chart`) needs a non-empty path;
 * a chart source follows the module comment's rules.
 */
export function sourceProblem(source: Partial<AppSource>): SourceProblem | undefined {
  if (source.chart === undefined) {
    if (source.path === undefined)
      return { field: 'path', problem: 'is required (or chart, for a Helm chart from a repository)' };
    if (source.path === '') return { field: 'path', problem: 'must not be empty' };
    return undefined;
  }
  const name = chartNameProblem(source.chart);
  if (name) return { field: 'chart', problem: name };
  if (source.path !== undefined && source.path !== '')
    return {
      field: 'path',
      problem: `must be absent or empty when chart is set (the chart is the whole source): current value is ${JSON.stringify(source.path)}`,
    };
  for (const field of ['kustomize', 'directory'] as const)
    if (source[field] !== undefined)
      return { field, problem: 'cannot be used with chart: a chart is rendered with Helm' };
  const url = chartRepoUrlProblem(source.repoURL ?? '');
  if (url) return { field: 'repoURL', problem: url };
  const revision = source.targetRevision ?? 'HEAD';
  if (chartConstraint(revision) === undefined)
    return {
      field: 'targetRevision',
      problem: `must be a chart version or a semver range such as "1.2.*", "^1.2.0" or ">=1.0 <2": current value is ${JSON.stringify(revision)}`,
    };
  return undefined;
}
