import { AuthFailed, RepoNotFound, RevisionNotFound, Unreachable } from '../../contract/errors.js';
import { scrubText } from '../../core/scrub/scrub-text.js';
import { redactText, redactUrl } from '../../core/git/redact.js';

/** The typed failures a git command can end in. */
export type GitErrorKind = 'RevisionNotFound' | 'AuthFailed' | 'RepoNotFound' | 'Unreachable';

/**
 * git's stderr patterns, checked in order: the first match decides. Revision and auth patterns come
 * before "not found" (a 403 page or a private repo can also say "not found"), and the generic
 * connection failures come last because git adds them after the specific cause.
 */
export const GIT_ERROR_RULES: readonly (readonly [GitErrorKind, RegExp])[] = [
  ['RevisionNotFound', /couldn't find remote ref|needed a single revision|unknown revision|bad revision/i],
  [
    'RevisionNotFound',
    /not a valid (object|commit) name|short object id \S+ is ambiguous|not our ref|not a tree object/i,
  ],
  ['AuthFailed', /authentication failed|could not read (username|password)|terminal prompts disabled/i],
  [
    'AuthFailed',
    /permission denied \((publickey|password|keyboard-interactive)|host key verification failed/i,
  ],
  ['AuthFailed', /http basic: access denied|returned error: 40[13]\b|invalid (username|credentials)/i],
  [
    'RepoNotFound',
    /repository not found|does not appear to be a git repository|repository '[^']*' not found/i,
  ],
  ['RepoNotFound', /returned error: 404\b|not exported|no such repository|could not be found/i],
  ['Unreachable', /could not resolve (host|proxy)|connection (refused|reset|timed out|closed)|timed out/i],
  ['Unreachable', /network is unreachable|no route to host|name resolution|unable to (access|connect)/i],
  ['Unreachable', /failed to connect|remote end hung up|early eof|rpc failed|returned error: (5\d\d|429)\b/i],
  ['Unreachable', /ssl|certificate|could not read from remote repository/i],
];

/** Returns the kind of failure git's stderr describes, or `undefined` when no rule matches. */
export function gitErrorKind(stderr: string): GitErrorKind | undefined {
  return GIT_ERROR_RULES.find(([, pattern]) => pattern.test(stderr))?.[0];
}

/**
 * git's stderr says an abbreviated revision matches several objects (`short object ID … is
 * ambiguous`, `ambiguous argument`): the revision exists but needs more characters, unlike a
 * revision that is simply absent.
 */
export function isAmbiguousRevision(stderr: string): boolean {
  return /ambiguous/.test(stderr);
}

/** What was being done when git failed; every field ends up redacted in the message. */
export interface GitFailureContext {
  /** Verb phrase completed by the repository URL, e.g. `fetch`, `list refs of`. */
  action: string;
  /** The repository URL; its userinfo is removed. */
  url: string;
  /** The revision asked for, named in RevisionNotFound messages. */
  revision?: string;
  /** Set when git was stopped by its timeout, in milliseconds; the failure is Unreachable. */
  timedOutAfterMs?: number;
  /** Token values to mask in the message. @default [] */
  secrets?: readonly string[];
}

const REASONS: Readonly<Record<GitErrorKind, string>> = {
  RevisionNotFound: 'revision not found',
  AuthFailed: 'authentication failed, check the credentials configured for this URL',
  RepoNotFound: 'repository not found',
  Unreachable: 'remote unreachable',
};

/**
 * Turns a failed git command into a typed error: RepoNotFound, AuthFailed or RevisionNotFound
 * (not retryable), Unreachable (retryable), or a plain Error when git's output matches no rule
 * (Temporal retries it). The message names the action, the redacted URL and git's own words, with
 * secrets masked; the raw output is never attached as a cause.
 */
export function classifyGitError(stderr: string, context: GitFailureContext): Error {
  const secrets = context.secrets ?? [];
  const url = redactText(redactUrl(context.url), { secrets });
  const subject = `Cannot ${context.action} "${url}"`;
  if (context.timedOutAfterMs !== undefined) {
    return new Unreachable(
      `${subject}: ${REASONS.Unreachable}: git timed out after ${context.timedOutAfterMs} ms`,
    );
  }
  const detail = gitSaid(stderr, secrets);
  const kind = gitErrorKind(stderr);
  if (kind === undefined) return new Error(`${subject}: git failed: ${detail}`);
  const reason =
    kind === 'RevisionNotFound' && context.revision !== undefined
      ? `revision "${redactText(context.revision, { secrets })}" not found`
      : REASONS[kind];
  const message = `${subject}: ${reason}: ${detail}`;
  switch (kind) {
    case 'RevisionNotFound':
      return new RevisionNotFound(message);
    case 'AuthFailed':
      return new AuthFailed(message);
    case 'RepoNotFound':
      return new RepoNotFound(message);
    case 'Unreachable':
      return new Unreachable(message);
  }
}

/** git's own words, shortened: the `fatal:`/`error:`/`remote:` lines, else the whole output. */
function gitSaid(stderr: string, secrets: readonly string[]): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const important = lines.filter((line) => /^(fatal|error|remote|ssh):|errno=/i.test(line));
  const text = (important.length > 0 ? important : lines).join('; ') || 'no output';
  const redacted = scrubText(redactText(text, { secrets }), { secretValues: secrets });
  return redacted.length > 400 ? `${redacted.slice(0, 397)}...` : redacted;
}
