/**
 * How every Mooring process (CLI, worker, agent) reaches Temporal: address, namespace, TLS files
 * and a bearer token (an API key or a JWT), from flags first and then environment variables. The
 * files are read and checked before anything dials, so a wrong or missing credential fails at
 * start with the file and the variable to fix, never as a retry loop.
 */
import { readFileSync } from 'node:fs';
import type { TLSConfig } from '@temporalio/client';

/** What a process was told about its Temporal connection (flags override env). */
export interface TemporalConnectionSettings {
  address: string;
  namespace: string;
  /** CA bundle that signed the frontend's certificate; turns TLS on. */
  tlsCaFile?: string;
  /** Client certificate and key for mutual TLS; both or neither. */
  tlsCertFile?: string;
  tlsKeyFile?: string;
  /** Name the frontend's certificate is checked against, when it differs from the address's host. */
  tlsServerName?: string;
  /** File holding the bearer token (an API key or a JWT) sent with every call. */
  apiKeyFile?: string;
  /** The token itself (`TEMPORAL_API_KEY`); the file wins when both are set. */
  apiKey?: string;
  /** TLS with the system's CA roots and no client certificate (`TEMPORAL_TLS=true`). */
  tls?: boolean;
}

/**
 * The environment variables, one per setting: Temporal's own names (its SDKs' and CLI's
 * environment configuration), so one environment serves `mooring` and `temporal` alike. The token
 * file is Mooring's (a mounted Secret); `TEMPORAL_API_KEY` holding the token itself also works.
 */
export const CONNECTION_ENV = {
  address: 'TEMPORAL_ADDRESS',
  namespace: 'TEMPORAL_NAMESPACE',
  tlsCaFile: 'TEMPORAL_TLS_SERVER_CA_CERT_PATH',
  tlsCertFile: 'TEMPORAL_TLS_CLIENT_CERT_PATH',
  tlsKeyFile: 'TEMPORAL_TLS_CLIENT_KEY_PATH',
  tlsServerName: 'TEMPORAL_TLS_SERVER_NAME',
  apiKeyFile: 'TEMPORAL_API_KEY_FILE',
} as const satisfies Record<FileSetting, string>;

type FileSetting = Exclude<keyof TemporalConnectionSettings, 'apiKey' | 'tls'>;

/** The command-line flag of each setting, for messages. */
export const CONNECTION_FLAGS = {
  address: '--address',
  namespace: '--namespace',
  tlsCaFile: '--tls-ca',
  tlsCertFile: '--tls-cert',
  tlsKeyFile: '--tls-key',
  tlsServerName: '--tls-server-name',
  apiKeyFile: '--api-key-file',
} as const satisfies Record<FileSetting, string>;

