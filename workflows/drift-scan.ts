/**
 * Scheduled every three minutes (Temporal Schedule `drift-scan`): compares every deployed app's
 * live objects with its deployed revision, a few apps at a time, and signals `driftDetected` to
 * the apps whose live state or health differs from what they last recorded.
 */
import { autoscaledTarget } from '../contract/activities.js';
import type { DriftScanResult } from '../contract/workflows.js';
import { getExternalWorkflowHandle, proxyActivities } from '@temporalio/workflow';
import type { ClusterActivities, ControlActivities } from '../contract/activities.js';
import { driftCheckProfile, fleetListProfile } from './activity-profiles.js';
import { mapBounded } from './fleet.js';
import { driftDetectedSignal } from '../contract/messages.js';

const CONCURRENCY = 4;

export async function driftScanWorkflow(): Promise<DriftScanResult> {
  const control = proxyActivities<ControlActivities>(fleetListProfile());
  const apps = (await control.listApplications()).filter((a) => a.manifestKey);
  const result: DriftScanResult = { scanned: apps.length, drifted: [], healthChanged: [], errors: [] };
  await mapBounded(apps, CONCURRENCY, async (app) => {
    const cluster = proxyActivities<ClusterActivities>(driftCheckProfile(app.cluster));
    try {
      const drift = await cluster.detectDrift({
        app: app.name,
        manifestKey: app.manifestKey ?? '',
        namespace: app.namespace,
        syncOptions: app.syncOptions,
        ignoreDifferences: app.ignoreDifferences,
        autoscaled: autoscaledTarget(app.autoscaling?.policy),
        // An agent replica without these manifests renders them again (plain directory sources;
        // Helm and Kustomize options are not in the app's memo, so those report the miss).
        source:
          app.deployedRevision && app.path !== undefined
            ? {
                appName: app.name,
                repoURL: app.repoURL,
                revision: app.deployedRevision,
                path: app.path,
                namespace: app.namespace,
              }
            : undefined,
      });
      const healthChanged = drift.health !== app.health;
      if (drift.drifted === (app.drifted ?? false) && !drift.drifted && !healthChanged) return;
      if (drift.drifted) result.drifted.push(app.name);
      if (healthChanged) result.healthChanged.push(app.name);
      await getExternalWorkflowHandle(app.workflowId).signal(driftDetectedSignal, {
        drifted: drift.drifted,
        changedObjects: drift.changedObjects,
        health: drift.health,
        healthMessage: drift.healthMessage,
      });
    } catch (err) {
      result.errors.push(`${app.name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
  return result;
}
