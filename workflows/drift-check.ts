/**
 * One app's drift check, shared by drift-scan (every app, on a schedule) and drift-watch (the apps
 * the agent's watch nominated): `detectDrift` on the app's agent, the same comparison as the diff,
 * and a `driftDetected` signal only when the app's drift or health differs from what it recorded.
 */
import { getExternalWorkflowHandle, proxyActivities } from '@temporalio/workflow';
import { autoscaledTarget } from '../contract/activities.js';
import type {
  ApplicationSummary,
  ClusterActivities,
  DriftSummary,
  PlanInput,
} from '../contract/activities.js';
import { driftDetectedSignal } from '../contract/messages.js';
import type { InitiatorIdentity } from '../contract/messages.js';
import { driftCheckProfile } from './activity-profiles.js';
import { workflowNow } from './clock.js';

export interface DriftCheckOutcome {
  drifted: boolean;
  healthChanged: boolean;
  /** A signal went to the app. */
  signalled: boolean;
}

/** `initiator`: the workflow that asked (drift-scan or drift-watch), recorded by a self-heal. */
export async function checkDrift(
  app: ApplicationSummary,
  initiator: InitiatorIdentity,
): Promise<DriftCheckOutcome> {
  const cluster = proxyActivities<ClusterActivities>(driftCheckProfile(app.cluster));
  const checkedAfter = workflowNow();
  return await reportDrift(app, await cluster.detectDrift(driftCheckInput(app)), initiator, checkedAfter);
}

/** What the agent needs to check `app`, from its listing. */
export function driftCheckInput(app: ApplicationSummary): PlanInput {
  return {
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
  };
}

/**
 * Signals `driftDetected` to `app` when its drift or health differs from what it recorded.
 * `checkedAfter`: the workflow time just before the agent was asked (see `DriftInput`).
 */
export async function reportDrift(
  app: ApplicationSummary,
  drift: DriftSummary,
  initiator: InitiatorIdentity,
  checkedAfter: number,
): Promise<DriftCheckOutcome> {
  const healthChanged = drift.health !== app.health;
  if (drift.drifted === (app.drifted ?? false) && !drift.drifted && !healthChanged)
    return { drifted: false, healthChanged, signalled: false };
  await getExternalWorkflowHandle(app.workflowId).signal(driftDetectedSignal, {
    drifted: drift.drifted,
    changedObjects: drift.changedObjects,
    health: drift.health,
    healthMessage: drift.healthMessage,
    initiator,
    checkedAfter,
    ...(app.manifestKey !== undefined && { manifestKey: app.manifestKey }),
  });
  return { drifted: drift.drifted, healthChanged, signalled: true };
}
