/**
 * `targetRevision` as a semantic-version constraint on Git tags (Argo CD's `targetRevision:
 * '1.2.*'`, Flux's `ref.semver`): whether a revision is a constraint, and which advertised tag it
 * picks. Pure: the caller lists the tags (`git ls-remote`) and resolves the choice.
 *
 * A revision is a constraint when it is not a plain version and parses as a semver range, as Argo
 * CD decides with Masterminds/semver (`util/versions`): `^1.2.0`, `~1.2`, `1.2.*`, `v1.x`, `>=1.0.0
 * <2.0.0`, `1.0.0 - 1.4.0`, `^1 || ^2`, `*`. A plain version (`v1.2.3`, `1.2`, `v2`, `2024-apple`,
 * what Masterminds would read as one version) stays an exact tag name, and so does anything that
 * is no range (`main`, `HEAD`, a commit SHA). Commas between comparators mean "and", as in
 * Masterminds (`>= 1.2, < 2`).
 *
 * Tags are read as versions loosely, as Masterminds does: an optional leading `v`, and missing
 * minor or patch numbers taken as 0 (`v1.2` is 1.2.0); other tags are skipped. The highest
 * satisfying version wins; two tags of one version (`v1.2.0`, `1.2.0`) resolve to the name that
 * sorts first. Prereleases follow node-semver: a prerelease tag satisfies a constraint only when
 * the constraint names a prerelease of the same major.minor.patch (`>=1.3.0-rc.0` admits
 * `1.3.0-rc.1` but not `1.4.0-rc.1`; Masterminds would admit both).
 */
import semver from 'semver';

/** A `targetRevision` read as a semver constraint. */
export interface SemverConstraint {
  /** The revision as written (trimmed). */
  readonly text: string;
  /** The range node-semver understands it as, e.g. `>=1.0.0 <2.0.0-0`. */
  readonly range: string;
}

/** A tag chosen by a constraint, with the commit it points to (annotated tags peeled). */
export interface SemverTagChoice {
  /** The tag name, e.g. `v1.2.0`. */
  readonly tag: string;
  /** The full ref name, `refs/tags/<tag>`. */
  readonly ref: string;
  readonly sha: string;
  /** The version the tag was read as, e.g. `1.2.0`. */
  readonly version: string;
}

/** The ref patterns that list every tag (`git ls-remote <url> refs/tags/*`). */
export const TAG_REF_PATTERNS: readonly string[] = ['refs/tags/*'];

const TAG_PREFIX = 'refs/tags/';
const PEELED = '^{}';

/** One version, Masterminds' loose form: `v` optional, minor and patch optional. */
const LOOSE_VERSION =
  /^v?(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*))?(?:\.(0|[1-9][0-9]*))?(-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?$/;

/** The version a tag name stands for, or undefined when it is no version. */
export function tagVersion(tag: string): semver.SemVer | undefined {
  const m = LOOSE_VERSION.exec(tag);
  if (!m) return undefined;
  const [, major, minor = '0', patch = '0', pre = '', build = ''] = m;
  return semver.parse(`${major}.${minor}.${patch}${pre}${build}`) ?? undefined;
}

/**
 * The constraint `targetRevision` expresses, or undefined when it names a branch, a tag, a commit
 * or `HEAD` (rules in the module comment).
 */
export function semverConstraintOf(targetRevision: string): SemverConstraint | undefined {
  const text = targetRevision.trim();
  if (text === '' || text === 'HEAD' || LOOSE_VERSION.test(text)) return undefined;
  const range = semver.validRange(text.replace(/,/g, ' '));
  return range === null ? undefined : { text, range };
}

/** Whether the tag `tag` (a name, without `refs/tags/`) satisfies `constraint`. */
export function tagSatisfies(constraint: SemverConstraint, tag: string): boolean {
  const version = tagVersion(tag);
  return version !== undefined && semver.satisfies(version, constraint.range);
}

/**
 * The highest tag among `refs` (ref name to SHA, as `git ls-remote` prints them, peeled `^{}`
 * entries included) that satisfies `constraint`, or undefined when none does.
 */
export function pickSemverTag(
  constraint: SemverConstraint,
  refs: ReadonlyMap<string, string>,
): SemverTagChoice | undefined {
  let best: { tag: string; version: semver.SemVer } | undefined;
  const tags = [...refs.keys()]
    .filter((ref) => ref.startsWith(TAG_PREFIX) && !ref.endsWith(PEELED))
    .map((ref) => ref.slice(TAG_PREFIX.length))
    .sort();
  for (const tag of tags) {
    const version = tagVersion(tag);
    if (version === undefined || !semver.satisfies(version, constraint.range)) continue;
    if (best === undefined || semver.gt(version, best.version)) best = { tag, version };
  }
  if (best === undefined) return undefined;
  const ref = `${TAG_PREFIX}${best.tag}`;
  const sha = refs.get(`${ref}${PEELED}`) ?? refs.get(ref);
  if (sha === undefined) return undefined;
  return { tag: best.tag, ref, sha, version: best.version.version };
}

/** Why no tag matched, for an error: how many tags there were and how many read as versions. */
export function noTagProblem(constraint: SemverConstraint, refs: ReadonlyMap<string, string>): string {
  const tags = [...refs.keys()].filter((ref) => ref.startsWith(TAG_PREFIX) && !ref.endsWith(PEELED));
  const versions = tags.filter((ref) => tagVersion(ref.slice(TAG_PREFIX.length)) !== undefined).length;
  return (
    `no tag satisfies the semver constraint "${constraint.text}" (read as "${constraint.range}"): ` +
    `the repository has ${tags.length} tag(s), ${versions} of them versions; ` +
    `prerelease tags count only when the constraint names a prerelease`
  );
}
