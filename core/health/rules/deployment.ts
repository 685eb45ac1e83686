import type { KubeObject } from '../../../contract/kube-object.js';
import { HealthReason } from '../health-reason.js';
import type { HealthResult } from '../health-result.js';
import {
  findCondition,
  generationObserved,
  readBool,
  readConditions,
  readInt,
  unsupportedVersion,
} from './_fields.js';

/**
 * Deployment health, as `kubectl rollout status` and Argo CD judge it: paused is Suspended, an
 * unobserved generation is Progressing, a Progressing condition with reason
 * ProgressDeadlineExceeded is Degraded (whatever its status), then replica counts decide.
 * Never looks at `readyReplicas` or the Available condition. Accepts `apps/v1` only.
 */
export function deploymentHealth(obj: KubeObject): HealthResult {
  if (obj.apiVersion !== 'apps/v1') return unsupportedVersion(obj, ['apps/v1']);
  if (readBool(obj, 'spec.paused')) {
    return { status: 'Suspended', reason: HealthReason.Suspended, message: 'Deployment is paused' };
  }
  if (!generationObserved(obj)) {
    return {
      status: 'Progressing',
      reason: HealthReason.LatestGenerationNotObserved,
      message: 'Waiting for rollout to finish: observed deployment generation less than desired generation',
    };
  }
  if (findCondition(readConditions(obj), 'Progressing')?.reason === 'ProgressDeadlineExceeded') {
    return {
      status: 'Degraded',
      reason: HealthReason.ProgressDeadlineExceeded,
      message: `Deployment "${obj.metadata.name ?? ''}" exceeded its progress deadline`,
    };
  }
  const desired = readInt(obj, 'spec.replicas');
  const replicas = readInt(obj, 'status.replicas') ?? 0;
  const updated = readInt(obj, 'status.updatedReplicas') ?? 0;
  const available = readInt(obj, 'status.availableReplicas') ?? 0;
  if (desired !== undefined && updated < desired) {
    return {
      status: 'Progressing',
      reason: HealthReason.LessUpdated,
      message: `Waiting for rollout to finish: ${updated} out of ${desired} new replicas have been updated`,
    };
  }
  if (replicas > updated) {
    return {
      status: 'Progressing',
      reason: HealthReason.OldReplicasPending,
      message: `Waiting for rollout to finish: ${replicas - updated} old replicas are pending termination`,
    };
  }
  if (available < updated) {
    return {
      status: 'Progressing',
      reason: HealthReason.LessAvailable,
      message: `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available`,
    };
  }
  return { status: 'Healthy' };
}
