/**
 * HTTP chart repositories (`helm repo index` layout): reads `<repoURL>/index.yaml`, bounded and
 * with the repository's credentials, and downloads a version's archive, checking it against the
 * digest the index (or an earlier resolve) gave. Credentials go only to URLs under their prefix.
 */
import { createHash } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { ManifestInvalid, RepoNotFound, RevisionNotFound } from '../../../contract/errors.js';
import { redactUrl } from '../../../core/git/redact.js';
import { authError, httpGet, type HttpResponse } from './_http.js';
import { authHeader, type ChartRequestOptions } from './chart-request.js';

/** One version of a chart in an index. */
export interface ChartIndexEntry {
  version: string;
  /** Archive URLs, absolute (relative ones resolved against the repository URL). */
  urls: string[];
  /** `sha256:<hex>` of the archive, when the index gives one. */
  digest?: string;
}

/** The repository URL with one trailing slash, the base of relative archive URLs. */
function repoBase(repoURL: string): URL {
  const base = new URL(repoURL.trim());
  if (!base.pathname.endsWith('/')) base.pathname += '/';
  return base;
}

/** GETs `url` with the credentials configured for it; 401/403 become AuthFailed. */
async function getWithCredentials(
  url: string,
  what: string,
  options: ChartRequestOptions,
  maxBytes: number,
): Promise<HttpResponse> {
  const credentials = options.credentials.forUrl(url);
  const response = await httpGet(url, {
    policy: options.policy,
    what,
    maxBytes,
    timeoutMs: options.limits.requestTimeoutMs,
    signal: options.signal,
    auth: credentials && { header: authHeader(credentials), origin: new URL(url).origin },
  });
  if (response.status === 401 || response.status === 403)
    throw authError(response, what, credentials?.urlPrefix);
  return response;
}

/** The versions of `chart` in the index of `repoURL`. */
export async function readChartIndex(
  repoURL: string,
  chart: string,
  options: ChartRequestOptions,
): Promise<ChartIndexEntry[]> {
  const shown = JSON.stringify(redactUrl(repoURL));
  const what = `the index of chart repository ${shown}`;
  const indexUrl = new URL('index.yaml', repoBase(repoURL)).href;
  const response = await getWithCredentials(indexUrl, what, options, options.limits.maxIndexBytes);
  if (response.status === 404 || response.status === 410)
    throw new RepoNotFound(`Cannot read ${what}: it has no index.yaml (HTTP ${response.status})`);
  if (response.status !== 200) throw new Error(`Cannot read ${what}: unexpected HTTP ${response.status}`);
  let index: unknown;
  try {
    index = parseYaml(response.body.toString('utf8'), { maxAliasCount: 100 });
  } catch (error) {
    throw new ManifestInvalid(`Cannot parse ${what}: ${(error as Error).message.split('\n')[0]}`);
  }
  const entries = (index as { entries?: Record<string, unknown> } | null)?.entries;
  if (typeof entries !== 'object' || entries === null)
    throw new ManifestInvalid(`Cannot parse ${what}: it has no "entries" mapping`);
  const versions = Object.hasOwn(entries, chart) ? entries[chart] : undefined;
  if (!Array.isArray(versions) || versions.length === 0)
    throw new RevisionNotFound(`Chart "${chart}" is not in ${what}; check spec.source.chart`);
  const base = repoBase(repoURL);
  return versions.flatMap((item: unknown) => {
    const entry = item as { version?: unknown; urls?: unknown; digest?: unknown };
    if (entry === null || typeof entry !== 'object' || entry.version === undefined) return [];
    const urls = Array.isArray(entry.urls)
      ? entry.urls.filter((u): u is string => typeof u === 'string')
      : [];
    const resolved = urls.flatMap((u) => {
      try {
        return [new URL(u, base).href];
      } catch {
        return []; // an unusable URL in a hostile index: that version has one fewer mirror
      }
    });
    const digest =
      typeof entry.digest === 'string' && /^[0-9a-f]{64}$/i.test(entry.digest)
        ? `sha256:${entry.digest.toLowerCase()}`
        : undefined;
    return [{ version: String(entry.version), urls: resolved, ...(digest ? { digest } : {}) }];
  });
}

/**
 * Downloads the archive of `entry` (first URL that answers) and checks it against `digest`
 * (the recorded one) or else the index's; returns the bytes and their digest.
 */
export async function downloadChartArchive(
  repoURL: string,
  chart: string,
  entry: ChartIndexEntry,
  options: ChartRequestOptions & { digest?: string },
): Promise<{ archive: Buffer; digest: string }> {
  const what = `chart "${chart}" ${entry.version} from ${JSON.stringify(redactUrl(repoURL))}`;
  const url = entry.urls[0];
  if (url === undefined) throw new ManifestInvalid(`Cannot download ${what}: the index lists no URL for it`);
  const response = await getWithCredentials(url, what, options, options.limits.maxArchiveBytes);
  if (response.status !== 200)
    throw new RevisionNotFound(
      `Cannot download ${what}: ${JSON.stringify(redactUrl(url))} answered HTTP ${response.status}`,
    );
  const digest = `sha256:${createHash('sha256').update(response.body).digest('hex')}`;
  const expected = options.digest ?? entry.digest;
  if (expected !== undefined && expected !== digest)
    throw new ManifestInvalid(
      `Cannot use ${what}: its archive has digest ${digest}, expected ${expected}; the version was republished or altered: resolve it again (a new sync) to accept the new content`,
    );
  return { archive: response.body, digest };
}
