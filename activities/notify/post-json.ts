/**
 * One HTTP POST of a JSON body to a receiver (fetch), bounded by a timeout and the caller's
 * cancellation, redirects not followed. Returns the status, `Retry-After` and a short excerpt of
 * the body (the rest is discarded unread). A failure to get an answer is a PostError that names
 * the cause in words (timeout, connection refused, ...), never the URL: a webhook URL can be a
 * credential.
 */

/** Bytes of the response body kept for messages. */
export const RESPONSE_EXCERPT_BYTES = 512;

/** What the receiver answered. */
export interface PostResult {
  status: number;
  retryAfter?: string;
  /** The first bytes of the body, as text; unscrubbed. */
  excerpt: string;
}

/** No answer: a timeout, a refused or reset connection, a name that does not resolve. */
export class PostError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PostError';
  }
}

/** Options of `postJson`. */
export interface PostJsonOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  /** Aborts the request (the activity's cancellation). */
  signal?: AbortSignal;
}

/** POSTs `body` to `url`. @throws {PostError} when no answer arrives */
export async function postJson(url: string, body: string, options: PostJsonOptions): Promise<PostResult> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body,
      redirect: 'manual',
      signal,
    });
    const excerpt = await readExcerpt(response);
    const retryAfter = response.headers.get('retry-after') ?? undefined;
    return retryAfter === undefined
      ? { status: response.status, excerpt }
      : { status: response.status, retryAfter, excerpt };
  } catch (err) {
    if (timeout.aborted) throw new PostError(`no answer within ${options.timeoutMs} ms`);
    if (options.signal?.aborted) throw new PostError('cancelled');
    throw new PostError(describeNetworkError(err));
  }
}

async function readExcerpt(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    // The rest of the body is not needed; an error while discarding it changes nothing.
    await reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_BYTES));
}

/** The system error code of a fetch failure (`ECONNREFUSED`, ...), never its message (which may quote the URL). */
function describeNetworkError(err: unknown): string {
  let cause: unknown = err;
  for (let depth = 0; depth < 4 && cause instanceof Error; depth++) {
    const code = (cause as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z_]+$/.test(code)) return `connection failed (${code})`;
    cause = cause.cause;
  }
  return 'connection failed';
}
