/**
 * The apps a webhook matches pushes against, from Temporal visibility (`listApplications`),
 * indexed by repository. A listing is fresh for `ttlMs`; after that a push is matched against it
 * at once and against a new listing when that arrives, so listing the fleet (0.3–0.4 s at 1,000 apps)
 * is not on the path from a push to its apps. Concurrent pushes share one listing in flight, and
 * an app registered since the last listing is found by the new one (git-poll covers it too).
 */
import { indexApps } from '../../core/webhook/match.js';
import type { AppIndex, WebhookApp } from '../../core/webhook/match.js';

/** What a push is matched against. */
export interface AppsView {
  /** The last listing, at once; absent before the first one and once it is older than `maxStaleMs`. */
  cached?: AppIndex<WebhookApp>;
  /** A new listing, when the last one is older than the TTL. */
  fresh?: Promise<AppIndex<WebhookApp>>;
  /** Age of `cached` in milliseconds. */
  ageMs?: number;
}

export interface AppDirectoryOptions {
  /** How long a listing answers pushes alone. @default 2000 */
  ttlMs?: number;
  /** Past this age a listing is not used at all: the push waits for a new one. @default 600_000 */
  maxStaleMs?: number;
  now?: () => number;
}

export class AppDirectory {
  #index: AppIndex<WebhookApp> | undefined;
  #listedAt = -Infinity;
  #listing: Promise<AppIndex<WebhookApp>> | undefined;
  readonly #list: () => Promise<WebhookApp[]>;
  readonly #ttlMs: number;
  readonly #maxStaleMs: number;
  readonly #now: () => number;

  constructor(list: () => Promise<WebhookApp[]>, options: AppDirectoryOptions = {}) {
    this.#list = list;
    this.#ttlMs = options.ttlMs ?? 2000;
    this.#maxStaleMs = options.maxStaleMs ?? 600_000;
    this.#now = options.now ?? Date.now;
  }

  view(): AppsView {
    const ageMs = this.#now() - this.#listedAt;
    const cached = this.#index && ageMs < this.#maxStaleMs ? { cached: this.#index, ageMs } : {};
    if (this.#index && ageMs < this.#ttlMs) return cached;
    return { ...cached, fresh: this.#refresh() };
  }

  /** Lists now unless a listing is fresh or under way (at start, so the first push finds one). */
  warm(): Promise<void> {
    const { fresh } = this.view();
    return fresh ? fresh.then(() => undefined) : Promise.resolve();
  }

  #refresh(): Promise<AppIndex<WebhookApp>> {
    this.#listing ??= this.#load().finally(() => {
      this.#listing = undefined;
    });
    return this.#listing;
  }

  async #load(): Promise<AppIndex<WebhookApp>> {
    const started = this.#now();
    const index = indexApps(await this.#list());
    this.#index = index;
    this.#listedAt = started;
    return index;
  }
}
