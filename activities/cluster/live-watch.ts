/**
 * The agent's watch on the objects Mooring manages: one list-then-watch per kind (all namespaces,
 * label `mooring.dev/app`), kept for the life of the agent process, so no change falls between
 * two drift-watch activities. Each event that may be drift (see core/diff/live-change.ts) nominates
 * its app; nominations are debounced (a `kubectl apply` of several objects is one) and handed out
 * by `next()`. A watch that ends is resumed from its last resourceVersion; one that expired (410)
 * lists again and compares, so what changed meanwhile is still nominated.
 *
 * Status changes are not drift, with one exception: an object whose health turns Degraded, or
 * recovers from it (a crash-looping Deployment after its rollout), nominates its app too, so the
 * app's health follows within a second instead of at the next drift-scan. Other health moves
 * (Progressing while Mooring's own sync rolls out) nominate nothing.
 *
 * The same events wake the health waits that `follow` the objects (status changes included), so a
 * wait learns of a rollout's progress without polling for it.
 */
import { MOORING_APP_LABEL } from '../../core/manifests/annotations.js';
import { contentFingerprint, managerEntries, writtenOnlyBy } from '../../core/diff/live-change.js';
import { assessHealth } from '../../core/health/assess-health.js';
import type { HealthStatusCode } from '../../contract/kube-object.js';
import type { KubeObject } from '../../contract/kube-object.js';
import type { KubeClient } from './kube-client.js';
import { KubeApiError } from './kube-errors.js';

export interface WatchedKind {
  apiVersion: string;
  kind: string;
}

export interface LiveWatchOptions {
  /** Field managers whose writes are Mooring's own (apply, autoscaler). */
  ownManagers: readonly string[];
  /** Quiet time before a nominated app is handed out. @default 100 */
  debounceMs?: number;
  /** Longest an app waits for quiet. @default 1000 */
  maxDelayMs?: number;
  /** Server-side watch timeout; the watch is resumed after it. @default 300 */
  watchSeconds?: number;
  /** Called when a watch fails (it is retried after a pause). */
  onError?: (kind: string, error: unknown) => void;
}

interface Known {
  app: string;
  fingerprint: string;
  managers: Map<string, string>;
  health: HealthStatusCode;
}

interface Pending {
  first: number;
  last: number;
}

export class LiveWatch {
  readonly #client: KubeClient;
  readonly #options: Required<Omit<LiveWatchOptions, 'onError'>> & Pick<LiveWatchOptions, 'onError'>;
  readonly #kinds = new Map<string, AbortController>();
  readonly #objects = new Map<string, Known>();
  readonly #pending = new Map<string, Pending>();
  /** Kinds whose listing succeeded and whose watch has not failed since. */
  readonly #live = new Set<string>();
  readonly #followers = new Map<string, Set<() => void>>();
  /** The waiting `next` call, and how to wake it. */
  #current: symbol | undefined;
  #wake: (() => void) | undefined;

  constructor(client: KubeClient, options: LiveWatchOptions) {
    this.#client = client;
    this.#options = { debounceMs: 100, maxDelayMs: 1000, watchSeconds: 300, ...options };
  }

