/**
 * The environment and extra arguments of one git command. git gets a small, fixed environment
 * (no ambient GIT_* variables, C locale so the error classifier reads English), prompts disabled,
 * and credentials only through GIT_ASKPASS or GIT_SSH_COMMAND.
 */
import type { ResolvedGitCredentials } from './credentials.js';

/** Everything a git process needs besides its arguments. */
export interface GitInvocation {
  readonly env: Record<string, string>;
  /** `-c key=value` arguments placed before the git subcommand. */
  readonly configArgs: readonly string[];
  /** Values to mask in anything git prints. */
  readonly secrets: readonly string[];
}

/** Variables passed through from the worker's environment (proxies, SSH agent, home for known_hosts). */
const PASSED_THROUGH = [
  'PATH',
  'HOME',
  'TMPDIR',
  'SSH_AUTH_SOCK',
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
];

/**
 * The askpass helper: git runs it with a prompt ("Username for ..." / "Password for ...") and
 * reads the answer from stdout. The token comes from a file or from the git process's own
 * environment, never from argv.
 */
export const ASKPASS_SCRIPT = `#!/bin/sh
case "$1" in
  Username*) printf '%s\\n' "$MOORING_GIT_USERNAME" ;;
  *) if [ -n "$MOORING_GIT_TOKEN_FILE" ]; then head -n 1 "$MOORING_GIT_TOKEN_FILE" | tr -d '\\r'; else printf '%s\\n' "$MOORING_GIT_TOKEN"; fi ;;
esac
`;

/** Builds the invocation for a command using `credentials` (none: anonymous access). */
export function gitInvocation(
  credentials: ResolvedGitCredentials | undefined,
  options: { askpassPath: string; baseEnv?: Readonly<Record<string, string | undefined>> },
): GitInvocation {
  const base = options.baseEnv ?? process.env;
  const env: Record<string, string> = {};
  for (const name of PASSED_THROUGH) {
    const value = base[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, { LC_ALL: 'C', LANG: 'C', LANGUAGE: 'C', GIT_TERMINAL_PROMPT: '0' });
  // An empty credential.helper resets the helper list: no helper from the user's or system's git
  // config answers, so the credentials file stays the one source.
  const configArgs = ['-c', 'credential.helper='];
  if (!credentials) return { env, configArgs, secrets: [] };
  if (credentials.sshKeyFile !== undefined) {
    const knownHosts =
      credentials.knownHostsFile === undefined
        ? ''
        : ` -o UserKnownHostsFile=${shellQuote(credentials.knownHostsFile)}`;
    env.GIT_SSH_COMMAND = `ssh -i ${shellQuote(credentials.sshKeyFile)} -o IdentitiesOnly=yes -o BatchMode=yes${knownHosts}`;
    return { env, configArgs, secrets: [] };
  }
  env.GIT_ASKPASS = options.askpassPath;
  env.MOORING_GIT_USERNAME = credentials.username;
  if (credentials.tokenFile !== undefined) env.MOORING_GIT_TOKEN_FILE = credentials.tokenFile;
  else if (credentials.token !== undefined) env.MOORING_GIT_TOKEN = credentials.token;
  return { env, configArgs, secrets: credentials.token ? [credentials.token] : [] };
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