/** Flags given on the command line win; unset ones come from the environment, then defaults. */
export function connectionSettings(
  flags: Partial<TemporalConnectionSettings> = {},
  env: NodeJS.ProcessEnv = process.env,
): TemporalConnectionSettings {
  const pick = (key: FileSetting): string | undefined =>
    nonEmpty(flags[key]) ?? nonEmpty(env[CONNECTION_ENV[key]]);
  return {
    address: pick('address') ?? '127.0.0.1:7233',
    namespace: pick('namespace') ?? 'default',
    tlsCaFile: pick('tlsCaFile'),
    tlsCertFile: pick('tlsCertFile'),
    tlsKeyFile: pick('tlsKeyFile'),
    tlsServerName: pick('tlsServerName'),
    apiKeyFile: pick('apiKeyFile'),
    apiKey: nonEmpty(flags.apiKey) ?? nonEmpty(env.TEMPORAL_API_KEY),
    tls: flags.tls ?? (env.TEMPORAL_TLS === undefined ? undefined : /^(1|true|yes)$/i.test(env.TEMPORAL_TLS)),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** What the SDK's Connection and NativeConnection take, read from the settings' files. */
export interface ResolvedConnection {
  address: string;
  namespace: string;
  tls?: TLSConfig;
  apiKey?: string;
  /** For logs: how the process authenticates, without any secret. */
  describe: string;
}

/** A setting that cannot be used; the message names the flag, the variable and the file. */
export class ConnectionSettingsError extends Error {
  override name = 'ConnectionSettingsError';
}

/**
 * Reads the TLS files and the token. Fails on a client certificate without its key (or the
 * reverse), an unreadable or empty file, a malformed or expired JWT.
 */
export function resolveConnection(
  settings: TemporalConnectionSettings,
  now: Date = new Date(),
): ResolvedConnection {
  const { tlsCertFile, tlsKeyFile, tlsCaFile, tlsServerName } = settings;
  if (!!tlsCertFile !== !!tlsKeyFile)
    throw new ConnectionSettingsError(
      `A client certificate needs its key: ${tlsCertFile ? `${CONNECTION_FLAGS.tlsCertFile} is set but ${CONNECTION_FLAGS.tlsKeyFile} (${CONNECTION_ENV.tlsKeyFile}) is not` : `${CONNECTION_FLAGS.tlsKeyFile} is set but ${CONNECTION_FLAGS.tlsCertFile} (${CONNECTION_ENV.tlsCertFile}) is not`}`,
    );
  const useTls = settings.tls ?? !!(tlsCaFile || tlsCertFile || tlsServerName);
  const tls: TLSConfig | undefined = useTls
    ? {
        serverRootCACertificate: tlsCaFile ? readSetting('tlsCaFile', tlsCaFile) : undefined,
        clientCertPair:
          tlsCertFile && tlsKeyFile
            ? { crt: readSetting('tlsCertFile', tlsCertFile), key: readSetting('tlsKeyFile', tlsKeyFile) }
            : undefined,
        serverNameOverride: tlsServerName,
      }
    : undefined;
  const apiKey = settings.apiKeyFile
    ? readToken(
        readSetting('apiKeyFile', settings.apiKeyFile).toString('utf8'),
        tokenWhere(settings.apiKeyFile),
        now,
      )
    : settings.apiKey
      ? readToken(settings.apiKey, 'TEMPORAL_API_KEY', now)
      : undefined;
  const parts = [
    tls ? `TLS${tls.clientCertPair ? ' with client certificate ' + tlsCertFile : ''}` : 'plaintext',
    apiKey ? `token from ${settings.apiKeyFile ?? 'TEMPORAL_API_KEY'}${tokenSubject(apiKey)}` : 'no token',
  ];
  return {
    address: settings.address,
    namespace: settings.namespace,
    tls,
    apiKey,
    describe: parts.join(', '),
  };
}

function readSetting(key: FileSetting, file: string): Buffer {
  let content: Buffer;
  try {
    content = readFileSync(file);
  } catch (err) {
    throw new ConnectionSettingsError(
      `Cannot read ${file} (${CONNECTION_FLAGS[key]} / ${CONNECTION_ENV[key]}): ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  if (content.length === 0)
    throw new ConnectionSettingsError(`${file} (${CONNECTION_FLAGS[key]} / ${CONNECTION_ENV[key]}) is empty`);
  return content;
}

function tokenWhere(file: string): string {
  return `${file} (${CONNECTION_FLAGS.apiKeyFile} / ${CONNECTION_ENV.apiKeyFile})`;
}

/** The token, trimmed; a JWT (three dot-separated parts) must parse and be unexpired. */
function readToken(text: string, where: string, now: Date): string {
  const token = text.trim();
  if (token === '' || /\s/.test(token))
    throw new ConnectionSettingsError(`${where} must hold one token on one line`);
  const claims = jwtClaims(token);
  if (claims === null)
    throw new ConnectionSettingsError(`${where} looks like a JWT but its payload is not JSON`);
  if (claims && typeof claims.exp === 'number' && claims.exp * 1000 <= now.getTime())
    throw new ConnectionSettingsError(
      `The token in ${where} expired at ${new Date(claims.exp * 1000).toISOString()}; issue a new one`,
    );
  return token;
}

/** The payload of a JWT; undefined for an opaque API key; null for a JWT whose payload is unreadable. */
export function jwtClaims(token: string): Record<string, unknown> | undefined | null {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'));
    return payload && typeof payload === 'object' ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function tokenSubject(token: string): string {
  const sub = jwtClaims(token)?.sub;
  return typeof sub === 'string' ? ` (subject ${sub})` : '';
}

/**
 * The error a failed connect or first call becomes: what was refused, by whom, and which setting
 * to look at. The gRPC status codes are those of the Temporal frontend.
 */
export function explainConnectionError(err: unknown, conn: ResolvedConnection, doing: string): Error {
  const message = err instanceof Error ? err.message : String(err);
  const code = grpcCode(err);
  const at = `Temporal at ${conn.address} (namespace ${conn.namespace}; ${conn.describe})`;
  if (code === 16 || /unauthenticated|Request unauthorized/i.test(message))
    return new Error(
      `${at} rejected the credential while ${doing}: ${message}. Check the token (${CONNECTION_ENV.apiKeyFile}) and client certificate (${CONNECTION_ENV.tlsCertFile})`,
      { cause: err },
    );
  if (code === 7 || /permission ?denied/i.test(message))
    return new Error(
      `${at} denied this credential while ${doing}: ${message}. Its role does not allow this (docs/PRODUCTION.md, roles)`,
      { cause: err },
    );
  if (/certificate|handshake|tls|ssl|alert/i.test(message))
    return new Error(
      `TLS to ${at} failed while ${doing}: ${message}. Check ${CONNECTION_ENV.tlsCaFile}, ${CONNECTION_ENV.tlsCertFile}/${CONNECTION_ENV.tlsKeyFile} and ${CONNECTION_ENV.tlsServerName}`,
      { cause: err },
    );
  return new Error(`Cannot reach ${at} while ${doing}: ${message} (is the stack up? scripts/stack up)`, {
    cause: err,
  });
}

/** The gRPC status code of an error or of the first error in its cause chain that has one. */
export function grpcCode(err: unknown): number | undefined {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number') return code;
  }
  return undefined;
}