  /** The kinds watched so far (a kind, once watched, stays watched until `close`). */
  get kinds(): string[] {
    return [...this.#kinds.keys()];
  }

  /** Starts watching the kinds not watched yet; resolves once each has its first listing. */
  async watch(kinds: readonly WatchedKind[]): Promise<void> {
    const started: Promise<void>[] = [];
    for (const { apiVersion, kind } of kinds) {
      const id = `${apiVersion}/${kind}`;
      if (this.#kinds.has(id)) continue;
      const abort = new AbortController();
      this.#kinds.set(id, abort);
      started.push(new Promise<void>((listed) => void this.#run(apiVersion, kind, abort.signal, listed)));
    }
    await Promise.all(started);
  }

  /**
   * The apps nominated since the last call, once their changes have settled; an empty list after
   * `maxWaitMs` without any, when `signal` aborts, or when a newer call supersedes this one.
   *
   * Only the newest caller is handed nominations: an older one is an activity the server has
   * already given up on (a retried attempt, or a drift-watch run that was terminated and started
   * again), and what it returned would be lost.
   */
  async next(maxWaitMs: number, signal: AbortSignal): Promise<string[]> {
    const call = Symbol('next');
    this.#wake?.(); // the call this one supersedes returns at once
    this.#current = call;
    const deadline = Date.now() + maxWaitMs;
    for (;;) {
      if (this.#current !== call || signal.aborted) return [];
      const now = Date.now();
      const ready = [...this.#pending].filter(
        ([, p]) => now - p.last >= this.#options.debounceMs || now - p.first >= this.#options.maxDelayMs,
      );
      if (ready.length > 0) {
        for (const [app] of ready) this.#pending.delete(app);
        this.#current = undefined;
        return ready.map(([app]) => app).sort();
      }
      if (now >= deadline) return [];
      const settle = this.#pending.size > 0 ? this.#options.debounceMs : deadline - now;
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          if (this.#wake === done) this.#wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, Math.max(1, Math.min(settle, deadline - now)));
        signal.addEventListener('abort', done, { once: true });
        this.#wake = done;
      });
    }
  }

  /**
   * Calls `onChange` on every event of one of `objects` (a status update too), until `stop`. Their
   * kinds are watched first (a new kind is listed once). `covered` says whether every kind's watch
   * is running: when it is not, a caller must not count on being told.
   */
  async follow(
    objects: readonly Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>[],
    onChange: () => void,
  ): Promise<{ covered: boolean; stop: () => void }> {
    const kinds = new Map(
      objects.map(({ apiVersion, kind }) => [`${apiVersion}/${kind}`, { apiVersion, kind }]),
    );
    await this.watch([...kinds.values()]);
    const keys = objects.map(objectKey);
    for (const key of keys) {
      const set = this.#followers.get(key) ?? new Set();
      set.add(onChange);
      this.#followers.set(key, set);
    }
    return {
      covered: [...kinds.keys()].every((id) => this.#live.has(id)),
      stop: () => {
        for (const key of keys) {
          const set = this.#followers.get(key);
          set?.delete(onChange);
          if (set?.size === 0) this.#followers.delete(key);
        }
      },
    };
  }

  close(): void {
    for (const abort of this.#kinds.values()) abort.abort();
    this.#kinds.clear();
    this.#live.clear();
    this.#wake?.();
  }

  async #run(apiVersion: string, kind: string, signal: AbortSignal, listed: () => void): Promise<void> {
    const id = `${apiVersion}/${kind}`;
    let resourceVersion: string | undefined;
    let first = true;
    while (!signal.aborted) {
      try {
        if (resourceVersion === undefined) {
          const list = await this.#client.listWithVersion(apiVersion, kind, {
            labelSelector: MOORING_APP_LABEL,
            signal,
          });
          this.#relisted(apiVersion, kind, list.items, first);
          resourceVersion = list.resourceVersion;
          this.#live.add(id);
          if (first) listed();
          first = false;
        } else {
          // Resumed where it stopped: the events missed meanwhile come first.
          this.#live.add(id);
        }
        for await (const event of this.#client.watch(apiVersion, kind, {
          labelSelector: MOORING_APP_LABEL,
          resourceVersion,
          timeoutSeconds: this.#options.watchSeconds,
          signal,
        })) {
          if (event.type === 'ERROR') {
            const code = (event.object as { code?: number }).code;
            if (code === 410) resourceVersion = undefined; // expired: list again
            throw new KubeApiError(
              code ?? 500,
              'WatchError',
              String((event.object as { message?: string }).message),
            );
          }
          resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
          if (event.type === 'BOOKMARK') continue;
          this.#observe({ ...event.object, apiVersion, kind }, event.type === 'DELETED');
        }
      } catch (error) {
        this.#live.delete(id);
        if (signal.aborted) break;
        if (error instanceof KubeApiError && error.status === 410) resourceVersion = undefined;
        else if (!(error instanceof KubeApiError && error.reason === 'WatchError'))
          this.#options.onError?.(kind, error);
        if (first) {
          listed(); // do not hold the caller: the next attempt lists again
        }
        await pause(1000, signal);
      }
    }
  }

  #relisted(apiVersion: string, kind: string, items: KubeObject[], first: boolean): void {
    const seen = new Set<string>();
    for (const item of items) {
      const obj = { ...item, apiVersion, kind };
      seen.add(objectKey(obj));
      if (first) this.#remember(obj);
      else this.#observe(obj, false);
    }
    // Objects that went while the watch was down.
    const prefix = `${apiVersion}/${kind}/`;
    for (const [key, known] of this.#objects) {
      if (key.startsWith(prefix) && !seen.has(key)) {
        this.#objects.delete(key);
        this.#notify(key);
        if (!first) this.#nominate(known.app);
      }
    }
  }

  #remember(obj: KubeObject): Known | undefined {
    const app = obj.metadata.labels?.[MOORING_APP_LABEL];
    if (!app) return undefined;
    const known = {
      app,
      fingerprint: contentFingerprint(obj),
      managers: managerEntries(obj),
      health: assessHealth(obj).status,
    };
    this.#objects.set(objectKey(obj), known);
    return known;
  }

  #observe(obj: KubeObject, deleted: boolean): void {
    const key = objectKey(obj);
    this.#notify(key);
    const before = this.#objects.get(key);
    if (deleted) {
      this.#objects.delete(key);
      const app = before?.app ?? obj.metadata.labels?.[MOORING_APP_LABEL];
      if (app) this.#nominate(app);
      return;
    }
    const after = this.#remember(obj);
    if (!after) {
      // The label was removed: the object left the app, which is drift.
      if (before) {
        this.#objects.delete(key);
        this.#nominate(before.app);
      }
      return;
    }
    if (!before) {
      // A new object: Mooring's own creation, or someone else's object claiming the app's label.
      if (!writtenOnlyBy(new Map(), after.managers, this.#options.ownManagers)) this.#nominate(after.app);
      return;
    }
    if (!degradedOrRecovered(before.health, after.health)) {
      if (before.fingerprint === after.fingerprint) return;
      if (writtenOnlyBy(before.managers, after.managers, this.#options.ownManagers)) return;
    }
    this.#nominate(after.app);
    if (before.app !== after.app) this.#nominate(before.app);
  }

  #notify(key: string): void {
    for (const onChange of this.#followers.get(key) ?? []) onChange();
  }

  #nominate(app: string): void {
    const now = Date.now();
    const pending = this.#pending.get(app);
    if (pending) pending.last = now;
    else this.#pending.set(app, { first: now, last: now });
    this.#wake?.();
  }
}

function degradedOrRecovered(before: HealthStatusCode, after: HealthStatusCode): boolean {
  return before !== after && (before === 'Degraded' || after === 'Degraded');
}

function objectKey(obj: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string {
  return `${obj.apiVersion}/${obj.kind}/${obj.metadata.namespace ?? ''}/${obj.metadata.name ?? ''}`;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
