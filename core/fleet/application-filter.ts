/**
 * What `listApplications` keeps of the listed apps beyond the visibility query (cluster and names
 * are part of the query): the apps due in a git-poll tick, the autoscaled apps, one part of the
 * fleet. Pure; the fleet index and the workflow tests' stub share it.
 */
import { MAX_LISTING_SHARDS } from '../../contract/activities.js';
import type { ApplicationFilter, ApplicationSummary } from '../../contract/activities.js';
import { fnv1a, intervalMs, pollDue, pollSourceKey } from '../poll/poll-due.js';

/** Throws when `filter.shard` is not a part of a split the activity takes. */
export function checkShard(filter: ApplicationFilter | undefined): void {
  const shard = filter?.shard;
  if (shard === undefined) return;
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1 || count > MAX_LISTING_SHARDS)
    throw new RangeError(
      `listApplications: shard.count must be a whole number from 1 to ${MAX_LISTING_SHARDS}, got ${count}`,
    );
  if (!Number.isInteger(index) || index < 0 || index >= count)
    throw new RangeError(
      `listApplications: shard.index must be a whole number from 0 to ${count - 1}, got ${index}`,
    );
}

/** True when `app` passes the parts of `filter` the activity applies (its cluster again, for an app picked from the index). */
export function keptByFilter(app: ApplicationSummary, filter: ApplicationFilter | undefined): boolean {
  if (filter?.cluster !== undefined && app.cluster !== filter.cluster) return false;
  const shard = filter?.shard;
  if (shard && fnv1a(app.name) % shard.count !== shard.index) return false;
  const due = filter?.pollDue;
  if (due && !pollDue(pollSourceKey(app), intervalMs(app.interval), due.tickEndMs, due.tickMs)) return false;
  return !filter?.autoscaled || app.autoscaling !== undefined;
}
