/**
 * What an answer of Prometheus' instant-query API (`/api/v1/query`) means for Mooring: one number,
 * no data (and why), a query the user must fix (`PromQueryError`), or a Prometheus that cannot be
 * used right now (`PrometheusUnavailableError`). Pure: the HTTP exchange is in prometheus-client.ts.
 */

/** One number from a query, or why there is none (no series, NaN, ±Inf). */
export type PromSample = { value: number } | { noData: string };

/**
 * Prometheus cannot answer: network failure, timeout, HTTP 5xx, refused credentials, or a response
 * that is not the API's. Worth retrying later. The message names the Prometheus URL (never a
 * credential, header or query string) and what to check.
 */
export class PrometheusUnavailableError extends Error {
  static readonly retryable: boolean = true;
  /** The Prometheus base URL, without credentials or query string. */
  readonly url: string;

  constructor(url: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'PrometheusUnavailableError';
    this.url = url;
  }

  get retryable(): boolean {
    return PrometheusUnavailableError.retryable;
  }
}

/**
 * The query itself is wrong: PromQL Prometheus rejects (its error text is in the message), or a
 * result that is not one number (several series, a range vector, a string). Retrying does not help.
 */
export class PromQueryError extends Error {
  static readonly retryable: boolean = false;
  /** The PromQL expression, as given. */
  readonly query: string;

  constructor(query: string, message: string) {
    super(message);
    this.name = 'PromQueryError';
    this.query = query;
  }

  get retryable(): boolean {
    return PromQueryError.retryable;
  }
}

/** What `interpretQueryResponse` needs besides the answer: for the messages. */
export interface QueryContext {
  /** The Prometheus base URL, without credentials or query string. */
  url: string;
  /** The PromQL expression that was sent. */
  expr: string;
}

/** An HTTP answer of POST /api/v1/query, its body read in full (within the size cap). */
export interface QueryAnswer {
  status: number;
  body: string;
  /** The `Location` header of a redirect, if any. */
  location?: string | null;
}

export const NO_SERIES = 'the query returned no series';

const ERROR_TEXT_LIMIT = 500;
const QUERY_TEXT_LIMIT = 200;
const SERIES_SHOWN = 3;

/** The PromSample an answer stands for, or the error it stands for (thrown). */
export function interpretQueryResponse(answer: QueryAnswer, ctx: QueryContext): PromSample {
  const envelope = parseEnvelope(answer.body);
  const where = `Prometheus at ${ctx.url}`;
  const apiError = envelope?.status === 'error' ? apiErrorText(envelope) : undefined;
  const unavailable = (message: string) => new PrometheusUnavailableError(ctx.url, message);
  const { status } = answer;

  if (status >= 500) {
    throw unavailable(
      `${where} answered HTTP ${status}${apiError ? `: ${apiError}` : ''}; ` +
        (envelope?.errorType === 'timeout'
          ? "the query ran out of time there: check Prometheus' load, or make the query cheaper"
          : "check Prometheus' health and logs; Mooring tries again later"),
    );
  }
  if (status === 401 || status === 403) {
    throw unavailable(
      `${where} refused the request (HTTP ${status}); check the bearer token ` +
        '(MOORING_PROMETHEUS_BEARER_TOKEN_FILE) and the access rules of any proxy in front of Prometheus',
    );
  }
  if ((status === 400 || status === 422) && apiError !== undefined) {
    throw new PromQueryError(
      ctx.expr,
      `${where} rejected the query ${quoteQuery(ctx.expr)}: ${apiError}; fix the PromQL ` +
        "(try it on Prometheus' /graph page)",
    );
  }
  if (status >= 300 && status < 400) {
    throw unavailable(
      `${where} answered HTTP ${status}, a redirect${answer.location ? ` to ${safeLocation(answer.location)}` : ''}; ` +
        'set the URL to the address Prometheus serves its API on',
    );
  }
  if (status < 200 || status >= 300) {
    throw unavailable(
      `${where} answered HTTP ${status} to POST ${ctx.url}/api/v1/query${apiError ? `: ${apiError}` : ''}; ` +
        "check that the URL points at Prometheus' HTTP API, including any path prefix (--web.route-prefix)",
    );
  }
  if (envelope?.status !== 'success' || !isRecord(envelope.data)) {
    throw unavailable(
      `${where} sent a response that is not the Prometheus API's (${describeBody(answer.body)}); ` +
        'check that the URL points at Prometheus and not at another service',
    );
  }
  return interpretData(envelope.data, ctx);
}

