/**
 * The environment and extra arguments of one git command. git gets a small, fixed environment
 * (no ambient GIT_* variables, C locale so the error classifier reads English), prompts disabled,
 * no system or user configuration (GIT_CONFIG_NOSYSTEM, HOME and XDG_CONFIG_HOME on an empty
 * directory), only the allowed transports (`protocol.allow=never` plus one
 * `protocol.<scheme>.allow=always` per allowed scheme), no redirects, no submodules, and
 * credentials only through GIT_ASKPASS (answering for one origin) or GIT_SSH_COMMAND.
 */
import type { GitScheme } from '../../config/git-url.js';
import type { ResolvedGitCredentials } from './credentials.js';

/** Everything a git process needs besides its arguments. */
export interface GitInvocation {
  readonly env: Record<string, string>;
  /** `-c key=value` arguments placed before the git subcommand. */
  readonly configArgs: readonly string[];
  /** Values to mask in anything git prints. */
  readonly secrets: readonly string[];
}

/** Options of {@link gitInvocation}. */
export interface GitInvocationOptions {
  /** Path of the askpass helper ({@link ASKPASS_SCRIPT}). */
  askpassPath: string;
  /** An empty directory used as HOME and XDG_CONFIG_HOME, so no user git config is read. */
  homeDir: string;
  /** The transports git may use; every other one is refused by git itself. */
  allowedSchemes: readonly GitScheme[];
  /** @default process.env */
  baseEnv?: Readonly<Record<string, string | undefined>>;
}

/**
 * Variables passed through from the worker's environment: proxies, the SSH agent and CA bundles.
 * HOME is not: ssh finds `~/.ssh/known_hosts` through the user database, not through HOME.
 */
const PASSED_THROUGH = [
  'PATH',
  'TMPDIR',
  'SSH_AUTH_SOCK',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'NO_PROXY',
  'ALL_PROXY',
  'http_proxy',
  'https_proxy',
  'no_proxy',
  'all_proxy',
];

/** The GIT_* variables Mooring itself sets; simple-git refuses any other. */
export const GIT_ENV_ALLOWED = [
  'GIT_TERMINAL_PROMPT',
  'GIT_ASKPASS',
  'GIT_SSH_COMMAND',
  'GIT_INDEX_FILE',
  'GIT_WORK_TREE',
  'GIT_CONFIG_NOSYSTEM',
];

/**
 * The askpass helper: git runs it with a prompt ("Username for 'https://host': " / "Password for
 * 'https://user@host': ") and reads the answer from stdout. It answers only when the prompt's
 * `scheme://host[:port]` is exactly MOORING_GIT_ORIGIN, the origin of the URL the credentials
 * were matched for; any other prompt (a redirect, a submodule elsewhere) gets nothing and exit 1.
 * The token comes from a file or from the git process's own environment, never from argv.
 */
export const ASKPASS_SCRIPT = `#!/bin/sh
case "$1" in
  "Username for '"*"': "|"Password for '"*"': ") ;;
  *) exit 1 ;;
esac
url=\${1#*\\'}
url=\${url%\\'*}
host=\${url#*://}
host=\${host##*@}
[ -n "$MOORING_GIT_ORIGIN" ] && [ "\${url%%://*}://$host" = "$MOORING_GIT_ORIGIN" ] || exit 1
case "$1" in
  Username*) printf '%s\\n' "$MOORING_GIT_USERNAME" ;;
  *) if [ -n "$MOORING_GIT_TOKEN_FILE" ]; then head -n 1 "$MOORING_GIT_TOKEN_FILE" | tr -d '\\r'; else printf '%s\\n' "$MOORING_GIT_TOKEN"; fi ;;
esac
`;

/** The `-c` arguments every git command gets, for the given allowed transports. */
export function hardeningConfig(allowedSchemes: readonly GitScheme[]): string[] {
  const settings = [
    // An empty credential.helper resets the helper list: the credentials file stays the one source.
    'credential.helper=',
    'protocol.allow=never',
    ...allowedSchemes.map((scheme) => `protocol.${scheme}.allow=always`),
    'http.followRedirects=false',
    'fetch.recurseSubmodules=false',
    'submodule.recurse=false',
  ];
  return settings.flatMap((setting) => ['-c', setting]);
}

/** Builds the invocation for a command using `credentials` (none: anonymous access). */
export function gitInvocation(
  credentials: ResolvedGitCredentials | undefined,
  options: GitInvocationOptions,
): GitInvocation {
  const base = options.baseEnv ?? process.env;
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = base[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, {
    HOME: options.homeDir,
    XDG_CONFIG_HOME: options.homeDir,
    GIT_CONFIG_NOSYSTEM: '1',
    LC_ALL: 'C',
    LANG: 'C',
    LANGUAGE: 'C',
    GIT_TERMINAL_PROMPT: '0',
  });
  const configArgs = hardeningConfig(options.allowedSchemes);
  if (!credentials) return { env, configArgs, secrets: [] };
  if (credentials.sshKeyFile !== undefined) {
    const knownHosts =
      credentials.knownHostsFile === undefined
        ? ''
        : ` -o UserKnownHostsFile=${shellQuote(credentials.knownHostsFile)}`;
    env.GIT_SSH_COMMAND = `ssh -i ${shellQuote(credentials.sshKeyFile)} -o IdentitiesOnly=yes -o BatchMode=yes${knownHosts}`;
    return { env, configArgs, secrets: [] };
  }
  const secrets = credentials.token ? [credentials.token] : [];
  // A token for a URL without an http(s) origin would have no prompt to answer: give none.
  if (credentials.origin === undefined) return { env, configArgs, secrets };
  env.GIT_ASKPASS = options.askpassPath;
  env.MOORING_GIT_ORIGIN = credentials.origin;
  env.MOORING_GIT_USERNAME = credentials.username;
  if (credentials.tokenFile !== undefined) env.MOORING_GIT_TOKEN_FILE = credentials.tokenFile;
  else if (credentials.token !== undefined) env.MOORING_GIT_TOKEN = credentials.token;
  return { env, configArgs, secrets };
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
