/**
 * Dependencies of a chart that lives in a Git checkout. The checkout is read-only and shared, so
 * when a declared dependency is missing from `charts/`, the chart is copied into a private
 * directory at its repository-relative path, with every `file://` dependency it names (which must
 * lie inside the repository) at theirs, and `helm dependency build` runs on the copy. A chart with
 * nothing missing is rendered in place, with no copy and no network.
 */
import { cp, realpath } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { ManifestInvalid } from '../../../contract/errors.js';
import { isInside } from '../repo-paths.js';
import { chartDependencies, missingDependencies } from './chart-dependencies.js';
import { defaultChartSource, type ChartSource } from './chart-source.js';
import { buildChartDependencies } from './dependency-build.js';

/** Options of {@link prepareRepoChart}. */
export interface PrepareRepoChartOptions {
  /** Real path of the repository root. */
  root: string;
  /** Private, writable directory for the copy (the render sandbox). */
  tempDir: string;
  /** Credentials, URL policy and limits of the build. @default defaultChartSource() */
  charts?: ChartSource;
  /** @default 120_000 */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Most `file://` charts copied for one chart (each may name more). */
const MAX_LOCAL_CHARTS = 50;

/**
 * The directory to template for the chart at `chartDir` (a real path inside `options.root`):
 * `chartDir` itself, or a copy with its dependencies built. `aliases` gets the copy's names.
 */
export async function prepareRepoChart(
  chartDir: string,
  options: PrepareRepoChartOptions,
  aliases: Record<string, string> = {},
): Promise<string> {
  const chartPath = relative(options.root, chartDir) || '.';
  const what = `chart "${chartPath}"`;
  const declared = await chartDependencies(chartDir, what);
  if ((await missingDependencies(chartDir, declared)).length === 0) return chartDir;
  const mirror = join(options.tempDir, 'chart-copy');
  const copied = new Set<string>();
  const queue = [chartDir];
  while (queue.length > 0) {
    const dir = queue.shift() as string;
    if (copied.has(dir)) continue;
    if (copied.size >= MAX_LOCAL_CHARTS)
      throw new ManifestInvalid(
        `Cannot render ${what}: it names more than ${MAX_LOCAL_CHARTS} file:// charts`,
      );
    copied.add(dir);
    await cp(dir, join(mirror, relative(options.root, dir)), { recursive: true, dereference: true });
    for (const dep of await chartDependencies(dir, `chart "${relative(options.root, dir) || '.'}"`)) {
      if (dep.source !== 'file') continue;
      const target = await realpath(resolve(dir, dep.repository.trim().replace(/^file:\/\//i, ''))).catch(
        () => undefined,
      );
      if (target === undefined || !isInside(options.root, target))
        throw new ManifestInvalid(
          `Cannot render ${what}: dependency "${dep.name}" points at ${JSON.stringify(dep.repository)}, which is ${target === undefined ? 'missing' : 'outside the repository'}`,
        );
      queue.push(target);
    }
  }
  const copy = join(mirror, relative(options.root, chartDir));
  aliases[mirror] = '<repo>';
  await buildChartDependencies(copy, {
    ...(options.charts ?? defaultChartSource()).requestOptions(options.signal),
    what,
    boundary: mirror,
    aliases,
    timeoutMs: options.timeoutMs,
  });
  return copy;
}
