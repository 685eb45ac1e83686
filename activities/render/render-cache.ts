/**
 * Render cache: (repoURL, SHA, path, render options) -> summary with the manifest key, so a second
 * render of the same inputs is a lookup. A commit never changes, so entries never expire.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { canonicalJson } from '../../core/manifests/canonical-json.js';
import type { RenderManifestsInput, RenderManifestsResult } from '../../contract/activities.js';

/** Bump when rendering changes its output for the same inputs, to invalidate old entries. */
export const RENDER_FORMAT_VERSION = 1;

/** The sha256 identifying one render; covers every input that can change the output. */
export function renderCacheKey(input: RenderManifestsInput): string {
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
  async lookup(input: RenderManifestsInput): Promise<RenderManifestsResult | undefined> {
    try {
      const text = await readFile(join(this.dir, `${renderCacheKey(input)}.json`), 'utf8');
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
  async record(input: RenderManifestsInput, summary: RenderManifestsResult): Promise<void> {
    await writeFileAtomic(join(this.dir, `${renderCacheKey(input)}.json`), JSON.stringify(summary));
  }
}
