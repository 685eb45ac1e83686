/**
 * Size limits of the agent's on-disk caches, from the environment. Everything under `$MOORING_CACHE`
 * that an agent writes while working is a cache: losing any entry only costs a fetch or a render.
 *
 * | cache       | what                                   | default bytes | default entries |
 * |-------------|----------------------------------------|---------------|-----------------|
 * | `git`       | `git/repos/*.git` mirrors and `git/trees/*` checkouts | 72 % of the total | 200 |
 * | `charts`    | `charts/*` Helm charts pulled from repositories        | 3 % of the total  | 500 |
 * | `manifests` | `manifests/<sha256>.json` rendered objects            | 20 % of the total | 10000 |
 * | `diffs`     | `manifests/diffs/*.json` stored diffs                 | 4 % of the total  | 2000 |
 * | `renders`   | `manifests/renders/*.json` render summaries           | 1 % of the total  | 20000 |
 *
 * The total is `MOORING_CACHE_MAX_BYTES` (default 4GiB); `MOORING_CACHE_<NAME>_MAX_BYTES` and
 * `MOORING_CACHE_<NAME>_MAX_ENTRIES` set one cache. An entry used within `MOORING_CACHE_GRACE`
 * (default 10m, longer than any activity that reads it) is never evicted; the caches are swept
 * after writes and every `MOORING_CACHE_SWEEP_INTERVAL` (default 5m).
 */
import { parseDuration } from '../../config/duration.js';

export const CACHE_NAMES = ['git', 'manifests', 'diffs', 'renders', 'charts'] as const;
export type CacheName = (typeof CACHE_NAMES)[number];

export interface CacheLimits {
  /** Most bytes the cache's entries may take together. */
  maxBytes: number;
  /** Most entries the cache may hold. */
  maxEntries: number;
  /** An entry used (written or read) less than this long ago is kept even beyond the limits. */
  graceMs: number;
}

export interface CacheSettings {
  limits: Record<CacheName, CacheLimits>;
  /** Time between background sweeps. */
  sweepIntervalMs: number;
}

export const DEFAULT_CACHE_MAX_BYTES = 4 * 1024 ** 3;
const SHARE: Record<CacheName, number> = {
  git: 0.72,
  manifests: 0.2,
  diffs: 0.04,
  renders: 0.01,
  charts: 0.03,
};
const ENTRIES: Record<CacheName, number> = {
  git: 200,
  manifests: 10_000,
  diffs: 2_000,
  renders: 20_000,
  charts: 500,
};
const DEFAULT_GRACE = '10m';
const DEFAULT_SWEEP_INTERVAL = '5m';

const UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mib: 1024 ** 2,
  g: 1e9,
  gb: 1e9,
  gib: 1024 ** 3,
  t: 1e12,
  tb: 1e12,
  tib: 1024 ** 4,
};

/**
 * Bytes of a size such as `4GiB`, `500MB`, `1048576` (units: B, KB/KiB, MB/MiB, GB/GiB, TB/TiB).
 * @throws {RangeError} naming `variable` when the text is not a size
 */
export function parseByteSize(text: string, variable: string): number {
  const match = /^\s*([0-9]+(?:\.[0-9]+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = UNITS[(match?.[2] ?? '').toLowerCase()];
  if (!match || unit === undefined)
    throw new RangeError(
      `Invalid ${variable}: ${JSON.stringify(text)} is not a size; use bytes or a unit, e.g. "4GiB" or "500MB"`,
    );
  return Math.floor(Number(match[1]) * unit);
}

function positiveInteger(text: string, variable: string): number {
  if (!/^[0-9]+$/.test(text.trim()))
    throw new RangeError(`Invalid ${variable}: ${JSON.stringify(text)} is not a whole number of entries`);
  return Number(text.trim());
}

function duration(env: NodeJS.ProcessEnv, variable: string, fallback: string): number {
  const text = env[variable] || fallback;
  try {
    return parseDuration(text.trim());
  } catch {
    throw new RangeError(
      `Invalid ${variable}: ${JSON.stringify(text)} is not a duration; use e.g. "30s", "10m" or "1h"`,
    );
  }
}

/** The cache settings of `env`. @throws {RangeError} naming the variable that is not valid */
export function cacheSettings(env: NodeJS.ProcessEnv = process.env): CacheSettings {
  const total = env.MOORING_CACHE_MAX_BYTES
    ? parseByteSize(env.MOORING_CACHE_MAX_BYTES, 'MOORING_CACHE_MAX_BYTES')
    : DEFAULT_CACHE_MAX_BYTES;
  const graceMs = duration(env, 'MOORING_CACHE_GRACE', DEFAULT_GRACE);
  const limits = {} as Record<CacheName, CacheLimits>;
  for (const name of CACHE_NAMES) {
    const prefix = `MOORING_CACHE_${name.toUpperCase()}`;
    const bytes = env[`${prefix}_MAX_BYTES`];
    const entries = env[`${prefix}_MAX_ENTRIES`];
    limits[name] = {
      maxBytes: bytes ? parseByteSize(bytes, `${prefix}_MAX_BYTES`) : Math.floor(total * SHARE[name]),
      maxEntries: entries ? positiveInteger(entries, `${prefix}_MAX_ENTRIES`) : ENTRIES[name],
      graceMs,
    };
  }
  return { limits, sweepIntervalMs: duration(env, 'MOORING_CACHE_SWEEP_INTERVAL', DEFAULT_SWEEP_INTERVAL) };
}