/** Prometheus' text for a value: a decimal, or `NaN`, `+Inf`, `-Inf`; `undefined` for anything else. */
export function parseSampleValue(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  switch (text) {
    case 'NaN':
      return NaN;
    case '+Inf':
    case 'Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
  }
  return /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text) ? Number(text) : undefined;
}

interface Envelope {
  status?: unknown;
  data?: unknown;
  errorType?: unknown;
  error?: unknown;
}

function interpretData(data: Record<string, unknown>, ctx: QueryContext): PromSample {
  const { resultType, result } = data;
  const query = quoteQuery(ctx.expr);
  const badShape = (what: string) =>
    new PrometheusUnavailableError(
      ctx.url,
      `Prometheus at ${ctx.url} sent a malformed ${what} for ${query}; ` +
        'check that the URL points at Prometheus and not at another service',
    );
  switch (resultType) {
    case 'scalar': {
      const value = Array.isArray(result) ? parseSampleValue(result[1]) : undefined;
      if (value === undefined) throw badShape('scalar');
      return sample(value);
    }
    case 'vector': {
      if (!Array.isArray(result)) throw badShape('vector');
      if (result.length === 0) return { noData: NO_SERIES };
      if (result.length > 1) {
        throw new PromQueryError(
          ctx.expr,
          `The query ${query} returned ${result.length} series (${describeSeries(result)}); ` +
            'wrap it in sum(…) or max(…) so it returns one number',
        );
      }
      const [only] = result as unknown[];
      if (isRecord(only) && only.histogram !== undefined && only.value === undefined) {
        throw new PromQueryError(
          ctx.expr,
          `The query ${query} returned a native histogram, not a number; ` +
            'wrap it in histogram_quantile(…), histogram_count(…) or histogram_sum(…)',
        );
      }
      const pair = isRecord(only) ? only.value : undefined;
      const value = Array.isArray(pair) ? parseSampleValue(pair[1]) : undefined;
      if (value === undefined) throw badShape('vector sample');
      return sample(value);
    }
    case 'matrix':
      throw new PromQueryError(
        ctx.expr,
        `The query ${query} returned a range vector (matrix), not one number; drop the [range] ` +
          'selector, or wrap it in a function such as avg_over_time(…) or rate(…)',
      );
    case 'string':
      throw new PromQueryError(
        ctx.expr,
        `The query ${query} returned a string, not a number; query a metric`,
      );
    default:
      throw badShape(`result (resultType ${JSON.stringify(resultType)})`);
  }
}

function sample(value: number): PromSample {
  if (Number.isNaN(value)) {
    return { noData: 'the query returned NaN (no meaningful value, e.g. 0/0: a ratio over no requests)' };
  }
  if (!Number.isFinite(value)) {
    return { noData: `the query returned ${value > 0 ? '+Inf' : '-Inf'} (e.g. a division by zero)` };
  }
  return { value };
}

function parseEnvelope(body: string): Envelope | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function apiErrorText(envelope: Envelope): string | undefined {
  return typeof envelope.error === 'string' ? trimText(envelope.error, ERROR_TEXT_LIMIT) : undefined;
}

/** The first label sets of a multi-series result, e.g. `{job="a"}, {job="b"}, …`. */
function describeSeries(result: unknown[]): string {
  const shown = result.slice(0, SERIES_SHOWN).map((series) => {
    const metric = isRecord(series) && isRecord(series.metric) ? series.metric : {};
    const labels = Object.entries(metric).map(([name, value]) => `${name}=${JSON.stringify(String(value))}`);
    return trimText(`{${labels.join(', ')}}`, 120);
  });
  return result.length > SERIES_SHOWN ? `${shown.join(', ')}, …` : shown.join(', ');
}

function describeBody(body: string): string {
  const text = body.trim();
  return text ? `it starts with ${JSON.stringify(trimText(text, 80))}` : 'it is empty';
}

/** A redirect target without credentials or query string. */
function safeLocation(location: string): string {
  try {
    const target = new URL(location, 'http://relative.invalid');
    return target.origin === 'http://relative.invalid'
      ? target.pathname
      : `${target.origin}${target.pathname}`;
  } catch {
    return 'an invalid address';
  }
}

function quoteQuery(expr: string): string {
  return JSON.stringify(trimText(expr.replace(/\s+/g, ' ').trim(), QUERY_TEXT_LIMIT));
}

function trimText(text: string, limit: number): string {
  const oneLine = text.trim();
  return oneLine.length > limit ? `${oneLine.slice(0, limit - 1)}…` : oneLine;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
