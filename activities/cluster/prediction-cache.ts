/**
 * Remembered server-side apply dry-run results. A prediction depends on the desired object and
 * the live object it lands on; while neither changes (same desired JSON, same live uid and
 * resourceVersion) asking the server again gives the same answer, so a drift scan of an unchanged
 * app needs no dry run at all. Entries expire (schema defaults and webhooks may change) and the
 * oldest are dropped beyond a size limit. Kept in memory only: predictions may hold Secret data.
 */
import { createHash } from 'node:crypto';
import { refOf, refKey } from '../../contract/object-ref.js';
import type { KubeObject } from '../../contract/kube-object.js';

export interface PredictionCacheOptions {
  /** @default 5000 */
  maxEntries?: number;
  /** @default 600000 (10 minutes) */
  ttlMs?: number;
}

export class PredictionCache {
  readonly #entries = new Map<string, { at: number; predicted: KubeObject }>();
  readonly #maxEntries: number;
  readonly #ttlMs: number;

  constructor(options: PredictionCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 5000;
    this.#ttlMs = options.ttlMs ?? 600_000;
  }

  /** The cache key of a prediction, or undefined when there is no live object to key it on. */
  static refOf(desired: KubeObject, live: KubeObject | undefined): string | undefined {
    if (!live?.metadata.uid || !live.metadata.resourceVersion) return undefined;
    const digest = createHash('sha256').update(JSON.stringify(desired)).digest('hex');
    return `${refKey(refOf(desired))}\u0000${live.metadata.uid}\u0000${live.metadata.resourceVersion}\u0000${digest}`;
  }

  get(key: string | undefined, now = Date.now()): KubeObject | undefined {
    if (key === undefined) return undefined;
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (now - entry.at > this.#ttlMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.predicted;
  }

  set(key: string | undefined, predicted: KubeObject, now = Date.now()): void {
    if (key === undefined) return;
    this.#entries.delete(key);
    this.#entries.set(key, { at: now, predicted });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
