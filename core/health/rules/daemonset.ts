import type { KubeObject } from '../../../contract/kube-object.js';
import { HealthReason } from '../health-reason.js';
import type { HealthResult } from '../health-result.js';
import { generationObserved, readInt, readString, unsupportedVersion } from './_fields.js';

/**
 * DaemonSet health, as Argo CD judges it: an unobserved generation is Progressing; OnDelete is
 * Healthy; otherwise every desired pod must be updated and available. Accepts `apps/v1` only.
 */
export function daemonSetHealth(obj: KubeObject): HealthResult {
  if (obj.apiVersion !== 'apps/v1') return unsupportedVersion(obj, ['apps/v1']);
  if (!generationObserved(obj)) {
    return {
      status: 'Progressing',
      reason: HealthReason.LatestGenerationNotObserved,
      message: 'Waiting for rollout to finish: observed daemon set generation less than desired generation',
    };
  }
  const desired = readInt(obj, 'status.desiredNumberScheduled') ?? 0;
  const updated = readInt(obj, 'status.updatedNumberScheduled') ?? 0;
  const available = readInt(obj, 'status.numberAvailable') ?? 0;
  if (readString(obj, 'spec.updateStrategy.type') === 'OnDelete') {
    return { status: 'Healthy', message: `DaemonSet has ${updated} out of ${desired} new pods updated` };
  }
  if (updated < desired) {
    return {
      status: 'Progressing',
      reason: HealthReason.LessUpdated,
      message: `Waiting for daemon set rollout to finish: ${updated} out of ${desired} new pods have been updated`,
    };
  }
  if (available < desired) {
    return {
      status: 'Progressing',
      reason: HealthReason.LessAvailable,
      message: `Waiting for daemon set rollout to finish: ${available} of ${desired} updated pods are available`,
    };
  }
  return { status: 'Healthy' };
}
