/**
 * Pure revision logic: what kind of thing a `targetRevision` is, which ref names it may mean, and
 * which advertised ref wins. Precedence follows gitrevisions(7): a full ref name, then
 * `refs/tags/<name>`, then `refs/heads/<name>`; a name that matches no ref but looks like hex is
 * an abbreviated commit SHA.
 */

/** The kinds of `targetRevision`. */
export type RevisionKind = 'head' | 'sha' | 'short-sha' | 'name';

/** A parsed `targetRevision`. */
export interface ParsedRevision {
  readonly kind: RevisionKind;
  /** The revision as given, trimmed; SHAs lower-cased. `HEAD` for an empty revision. */
  readonly text: string;
  /** Ref names to ask the remote for, in precedence order (peeled tag names included). */
  readonly patterns: readonly string[];
}

/** A ref name with the commit it points to. */
export interface ResolvedRef {
  readonly sha: string;
  /** The full ref name (`refs/heads/main`, `HEAD`), or the SHA itself for a commit revision. */
  readonly ref: string;
}

const FULL_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/i;
const SHORT_SHA = /^[0-9a-f]{4,63}$/i;
// check-ref-format(1): no control characters, space, ~ ^ : ? * [ \, no "..", no "@{", no leading "-".
// eslint-disable-next-line no-control-regex
const INVALID_NAME = /[\x00-\x20\x7f~^:?*[\\]|\.\.|@\{|^-|^\/|\/$|\.lock$|\/\//;

/**
 * Parses a `targetRevision`, or returns `undefined` when it cannot name a branch, tag or commit
 * (for example `-x`, `a..b`, `main~1`): callers report that as RevisionNotFound.
 */
export function parseRevision(targetRevision: string): ParsedRevision | undefined {
  const text = targetRevision.trim() || 'HEAD';
  if (text === 'HEAD') return { kind: 'head', text, patterns: ['HEAD'] };
  if (INVALID_NAME.test(text)) return undefined;
  if (FULL_SHA.test(text)) return { kind: 'sha', text: text.toLowerCase(), patterns: [] };
  const patterns = text.startsWith('refs/')
    ? [text, `${text}^{}`]
    : [`refs/tags/${text}`, `refs/tags/${text}^{}`, `refs/heads/${text}`];
  return { kind: SHORT_SHA.test(text) ? 'short-sha' : 'name', text, patterns };
}

/**
 * Parses `git ls-remote` style lines (`<sha><TAB or space><ref>`) into a map from ref name to SHA.
 * Peeled tag lines keep their `^{}` suffix. Lines without a SHA are skipped.
 */
export function parseRefLines(output: string): Map<string, string> {
  const refs = new Map<string, string>();
  for (const line of output.split('\n')) {
    const match = /^([0-9a-f]{40}|[0-9a-f]{64})\s+(\S+)$/.exec(line.trim());
    if (match?.[1] && match[2]) refs.set(match[2], match[1]);
  }
  return refs;
}

/**
 * Picks the ref `revision` means among `refs` (from {@link parseRefLines}), following the
 * precedence above, and returns the commit it points to (annotated tags peeled). Returns
 * `undefined` when no ref matches.
 */
export function pickRef(
  revision: ParsedRevision,
  refs: ReadonlyMap<string, string>,
): ResolvedRef | undefined {
  for (const pattern of revision.patterns) {
    if (pattern.endsWith('^{}')) continue;
    const sha = refs.get(`${pattern}^{}`) ?? refs.get(pattern);
    if (sha) return { sha, ref: pattern };
  }
  return undefined;
}

/** True when `text` is a full (SHA-1 or SHA-256) commit id. */
export function isFullSha(text: string): boolean {
  return FULL_SHA.test(text);
}
