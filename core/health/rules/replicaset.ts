import type { KubeObject } from '../../../contract/kube-object.js';
import { HealthReason } from '../health-reason.js';
import type { HealthResult } from '../health-result.js';
import { findCondition, generationObserved, readConditions, readInt, unsupportedVersion } from './_fields.js';

/**
 * ReplicaSet health, as Argo CD judges it: an unobserved generation is Progressing,
 * `ReplicaFailure=True` is Degraded with the condition's message, fewer available replicas than
 * desired is Progressing. Accepts `apps/v1` only.
 */
export function replicaSetHealth(obj: KubeObject): HealthResult {
  if (obj.apiVersion !== 'apps/v1') return unsupportedVersion(obj, ['apps/v1']);
  if (!generationObserved(obj)) {
    return {
      status: 'Progressing',
      reason: HealthReason.LatestGenerationNotObserved,
      message: 'Waiting for rollout to finish: observed replica set generation less than desired generation',
    };
  }
  const failure = findCondition(readConditions(obj), 'ReplicaFailure');
  if (failure?.status === 'True') {
    return { status: 'Degraded', reason: HealthReason.ReplicaFailure, message: failure.message };
  }
  const desired = readInt(obj, 'spec.replicas');
  const available = readInt(obj, 'status.availableReplicas') ?? 0;
  if (desired !== undefined && available < desired) {
    return {
      status: 'Progressing',
      reason: HealthReason.LessAvailable,
      message: `Waiting for rollout to finish: ${available} out of ${desired} new replicas are available`,
    };
  }
  return { status: 'Healthy' };
}
