import type { KubeObject } from '../../../contract/kube-object.js';
import { HealthReason } from '../health-reason.js';
import type { HealthResult } from '../health-result.js';
import { readString, unsupportedVersion } from './_fields.js';

/**
 * PersistentVolumeClaim health, as Argo CD judges it: Bound is Healthy, Pending is Progressing
 * (including WaitForFirstConsumer claims no Pod uses yet), Lost is Degraded, any other phase is
 * Unknown. Accepts `v1` only.
 */
export function pvcHealth(obj: KubeObject): HealthResult {
  if (obj.apiVersion !== 'v1') return unsupportedVersion(obj, ['v1']);
  const phase = readString(obj, 'status.phase') ?? '';
  switch (phase) {
    case 'Bound':
      return { status: 'Healthy' };
    case 'Pending':
      return {
        status: 'Progressing',
        reason: HealthReason.ClaimPending,
        message: 'Waiting for the claim to be bound',
      };
    case 'Lost':
      return {
        status: 'Degraded',
        reason: HealthReason.ClaimLost,
        message: 'The claim lost its persistent volume',
      };
    default:
      return { status: 'Unknown', reason: HealthReason.UnknownPhase, message: `Claim phase is "${phase}"` };
  }
}
