import { createHash } from 'node:crypto';
import { redactUrl } from '../../core/git/redact.js';

const SCP_LIKE = /^(?:([^\s/@:]+)@)?([^\s/:]+):(?!\/\/)(.*)$/;
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(.*)$/i;
const NETWORK_SCHEMES = new Set(['http', 'https', 'ssh', 'git', 'git+ssh', 'ssh+git']);

/**
 * The canonical form of a repository URL, used as the cache key and for credential matching:
 * no userinfo, scheme and host lower-cased, scp-like `git@host:org/repo` written as
 * `ssh://host/org/repo`, trailing slashes removed, and for network schemes one trailing `.git`
 * removed (`https://host/org/repo.git` and `https://host/org/repo` are the same repository).
 * Local paths and `file://` URLs keep their path as given.
 */
export function normalizeRepoUrl(url: string): string {
  const trimmed = url.trim();
  const scp = isScpLike(trimmed) ? SCP_LIKE.exec(trimmed) : null;
  const text = scp ? `ssh://${scp[2] ?? ''}/${(scp[3] ?? '').replace(/^\/+/, '')}` : redactUrl(trimmed);
  const match = SCHEME.exec(text);
  if (!match) return text.replace(/\/+$/, '') || text;
  const scheme = (match[1] ?? '').toLowerCase();
  const host = (match[2] ?? '').toLowerCase();
  let rest = (match[3] ?? '').replace(/\/+$/, '');
  if (NETWORK_SCHEMES.has(scheme)) rest = rest.replace(/\.git$/, '');
  return `${scheme}://${host}${rest}`;
}

/**
 * The URL handed to git: userinfo removed, except an SSH user name without password (needed to
 * log in, and not a secret). Credentials never travel in the URL; see `credentials.ts`.
 */
export function remoteUrl(url: string): string {
  const trimmed = url.trim();
  if (isScpLike(trimmed)) return trimmed;
  const match = SCHEME.exec(trimmed);
  const scheme = match?.[1]?.toLowerCase() ?? '';
  if (match && (scheme === 'ssh' || scheme === 'git+ssh' || scheme === 'ssh+git')) {
    const authority = match[2] ?? '';
    const at = authority.lastIndexOf('@');
    const user = at >= 0 ? (authority.slice(0, at).split(':')[0] ?? '') : '';
    const host = authority.slice(at + 1);
    return `${match[1]}://${user ? `${user}@` : ''}${host}${match[3] ?? ''}`;
  }
  return redactUrl(trimmed);
}

/** A short stable directory name for a repository: a hash of its normalized URL. */
export function repoHash(url: string): string {
  return createHash('sha256').update(normalizeRepoUrl(url)).digest('hex').slice(0, 24);
}

function isScpLike(url: string): boolean {
  return !url.includes('://') && SCP_LIKE.test(url) && !url.startsWith('/') && !url.startsWith('.');
}
