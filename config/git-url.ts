/**
 * Parsing of Git repository URLs, pure: which transport git would use, who the user is, and the
 * path with its tricks undone. The credential lookup, the scheme allowlist and spec validation all
 * read a URL through `parseGitUrl`, so they agree on what a URL means.
 *
 * Forms, as git reads them (git-clone(1) "GIT URLS"): `scheme://[user[:password]@]host[:port]/path`;
 * scp-like `[user@]host:path` (no slash before the first colon), which is SSH; a local path; and
 * `<transport>::<address>` remote helpers, which Mooring never uses (`scheme` is undefined).
 */

/** The transports Mooring can use. `ssh` covers `ssh://`, `git+ssh://` and scp-like addresses. */
export type GitScheme = 'https' | 'ssh' | 'http' | 'git' | 'file';

/** Every {@link GitScheme}, in the order messages list them. */
export const GIT_SCHEMES: readonly GitScheme[] = ['https', 'ssh', 'http', 'git', 'file'];

/** A repository URL taken apart. */
export interface GitUrl {
  /** The transport, or `undefined` for one Mooring does not know (`ftp://`, `ext::…`). */
  readonly scheme: GitScheme | undefined;
  /** The scheme as written, lower-cased: `git+ssh`, `ext`; `ssh` for scp-like, `file` for a path. */
  readonly rawScheme: string;
  /** How the URL is written. */
  readonly form: 'url' | 'scp' | 'path';
  /** The user name of the userinfo, if any. */
  readonly username?: string;
  /** True when the userinfo holds a password (`user:password@`). */
  readonly hasPassword: boolean;
  /** Host name, lower-cased ("" for local paths); IPv6 addresses keep their brackets. */
  readonly host: string;
  /** The port, omitted when it is the scheme's default. */
  readonly port?: string;
  /**
   * The path: for URLs, percent-encoded unreserved characters decoded (so `%2e%2e` is `..`),
   * backslashes read as slashes, duplicate slashes collapsed, `.` and `..` resolved, no trailing
   * slash. Local paths and scp-like paths are resolved the same way but keep their relative start.
   */
  readonly path: string;
  /** The query, with its `?`, or "". */
  readonly query: string;
}

const SCHEME_URL = /^([a-z][a-z0-9+.-]*):\/\/([^/?#\\]*)([^?#]*)(\?[^#]*)?(#.*)?$/i;
const REMOTE_HELPER = /^([a-z][a-z0-9+.-]*)::/i;
const SCP_LIKE = /^(?:([^@/]+)@)?(\[[^\]/]+\]|[^\s/:@[\]]+):(.*)$/;
const DEFAULT_PORTS: Readonly<Record<string, string>> = { https: '443', http: '80', ssh: '22', git: '9418' };
const SCHEMES: Readonly<Record<string, GitScheme>> = {
  https: 'https',
  http: 'http',
  ssh: 'ssh',
  'git+ssh': 'ssh',
  'ssh+git': 'ssh',
  git: 'git',
  file: 'file',
};

/**
 * Takes `url` apart as git would read it.
 *
 * @example parseGitUrl('https://GitHub.com:443/acme/../evil//repo.git').path // '/evil/repo.git'
 */
export function parseGitUrl(url: string): GitUrl {
  const text = url.trim();
  const helper = REMOTE_HELPER.exec(text);
  if (helper) {
    const rawScheme = (helper[1] ?? '').toLowerCase();
    return { scheme: undefined, rawScheme, form: 'url', hasPassword: false, host: '', path: '', query: '' };
  }
  const match = SCHEME_URL.exec(text);
  if (match) return parseSchemeUrl(match);
  const scp = text.startsWith('/') || text.startsWith('.') ? null : SCP_LIKE.exec(text);
  if (scp) {
    const { username, hasPassword } = splitUserinfo(scp[1]);
    return {
      scheme: 'ssh',
      rawScheme: 'ssh',
      form: 'scp',
      ...(username === undefined ? {} : { username }),
      hasPassword,
      host: (scp[2] ?? '').toLowerCase(),
      path: normalizePath(scp[3] ?? '', false),
      query: '',
    };
  }
  return {
    scheme: 'file',
    rawScheme: 'file',
    form: 'path',
    hasPassword: false,
    host: '',
    path: normalizePath(text, false),
    query: '',
  };
}

function parseSchemeUrl(match: RegExpExecArray): GitUrl {
  const rawScheme = (match[1] ?? '').toLowerCase();
  const scheme = SCHEMES[rawScheme];
  const authority = match[2] ?? '';
  const at = authority.lastIndexOf('@');
  const { username, hasPassword } = splitUserinfo(at >= 0 ? authority.slice(0, at) : undefined);
  const hostPort = authority.slice(at + 1).toLowerCase();
  const portMatch = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/.exec(hostPort);
  const host = portMatch?.[1] ?? hostPort;
  const rawPort = portMatch?.[2];
  const port = rawPort && rawPort !== DEFAULT_PORTS[scheme ?? ''] ? rawPort : undefined;
  return {
    scheme,
    rawScheme,
    form: 'url',
    ...(username === undefined ? {} : { username }),
    hasPassword,
    host,
    ...(port === undefined ? {} : { port }),
    path: normalizePath((match[3] ?? '').replace(/\\/g, '/'), true),
    query: match[4] ?? '',
  };
}

function splitUserinfo(userinfo: string | undefined): { username?: string; hasPassword: boolean } {
  if (userinfo === undefined) return { hasPassword: false };
  const colon = userinfo.indexOf(':');
  const username = decodeUnreserved(colon >= 0 ? userinfo.slice(0, colon) : userinfo);
  return { username, hasPassword: colon >= 0 };
}

/** Resolves dot segments and duplicate slashes, RFC 3986 section 5.2.4 style. */
function normalizePath(path: string, decode: boolean): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const raw of path.split('/')) {
    const segment = decode ? decodeUnreserved(raw) : raw;
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(segment);
  }
  return (absolute ? '/' : '') + out.join('/');
}

/** Decodes `%XX` of unreserved characters (letters, digits, `-._~`); other escapes get upper-case hex. */
function decodeUnreserved(text: string): string {
  return text.replace(/%([0-9a-f]{2})/gi, (escape, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(char) ? char : escape.toUpperCase();
  });
}

/**
 * The URL written back from its parts, without userinfo: `scheme://host[:port]/path?query` (an
 * scp-like address becomes `ssh://host/path`; a local path is returned as its resolved path).
 */
export function formatGitUrl(url: GitUrl): string {
  if (url.form === 'path') return url.path;
  if (url.form === 'scp') return `ssh://${url.host}/${url.path.replace(/^\/+/, '')}`;
  const port = url.port === undefined ? '' : `:${url.port}`;
  return `${url.rawScheme}://${url.host}${port}${url.path}${url.query}`;
}
