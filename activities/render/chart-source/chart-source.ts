/**
 * `ChartSource`: the agent's one object for Helm charts from repositories and registries, built
 * once by the worker (or tests) from the agent's own settings: credentials file, chart URL policy,
 * limits and cache directory. It resolves a chart source's targetRevision to a pin and pulls a
 * pinned chart into the cache. Nothing in it comes from a workflow payload except the source.
 */
import { join } from 'node:path';
import type { CacheLimits } from '../../cache/limits.js';
import { defaultCacheDir } from '../manifest-store.js';
import { ChartCache, type ChartRef } from './chart-cache.js';
import { ChartCredentials } from './chart-credentials.js';
import { DEFAULT_CHART_LIMITS, type ChartLimits, type ChartRequestOptions } from './chart-request.js';
import type { ChartPin } from '../../../contract/revision.js';
import { chartUrlPolicyFromEnv, type ChartUrlPolicy } from './chart-url-policy.js';
import { fetchChart } from './fetch-chart.js';
import { resolveChartVersion, type ChartSourceSpec } from './resolve-chart-version.js';

/** Options of `ChartSource`. */
export interface ChartSourceOptions {
  /** Directory of the chart cache. @default `${MOORING_CACHE:-~/.cache/mooring}/charts` */
  dir?: string;
  /** @default ChartCredentials.fromEnv() (MOORING_HELM_CREDENTIALS_FILE) */
  credentials?: ChartCredentials;
  /** @default chartUrlPolicyFromEnv() (MOORING_HELM_PLAIN_HTTP_HOSTS) */
  policy?: ChartUrlPolicy;
  /** @default DEFAULT_CHART_LIMITS */
  limits?: Partial<ChartLimits>;
  /** Overrides of the `charts` cache limits. @default from the environment */
  cacheLimits?: Partial<CacheLimits>;
  /** Background sweep interval of the cache; 0 disables it. @default from the environment */
  sweepIntervalMs?: number;
  /** Limit of a `helm dependency build`. @default 120_000 */
  toolTimeoutMs?: number;
}

/** Helm charts from chart repositories and OCI registries (see the module comment). */
export class ChartSource {
  readonly cache: ChartCache;
  readonly credentials: ChartCredentials;
  readonly policy: ChartUrlPolicy;
  readonly limits: ChartLimits;
  readonly #toolTimeoutMs: number | undefined;

  constructor(options: ChartSourceOptions = {}) {
    this.cache = new ChartCache({
      dir: options.dir ?? join(defaultCacheDir(), 'charts'),
      limits: options.cacheLimits,
      sweepIntervalMs: options.sweepIntervalMs,
    });
    this.credentials = options.credentials ?? ChartCredentials.fromEnv();
    this.policy = options.policy ?? chartUrlPolicyFromEnv();
    this.limits = { ...DEFAULT_CHART_LIMITS, ...options.limits };
    this.#toolTimeoutMs = options.toolTimeoutMs;
  }

  /** The exact version and digest `source.targetRevision` selects now (a network read). */
  resolve(source: ChartSourceSpec, signal?: AbortSignal): Promise<ChartPin> {
    return resolveChartVersion(source, this.#request(signal));
  }

  /** The directory of the pinned chart, from the cache or pulled (read it, never write to it). */
  fetch(ref: ChartRef, signal?: AbortSignal): Promise<string> {
    return fetchChart(ref, {
      ...this.#request(signal),
      cache: this.cache,
      toolTimeoutMs: this.#toolTimeoutMs,
    });
  }

  /** The context of one request: credentials, policy, limits, cancellation. */
  requestOptions(signal?: AbortSignal): ChartRequestOptions {
    return this.#request(signal);
  }

  #request(signal?: AbortSignal): ChartRequestOptions {
    return {
      credentials: this.credentials,
      policy: this.policy,
      limits: this.limits,
      ...(signal ? { signal } : {}),
    };
  }
}

const shared = new Map<string, ChartSource>();

/**
 * The one `ChartSource` of this process with the agent's environment settings and the default
 * cache directory, for callers that were given none (renders of Git charts with dependencies).
 */
export function defaultChartSource(): ChartSource {
  const dir = join(defaultCacheDir(), 'charts');
  let source = shared.get(dir);
  if (!source) {
    source = new ChartSource({ dir });
    shared.set(dir, source);
  }
  return source;
}
