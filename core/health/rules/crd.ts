import type { KubeObject } from '../../../contract/kube-object.js';
import { HealthReason } from '../health-reason.js';
import type { HealthResult } from '../health-result.js';
import { readConditions, unsupportedVersion } from './_fields.js';

/**
 * CustomResourceDefinition health, as recent gitops-engine judges it
 * (`health_customresourcedefinition.go`). No conditions yet is Progressing; then, in this
 * order: `Terminating=True` is Progressing, `NamesAccepted=False` is Degraded, `Established` not
 * True (absent included) is Degraded, `NonStructuralSchema=True` is Degraded; else Healthy.
 * Accepts `apiextensions.k8s.io/v1` only.
 */
export function crdHealth(obj: KubeObject): HealthResult {
  if (obj.apiVersion !== 'apiextensions.k8s.io/v1')
    return unsupportedVersion(obj, ['apiextensions.k8s.io/v1']);
  const conditions = readConditions(obj);
  if (conditions.length === 0) {
    return { status: 'Progressing', reason: HealthReason.InProgress, message: 'Status conditions not found' };
  }
  const is = (type: string, status: string) => conditions.find((c) => c.type === type && c.status === status);
  const terminating = is('Terminating', 'True');
  if (terminating) {
    return {
      status: 'Progressing',
      reason: HealthReason.InProgress,
      message: `CRD is being terminated: ${terminating.message}`,
    };
  }
  const refused = is('NamesAccepted', 'False');
  if (refused) {
    return {
      status: 'Degraded',
      reason: HealthReason.NotEstablished,
      message: `CRD names have not been accepted: ${refused.message}`,
    };
  }
  if (!is('Established', 'True')) {
    const established = conditions.find((c) => c.type === 'Established');
    return {
      status: 'Degraded',
      reason: HealthReason.NotEstablished,
      message: `CRD is not established: ${established?.message ?? 'no Established condition'}`,
    };
  }
  const violations = is('NonStructuralSchema', 'True');
  if (violations) {
    return {
      status: 'Degraded',
      reason: HealthReason.NotEstablished,
      message: `Schema violations found: ${violations.message}`,
    };
  }
  return { status: 'Healthy', message: 'CRD is healthy' };
}
