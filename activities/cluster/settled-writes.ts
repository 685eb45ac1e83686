/**
 * Objects this process has just written whose health cannot change while a wait runs
 * (isSettledHealth: a ConfigMap, a ServiceAccount, a ClusterIP Service), remembered a few seconds
 * so that the health wait after the apply takes them as observed instead of reading them again: a
 * registering fleet's waits read nine of each app's ten objects right after writing them. The
 * write's answer is the observation (the object as the API server stored it); an object deleted in
 * the seconds between is the drift watch's to report. Only the identity and the verdict are kept,
 * never the object's data.
 */
import { assessHealth, isSettledHealth } from '../../core/health/index.js';
import { refKey, refOf } from '../../contract/object-ref.js';
import type { KubeObject } from '../../contract/kube-object.js';
import type { Observation } from './manager-wait.js';

export interface SettledWritesOptions {
  /** @default 15000 */
  ttlMs?: number;
  /** @default 20000 */
  maxEntries?: number;
}

interface Entry {
  at: number;
  observation: Observation;
}

export class SettledWrites {
  readonly #entries = new Map<string, Entry>();
  readonly #ttlMs: number;
  readonly #maxEntries: number;

  constructor(options: SettledWritesOptions = {}) {
    this.#ttlMs = options.ttlMs ?? 15_000;
    this.#maxEntries = options.maxEntries ?? 20_000;
  }

  /** Records the object as a write returned it; a write whose health may still change forgets it. */
  note(written: KubeObject, now = Date.now()): void {
    const key = refKey(refOf(written));
    this.#entries.delete(key);
    const result = assessHealth(written);
    if (!isSettledHealth(written, result)) return;
    const { apiVersion, kind, metadata } = written;
    const identity = { name: metadata.name, namespace: metadata.namespace, uid: metadata.uid };
    this.#entries.set(key, {
      at: now,
      observation: {
        live: { apiVersion, kind, metadata: { ...identity, resourceVersion: metadata.resourceVersion } },
        result,
      },
    });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
    }
  }

  /** The observation a recent write of `obj` made, when its health cannot have changed since. */
  observed(obj: KubeObject, now = Date.now()): Observation | undefined {
    const key = refKey(refOf(obj));
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (now - entry.at > this.#ttlMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.observation;
  }

  get size(): number {
    return this.#entries.size;
  }
}
