/**
 * Git credentials come from one place: the file named by `MOORING_GIT_CREDENTIALS_FILE`, a YAML
 * (or JSON) list of entries matched against the repository URL by longest prefix:
 *
 * ```yaml
 * - urlPrefix: https://github.com/acme/        # whole path segments; scheme, host and port must match
 *   username: x-access-token                   # optional, default "x-access-token"
 *   tokenFile: /var/run/secrets/github/token   # read on every use, so rotation needs no restart
 * - urlPrefix: https://gitlab.example.com/
 *   token: glpat-...                           # inline token; prefer tokenFile
 * - urlPrefix: git@github.com:acme/            # scp-like and ssh:// URLs
 *   sshKeyFile: /var/run/secrets/deploy-key
 *   knownHostsFile: /var/run/secrets/known_hosts   # optional
 * ```
 *
 * Credentials never come from workflow inputs: a repo URL with userinfo credentials is refused
 * (`repoUrlProblem`). A token goes to the host and path prefix it belongs to, after normalizing
 * the URL, and the askpass helper hands it out only for that URL's origin. Tokens reach git
 * through GIT_ASKPASS, never through the URL or argv (see `_git-env.ts`); SSH keys through
 * GIT_SSH_COMMAND with IdentitiesOnly.
 */
import { readFileSync } from 'node:fs';
import { readCredentialEntries } from '../credentials/read-credential-entries.js';
import { normalizeRepoUrl, repoOrigin } from './repo-url.js';

/** The environment variable naming the credentials file. */
export const CREDENTIALS_FILE_ENV = 'MOORING_GIT_CREDENTIALS_FILE';

/** The user name sent with a token when an entry names none (GitHub and Gitea accept any). */
export const DEFAULT_TOKEN_USERNAME = 'x-access-token';

/** One entry of the credentials file. Exactly one of `token`, `tokenFile`, `sshKeyFile`. */
export interface GitCredentialEntry {
  urlPrefix: string;
  username?: string;
  token?: string;
  tokenFile?: string;
  sshKeyFile?: string;
  knownHostsFile?: string;
}

/** The credentials to use for one git command. */
export interface ResolvedGitCredentials {
  /** The prefix of the entry that matched. */
  readonly urlPrefix: string;
  /**
   * `scheme://host[:port]` of the URL the credentials are for (http and https only): the askpass
   * helper answers prompts for this origin and no other.
   */
  readonly origin?: string;
  readonly username: string;
  /** The token value (read from `tokenFile` at lookup time); also used to redact output. */
  readonly token?: string;
  readonly tokenFile?: string;
  readonly sshKeyFile?: string;
  readonly knownHostsFile?: string;
}

const FIELDS = new Set(['urlPrefix', 'username', 'token', 'tokenFile', 'sshKeyFile', 'knownHostsFile']);

/** A set of credential entries and the longest-prefix lookup over them. */
export class GitCredentials {
  readonly #entries: readonly (GitCredentialEntry & { readonly key: string })[];

  /** Validates `entries`; `source` names the file in error messages. */
  constructor(entries: readonly unknown[], source = 'git credentials') {
    this.#entries = entries.map((entry, index) => {
      const checked = checkEntry(entry, `${source}: entry ${index + 1}`);
      return { ...checked, key: normalizeRepoUrl(checked.urlPrefix) };
    });
  }

  /** Loads the file named by `MOORING_GIT_CREDENTIALS_FILE`; no entries when it is unset. */
  static fromEnv(env: Readonly<Record<string, string | undefined>> = process.env): GitCredentials {
    const file = env[CREDENTIALS_FILE_ENV];
    return file ? GitCredentials.fromFile(file) : new GitCredentials([]);
  }

  /** Loads a YAML or JSON list of entries from `path`. */
  static fromFile(path: string): GitCredentials {
    return new GitCredentials(
      readCredentialEntries(path, 'git credentials'),
      `git credentials file "${path}"`,
    );
  }

  /**
   * The entry with the longest `urlPrefix` matching `url` on a path boundary, if any. Both sides are
   * normalized first (`normalizeRepoUrl`): `https://github.com/acme/../evil/repo` is
   * `https://github.com/evil/repo` and does not match the prefix `https://github.com/acme/`.
   */
  match(url: string): GitCredentialEntry | undefined {
    const key = normalizeRepoUrl(url);
    let best: (GitCredentialEntry & { key: string }) | undefined;
    for (const entry of this.#entries) {
      const matches =
        key === entry.key || key.startsWith(entry.key.endsWith('/') ? entry.key : `${entry.key}/`);
      if (matches && entry.key.length > (best?.key.length ?? -1)) best = entry;
    }
    return best;
  }

  /** The credentials for `url`, with the token read from its file now; `undefined` when none match. */
  forUrl(url: string): ResolvedGitCredentials | undefined {
    const entry = this.match(url);
    if (!entry) return undefined;
    const { urlPrefix, tokenFile, sshKeyFile, knownHostsFile } = entry;
    let token = entry.token;
    if (tokenFile !== undefined) {
      try {
        token = readFileSync(tokenFile, 'utf8').split('\n')[0]?.trim();
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
        throw new Error(
          `Cannot read tokenFile "${tokenFile}" of git credentials for "${urlPrefix}": ${code}`,
          { cause: error },
        );
      }
    }
    const origin = repoOrigin(url);
    return {
      urlPrefix,
      ...(origin === undefined ? {} : { origin }),
      username: entry.username ?? DEFAULT_TOKEN_USERNAME,
      token,
      tokenFile,
      sshKeyFile,
      knownHostsFile,
    };
  }
}

function checkEntry(entry: unknown, where: string): GitCredentialEntry {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
    throw new TypeError(`Cannot use ${where}: expected an object with urlPrefix`);
  }
  const record = entry as Record<string, unknown>;
  for (const [field, value] of Object.entries(record)) {
    if (!FIELDS.has(field))
      throw new TypeError(
        `Cannot use ${where}: unknown field "${field}", allowed are ${[...FIELDS].join(', ')}`,
      );
    if (typeof value !== 'string' || value.trim() === '') {
      throw new TypeError(`Cannot use ${where}: field "${field}" must be a non-empty string`);
    }
  }
  if (record.urlPrefix === undefined)
    throw new TypeError(`Cannot use ${where}: field "urlPrefix" is missing`);
  const kinds = ['token', 'tokenFile', 'sshKeyFile'].filter((field) => record[field] !== undefined);
  if (kinds.length !== 1) {
    throw new TypeError(
      `Cannot use ${where} for "${String(record.urlPrefix)}": set exactly one of token, tokenFile, sshKeyFile, found ${kinds.length}`,
    );
  }
  return record as unknown as GitCredentialEntry;
}
