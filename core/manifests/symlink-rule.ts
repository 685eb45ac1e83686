/**
 * Rules for the links and special files of a checkout, as the render walk observes them. Pure: the
 * caller gathers the facts (lstat, readlink, realpath) and asks; every path here is relative to
 * the repository root (`..`-prefixed when outside), so messages never show the agent's paths.
 *
 * A symlink is refused when its own target lies outside the repository (each hop of a chain is a
 * link of the repository and is judged too), when it finally resolves outside the repository
 * through a chain of links, when it is part of a loop, or when it reaches a device, FIFO or socket.
 * A dangling link inside the repository is allowed (it reads nothing).
 */

/** What a path finally is, after following links. */
export type PathKind = 'file' | 'directory' | 'device' | 'fifo' | 'socket' | 'missing' | 'loop';

/** What the walk observed about one symlink. */
export interface SymlinkFacts {
  /** The link, relative to the repository root. */
  path: string;
  /** The link's text, as stored in Git. */
  target: string;
  /** The target resolved lexically against the link's directory, relative to the root. */
  lexical: string;
  /** The real path of what the link finally reaches, relative to the root (missing/loop: undefined). */
  real?: string;
  kind: PathKind;
}

const SPECIAL: ReadonlySet<PathKind> = new Set(['device', 'fifo', 'socket']);

/** True when a root-relative path leaves the root. */
export function isOutside(relativePath: string): boolean {
  return relativePath === '..' || relativePath.startsWith('../') || relativePath.startsWith('/');
}

/** The problem with a symlink, or undefined when rendering may follow it. */
export function symlinkProblem(facts: SymlinkFacts): string | undefined {
  const { path, target } = facts;
  if (isOutside(facts.lexical))
    return `Symlink "${path}" points outside the repository: link target is "${target}"`;
  if (facts.kind === 'loop')
    return `Symlink "${path}" (link target "${target}") is part of a symlink loop; remove the loop`;
  if (facts.real !== undefined && isOutside(facts.real)) {
    return `Symlink "${path}" (link target "${target}") resolves outside the repository through a chain of links`;
  }
  if (SPECIAL.has(facts.kind)) {
    return `Symlink "${path}" (link target "${target}") points to a ${facts.kind}; link only to files and directories of the repository`;
  }
  return undefined;
}

/** The problem with a non-link entry of the checkout, or undefined for files and directories. */
export function specialFileProblem(path: string, kind: PathKind): string | undefined {
  return SPECIAL.has(kind)
    ? `"${path}" is a ${kind}; a repository may hold only files, directories and symlinks`
    : undefined;
}
