import type { KubeObject } from '../../../contract/kube-object.js';
import { HealthReason } from '../health-reason.js';
import type { HealthResult } from '../health-result.js';
import { readList } from './_fields.js';

/**
 * Ingress health, as Argo CD judges it (any version of `networking.k8s.io` or `extensions`):
 * Healthy once `status.loadBalancer.ingress` lists an address, Progressing before.
 */
export function ingressHealth(obj: KubeObject): HealthResult {
  if (readList(obj, 'status.loadBalancer.ingress').length > 0) return { status: 'Healthy' };
  return {
    status: 'Progressing',
    reason: HealthReason.AddressPending,
    message: 'Waiting for the ingress controller to assign an address',
  };
}
