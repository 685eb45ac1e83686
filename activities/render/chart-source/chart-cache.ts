/**
 * The agent's cache of pulled charts: one directory per (normalized repository URL, chart, version,
 * digest), holding the unpacked chart with its dependencies built. An entry is prepared in a
 * temporary directory and renamed into place, so a reader sees a whole chart or none; concurrent
 * requests for the same key share one pull (single flight). Bounded and evicted least recently
 * used first with the other caches (`charts` in activities/cache/limits.ts); losing an entry only
 * costs a pull. The digest in the key means a cached entry is exactly what was resolved.
 */
import { createHash, randomUUID } from 'node:crypto';
import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pinFor, sharedCacheDir, touch, type CacheDir } from '../../cache/cache-dir.js';
import type { CacheLimits } from '../../cache/limits.js';
import { SingleFlight } from '../../git/_single-flight.js';
import { normalizeChartRepoUrl } from './chart-repo-url.js';
import type { ChartPin } from '../../../contract/revision.js';

/** A chart at an exact version and digest. */
export interface ChartRef extends ChartPin {
  repoURL: string;
  chart: string;
}

/** Options of `ChartCache`. */
export interface ChartCacheOptions {
  /** Directory of the entries. */
  dir: string;
  /** Overrides of the `charts` cache limits. @default from the environment (`cacheSettings`) */
  limits?: Partial<CacheLimits>;
  /** Background sweep interval; 0 disables it. @default from the environment */
  sweepIntervalMs?: number;
}

const ENTRY = /^[0-9a-f]{64}$/;

/** The cache key of a chart reference (hex sha256). */
export function chartCacheKey(ref: ChartRef): string {
  return createHash('sha256')
    .update([normalizeChartRepoUrl(ref.repoURL), ref.chart, ref.version, ref.digest].join('\0'))
    .digest('hex');
}

/** Unpacked charts on disk, by `chartCacheKey`. */
export class ChartCache {
  readonly dir: string;
  /** The size limit and eviction of the entries. */
  readonly cache: CacheDir;
  readonly #flights = new SingleFlight<string>();

  constructor(options: ChartCacheOptions) {
    this.dir = options.dir;
    this.cache = sharedCacheDir({
      name: 'charts',
      dirs: [options.dir],
      isEntry: (name) => ENTRY.test(name),
      limits: options.limits,
      sweepIntervalMs: options.sweepIntervalMs,
    });
  }

  /** The chart directory of `ref` when it is cached (marked used), else undefined. */
  async lookup(ref: ChartRef): Promise<string | undefined> {
    const entry = join(this.dir, chartCacheKey(ref));
    const chartDir = join(entry, ref.chart);
    const found = await lstat(join(chartDir, 'Chart.yaml')).catch(() => undefined);
    if (!found) return undefined;
    await touch(entry);
    pinFor(entry, this.cache.limits.graceMs);
    return chartDir;
  }

  /**
   * The chart directory of `ref`, prepared by `prepare` on a miss: it fills the given empty
   * directory with the chart as `<dir>/<chart>` (unpacked, dependencies built). Concurrent calls
   * for the same key share one `prepare`.
   */
  async get(
    ref: ChartRef,
    prepare: (dir: string, signal: AbortSignal) => Promise<void>,
    signal?: AbortSignal,
  ): Promise<string> {
    const hit = await this.lookup(ref);
    if (hit) return hit;
    const key = chartCacheKey(ref);
    return this.#flights.run(
      key,
      async (flightSignal) => {
        const again = await this.lookup(ref);
        if (again) return again;
        const entry = join(this.dir, key);
        const temp = `${entry}.tmp-${randomUUID()}`;
        await mkdir(this.dir, { recursive: true, mode: 0o700 });
        await mkdir(temp, { mode: 0o700 });
        try {
          await prepare(temp, flightSignal);
          await rename(temp, entry);
        } catch (error) {
          await rm(temp, { recursive: true, force: true });
          const code = (error as NodeJS.ErrnoException).code;
          // Another process installed the same key first: its content is the same chart.
          if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw error;
        }
        this.cache.noteWrite(entry);
        const installed = await this.lookup(ref);
        if (!installed)
          throw new Error(`Chart cache entry ${entry} vanished right after it was written; retry`);
        return installed;
      },
      signal,
    );
  }
}
