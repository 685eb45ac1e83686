/**
 * The agent's Prometheus client: one instant query (POST /api/v1/query) → one number, for
 * autoscaling and analysis. Every request has a timeout and a response-size cap, and can be
 * cancelled by the caller. Header values (a bearer token) never appear in a message.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import {
  PromQueryError,
  PrometheusUnavailableError,
  interpretQueryResponse,
  type PromSample,
} from './prometheus-response.js';

export { PromQueryError, PrometheusUnavailableError, type PromSample };

export const PROMETHEUS_URL_ENV = 'MOORING_PROMETHEUS_URL';
export const PROMETHEUS_BEARER_TOKEN_FILE_ENV = 'MOORING_PROMETHEUS_BEARER_TOKEN_FILE';
export const DEFAULT_PROMETHEUS_TIMEOUT_MS = 10_000;
export const DEFAULT_PROMETHEUS_MAX_RESPONSE_BYTES = 1024 * 1024;

export interface PrometheusClientOptions {
  /** Prometheus' base URL (with any path prefix): http or https, no credentials, no query string. */
  url: string;
  /** Limit of one query, connection to last byte; also sent to Prometheus as the query's timeout. @default 10_000 */
  timeoutMs?: number;
  /** A larger response is refused (PrometheusUnavailableError). @default 1 MiB */
  maxResponseBytes?: number;
  /** Extra request headers, e.g. `Authorization`; their values never appear in a message. */
  headers?: Record<string, string>;
  /**
   * A file holding a bearer token, read at every query so a rotated token (a projected service
   * account token) is picked up.
   */
  bearerTokenFile?: string;
}

export class PrometheusClient {
  /** The base URL, without credentials or query string (it has neither: the constructor refuses them). */
  readonly url: string;
  readonly #endpoint: string;
  readonly #timeoutMs: number;
  readonly #maxResponseBytes: number;
  readonly #headers: Headers;
  readonly #bearerTokenFile: string | undefined;

