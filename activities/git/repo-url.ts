import { createHash } from 'node:crypto';
import { formatGitUrl, parseGitUrl } from '../../config/git-url.js';

/**
 * The canonical form of a repository URL, used as the cache key and for credential matching:
 * no userinfo, scheme and host lower-cased, default port dropped, path normalized (`..`, `%2e%2e`,
 * duplicate slashes and backslashes resolved, as `parseGitUrl` does), scp-like `git@host:org/repo`
 * written as `ssh://host/org/repo`, `git+ssh://` as `ssh://`, and for network schemes one trailing
 * `.git` removed (`https://host/org/repo.git` and `https://host/org/repo` are the same repository).
 * Local paths are resolved the same way.
 */
export function normalizeRepoUrl(url: string): string {
  const parsed = parseGitUrl(url);
  if (parsed.form === 'path' || parsed.scheme === 'file') return formatGitUrl(parsed);
  const path = `/${parsed.path.replace(/^\/+/, '')}`.replace(/\.git$/, '');
  const port = parsed.port === undefined ? '' : `:${parsed.port}`;
  return `${parsed.scheme ?? parsed.rawScheme}://${parsed.host}${port}${path}${parsed.query}`;
}

/**
 * The URL handed to git: the normalized spelling of `url` (so git fetches exactly the path the
 * credentials were matched against), userinfo removed except an SSH user name (needed to log in,
 * and not a secret). Credentials never travel in the URL; see `credentials.ts`.
 */
export function remoteUrl(url: string): string {
  const parsed = parseGitUrl(url);
  const user = parsed.scheme === 'ssh' && parsed.username ? `${parsed.username}@` : '';
  if (parsed.form === 'scp') return `${user}${parsed.host}:${parsed.path}`;
  if (parsed.form === 'path') return parsed.path;
  const port = parsed.port === undefined ? '' : `:${parsed.port}`;
  return `${parsed.rawScheme}://${user}${parsed.host}${port}${parsed.path}${parsed.query}`;
}

/**
 * `scheme://host[:port]` of an http(s) URL, as git names it in credential prompts ("Password for
 * 'https://host': "); `undefined` for other transports.
 */
export function repoOrigin(url: string): string | undefined {
  const parsed = parseGitUrl(url);
  if (parsed.scheme !== 'https' && parsed.scheme !== 'http') return undefined;
  return `${parsed.scheme}://${parsed.host}${parsed.port === undefined ? '' : `:${parsed.port}`}`;
}

/** A short stable directory name for a repository: a hash of its normalized URL. */
export function repoHash(url: string): string {
  return createHash('sha256').update(normalizeRepoUrl(url)).digest('hex').slice(0, 24);
}
