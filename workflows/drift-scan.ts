/**
 * Scheduled every three minutes (Temporal Schedule `drift-scan`): compares every deployed app's
 * live objects with its deployed revision, a few apps at a time, and signals `driftDetected` to
 * the apps whose live state or health differs from what they last recorded. The safety net of
 * drift-watch (which reacts to the agent's watch within a second), and the check of health changes.
 */
import type { DriftScanResult } from '../contract/workflows.js';
import { patched, proxyActivities } from '@temporalio/workflow';
import type { ControlActivities } from '../contract/activities.js';
import { fleetListProfile } from './activity-profiles.js';
import { mapBounded } from './fleet.js';
import { checkDrift } from './drift-check.js';
import { PATCHES } from './patches.js';
import { MOORING_INITIATORS } from '../contract/messages.js';

const CONCURRENCY = 4;

export async function driftScanWorkflow(): Promise<DriftScanResult> {
  const control = proxyActivities<ControlActivities>(fleetListProfile());
  const apps = (await control.listApplications()).filter((a) => a.manifestKey);
  const result: DriftScanResult = { scanned: apps.length, drifted: [], healthChanged: [], errors: [] };
  await mapBounded(apps, CONCURRENCY, async (app) => {
    try {
      const outcome = await checkDrift(app, MOORING_INITIATORS.driftScan);
      if (outcome.drifted && outcome.signalled) result.drifted.push(app.name);
      if (outcome.healthChanged) result.healthChanged.push(app.name);
    } catch (err) {
      result.errors.push(`${app.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
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
