/**
 * Resolution of a chart source's targetRevision to an exact version and the digest of its
 * content, as a Git branch resolves to a SHA: for an HTTP repository from its index (the archive
 * digest the index gives, or the archive's own when it gives none); for an OCI registry from its
 * tags (Helm writes "+" as "_" in tags) and the manifest of the chosen one. An exact version on
 * an OCI registry is looked up directly, without listing tags.
 */
import semver from 'semver';
import { RevisionNotFound } from '../../../contract/errors.js';
import { redactUrl } from '../../../core/git/redact.js';
import { chartRepoKind } from './chart-repo-url.js';
import type { ChartRequestOptions } from './chart-request.js';
import type { ChartPin } from '../../../contract/revision.js';
import { checkChartRepoUrl } from './chart-url-policy.js';
import { downloadChartArchive, readChartIndex } from './http-repo.js';
import { OciChartRepository } from './oci-registry.js';
import { selectChartVersion } from './select-version.js';

/** What a chart source names: repository, chart and the wanted version or range. */
export interface ChartSourceSpec {
  repoURL: string;
  chart: string;
  /** A version, a semver range, or `HEAD` / `*` / empty for the highest stable version. */
  targetRevision: string;
}

/** Versions named in a "no version matches" message. */
const SHOWN_VERSIONS = 10;

/** The exact version `source.targetRevision` selects and its digest. */
export async function resolveChartVersion(
  source: ChartSourceSpec,
  options: ChartRequestOptions,
): Promise<ChartPin> {
  checkChartRepoUrl(source.repoURL, options.policy);
  if (chartRepoKind(source.repoURL) === 'oci') return resolveOci(source, options);
  const entries = await readChartIndex(source.repoURL, source.chart, options);
  const version = selectChartVersion(
    source.targetRevision,
    entries.map((e) => e.version),
  );
  if (version === undefined)
    throw noMatch(
      source,
      entries.map((e) => e.version),
    );
  const entry = entries.find((e) => e.version === version);
  if (entry?.digest) return { version, digest: entry.digest };
  // No digest in the index: the archive's own is the identity of this version.
  const { digest } = await downloadChartArchive(
    source.repoURL,
    source.chart,
    entry ?? { version, urls: [] },
    options,
  );
  return { version, digest };
}

async function resolveOci(source: ChartSourceSpec, options: ChartRequestOptions): Promise<ChartPin> {
  const repository = new OciChartRepository(source.repoURL, source.chart, options);
  const exact = semver.valid(source.targetRevision.trim()) ? source.targetRevision.trim() : undefined;
  if (exact !== undefined) {
    const manifest = await repository.manifest(exact.replace(/\+/g, '_'));
    return { version: exact, digest: manifest.digest };
  }
  const tags = await repository.tags();
  const versions = tags.map((tag) => tag.replace(/_/g, '+'));
  const version = selectChartVersion(source.targetRevision, versions);
  if (version === undefined) throw noMatch(source, versions);
  const manifest = await repository.manifest(version.replace(/\+/g, '_'));
  return { version, digest: manifest.digest };
}

function noMatch(source: ChartSourceSpec, versions: readonly string[]): RevisionNotFound {
  const sorted = versions
    .filter((v) => semver.valid(v, { loose: true }))
    .sort((a, b) => semver.rcompare(a, b, { loose: true }))
    .slice(0, SHOWN_VERSIONS);
  return new RevisionNotFound(
    `No version of chart "${source.chart}" in ${JSON.stringify(redactUrl(source.repoURL))} satisfies targetRevision ${JSON.stringify(source.targetRevision)}: the newest are ${sorted.join(', ') || 'none'}`,
  );
}
