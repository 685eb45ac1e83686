/**
 * OCI registries, through the distribution API: tags of a chart's repository, its manifest by tag
 * or digest, and the chart layer, each checked against its digest. Authentication follows the
 * distribution spec: a request without credentials, then on a 401 challenge either Basic with the
 * configured user, or a bearer token from the challenge's realm (fetched with the configured user,
 * or anonymously), or the configured token as is. Plain HTTP only for hosts the policy lists.
 */
import { createHash } from 'node:crypto';
import { AuthFailed, ManifestInvalid, RevisionNotFound } from '../../../contract/errors.js';
import { authError, httpGet, type HttpResponse } from './_http.js';
import type { ResolvedChartCredentials } from './chart-credentials.js';
import { ociLocation, type OciLocation } from './chart-repo-url.js';
import { authHeader, type ChartRequestOptions } from './chart-request.js';
import { registryScheme } from './chart-url-policy.js';

/** The media type of a Helm chart's layer. */
export const HELM_CHART_LAYER = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip';
const MANIFEST_TYPES = 'application/vnd.oci.image.manifest.v1+json';
const MAX_TAG_PAGES = 50;
const MAX_TAGS_BYTES = 4 * 1024 * 1024;

/** A chart's manifest: its digest and the chart layer it names. */
export interface ChartManifest {
  digest: string;
  layer: { digest: string; size: number };
}

/** One conversation with a registry about one chart repository (its auth is kept for the session). */
export class OciChartRepository {
  readonly location: OciLocation;
  readonly #options: ChartRequestOptions;
  readonly #base: string;
  readonly #shown: string;
  readonly #credentials: ResolvedChartCredentials | undefined;
  #authorization: string | undefined;

  constructor(repoURL: string, chart: string, options: ChartRequestOptions) {
    this.location = ociLocation(repoURL, chart);
    this.#options = options;
    this.#base = `${registryScheme(options.policy, this.location.host)}://${this.location.host}`;
    this.#shown = `oci://${this.location.host}/${this.location.repository}`;
    this.#credentials = options.credentials.forUrl(this.#shown);
  }

