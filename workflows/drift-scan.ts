/**
 * Scheduled (Temporal Schedule `drift-scan`, every 10 minutes by default): compares every deployed
 * app's live objects with its deployed revision and signals `driftDetected` to the apps whose live
 * state or health differs from what they last recorded. The safety net of drift-watch (which
 * reacts to the agent's watch within a second), and the check of health changes. Each cluster's
 * apps are checked in batches, one agent call per batch.
 */
import type { DriftScanResult } from '../contract/workflows.js';
import { patched, proxyActivities } from '@temporalio/workflow';
import type {
  ApplicationSummary,
  ClusterActivities,
  ControlActivities,
  DriftBatchEntry,
} from '../contract/activities.js';
import { driftBatchProfile, fleetListProfile } from './activity-profiles.js';
import { listInShards, mapBounded } from './fleet.js';
import { checkDrift, driftCheckInput, reportDrift } from './drift-check.js';
import type { DriftCheckOutcome } from './drift-check.js';
import { PATCHES } from './patches.js';
import { workflowNow } from './clock.js';
import { failureMessage } from './sync-results.js';
import { MOORING_INITIATORS } from '../contract/messages.js';

/** Apps checked at once with one call per app (scans started before batches). */
const CONCURRENCY = 4;
/** Apps per `detectDriftBatch` call, and batches in flight (the agent checks a few of each at once). */
const BATCH_SIZE = 50;
const BATCHES_IN_FLIGHT = 2;

export async function driftScanWorkflow(): Promise<DriftScanResult> {
  const control = proxyActivities<ControlActivities>(fleetListProfile());
  const listed = patched(PATCHES.fleetListingShards)
    ? await listInShards(control)
    : await control.listApplications();
  const apps = listed.filter((a) => a.manifestKey);
  const result: DriftScanResult = { scanned: apps.length, drifted: [], healthChanged: [], errors: [] };
  const note = (app: ApplicationSummary, outcome: DriftCheckOutcome): void => {
    if (outcome.drifted && outcome.signalled) result.drifted.push(app.name);
    if (outcome.healthChanged) result.healthChanged.push(app.name);
  };
  const failed = (app: ApplicationSummary, message: string): void => {
    result.errors.push(`${app.name}: ${message}`);
  };
  if (patched(PATCHES.driftScanBatches)) {
    await mapBounded(batchesByCluster(apps), BATCHES_IN_FLIGHT, async (batch) => {
      const cluster = proxyActivities<ClusterActivities>(driftBatchProfile(batch.cluster));
      let results: DriftBatchEntry[];
      const checkedAfter = workflowNow();
      try {
        ({ results } = await cluster.detectDriftBatch({ apps: batch.apps.map(driftCheckInput) }));
      } catch (err) {
        for (const app of batch.apps) failed(app, failureMessage(err));
        return;
      }
      for (const [i, app] of batch.apps.entries()) {
        const entry = results[i];
        if (!entry) failed(app, 'the agent returned no result for this app');
        else if ('error' in entry) failed(app, entry.error);
        else
          await reportDrift(app, entry.drift, MOORING_INITIATORS.driftScan, checkedAfter).then(
            (outcome) => note(app, outcome),
            (err: unknown) => failed(app, failureMessage(err)),
          );
      }
    });
  } else {
    await mapBounded(apps, CONCURRENCY, async (app) => {
      try {
        note(app, await checkDrift(app, MOORING_INITIATORS.driftScan));
      } catch (err) {
        failed(app, err instanceof Error ? err.message : String(err));
      }
    });
  }
  // The scan is also the watchers' supervisor: a cluster with apps and no drift-watch gets one.
  if (patched(PATCHES.driftWatch)) {
    await control
      .ensureDriftWatches({ clusters: [...new Set(apps.map((a) => a.cluster))] })
      .catch((err: unknown) =>
        result.errors.push(`starting drift watches: ${err instanceof Error ? err.message : String(err)}`),
      );
  }
  return result;
}

/** Each cluster's apps in batches of at most BATCH_SIZE, in listing order. */
function batchesByCluster(
  apps: readonly ApplicationSummary[],
): { cluster: string; apps: ApplicationSummary[] }[] {
  const byCluster = new Map<string, ApplicationSummary[]>();
  for (const app of apps) {
    const members = byCluster.get(app.cluster);
    if (members) members.push(app);
    else byCluster.set(app.cluster, [app]);
  }
  return [...byCluster].flatMap(([cluster, members]) =>
    Array.from({ length: Math.ceil(members.length / BATCH_SIZE) }, (_, i) => ({
      cluster,
      apps: members.slice(i * BATCH_SIZE, (i + 1) * BATCH_SIZE),
    })),
  );
}
