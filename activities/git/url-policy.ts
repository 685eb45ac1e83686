/**
 * The agent's rules for repository URLs, checked before any git command runs: the URL must be
 * usable at all (`repoUrlProblem`: no credentials in it, no unknown transport), its scheme must be
 * one the operator allows (`git.allowedSchemes` in the agent's policy file; https and ssh by
 * default), and a local repository must not lie inside Mooring's own cache, where the mirrors
 * other apps fetched with their own credentials live. Failures are RepoUrlRefused.
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, resolve, sep } from 'node:path';
import { RepoUrlRefused } from '../../contract/errors.js';
import { GIT_SCHEMES, parseGitUrl, type GitScheme } from '../../config/git-url.js';
import { redactUrl } from '../../core/git/redact.js';
import { repoUrlProblem } from '../../config/repo-url-problem.js';

/** The schemes allowed when the operator says nothing: `https` and `ssh` (scp-like included). */
export const DEFAULT_ALLOWED_SCHEMES: readonly GitScheme[] = Object.freeze(['https', 'ssh']);

/** Where the operator widens the allowlist; named in every refusal. */
export const ALLOWED_SCHEMES_SETTING = "the agent's policy file: git.allowedSchemes";

/** What {@link checkRepoUrl} enforces. */
export interface RepoUrlPolicy {
  /** Allowed schemes. */
  readonly allowedSchemes: readonly GitScheme[];
  /** Directories no local repository may be in (Mooring's cache directories). */
  readonly forbiddenDirs: readonly string[];
}

/**
 * Validates an allowlist from configuration: every value one of `https`, `ssh`, `http`, `git`,
 * `file`. Throws TypeError naming `source` and the bad value.
 *
 * @param source where the list comes from, for the message (e.g. `policy file "/etc/mooring/agent.yaml"`)
 */
export function parseAllowedSchemes(
  values: readonly string[] | undefined,
  source = 'allowedSchemes',
): readonly GitScheme[] {
  if (values === undefined) return DEFAULT_ALLOWED_SCHEMES;
  const known = new Set<string>(GIT_SCHEMES);
  for (const value of values) {
    if (!known.has(value)) {
      throw new TypeError(
        `Cannot use ${source}: unknown scheme ${JSON.stringify(value)}, allowed values are ${GIT_SCHEMES.map((s) => `"${s}"`).join(', ')}`,
      );
    }
  }
  return Object.freeze([...new Set(values)] as GitScheme[]);
}

/** Throws RepoUrlRefused unless `url` passes every rule of the module comment. */
export function checkRepoUrl(url: string, policy: RepoUrlPolicy): void {
  const shown = JSON.stringify(redactUrl(url));
  const problem = repoUrlProblem(url);
  if (problem !== undefined) throw new RepoUrlRefused(`Cannot use repository URL: ${problem}`);
  const { scheme } = parseGitUrl(url);
  if (scheme === undefined || !policy.allowedSchemes.includes(scheme)) {
    const allowed = policy.allowedSchemes.map((s) => `"${s}"`).join(', ') || 'none';
    throw new RepoUrlRefused(
      `Cannot use repository ${shown}: scheme "${scheme ?? 'unknown'}" is not allowed on this agent (allowed: ${allowed}); the operator allows it in ${ALLOWED_SCHEMES_SETTING}`,
    );
  }
  if (scheme === 'file') checkLocalPath(url, shown, policy.forbiddenDirs);
}

/** A local repository inside a Mooring cache could read mirrors fetched with others' credentials. */
function checkLocalPath(url: string, shown: string, forbiddenDirs: readonly string[]): void {
  const text = url.trim();
  const raw = text.toLowerCase().startsWith('file://')
    ? text.slice('file://'.length).replace(/^[^/]*/, '')
    : text;
  const candidates = new Set([realPath(raw), realPath(decode(raw))]);
  for (const dir of forbiddenDirs) {
    const forbidden = realPath(dir);
    for (const path of candidates) {
      if (path === forbidden || path.startsWith(forbidden.endsWith(sep) ? forbidden : forbidden + sep)) {
        throw new RepoUrlRefused(
          `Cannot use repository ${shown}: it lies inside Mooring's cache directory "${dir}", which holds mirrors of other apps' repositories; use a repository outside it`,
        );
      }
    }
  }
}

/** The absolute, symlink-free form of `path`: its longest existing ancestor resolved, the rest appended. */
function realPath(path: string): string {
  let existing = resolve('/', path);
  const rest: string[] = [];
  for (;;) {
    try {
      return resolve(realpathSync(existing), ...rest);
    } catch {
      const parent = dirname(existing);
      if (parent === existing) return resolve('/', path);
      rest.unshift(basename(existing));
      existing = parent;
    }
  }
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text; // a malformed escape: git would not decode it either
  }
}