  /** The tags of the repository, all pages. */
  async tags(): Promise<string[]> {
    const tags: string[] = [];
    let path: string | undefined = `/v2/${this.location.repository}/tags/list?n=1000`;
    for (let page = 0; path !== undefined && page < MAX_TAG_PAGES; page++) {
      const response = await this.#get(
        path,
        'application/json',
        MAX_TAGS_BYTES,
        `the tags of ${this.#shown}`,
      );
      if (response.status === 404)
        throw new RevisionNotFound(
          `Chart ${JSON.stringify(this.#shown)} does not exist in its registry; check spec.source.repoURL and chart`,
        );
      if (response.status !== 200) throw this.#unexpected(response, 'the tags of');
      const body = parseJson(response, `the tags of ${this.#shown}`) as { tags?: unknown };
      if (Array.isArray(body.tags)) tags.push(...body.tags.filter((t): t is string => typeof t === 'string'));
      path = nextPage(response.headers.get('link'));
    }
    return tags;
  }

  /** The manifest of `reference` (a tag or a digest); a digest reference is checked. */
  async manifest(reference: string): Promise<ChartManifest> {
    const what = `the manifest of ${this.#shown}:${reference}`;
    const response = await this.#get(
      `/v2/${this.location.repository}/manifests/${reference}`,
      MANIFEST_TYPES,
      this.#options.limits.maxArchiveBytes,
      what,
    );
    if (response.status === 404)
      throw new RevisionNotFound(`Cannot read ${what}: the registry has no such version (HTTP 404)`);
    if (response.status !== 200) throw this.#unexpected(response, 'the manifest of');
    const digest = `sha256:${createHash('sha256').update(response.body).digest('hex')}`;
    if (reference.startsWith('sha256:') && reference !== digest)
      throw new ManifestInvalid(`Cannot use ${what}: the registry sent content with digest ${digest}`);
    const manifest = parseJson(response, what) as {
      layers?: { mediaType?: unknown; digest?: unknown; size?: unknown }[];
    };
    const layer = (manifest.layers ?? []).find((l) => l.mediaType === HELM_CHART_LAYER);
    if (!layer || typeof layer.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(layer.digest))
      throw new ManifestInvalid(`Cannot use ${what}: it is not a Helm chart (no ${HELM_CHART_LAYER} layer)`);
    return { digest, layer: { digest: layer.digest, size: Number(layer.size ?? 0) } };
  }

  /** The chart archive a manifest names, checked against the layer digest. */
  async chartArchive(manifest: ChartManifest): Promise<Buffer> {
    const what = `the chart layer of ${this.#shown}@${manifest.digest}`;
    if (manifest.layer.size > this.#options.limits.maxArchiveBytes)
      throw new ManifestInvalid(
        `Cannot read ${what}: ${manifest.layer.size} bytes is over the agent's limit of ${this.#options.limits.maxArchiveBytes}`,
      );
    const response = await this.#get(
      `/v2/${this.location.repository}/blobs/${manifest.layer.digest}`,
      '*/*',
      this.#options.limits.maxArchiveBytes,
      what,
    );
    if (response.status !== 200) throw this.#unexpected(response, 'the chart layer of');
    const digest = `sha256:${createHash('sha256').update(response.body).digest('hex')}`;
    if (digest !== manifest.layer.digest)
      throw new ManifestInvalid(
        `Cannot use ${what}: the registry sent content with digest ${digest}, expected ${manifest.layer.digest}`,
      );
    return response.body;
  }

  /** GET with the session's authorization; one 401 challenge is answered, then the request repeated. */
  async #get(path: string, accept: string, maxBytes: number, what: string): Promise<HttpResponse> {
    const request = (): Promise<HttpResponse> =>
      httpGet(`${this.#base}${path}`, {
        policy: this.#options.policy,
        what,
        accept,
        maxBytes,
        timeoutMs: this.#options.limits.requestTimeoutMs,
        signal: this.#options.signal,
        auth:
          this.#authorization === undefined ? undefined : { header: this.#authorization, origin: this.#base },
      });
    let response = await request();
    if (response.status === 401 && this.#authorization === undefined) {
      this.#authorization = await this.#answer(
        response.headers.get('www-authenticate') ?? '',
        response,
        what,
      );
      response = await request();
    }
    if (response.status === 401 || response.status === 403)
      throw authError(response, what, this.#credentials?.urlPrefix);
    return response;
  }

  /** The Authorization header that answers a challenge. */
  async #answer(challenge: string, response: HttpResponse, what: string): Promise<string> {
    const credentials = this.#credentials;
    if (credentials?.kind === 'bearer') return authHeader(credentials);
    const { scheme, params } = parseChallenge(challenge);
    if (scheme === 'basic') {
      if (!credentials) throw authError(response, what, undefined);
      return authHeader(credentials);
    }
    if (scheme !== 'bearer' || !params.realm)
      throw new AuthFailed(
        `Cannot read ${what}: the registry asks for unsupported authentication "${scheme || 'none'}"`,
      );
    const realm = new URL(params.realm);
    if (params.service) realm.searchParams.set('service', params.service);
    realm.searchParams.set('scope', params.scope ?? `repository:${this.location.repository}:pull`);
    const tokenResponse = await httpGet(realm.href, {
      policy: this.#options.policy,
      what: `a registry token for ${this.#shown}`,
      accept: 'application/json',
      maxBytes: 1024 * 1024,
      timeoutMs: this.#options.limits.requestTimeoutMs,
      signal: this.#options.signal,
      auth: credentials && { header: authHeader(credentials), origin: realm.origin },
    });
    if (tokenResponse.status !== 200)
      throw authError(tokenResponse, `a registry token for ${this.#shown}`, credentials?.urlPrefix);
    const body = parseJson(tokenResponse, `the registry token for ${this.#shown}`) as {
      token?: unknown;
      access_token?: unknown;
    };
    const token = typeof body.token === 'string' ? body.token : body.access_token;
    if (typeof token !== 'string' || token === '')
      throw new AuthFailed(`Cannot read a registry token for ${this.#shown}: the token service sent none`);
    return `Bearer ${token}`;
  }

  #unexpected(response: HttpResponse, what: string): Error {
    return new Error(`Cannot read ${what} ${this.#shown}: unexpected HTTP ${response.status}`);
  }
}

/** `Bearer realm="...",service="..."` taken apart (scheme lower-cased). */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const scheme = (/^\s*([A-Za-z]+)/.exec(header)?.[1] ?? '').toLowerCase();
  const params: Record<string, string> = {};
  for (const match of header.matchAll(/([A-Za-z]+)="([^"]*)"/g))
    if (match[1] && match[2] !== undefined) params[match[1].toLowerCase()] = match[2];
  return { scheme, params };
}

/** The path of a `Link: <...>; rel="next"` header, if any. */
function nextPage(link: string | null): string | undefined {
  const match = link && /<([^>]+)>\s*;\s*rel="?next"?/.exec(link);
  if (!match?.[1]) return undefined;
  const url = new URL(match[1], 'http://registry.invalid');
  return `${url.pathname}${url.search}`;
}

function parseJson(response: HttpResponse, what: string): unknown {
  try {
    return JSON.parse(response.body.toString('utf8')) as unknown;
  } catch {
    throw new ManifestInvalid(`Cannot parse ${what}: the registry sent something other than JSON`);
  }
}
