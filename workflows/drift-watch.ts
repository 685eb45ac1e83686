/**
 * Watch-based drift detection for one cluster (`drift-watch/<cluster>`), running for as long as the
 * cluster has apps: the agent watches the objects Mooring manages and returns the apps someone
 * else changed (`awaitLiveChanges`, debounced); each is checked with `detectDrift`, the same
 * comparison as the diff, and signalled only on real drift. A manual change is reverted (with
 * self-heal) in about a second instead of at the next drift-scan, which stays as the safety net.
 *
 * The list of apps (whose manifests name the kinds to watch) is refreshed every few minutes; a
 * nominated app is looked up again so its check uses its current manifests.
 */
import { continueAsNew, patched, proxyActivities, sleep, workflowInfo } from '@temporalio/workflow';
import type { ApplicationSummary, ClusterActivities, ControlActivities } from '../contract/activities.js';
import type { DriftWatchInput } from '../contract/workflows.js';
import { fleetListProfile, liveWatchProfile } from './activity-profiles.js';
import { checkDrift } from './drift-check.js';
import { MOORING_INITIATORS } from '../contract/messages.js';
import { listInShards, mapBounded } from './fleet.js';
import { PATCHES } from './patches.js';
import { workflowNow } from './clock.js';

/** How long one watch activity waits for changes before the app list is refreshed. */
const WATCH_PERIOD_MS = 5 * 60_000;
/** The pause after the agent could not be reached, or with no app to watch. */
const IDLE_PAUSE = '1m';
const CONCURRENCY = 4;
/** Batches a run handles before it continues as new (its history stays small). */
const BATCHES_PER_RUN = 200;
/** Most apps one listing by name asks for. */
const NAMES_PER_LIST = 100;

export async function driftWatchWorkflow(input: DriftWatchInput): Promise<void> {
  const control = proxyActivities<ControlActivities>(fleetListProfile());
  const agent = proxyActivities<ClusterActivities>(liveWatchProfile(input.cluster, WATCH_PERIOD_MS));
  let apps: ApplicationSummary[] = [];
  let listedAt = -Infinity;
  for (let batch = 0; batch < BATCHES_PER_RUN && !workflowInfo().continueAsNewSuggested; batch++) {
    if (workflowNow() - listedAt >= WATCH_PERIOD_MS) {
      const filter = { cluster: input.cluster, fresh: true };
      const listed = patched(PATCHES.fleetListingShards)
        ? await listInShards(control, filter)
        : await control.listApplications(filter);
      apps = listed.filter((a) => a.manifestKey);
      listedAt = workflowNow();
    }
    if (apps.length === 0) {
      await sleep(IDLE_PAUSE);
      listedAt = -Infinity;
      continue;
    }
    let changed: string[];
    try {
      ({ apps: changed } = await agent.awaitLiveChanges({
        manifestKeys: apps.map((a) => a.manifestKey ?? ''),
        maxWaitMs: WATCH_PERIOD_MS,
      }));
    } catch {
      // No agent, or its watch failed: drift-scan still covers the cluster; try again shortly.
      await sleep(IDLE_PAUSE);
      continue;
    }
    if (changed.length === 0) continue;
    const current: ApplicationSummary[] = [];
    for (let i = 0; i < changed.length; i += NAMES_PER_LIST) {
      const names = changed.slice(i, i + NAMES_PER_LIST);
      current.push(...(await control.listApplications({ cluster: input.cluster, names })));
    }
    await mapBounded(
      current.filter((a) => a.manifestKey),
      CONCURRENCY,
      async (app) => {
        await checkDrift(app, MOORING_INITIATORS.driftWatch).catch(() => undefined); // drift-scan reports what keeps failing
      },
    );
  }
  await continueAsNew<typeof driftWatchWorkflow>(input);
}
