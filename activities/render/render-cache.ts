/**
 * Render cache: (repoURL, SHA, path, render options, render policy, digest of the Secret values)
 * -> summary with the manifest key, so a second render of the same inputs is a lookup. A commit
 * never changes, so entries never expire. Secret values enter the key only as a sha256 digest;
 * the policy is part of the key so a tightened policy never reuses a render it would now refuse.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { canonicalJson } from '../../core/manifests/canonical-json.js';
import type { RenderManifestsInput, RenderManifestsResult } from '../../contract/activities.js';
import type { RenderPolicy } from '../../core/manifests/render-policy.js';

/** What besides the activity input decides a render's output. */
export interface RenderContext {
  /** The policy the render ran under. */
  policy?: RenderPolicy;
  /** sha256 of the `helm.valuesFrom` Secret values (`secretValuesDigest`); never the values. */
  valuesDigest?: string;
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
    revision: input.revision.toLowerCase(),
    path,
    appName: input.appName,
    namespace: input.namespace,
    helm: input.helm ?? null,
    kustomize: input.kustomize ?? null,
    directory: input.directory ?? null,
    policy: context.policy ?? null,
    valuesDigest: context.valuesDigest ?? null,
  };
  return createHash('sha256').update(canonicalJson(identity)).digest('hex');
}

/** Options of `RenderCache`. */
export interface RenderCacheOptions {
  /** Directory of the entries (small JSON files). */
  dir: string;
}

/** Render summaries by `renderCacheKey`, on disk. */
export class RenderCache {
  readonly dir: string;

  constructor(options: RenderCacheOptions) {
    this.dir = options.dir;
  }

  /** The summary of an earlier render of the same inputs, or undefined. */
  async lookup(
    input: RenderManifestsInput,
    context: RenderContext = {},
  ): Promise<RenderManifestsResult | undefined> {
    try {
      const text = await readFile(join(this.dir, `${renderCacheKey(input, context)}.json`), 'utf8');
      const summary = JSON.parse(text) as RenderManifestsResult;
      return typeof summary.manifestKey === 'string' ? summary : undefined;
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
  }
}
