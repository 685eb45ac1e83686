/**
 * Redaction of one repository URL, pure: its userinfo and the values of credential-like query
 * parameters removed. Spec errors name repository URLs through it, and the Git layer's message
 * redaction (`core/git/redact.ts`) builds on it.
 */

/** The mask written in place of a secret value. */
export const REDACTED = '***';

/** `scheme://userinfo@` anywhere in a text. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#]*@/gi;
const SCP_LIKE = /^([^\s/@]+)@([^\s/:]+):(?!\/\/)/;
/** `?name=value` / `&name=value` pairs anywhere in a text; the value stops at a separator or quote. */
const QUERY_PARAM = /([?&;])([^=&;?#\s'"<>]+)=([^&;#\s'"<>]*)/g;

/** `text` without the userinfo of any `scheme://` URL in it. */
export function stripUserinfo(text: string): string {
  return text.replace(URL_USERINFO, '$1');
}

/**
 * True when a query parameter of this name holds a credential: any name containing `token`,
 * `key`, `secret`, `passw`, `auth`, `credential` or `signature`, and `sig`, `pass`, `pwd`.
 *
 * @example isSecretParam('private_token') // true
 */
export function isSecretParam(name: string): boolean {
  const lower = name.toLowerCase();
  return (
    /token|key|secret|passw|auth|credential|signature/.test(lower) || ['sig', 'pass', 'pwd'].includes(lower)
  );
}

/**
 * Returns `url` without its userinfo (`user:password@`), for every scheme and for scp-like
 * `user@host:path` addresses, and with the value of every credential-like query parameter
 * (see {@link isSecretParam}) replaced by `***`. Text that is not a URL comes back unchanged.
 *
 * @example redactUrl('https://x-access-token:ghp_123@github.com/acme/app.git') // 'https://github.com/acme/app.git'
 */
export function redactUrl(url: string): string {
  const trimmed = url.trim();
  const bare = SCP_LIKE.test(trimmed)
    ? trimmed.replace(SCP_LIKE, '$2:')
    : trimmed.replace(URL_USERINFO, '$1');
  return maskSecretParams(bare);
}

/** Replaces the value of every credential-like `?name=value` pair in `text` by `***`. */
export function maskSecretParams(text: string): string {
  return text.replace(QUERY_PARAM, (pair, separator: string, name: string, value: string) =>
    isSecretParam(decodeName(name)) && value !== '' ? `${separator}${name}=${REDACTED}` : pair,
  );
}

function decodeName(name: string): string {
  try {
    return decodeURIComponent(name.replace(/\+/g, ' '));
  } catch {
    return name; // a malformed escape: judge the name as written
  }
}
