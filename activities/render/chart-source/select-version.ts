/**
 * Chart version selection, pure: the highest version of a chart that satisfies a targetRevision,
 * as Helm chooses (Masterminds semver constraints, read by the `semver` package): an exact
 * version picks itself, a range picks its highest match, and prereleases are candidates only
 * when the constraint names one (`>=1.0.0-0`, `1.2.3-rc.1`). Never reads the network.
 */
import semver from 'semver';
import { chartConstraint } from '../../../config/chart-source.js';

/**
 * The version of `versions` that `targetRevision` selects, spelled as listed (a repository may
 * write `v1.2.3`), or undefined when none does. A version listed exactly as written wins first.
 *
 * @example selectChartVersion('1.*', ['1.0.0', '1.4.2', '2.0.0', '1.5.0-rc.1']) // '1.4.2'
 * @throws {RangeError} when `targetRevision` is neither a version nor a range
 */
export function selectChartVersion(targetRevision: string, versions: readonly string[]): string | undefined {
  const text = targetRevision.trim();
  if (versions.includes(text)) return text;
  const constraint = chartConstraint(text);
  if (constraint === undefined) {
    throw new RangeError(
      `Cannot select a chart version for targetRevision ${JSON.stringify(targetRevision)}: expected a version or a semver range such as "1.2.*", "^1.2.0" or ">=1.0 <2"`,
    );
  }
  const includePrerelease = asksForPrerelease(constraint);
  let best: { listed: string; parsed: semver.SemVer } | undefined;
  for (const listed of versions) {
    const parsed = semver.parse(listed, { loose: true });
    if (!parsed) continue;
    if (!semver.satisfies(parsed, constraint, { loose: true, includePrerelease })) continue;
    if (!best || semver.compare(parsed, best.parsed) > 0) best = { listed, parsed };
  }
  return best?.listed;
}

/** True when any version in the constraint has a prerelease part (Helm then considers prereleases). */
export function asksForPrerelease(constraint: string): boolean {
  // A version's prerelease follows its last digit directly ("1.2.3-rc.1"); a hyphen range has spaces.
  return /\d-[0-9A-Za-z]/.test(constraint);
}
