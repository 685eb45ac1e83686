import type { KubeObject } from '../../../contract/kube-object.js';
import { HealthReason } from '../health-reason.js';
import type { HealthResult } from '../health-result.js';
import { findCondition, readConditions, unsupportedVersion } from './_fields.js';

const VERSIONS = ['apiregistration.k8s.io/v1', 'apiregistration.k8s.io/v1beta1'];

/**
 * APIService health, as Argo CD judges it: the first `Available` condition decides, Healthy
 * when True and Progressing otherwise; without one, Progressing ("Waiting to be processed").
 * Never Degraded.
 */
export function apiServiceHealth(obj: KubeObject): HealthResult {
  if (!VERSIONS.includes(obj.apiVersion)) return unsupportedVersion(obj, VERSIONS);
  const available = findCondition(readConditions(obj), 'Available');
  if (!available)
    return { status: 'Progressing', reason: HealthReason.NotAvailable, message: 'Waiting to be processed' };
  const message = `${available.reason}: ${available.message}`;
  return available.status === 'True'
    ? { status: 'Healthy', message }
    : { status: 'Progressing', reason: HealthReason.NotAvailable, message };
}
