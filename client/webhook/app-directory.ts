/**
 * The apps a webhook matches pushes against, from Temporal visibility (`listApplications`),
 * indexed by repository and kept for `ttlMs`: a burst of pushes lists once, and concurrent pushes
 * share one listing in flight. An app registered within `ttlMs` of a listing is seen by the next
 * one (and git-poll covers it meanwhile).
 */
import { indexApps } from '../../core/webhook/match.js';
import type { AppIndex, WebhookApp } from '../../core/webhook/match.js';

export class AppDirectory {
  #index: AppIndex<WebhookApp> | undefined;
  #listedAt = -Infinity;
  #listing: Promise<AppIndex<WebhookApp>> | undefined;

  constructor(
    private readonly list: () => Promise<WebhookApp[]>,
    private readonly ttlMs = 2000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The index, listed again when older than the TTL. */
  async index(): Promise<AppIndex<WebhookApp>> {
    if (this.#index && this.now() - this.#listedAt < this.ttlMs) return this.#index;
    this.#listing ??= this.#load().finally(() => {
      this.#listing = undefined;
    });
    return await this.#listing;
  }

  async #load(): Promise<AppIndex<WebhookApp>> {
    const started = this.now();
    const index = indexApps(await this.list());
    this.#index = index;
    this.#listedAt = started;
    return index;
  }
}
