/**
 * Redaction of Git URLs and command output, pure. Every message that leaves the Git layer (errors,
 * logs) passes through `redactText`, and the CLI names repositories with `redactUrl`, so a token
 * typed into a repo URL or handed to git never shows up.
 */

const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;
const SCP_LIKE = /^([^\s/@:]+)@([^\s/:]+):(?!\/\/)/;

/**
 * Returns `url` without its userinfo (`user:password@`), for every scheme and for scp-like
 * `user@host:path` addresses. Text that is not a URL comes back unchanged.
 *
 * @example redactUrl('https://x-access-token:ghp_123@github.com/acme/app.git') // 'https://github.com/acme/app.git'
 */
export function redactUrl(url: string): string {
  const trimmed = url.trim();
  if (SCP_LIKE.test(trimmed)) return trimmed.replace(SCP_LIKE, '$2:');
  return trimmed.replace(URL_USERINFO, '$1');
}

/** Options of {@link redactText}. */
export interface RedactOptions {
  /** Secret values (tokens) to mask wherever they appear. @default [] */
  secrets?: readonly string[];
}

/** The mask written in place of a secret value. */
export const REDACTED = '***';

/**
 * Returns `text` with the userinfo of every `scheme://` URL in it removed and every given secret
 * replaced by `***`. Secrets shorter than 4 characters are ignored (they would mask ordinary words).
 */
export function redactText(text: string, options: RedactOptions = {}): string {
  let out = text.replace(URL_USERINFO, '$1');
  const secrets = [...(options.secrets ?? [])]
    .filter((s) => s.length >= 4)
    .sort((a, b) => b.length - a.length);
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}
