import type { KubeObject } from '../../contract/kube-object.js';
import { HealthReason } from './health-reason.js';
import type { HealthResult } from './health-result.js';
import { isCustomResource } from './is-custom-resource.js';

/**
 * Whether an object's health, once read, can no longer change while a health wait runs, so the
 * wait need not read it again: a Healthy built-in object that no rule judges from its status (a
 * ConfigMap, a ServiceAccount, RBAC), and a Healthy Service (a LoadBalancer keeps its address).
 * Workloads, Jobs, custom resources (their controller may not have written a status yet) and
 * anything not Healthy are read at every poll. A fleet's health waits read nine of an app's ten
 * objects once instead of every 100 ms.
 */
export function isSettledHealth(obj: KubeObject, result: HealthResult): boolean {
  if (result.status !== 'Healthy' || obj.metadata.deletionTimestamp || isCustomResource(obj)) return false;
  if (result.reason === HealthReason.NoHealthCheck) return true;
  return obj.kind === 'Service' && obj.apiVersion === 'v1';
}
