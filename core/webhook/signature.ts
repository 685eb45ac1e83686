/**
 * Authentication of webhook requests, pure: GitHub's `X-Hub-Signature-256` (and Mooring's generic
 * `X-Mooring-Signature-256`, same format) is `sha256=<hex>` of an HMAC-SHA256 of the raw body;
 * GitLab's `X-Gitlab-Token` is the shared secret itself. Every comparison is constant-time, and a
 * secret file may hold several secrets (one a line) so a secret can be rotated without downtime.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** The verdict on one request: `reason` says what is wrong without quoting any secret. */
export type AuthResult = { ok: true } | { ok: false; reason: string };

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/** The secrets in a secret file's text: one per non-empty line, surrounding blanks trimmed. */
export function parseSecrets(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** `sha256=<hex>` of `body` under `secret`, as GitHub and `X-Mooring-Signature-256` write it. */
export function signBody(body: Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * Checks an HMAC-SHA256 signature header (`sha256=<hex>`) of `body` against each secret.
 * `header` names the header in the reason.
 */
export function verifyHmacSignature(
  body: Uint8Array,
  value: string | undefined,
  secrets: readonly string[],
  header: string,
): AuthResult {
  if (value === undefined || value.trim() === '')
    return { ok: false, reason: `missing ${header} header: sign the raw body with HMAC-SHA256` };
  const match = SIGNATURE.exec(value.trim());
  if (!match) return { ok: false, reason: `${header} is not of the form sha256=<64 hex digits>` };
  const given = Buffer.from((match[1] ?? '').toLowerCase(), 'hex');
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(body).digest();
    if (timingSafeEqual(given, expected)) return { ok: true };
  }
  return { ok: false, reason: `${header} does not match the body under the configured secret` };
}

/**
 * Checks GitLab's `X-Gitlab-Token` against each secret. Both sides are hashed first, so the
 * comparison takes the same time whatever the token's length.
 */
export function verifyToken(
  value: string | undefined,
  secrets: readonly string[],
  header: string,
): AuthResult {
  if (value === undefined || value === '')
    return { ok: false, reason: `missing ${header} header: set the webhook's secret token` };
  const given = digest(value);
  let ok = false;
  for (const secret of secrets) ok = timingSafeEqual(given, digest(secret)) || ok;
  return ok ? { ok: true } : { ok: false, reason: `${header} does not hold the configured secret token` };
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}
