/**
 * The worker's index of the apps on its task queue: one visibility listing, reused while it is
 * fresh by the scheduled fleet runs and the `/metrics` collector.
 *
 * At a thousand apps a listing costs the worker about 150 ms of CPU and the Temporal server a scan
 * of every app's row, and git-poll (every 10 s), autoscale (every 30 s) and each Prometheus scrape
 * listed the whole fleet. git-poll and autoscale now pick their apps from the index (due in this
 * tick, autoscaled) and list only those, by name, for their current state.
 *
 * Freshness: the index is listed again when it is older than its max age, or when the number of
 * running apps differs from its own (an app was registered or deleted), which a count query tells
 * cheaply. An edit to an existing app's `syncPolicy.interval` or `spec.autoscaling` reaches the
 * selection within the max age.
 *
 * Pages: a selection can be read in pages by name (`page`), each under a byte budget, so that a
 * fleet of any size is listed by a workflow without an activity result near Temporal's limit.
 */
import type { Client } from '@temporalio/client';
import { MAX_LISTING_PAGE_BYTES } from '../../contract/activities.js';
import type {
  ApplicationFilter,
  ApplicationPage,
  ApplicationSummary,
  ListApplicationPageInput,
} from '../../contract/activities.js';
import {
  applicationsOnQueue,
  listApplicationsCounted,
  MAX_LISTED_NAMES,
} from '../../client/list-applications.js';
import { sdkWorkflowReader } from '../../client/sdk-workflow-reader.js';
import type { ApplicationListing } from '../../client/list-applications.js';
import { checkShard, keptByFilter } from '../../core/fleet/application-filter.js';
import { namesAfter, pageAfter, summaryBytes } from '../../core/fleet/application-page.js';

export interface FleetIndexOptions {
  taskQueue: string;
  /** Lists the apps a visibility query selects. */
  list(query: string): Promise<ApplicationListing>;
  /** Counts the executions a visibility query selects. */
  count(query: string): Promise<number>;
  /** @default DEFAULT_INDEX_MAX_AGE_MS */
  maxAgeMs?: number;
  now?: () => number;
}

/** How old the index may be before a selection lists the fleet again. */
export const DEFAULT_INDEX_MAX_AGE_MS = 60_000;
/**
 * How old an index may be that listed apps not yet described (a workflow started, whose first task
 * has not set its memo): the count cannot tell, since it already counts them.
 */
export const INCOMPLETE_INDEX_MAX_AGE_MS = 10_000;

interface Snapshot {
  apps: ApplicationSummary[];
  /** Executions the listing returned, those without an app memo included (what a count counts). */
  listed: number;
  at: number;
}

export class FleetIndex {
  readonly #options: FleetIndexOptions;
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  #snapshot: Snapshot | undefined;
  #listing: Promise<Snapshot> | undefined;

  constructor(options: FleetIndexOptions) {
    this.#options = options;
    this.#maxAgeMs = options.maxAgeMs ?? DEFAULT_INDEX_MAX_AGE_MS;
    this.#now = options.now ?? Date.now;
  }

  /** Every app on the queue, from a listing at most `maxAgeMs` old (one listing at a time). */
  async all(maxAgeMs = this.#maxAgeMs): Promise<ApplicationSummary[]> {
    return (await this.#within(maxAgeMs)).apps;
  }

  /**
   * The apps `filter` selects, each as visibility shows it now. A filter with names lists those
   * directly; any other is matched against the index first, then its apps are listed by name.
   */
  async select(filter: ApplicationFilter = {}): Promise<ApplicationSummary[]> {
    checkShard(filter);
    if (filter.names !== undefined || (filter.pollDue === undefined && !filter.autoscaled && !filter.shard))
      return await this.#listFiltered(applicationsOnQueue(this.#options.taskQueue, filter), filter);
    return await this.#listNames(await this.#indexedNames(filter), filter);
  }

  /**
   * One page of the apps `filter` selects, after the cursor `after`: names from the index (or the
   * filter's own), then listed by name, a hundred at a time, until the page is full.
   */
  async page(
    { filter = {}, after }: ListApplicationPageInput,
    maxBytes = MAX_LISTING_PAGE_BYTES,
  ): Promise<ApplicationPage> {
    checkShard(filter);
    const names = namesAfter(filter.names ?? (await this.#indexedNames(filter)), after);
    const apps: ApplicationSummary[] = [];
    let bytes = 0;
    let fetched = 0;
    while (fetched < names.length && bytes <= maxBytes) {
      const chunk = await this.#listNames(names.slice(fetched, fetched + MAX_LISTED_NAMES), filter);
      fetched += MAX_LISTED_NAMES;
      apps.push(...chunk);
      bytes += chunk.reduce((sum, app) => sum + summaryBytes(app), 0);
    }
    return pageAfter(apps, after, maxBytes, fetched < names.length);
  }

  /** The names of the apps `filter` keeps, from an index no older than its max age nor its app count. */
  async #indexedNames(filter: ApplicationFilter): Promise<string[]> {
    const held = this.#snapshot;
    let snapshot = await this.#within(filter.fresh ? 0 : this.#maxAgeMs);
    // A snapshot listed just now needs no count.
    if (
      snapshot === held &&
      (await this.#options.count(applicationsOnQueue(this.#options.taskQueue))) !== snapshot.listed
    )
      snapshot = await this.#within(0);
    return snapshot.apps.filter((app) => keptByFilter(app, filter)).map((app) => app.name);
  }

  /** The current state of the apps named, listed a hundred names at a time. */
  async #listNames(names: readonly string[], filter: ApplicationFilter): Promise<ApplicationSummary[]> {
    const listed: ApplicationSummary[] = [];
    for (let i = 0; i < names.length; i += MAX_LISTED_NAMES) {
      const chunk = { cluster: filter.cluster, names: names.slice(i, i + MAX_LISTED_NAMES) };
      listed.push(...(await this.#listFiltered(applicationsOnQueue(this.#options.taskQueue, chunk), filter)));
    }
    return listed;
  }

  async #listFiltered(query: string, filter: ApplicationFilter): Promise<ApplicationSummary[]> {
    return (await this.#options.list(query)).apps.filter((app) => keptByFilter(app, filter));
  }

  async #within(maxAgeMs: number): Promise<Snapshot> {
    const snapshot = this.#snapshot;
    const complete = snapshot?.apps.length === snapshot?.listed;
    if (
      snapshot &&
      this.#now() - snapshot.at < (complete ? maxAgeMs : Math.min(maxAgeMs, INCOMPLETE_INDEX_MAX_AGE_MS))
    )
      return snapshot;
    this.#listing ??= this.#list().finally(() => {
      this.#listing = undefined;
    });
    return await this.#listing;
  }

  async #list(): Promise<Snapshot> {
    const at = this.#now();
    const { apps, listed } = await this.#options.list(applicationsOnQueue(this.#options.taskQueue));
    this.#snapshot = { apps, listed, at };
    return this.#snapshot;
  }
}

/** The index of the apps on `taskQueue`, listed and counted through an SDK client. */
export function sdkFleetIndex(client: Client, taskQueue: string): FleetIndex {
  return new FleetIndex({
    taskQueue,
    list: (query) => listApplicationsCounted(sdkWorkflowReader(client), query),
    count: async (query) => (await client.workflow.count(query)).count,
  });
}
