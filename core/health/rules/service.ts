import type { KubeObject } from '../../../contract/kube-object.js';
import { HealthReason } from '../health-reason.js';
import type { HealthResult } from '../health-result.js';
import { readList, readString, unsupportedVersion } from './_fields.js';

/**
 * Service health, as Argo CD judges it: a LoadBalancer is Progressing until
 * `status.loadBalancer.ingress` lists an address; every other type is Healthy. Accepts `v1` only.
 */
export function serviceHealth(obj: KubeObject): HealthResult {
  if (obj.apiVersion !== 'v1') return unsupportedVersion(obj, ['v1']);
  if (
    readString(obj, 'spec.type') === 'LoadBalancer' &&
    readList(obj, 'status.loadBalancer.ingress').length === 0
  ) {
    return {
      status: 'Progressing',
      reason: HealthReason.AddressPending,
      message: 'Waiting for the load balancer to be assigned an address',
    };
  }
  return { status: 'Healthy' };
}
