/**
 * The HTTP GET every chart request goes through: a time limit, a body size limit, cancellation,
 * at most a few redirects (each checked against the chart URL policy, so TLS is never dropped for
 * a host the operator did not list), and an Authorization header sent only to the origin it was
 * issued for (a redirect to a CDN goes without it, as Helm does). Network failures, timeouts, 429
 * and 5xx are Unreachable (retryable); every other status is returned to the caller to classify.
 * Messages name the URL without credentials and never the header.
 */
import { AuthFailed, ManifestInvalid, Unreachable } from '../../../contract/errors.js';
import { HELM_CREDENTIALS_FILE_ENV } from './chart-credentials.js';
import { redactUrl } from '../../../core/git/redact.js';
import { checkChartRepoUrl, type ChartUrlPolicy } from './chart-url-policy.js';

/** Options of {@link httpGet}. */
export interface HttpGetOptions {
  policy: ChartUrlPolicy;
  /** What is fetched, for messages: `index of chart repository "https://..."`. */
  what: string;
  /** `Authorization` header value and the only origin it is sent to. */
  auth?: { header: string; origin: string };
  /** @default '*\/*' */
  accept?: string;
  /** Refuse a body larger than this. */
  maxBytes: number;
  /** For the whole request, redirects included. @default 30_000 */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** A response with its whole body. */
export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The URL that answered (after redirects). */
  url: string;
}

/** Redirects followed before giving up. */
export const MAX_REDIRECTS = 5;
const DEFAULT_TIMEOUT_MS = 30_000;

/** GETs `url` (see the module comment). A body over `maxBytes` is ManifestInvalid. */
export async function httpGet(url: string, options: HttpGetOptions): Promise<HttpResponse> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  let current = url;
  for (let hop = 0; ; hop++) {
    checkChartRepoUrl(current, options.policy, options.what);
    const headers: Record<string, string> = { accept: options.accept ?? '*/*' };
    if (options.auth && new URL(current).origin === options.auth.origin)
      headers.authorization = options.auth.header;
    let response: Response;
    try {
      response = await fetch(current, { headers, redirect: 'manual', signal });
    } catch (error) {
      throw networkError(error, current, options, timeout.aborted ? timeoutMs : undefined);
    }
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS)
        throw new Unreachable(
          `Cannot read ${options.what}: more than ${MAX_REDIRECTS} redirects from ${JSON.stringify(redactUrl(url))}`,
        );
      current = new URL(location, current).href;
      continue;
    }
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel();
      throw new Unreachable(
        `Cannot read ${options.what}: ${JSON.stringify(redactUrl(current))} answered HTTP ${response.status}; will retry`,
      );
    }
    const body = await readBody(response, current, options, timeout, timeoutMs);
    return { status: response.status, headers: response.headers, body, url: current };
  }
}

async function readBody(
  response: Response,
  url: string,
  options: HttpGetOptions,
  timeout: AbortSignal,
  timeoutMs: number,
): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > options.maxBytes) {
    await response.body?.cancel();
    throw tooLarge(url, options);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  if (!response.body) return Buffer.alloc(0);
  try {
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      size += chunk.length;
      if (size > options.maxBytes) {
        await response.body.cancel().catch(() => undefined);
        throw tooLarge(url, options);
      }
      chunks.push(Buffer.from(chunk));
    }
  } catch (error) {
    if (error instanceof ManifestInvalid) throw error;
    throw networkError(error, url, options, timeout.aborted ? timeoutMs : undefined);
  }
  return Buffer.concat(chunks);
}

function tooLarge(url: string, options: HttpGetOptions): ManifestInvalid {
  return new ManifestInvalid(
    `Cannot read ${options.what}: ${JSON.stringify(redactUrl(url))} sent more than ${options.maxBytes} bytes, the agent's limit`,
  );
}

/**
 * The error for a 401 or 403: AuthFailed naming the URL and the credentials entry used (its prefix,
 * never the secret), or saying that none is configured.
 */
export function authError(response: HttpResponse, what: string, urlPrefix: string | undefined): AuthFailed {
  const shown = JSON.stringify(redactUrl(response.url));
  const file = `the agent's Helm credentials file (${HELM_CREDENTIALS_FILE_ENV})`;
  return new AuthFailed(
    urlPrefix === undefined
      ? `Cannot read ${what}: ${shown} requires credentials (HTTP ${response.status}) and none are configured for it; add an entry for its URL to ${file}`
      : `Cannot read ${what}: ${shown} refused the credentials configured for "${redactUrl(urlPrefix)}" (HTTP ${response.status}); check that entry of ${file}`,
  );
}

function networkError(error: unknown, url: string, options: HttpGetOptions, timedOutAfter?: number): Error {
  if (options.signal?.aborted) return (options.signal.reason as Error) ?? new Error('cancelled');
  const shown = JSON.stringify(redactUrl(url));
  if (timedOutAfter !== undefined)
    return new Unreachable(`Cannot read ${options.what}: ${shown} did not answer within ${timedOutAfter} ms`);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const detail = cause?.code ?? cause?.message ?? (error as Error).message;
  return new Unreachable(`Cannot read ${options.what}: cannot reach ${shown} (${detail})`);
}
