/**
 * Chart repository URLs taken apart, pure: the canonical form used as cache key and for credential
 * matching, and for an `oci://` URL the registry host and the repository a chart lives in.
 */
import { isOciRepoUrl, type ChartRepoKind } from '../../../config/chart-source.js';

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'https:': '443', 'http:': '80', 'oci:': '443' };

/** The kind of repository `url` names: `oci` for `oci://`, otherwise an HTTP chart repository. */
export function chartRepoKind(url: string): ChartRepoKind {
  return isOciRepoUrl(url) ? 'oci' : 'http';
}

/**
 * The canonical form of a chart repository URL: scheme and host lower-cased, default port dropped,
 * dot segments and duplicate slashes resolved, no trailing slash, no userinfo, query kept.
 *
 * @example normalizeChartRepoUrl('OCI://Registry.example.com:443/charts/') // 'oci://registry.example.com/charts'
 */
export function normalizeChartRepoUrl(url: string): string {
  const parsed = new URL(url.trim());
  const scheme = parsed.protocol.toLowerCase();
  const port = parsed.port && parsed.port !== DEFAULT_PORTS[scheme] ? `:${parsed.port}` : '';
  const path = parsed.pathname.replace(/\/{2,}/g, '/').replace(/\/+$/, '');
  return `${scheme}//${parsed.hostname.toLowerCase()}${port}${path}${parsed.search}`;
}

/** Where a chart lives in an OCI registry. */
export interface OciLocation {
  /** `host[:port]` of the registry. */
  host: string;
  /** The repository path inside the registry, e.g. `charts/guestbook`. */
  repository: string;
}

/** The registry and repository of `chart` under the `oci://` URL `url`. */
export function ociLocation(url: string, chart: string): OciLocation {
  const normalized = new URL(normalizeChartRepoUrl(url));
  const base = normalized.pathname.replace(/^\/+/, '');
  return {
    host: normalized.host,
    repository: base === '' ? chart : `${base}/${chart}`,
  };
}

/** The origin (`scheme://host[:port]`) of an http(s) URL. */
export function originOf(url: string): string {
  return new URL(url).origin;
}
