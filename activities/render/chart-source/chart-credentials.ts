/**
 * Chart repository and registry credentials come from one place, the file named by
 * `MOORING_HELM_CREDENTIALS_FILE`: a YAML (or JSON) list matched against the URL by longest prefix,
 * with the rules of the Git credentials file (activities/git/credentials.ts):
 *
 * ```yaml
 * - urlPrefix: https://charts.example.com/          # whole path segments; scheme, host, port must match
 *   username: deploy
 *   passwordFile: /var/run/secrets/charts/password  # read on every use: rotation needs no restart
 * - urlPrefix: oci://registry.example.com/charts
 *   username: robot$mooring
 *   password: ...                                   # inline; prefer passwordFile
 * - urlPrefix: oci://ghcr.io/acme
 *   tokenFile: /var/run/secrets/ghcr/token          # a bearer token, sent as is
 * ```
 *
 * Credentials never come from a spec or a workflow payload (a URL with userinfo is refused), are
 * sent only to URLs under their prefix (an index may point archives elsewhere: those go without),
 * and never appear in a message: errors name the prefix, never the value.
 */
import { readFileSync } from 'node:fs';
import { readCredentialEntries } from '../../credentials/read-credential-entries.js';
import { normalizeChartRepoUrl } from './chart-repo-url.js';

/** The environment variable naming the credentials file. */
export const HELM_CREDENTIALS_FILE_ENV = 'MOORING_HELM_CREDENTIALS_FILE';

/** One entry of the file: `username` with exactly one of `password`/`passwordFile`, or a token. */
export interface ChartCredentialEntry {
  urlPrefix: string;
  username?: string;
  password?: string;
  passwordFile?: string;
  token?: string;
  tokenFile?: string;
}

/** The credentials for one request, secrets read now. */
export type ResolvedChartCredentials =
  | {
      readonly urlPrefix: string;
      readonly kind: 'basic';
      readonly username: string;
      readonly password: string;
    }
  | { readonly urlPrefix: string; readonly kind: 'bearer'; readonly token: string };

const FIELDS = new Set(['urlPrefix', 'username', 'password', 'passwordFile', 'token', 'tokenFile']);
const SECRETS = ['password', 'passwordFile', 'token', 'tokenFile'] as const;

/** A set of entries and the longest-prefix lookup over them. */
export class ChartCredentials {
  readonly #entries: readonly (ChartCredentialEntry & { readonly key: string })[];

  /** Validates `entries`; `source` names the file in error messages. */
  constructor(entries: readonly unknown[], source = 'Helm credentials') {
    this.#entries = entries.map((entry, index) => {
      const checked = checkEntry(entry, `${source}: entry ${index + 1}`);
      return { ...checked, key: normalizeChartRepoUrl(checked.urlPrefix) };
    });
  }

  /** Loads the file named by `MOORING_HELM_CREDENTIALS_FILE`; no entries when it is unset. */
  static fromEnv(env: Readonly<Record<string, string | undefined>> = process.env): ChartCredentials {
    const file = env[HELM_CREDENTIALS_FILE_ENV];
    return file ? ChartCredentials.fromFile(file) : new ChartCredentials([]);
  }

  /** Loads a YAML or JSON list of entries from `path`. */
  static fromFile(path: string): ChartCredentials {
    return new ChartCredentials(
      readCredentialEntries(path, 'Helm credentials'),
      `Helm credentials file "${path}"`,
    );
  }

  /** The entry with the longest `urlPrefix` matching `url` on a path boundary, if any. */
  match(url: string): ChartCredentialEntry | undefined {
    let key: string;
    try {
      key = normalizeChartRepoUrl(url);
    } catch {
      return undefined; // not a URL: nothing can match it
    }
    let best: (ChartCredentialEntry & { key: string }) | undefined;
    for (const entry of this.#entries) {
      const prefix = entry.key.endsWith('/') ? entry.key : `${entry.key}/`;
      if ((key === entry.key || key.startsWith(prefix)) && entry.key.length > (best?.key.length ?? -1))
        best = entry;
    }
    return best;
  }

  /** The credentials for `url`, secrets read from their files now; undefined when none match. */
  forUrl(url: string): ResolvedChartCredentials | undefined {
    const entry = this.match(url);
    if (!entry) return undefined;
    const { urlPrefix } = entry;
    if (entry.username !== undefined) {
      const password = entry.password ?? readSecret(entry.passwordFile ?? '', 'passwordFile', urlPrefix);
      return { urlPrefix, kind: 'basic', username: entry.username, password };
    }
    const token = entry.token ?? readSecret(entry.tokenFile ?? '', 'tokenFile', urlPrefix);
    return { urlPrefix, kind: 'bearer', token };
  }
}

function readSecret(file: string, field: string, urlPrefix: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n')[0]?.trim() ?? '';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    throw new Error(`Cannot read ${field} "${file}" of Helm credentials for "${urlPrefix}": ${code}`, {
      cause: error,
    });
  }
}

function checkEntry(entry: unknown, where: string): ChartCredentialEntry {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry))
    throw new TypeError(`Cannot use ${where}: expected an object with urlPrefix`);
  const record = entry as Record<string, unknown>;
  for (const [field, value] of Object.entries(record)) {
    if (!FIELDS.has(field))
      throw new TypeError(
        `Cannot use ${where}: unknown field "${field}", allowed are ${[...FIELDS].join(', ')}`,
      );
    if (typeof value !== 'string' || value.trim() === '')
      throw new TypeError(`Cannot use ${where}: field "${field}" must be a non-empty string`);
  }
  const prefix = record.urlPrefix;
  if (typeof prefix !== 'string') throw new TypeError(`Cannot use ${where}: field "urlPrefix" is missing`);
  try {
    normalizeChartRepoUrl(prefix);
  } catch {
    throw new TypeError(`Cannot use ${where}: urlPrefix must be an https://, http:// or oci:// URL`);
  }
  const kinds = SECRETS.filter((field) => record[field] !== undefined);
  if (kinds.length !== 1)
    throw new TypeError(
      `Cannot use ${where} for "${prefix}": set exactly one of ${SECRETS.join(', ')}, found ${kinds.length}`,
    );
  const basic = kinds[0] === 'password' || kinds[0] === 'passwordFile';
  if (basic !== (record.username !== undefined))
    throw new TypeError(
      `Cannot use ${where} for "${prefix}": ${basic ? 'a password needs a username' : 'a token is sent without username; remove username or use password'}`,
    );
  return record as unknown as ChartCredentialEntry;
}
