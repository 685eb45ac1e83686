/**
 * Health assessment: decides how healthy one live Kubernetes object is, with Argo CD's status
 * codes and rules (gitops-engine `pkg/health`, plus Argo CD's bundled CronJob check), and the
 * kstatus generic conditions for custom resources, which Argo CD leaves without health.
 *
 * Pure: it reads only the object it is given (status included) and never calls the API server,
 * never waits and never logs. Where Argo CD and kstatus disagree, Argo CD wins: paused and
 * suspended objects are Suspended, a failed Pod is Degraded, a LoadBalancer without an address is
 * Progressing, and built-in kinds get no generation or condition checks beyond their own rule.
 *
 * Rule order: pending deletion → per-kind rule (one table keyed by group/Kind) → kstatus generic
 * rules for custom resources → no opinion (Healthy, reason NoHealthCheck). App health is the
 * worst resource health (`aggregateHealth`); `rolloutFailure` tells a health wait when to stop.
 */
import type { KubeObject } from '../../contract/kube-object.js';
import { genericHealth } from './generic-health.js';
import { HealthReason } from './health-reason.js';
import type { HealthResult } from './health-result.js';
import { groupKindKey, healthRules } from './health-rules.js';
import { isCustomResource } from './is-custom-resource.js';

/** Argo CD keeps hooks with this finalizer; their deletion does not make them Progressing. */
export const HOOK_FINALIZER = 'argocd.argoproj.io/hook-finalizer';

function pendingDeletion(obj: KubeObject): boolean {
  const finalizers = obj.metadata['finalizers'];
  const hook = Array.isArray(finalizers) && finalizers.includes(HOOK_FINALIZER);
  return Boolean(obj.metadata.deletionTimestamp) && !hook;
}

function assessLayers(obj: KubeObject): HealthResult | undefined {
  const key = groupKindKey(obj);
  const rule = Object.hasOwn(healthRules, key) ? healthRules[key] : undefined;
  return rule?.(obj) ?? (isCustomResource(obj) ? genericHealth(obj) : undefined);
}

/**
 * The health of one live object. The caller passes the complete object as read from the
 * cluster, status included. Layers, first answer wins:
 *
 * 1. `metadata.deletionTimestamp` set (and no {@link HOOK_FINALIZER}): Progressing,
 *    reason PendingDeletion, "Pending deletion".
 * 2. The per-kind rule from `healthRules`, keyed by group/Kind (Deployment, StatefulSet,
 *    DaemonSet, ReplicaSet, Pod, Service, Ingress, PersistentVolumeClaim, Job, CronJob, HPA,
 *    APIService, CustomResourceDefinition, Argo Workflow). A rule that does not know the
 *    object's apiVersion answers Unknown (UnsupportedVersion).
 * 3. Custom resources only: the kstatus generic rules (observedGeneration lag, then
 *    Reconciling / Stalled, then Ready).
 * 4. No opinion: Healthy with reason NoHealthCheck. Argo CD gives these objects (ConfigMap,
 *    Secret, RBAC, custom resources without conditions, ...) no health, which counts as healthy
 *    in app health and in sync waves.
 *
 * A malformed object (a field of the wrong type) is Unknown with reason AssessmentFailed and the
 * problem as message; this function never throws.
 */
export function assessHealth(obj: KubeObject): HealthResult {
  try {
    if (pendingDeletion(obj)) {
      return { status: 'Progressing', reason: HealthReason.PendingDeletion, message: 'Pending deletion' };
    }
    return assessLayers(obj) ?? { status: 'Healthy', reason: HealthReason.NoHealthCheck };
  } catch (err) {
    return {
      status: 'Unknown',
      reason: HealthReason.AssessmentFailed,
      message: err instanceof Error ? err.message : String(err),
    };
  }
}