  constructor(options: PrometheusClientOptions) {
    const problem = prometheusUrlProblem(options.url);
    if (problem) throw new Error(`The Prometheus URL ${problem}`);
    const base = new URL(options.url);
    this.url = `${base.origin}${base.pathname.replace(/\/+$/, '')}`;
    this.#endpoint = `${this.url}/api/v1/query`;
    this.#timeoutMs = positiveInteger(options.timeoutMs ?? DEFAULT_PROMETHEUS_TIMEOUT_MS, 'timeoutMs');
    this.#maxResponseBytes = positiveInteger(
      options.maxResponseBytes ?? DEFAULT_PROMETHEUS_MAX_RESPONSE_BYTES,
      'maxResponseBytes',
    );
    this.#headers = safeHeaders(options.headers ?? {});
    this.#bearerTokenFile = options.bearerTokenFile;
  }

  /**
   * Evaluates `expr` now. Resolves with one number or with why there is none; rejects with
   * PromQueryError (fix the query), PrometheusUnavailableError (try later), or the caller's abort
   * reason when `signal` aborts.
   */
  async query(expr: string, signal?: AbortSignal): Promise<PromSample> {
    signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(this.#timeoutMs);
    const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const headers = new Headers(this.#headers);
    headers.set('Accept', 'application/json');
    if (this.#bearerTokenFile) headers.set('Authorization', `Bearer ${await this.#readToken()}`);
    const body = new URLSearchParams({ query: expr, timeout: String(this.#timeoutMs / 1000) });
    let answer: { status: number; body: string; location: string | null };
    try {
      const response = await fetch(this.#endpoint, {
        method: 'POST',
        headers,
        body,
        signal: both,
        // A redirected POST turns into a GET without the query; report it instead.
        redirect: 'manual',
      });
      answer = {
        status: response.status,
        location: response.headers.get('location'),
        body: await this.#readCapped(response),
      };
    } catch (err) {
      if (signal?.aborted) throw signal.reason;
      if (err instanceof PrometheusUnavailableError) throw err;
      if (timeout.aborted) {
        throw new PrometheusUnavailableError(
          this.url,
          `Prometheus at ${this.url} did not answer within ${this.#timeoutMs / 1000} s; check its load ` +
            'and that nothing between the agent and Prometheus drops the connection',
        );
      }
      throw new PrometheusUnavailableError(
        this.url,
        `Prometheus at ${this.url} could not be reached (${networkCause(err)}); check that it runs there ` +
          `and that the agent can reach it (${PROMETHEUS_URL_ENV})`,
        { cause: err },
      );
    }
    return interpretQueryResponse(answer, { url: this.url, expr });
  }

  async #readCapped(response: Response): Promise<string> {
    const limit = this.#maxResponseBytes;
    const tooLarge = () =>
      new PrometheusUnavailableError(
        this.url,
        `Prometheus at ${this.url} sent a response larger than ${limit} bytes, the limit; make the query ` +
          'return one number (aggregate it), or check that the URL points at Prometheus',
      );
    if (Number(response.headers.get('content-length')) > limit) {
      void response.body?.cancel().catch(() => undefined);
      throw tooLarge();
    }
    if (!response.body) return '';
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > limit) {
        void reader.cancel().catch(() => undefined);
        throw tooLarge();
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  async #readToken(): Promise<string> {
    const file = this.#bearerTokenFile ?? '';
    let token: string;
    try {
      token = (await readFile(file, 'utf8')).trim();
    } catch (err) {
      throw new PrometheusUnavailableError(
        this.url,
        `The Prometheus bearer token file ${file} cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}); ` +
          `check ${PROMETHEUS_BEARER_TOKEN_FILE_ENV} and the file`,
        { cause: err },
      );
    }
    const problem = tokenProblem(token);
    if (problem) {
      throw new PrometheusUnavailableError(
        this.url,
        `The Prometheus bearer token file ${file} ${problem}; check ${PROMETHEUS_BEARER_TOKEN_FILE_ENV}`,
      );
    }
    return token;
  }
}

/**
 * The client `MOORING_PROMETHEUS_URL` (and `MOORING_PROMETHEUS_BEARER_TOKEN_FILE`) describe, or
 * `undefined` when no URL is set. Throws, naming the variable, when either is unusable.
 */
export function prometheusClientFromEnv(env: NodeJS.ProcessEnv): PrometheusClient | undefined {
  const url = env[PROMETHEUS_URL_ENV]?.trim();
  const tokenFile = env[PROMETHEUS_BEARER_TOKEN_FILE_ENV]?.trim() || undefined;
  if (!url) {
    if (tokenFile) {
      throw new Error(
        `${PROMETHEUS_BEARER_TOKEN_FILE_ENV} is set but ${PROMETHEUS_URL_ENV} is not; ` +
          `set ${PROMETHEUS_URL_ENV} to Prometheus' URL, or unset both`,
      );
    }
    return undefined;
  }
  const problem = prometheusUrlProblem(url);
  if (problem) throw new Error(`${PROMETHEUS_URL_ENV} ${problem}`);
  if (tokenFile) {
    let token: string;
    try {
      token = readFileSync(tokenFile, 'utf8').trim();
    } catch (err) {
      throw new Error(
        `${PROMETHEUS_BEARER_TOKEN_FILE_ENV} names ${tokenFile}, which cannot be read ` +
          `(${(err as NodeJS.ErrnoException).code ?? 'error'}); point it at the file holding the token`,
        { cause: err },
      );
    }
    const tokenIssue = tokenProblem(token);
    if (tokenIssue)
      throw new Error(`${PROMETHEUS_BEARER_TOKEN_FILE_ENV} names ${tokenFile}, which ${tokenIssue}`);
  }
  return new PrometheusClient({ url, bearerTokenFile: tokenFile });
}

/**
 * Why `url` cannot be Prometheus' base URL (a phrase that follows the URL's name, never echoing a
 * credential), or `undefined` when it can.
 */
export function prometheusUrlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is not a URL; set it like http://prometheus.monitoring:9090';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `must be http or https, not ${parsed.protocol.slice(0, -1)}; set it like http://prometheus.monitoring:9090`;
  }
  if (parsed.username || parsed.password) {
    return (
      `${parsed.protocol}//***@${parsed.host}${parsed.pathname} holds credentials; remove them from the URL ` +
      `and put a bearer token in a file named by ${PROMETHEUS_BEARER_TOKEN_FILE_ENV}`
    );
  }
  if (parsed.search || parsed.hash) {
    return `${parsed.origin}${parsed.pathname} has a query string or fragment, which Prometheus' API does not take; remove it`;
  }
  return undefined;
}

function tokenProblem(token: string): string | undefined {
  if (!token) return 'is empty';
  if (/[\r\n\0]/.test(token)) return 'holds more than one line; it must hold the token alone';
  return undefined;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value <= 0) {
    throw new Error(`PrometheusClient ${name} must be a positive whole number, not ${value}`);
  }
  return value;
}

/** The headers, checked one by one so an invalid one is named without its value. */
function safeHeaders(headers: Record<string, string>): Headers {
  const result = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    try {
      result.set(name, value);
    } catch {
      throw new Error(`PrometheusClient header ${JSON.stringify(name)} has an invalid name or value`);
    }
  }
  return result;
}

/** The reason of a fetch failure (`connect ECONNREFUSED 127.0.0.1:9090`), which holds no header. */
function networkCause(err: unknown): string {
  const cause = err instanceof Error ? err.cause : undefined;
  const text =
    cause instanceof Error ? cause.message : err instanceof Error ? err.message : 'unknown network error';
  return text.length > 200 ? `${text.slice(0, 199)}…` : text;
}
