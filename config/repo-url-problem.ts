/**
 * What is wrong with a repository URL whatever the agent's policy says, pure: spec loading calls
 * it so `mooring app apply` refuses the spec before contacting Temporal, and the Git layer calls it
 * again before running git. Which schemes an agent allows is the agent's business (`git.allowedSchemes`
 * in its policy file), not checked here.
 */
import { parseGitUrl } from './git-url.js';
import { isSecretParam, redactUrl } from './redact-url.js';

/** Where credentials belong instead of the URL; named in messages. */
export const CREDENTIALS_HINT =
  "put the token or key in the agent's git credentials file (MOORING_GIT_CREDENTIALS_FILE)";

/**
 * The problem with `url` as a repository URL, or `undefined` when it is usable: credentials in it
 * (a password, any user name outside SSH, a token in the query), a control character, a relative
 * local path, or a transport git would not use safely. An SSH user name without password
 * (`ssh://git@host/...`, `git@host:org/repo`) is fine. The message never contains the secret.
 *
 * @example repoUrlProblem('https://ghp_x@github.com/acme/app') // 'credentials in a repository URL ...'
 */
export function repoUrlProblem(url: string): string | undefined {
  const text = url.trim();
  if (text === '') return 'is empty: expected an https:// or ssh:// URL';
  const shown = JSON.stringify(redactUrl(text));
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(text)) return `${shown} contains a control character`;
  if (text.startsWith('-')) return `${shown} starts with "-": expected a URL or an absolute path`;
  const parsed = parseGitUrl(text);
  const ssh = parsed.scheme === 'ssh';
  if (parsed.hasPassword || (parsed.username !== undefined && !ssh)) {
    const what = parsed.hasPassword ? 'a password' : 'a user name or token';
    return `credentials in a repository URL are refused: ${shown} carries ${what} in its userinfo; ${CREDENTIALS_HINT}`;
  }
  const secret = new URLSearchParams(parsed.query.slice(1));
  for (const name of secret.keys()) {
    if (isSecretParam(name)) {
      return `credentials in a repository URL are refused: ${shown} carries a credential in query parameter "${name}"; ${CREDENTIALS_HINT}`;
    }
  }
  if (parsed.scheme === undefined) {
    return `${shown} uses transport "${parsed.rawScheme}", which Mooring does not support: expected https://, ssh:// or user@host:path (http://, git://, file:// and local paths only where the agent's policy file allows them: git.allowedSchemes)`;
  }
  if (parsed.form === 'path' && !text.startsWith('/')) {
    return `${shown} is a relative path: a local repository must be an absolute path or a file:// URL`;
  }
  return undefined;
}
