/**
 * What a receiver's answer means for a delivery, in one place: 2xx delivered; 408, 429 and 5xx
 * worth retrying (after the receiver's `Retry-After`, capped); any other status (4xx, a redirect,
 * which is never followed) refused for good. Pure; the clock is an input.
 */

/** The longest wait a receiver's `Retry-After` may ask for before the next attempt. */
export const MAX_RETRY_AFTER_MS = 60_000;

/** The verdict on one HTTP status. */
export type ResponseVerdict =
  { outcome: 'delivered' } | { outcome: 'retry'; retryAfterMs?: number } | { outcome: 'refused' };

/**
 * Milliseconds to wait that a `Retry-After` value asks for (delta-seconds or an HTTP date), capped
 * at `MAX_RETRY_AFTER_MS`; undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  let ms: number;
  if (/^[0-9]+$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return undefined;
    ms = at - nowMs;
  }
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/** Classifies a receiver's HTTP `status` (and its `Retry-After` header for retryable ones). */
export function classifyResponse(
  status: number,
  retryAfter: string | null | undefined,
  nowMs: number,
): ResponseVerdict {
  if (status >= 200 && status < 300) return { outcome: 'delivered' };
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(retryAfter, nowMs);
    return retryAfterMs === undefined ? { outcome: 'retry' } : { outcome: 'retry', retryAfterMs };
  }
  return { outcome: 'refused' };
}
