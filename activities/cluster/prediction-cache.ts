/**
 * Remembered server-side apply dry-run results. A prediction depends on the desired object and
 * the live object it lands on; while neither changes (same desired JSON, same live uid and
 * resourceVersion) asking the server again gives the same answer, so a drift scan of an unchanged
 * app needs no dry run at all. Entries expire (schema defaults and webhooks may change) and the
 * oldest are dropped beyond a size limit. Kept in memory only: predictions may hold Secret data.
 *
 * Sized for a fleet: a 1,000-app drift scan compares about 10,000 objects every 10 minutes. With
 * 5,000 entries living 10 minutes, every scan found the cache emptied (the scan's own entries
 * pushed each other out, and they expired before the next scan), so each scan made 10,000 dry runs.
 * Entries now live an hour (the sixth scan after a dry run makes it again) and the cache is bounded
 * by the size of what it holds as well as by count; an entry does not keep the prediction's
 * status or managedFields, which a diff never reads from it.
 *
 * An entry whose prediction was compared with its live object and found equal (under some
 * ignoreDifferences rules) is *settled*: it keeps that verdict instead of the prediction. The key
 * holds the live object's resourceVersion, so the same comparison can only give the same answer,
 * and a fleet's steady state, where nearly every object is unchanged, then holds no predictions.
 */
import { createHash } from 'node:crypto';
import { refOf, refKey } from '../../contract/object-ref.js';
import type { KubeObject } from '../../contract/kube-object.js';

export interface PredictionCacheOptions {
  /** @default 50000 */
  maxEntries?: number;
  /** Bound on the entries' size, as characters of JSON. @default 64 MiB */
  maxBytes?: number;
  /** @default 3600000 (an hour) */
  ttlMs?: number;
}

interface Entry {
  at: number;
  /** Absent once settled. */
  predicted?: KubeObject;
  /** The rules (`rulesKey`) under which the prediction equalled the live object. */
  unchangedUnder?: string;
  bytes: number;
}

/** What the cache knows of a key: the prediction, or that the object is unchanged under the rules asked about. */
export type Remembered = { predicted: KubeObject } | { unchanged: true } | undefined;

export class PredictionCache {
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #maxBytes: number;
  readonly #ttlMs: number;
  #bytes = 0;

  constructor(options: PredictionCacheOptions = {}) {
    this.#maxEntries = options.maxEntries ?? 50_000;
    this.#maxBytes = options.maxBytes ?? 64 * 2 ** 20;
    this.#ttlMs = options.ttlMs ?? 3_600_000;
  }

  /** The cache key of a prediction, or undefined when there is no live object to key it on. */
  static refOf(desired: KubeObject, live: KubeObject | undefined): string | undefined {
    if (!live?.metadata.uid || !live.metadata.resourceVersion) return undefined;
    const digest = createHash('sha256').update(JSON.stringify(desired)).digest('hex');
    return `${refKey(refOf(desired))}\u0000${live.metadata.uid}\u0000${live.metadata.resourceVersion}\u0000${digest}`;
  }

  get(key: string | undefined, now = Date.now()): KubeObject | undefined {
    const entry = this.#live(key, now);
    return entry?.predicted;
  }

  /** What is known of `key` when the diff ignores by `rulesKey` (see `rulesKeyOf`). */
  lookup(key: string | undefined, rulesKey: string, now = Date.now()): Remembered {
    const entry = this.#live(key, now);
    if (!entry) return undefined;
    if (entry.unchangedUnder === rulesKey) return { unchanged: true };
    return entry.predicted ? { predicted: entry.predicted } : undefined;
  }

  set(key: string | undefined, predicted: KubeObject, now = Date.now()): void {
    if (key === undefined) return;
    const held = this.#entries.get(key);
    if (held) this.#drop(key, held);
    const slim = slimPrediction(predicted);
    const bytes = JSON.stringify(slim).length;
    if (bytes > this.#maxBytes) return;
    this.#entries.set(key, { at: now, predicted: slim, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#entries.size <= this.#maxEntries && this.#bytes <= this.#maxBytes) break;
      this.#drop(oldest, entry);
    }
  }

  /**
   * Records that the prediction of `key` equals its live object under `rulesKey`, and lets the
   * prediction go. The entry keeps its age: it expires when the prediction would have.
   */
  settle(key: string | undefined, rulesKey: string): void {
    const entry = key === undefined ? undefined : this.#entries.get(key);
    if (!entry) return;
    this.#bytes -= entry.bytes;
    entry.predicted = undefined;
    entry.unchangedUnder = rulesKey;
    entry.bytes = rulesKey.length;
    this.#bytes += entry.bytes;
  }

  /** The key of a set of ignoreDifferences rules, for `lookup` and `settle`. */
  static rulesKeyOf(rules: readonly unknown[]): string {
    return rules.length === 0 ? '' : createHash('sha256').update(JSON.stringify(rules)).digest('hex');
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Characters of JSON the entries hold. */
  get bytes(): number {
    return this.#bytes;
  }

  #live(key: string | undefined, now: number): Entry | undefined {
    if (key === undefined) return undefined;
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (now - entry.at > this.#ttlMs) {
      this.#drop(key, entry);
      return undefined;
    }
    return entry;
  }

  #drop(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#bytes -= entry.bytes;
  }
}

/**
 * A prediction without what a diff never reads from it: its status, and its managedFields (a diff
 * takes field ownership from the live object, whose uid and resourceVersion key the entry). The
 * managedFields are about 40 % of a typical object applied by Mooring.
 */
function slimPrediction(predicted: KubeObject): KubeObject {
  const { status: _status, metadata, ...rest } = predicted;
  const { managedFields: _managedFields, ...slimMetadata } = metadata;
  return { ...rest, metadata: slimMetadata } as KubeObject;
}
