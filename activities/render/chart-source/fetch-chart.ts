/**
 * Pulling a chart at an exact version and digest into the chart cache: from an HTTP repository
 * (the index names the archive; the archive must have the recorded digest), or from an OCI
 * registry by manifest digest (never by tag, so a moved tag cannot change what is rendered).
 * The archive is unpacked as hostile input and its missing dependencies are built before the
 * entry becomes visible. A cached entry needs no network at all.
 */
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RevisionNotFound } from '../../../contract/errors.js';
import { redactUrl } from '../../../core/git/redact.js';
import type { ChartCache, ChartRef } from './chart-cache.js';
import { chartRepoKind } from './chart-repo-url.js';
import type { ChartRequestOptions } from './chart-request.js';
import { checkChartRepoUrl } from './chart-url-policy.js';
import { buildChartDependencies } from './dependency-build.js';
import { extractChart } from './extract-chart.js';
import { downloadChartArchive, readChartIndex } from './http-repo.js';
import { OciChartRepository } from './oci-registry.js';

/** Options of {@link fetchChart}. */
export interface FetchChartOptions extends ChartRequestOptions {
  cache: ChartCache;
  /** Limit of a dependency build. @default 120_000 */
  toolTimeoutMs?: number;
}

/** The directory of the chart `ref` (read-only for callers), pulled on a cache miss. */
export async function fetchChart(ref: ChartRef, options: FetchChartOptions): Promise<string> {
  checkChartRepoUrl(ref.repoURL, options.policy);
  const cached = await options.cache.lookup(ref);
  if (cached) return cached;
  const what = `chart "${ref.chart}" ${ref.version} from ${JSON.stringify(redactUrl(ref.repoURL))}`;
  return options.cache.get(
    ref,
    async (dir, signal) => {
      const request = { ...options, signal };
      const archive = await downloadArchive(ref, request);
      const unpack = join(dir, '.unpack');
      await mkdir(unpack, { mode: 0o700 });
      const unpacked = await extractChart(archive, unpack, {
        what,
        maxUnpackedBytes: options.limits.maxUnpackedBytes,
      });
      const chartDir = join(dir, ref.chart);
      await rename(unpacked, chartDir);
      await rm(unpack, { recursive: true, force: true });
      await buildChartDependencies(chartDir, {
        ...request,
        what,
        boundary: chartDir,
        aliases: { [chartDir]: `<${ref.chart}>` },
        timeoutMs: options.toolTimeoutMs,
      });
    },
    options.signal,
  );
}

async function downloadArchive(ref: ChartRef, options: ChartRequestOptions): Promise<Buffer> {
  if (chartRepoKind(ref.repoURL) === 'oci') {
    const repository = new OciChartRepository(ref.repoURL, ref.chart, options);
    return repository.chartArchive(await repository.manifest(ref.digest));
  }
  const entries = await readChartIndex(ref.repoURL, ref.chart, options);
  const entry = entries.find((e) => e.version === ref.version);
  if (!entry)
    throw new RevisionNotFound(
      `Version ${ref.version} of chart "${ref.chart}" is no longer in the index of ${JSON.stringify(redactUrl(ref.repoURL))}`,
    );
  const { archive } = await downloadChartArchive(ref.repoURL, ref.chart, entry, {
    ...options,
    digest: ref.digest,
  });
  return archive;
}
