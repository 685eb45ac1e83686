/**
 * What of a notification service must never leave the worker (its URL, the URL's path, its HMAC
 * key, header values read from files), and a receiver's answer made fit to quote: scrubbed of those
 * values and of anything token-like, on one line, short.
 */
import type { NotificationService } from '../../config/notifications-types.js';
import { scrubText } from '../../core/scrub/scrub-text.js';

/** Characters of a response body quoted in a failure message or a log line. */
export const EXCERPT_CHARS = 200;

/** Every value of a service that must never leave the worker: its URL (and the URL's path) and keys. */
export function serviceSecrets(service: NotificationService): string[] {
  const values = [service.url];
  const url = new URL(service.url);
  if (`${url.pathname}${url.search}`.length >= 8) values.push(`${url.pathname}${url.search}`);
  if (service.type === 'webhook') {
    if (service.hmacSecret !== undefined) values.push(service.hmacSecret);
    for (const h of service.headers) if (h.secret) values.push(h.value);
  }
  return values;
}

/** A response excerpt fit for a message: scrubbed, on one line, at most EXCERPT_CHARS. */
export function scrubbedExcerpt(text: string, secretValues: readonly string[]): string {
  const line = scrubText(text, { secretValues })
    .replace(/[\p{Cc}\s]+/gu, ' ')
    .trim();
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS - 1)}…` : line;
}
