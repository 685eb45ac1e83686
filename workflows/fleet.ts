/** Helpers for the scheduled fleet workflows: grouping apps and bounded fan-out. */
import type { ApplicationSummary } from '../contract/activities.js';

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

/** Apps that share a repository and target revision: one remote check serves them all. */
export interface RevisionGroup {
  repoURL: string;
  targetRevision: string;
  cluster: string;
  apps: ApplicationSummary[];
}

export function groupByRevision(apps: readonly ApplicationSummary[]): RevisionGroup[] {
  const groups = new Map<string, RevisionGroup>();
  for (const app of apps) {
    const key = `${app.repoURL}\u0000${app.targetRevision}`;
    let group = groups.get(key);
    if (!group) {
      group = { repoURL: app.repoURL, targetRevision: app.targetRevision, cluster: app.cluster, apps: [] };
      groups.set(key, group);
    }
    group.apps.push(app);
  }
  return [...groups.values()];
}
