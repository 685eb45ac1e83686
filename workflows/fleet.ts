/** Helpers for the scheduled fleet workflows: listing, grouping apps and bounded fan-out. */
import type {
  ApplicationFilter,
  ApplicationSummary,
  ControlActivities,
  SourceSummary,
} from '../contract/activities.js';
import { pollSourceKey } from '../core/poll/poll-due.js';

/** Parts a whole-fleet listing is split into: 1,000 apps are about 540 KB, the payload limit is 2 MB. */
export const LISTING_SHARDS = 8;

/** Every app `filter` selects, listed in LISTING_SHARDS parts (one activity each, run together). */
export async function listInShards(
  control: ControlActivities,
  filter: ApplicationFilter = {},
): Promise<ApplicationSummary[]> {
  const parts = await Promise.all(
    Array.from({ length: LISTING_SHARDS }, (_, index) =>
      control.listApplications({ ...filter, shard: { index, count: LISTING_SHARDS } }),
    ),
  );
  return parts.flat();
}

/**
 * Every app `filter` selects, a page (one activity) at a time: one activity while the selection is
 * small, and no result near Temporal's payload limit however large it grows.
 */
export async function listInPages(
  control: ControlActivities,
  filter?: ApplicationFilter,
): Promise<ApplicationSummary[]> {
  const apps: ApplicationSummary[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await control.listApplicationPage(after === undefined ? { filter } : { filter, after });
    apps.push(...page.apps);
    // The cursor only moves forward, so the loop ends; a page that says otherwise ends it too.
    if (page.next === undefined || (after !== undefined && page.next <= after)) return apps;
    after = page.next;
  }
}

/** Runs `work` over `items`, at most `limit` at a time, preserving order of results. */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  async function lane(): Promise<void> {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i] as T);
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}

/** Apps that share a repository (and chart) and target revision: one remote check serves them all. */
export interface RevisionGroup {
  repoURL: string;
  targetRevision: string;
  /** The Helm chart of chart-source apps (absent for Git sources). */
  chart?: string;
  /** Every source of apps with several (`targetRevision` is then theirs, each source's joined by ","). */
  sources?: SourceSummary[];
  cluster: string;
  apps: ApplicationSummary[];
}

export function groupByRevision(apps: readonly ApplicationSummary[]): RevisionGroup[] {
  const groups = new Map<string, RevisionGroup>();
  for (const app of apps) {
    const key = pollSourceKey(app);
    let group = groups.get(key);
    if (!group) {
      group = {
        repoURL: app.repoURL,
        targetRevision: app.targetRevision,
        ...(app.chart !== undefined && { chart: app.chart }),
        ...(app.sources && { sources: app.sources }),
        cluster: app.cluster,
        apps: [],
      };
      groups.set(key, group);
    }
    group.apps.push(app);
  }
  return [...groups.values()];
}
