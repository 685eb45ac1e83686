/**
 * Render cache: (repoURL, SHA, path, render options, render policy, digest of the Secret values,
 * digest of the agent's SOPS key file) -> summary with the manifest key, so a second render of the
 * same inputs is a lookup. A commit never changes, so entries never expire. Secret values and the
 * SOPS key enter the key only as a sha256 digest;
 * the policy is part of the key so a tightened policy never reuses a render it would now refuse.
 * The entries are a cache (limits: `activities/cache/limits.ts`, cache `renders`): an evicted one
 * only costs a render.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { sharedCacheDir, touch, type CacheDir } from '../cache/cache-dir.js';
import type { CacheLimits } from '../cache/limits.js';
import { canonicalJson } from '../../core/manifests/canonical-json.js';
import type { RenderManifestsInput, RenderManifestsResult } from '../../contract/activities.js';
import type { RenderPolicy } from '../../core/manifests/render-policy.js';

/** What besides the activity input decides a render's output. */
export interface RenderContext {
  /** The policy the render ran under. */
  policy?: RenderPolicy;
  /** sha256 of the `helm.valuesFrom` Secret values (`secretValuesDigest`); never the values. */
  valuesDigest?: string;
  /** sha256 of the agent's SOPS age key file (a rotated key renders again); never the key. */
  sopsKeyDigest?: string;
}

/** Bump when rendering changes its output for the same inputs, to invalidate old entries. */
export const RENDER_FORMAT_VERSION = 2;

/** The sha256 identifying one render; covers every input that can change the output. */
export function renderCacheKey(input: RenderManifestsInput, context: RenderContext = {}): string {
  const path = input.path
    .split('/')
    .filter((s) => s !== '' && s !== '.')
    .join('/');
  const identity = {
    version: RENDER_FORMAT_VERSION,
    repoURL: input.repoURL,
    // A chart pin's version keeps its case (1.0.0-RC1 and 1.0.0-rc1 are two versions).
    revision: input.chart === undefined ? input.revision.toLowerCase() : input.revision,
    ...(input.chart !== undefined && { chart: input.chart }),
    ...(input.sources !== undefined && { sources: input.sources }),
    path,
    appName: input.appName,
    namespace: input.namespace,
    helm: input.helm ?? null,
    kustomize: input.kustomize ?? null,
    directory: input.directory ?? null,
    policy: context.policy ?? null,
    valuesDigest: context.valuesDigest ?? null,
    // Only when set, so the keys of agents without a SOPS key stay as they were.
    ...(context.sopsKeyDigest ? { sopsKeyDigest: context.sopsKeyDigest } : {}),
  };
  return createHash('sha256').update(canonicalJson(identity)).digest('hex');
}

/** Options of `RenderCache`. */
export interface RenderCacheOptions {
  /** Directory of the entries (small JSON files). */
  dir: string;
  /** Overrides of the `renders` cache limits. @default from the environment (`cacheSettings`) */
  limits?: Partial<CacheLimits>;
  /** Background sweep interval; 0 disables it. @default from the environment */
  sweepIntervalMs?: number;
}

const ENTRY = /^[0-9a-f]{64}\.json$/;

/** Render summaries by `renderCacheKey`, on disk. */
export class RenderCache {
  readonly dir: string;
  /** The size limit and eviction of the entries. */
  readonly cache: CacheDir;

  constructor(options: RenderCacheOptions) {
    this.dir = options.dir;
    this.cache = sharedCacheDir({
      name: 'renders',
      dirs: [options.dir],
      isEntry: (name) => ENTRY.test(name),
      limits: options.limits,
      sweepIntervalMs: options.sweepIntervalMs,
    });
  }

  /** The summary of an earlier render of the same inputs, or undefined. */
  async lookup(
    input: RenderManifestsInput,
    context: RenderContext = {},
  ): Promise<RenderManifestsResult | undefined> {
    const file = join(this.dir, `${renderCacheKey(input, context)}.json`);
    try {
      const summary = JSON.parse(await readFile(file, 'utf8')) as RenderManifestsResult;
      if (typeof summary.manifestKey !== 'string') return undefined;
      await touch(file);
      return summary;
    } catch (error) {
      // A missing or torn entry is a miss: the caller renders again and rewrites it.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError)
        return undefined;
      throw error;
    }
  }

  /** Records the summary of a render. */
  async record(
    input: RenderManifestsInput,
    summary: RenderManifestsResult,
    context: RenderContext = {},
  ): Promise<void> {
    const file = join(this.dir, `${renderCacheKey(input, context)}.json`);
    await writeFileAtomic(file, JSON.stringify(summary));
    this.cache.noteWrite(file);
  }
}
