import type { KubeObject } from '../../../contract/kube-object.js';
import { HealthReason } from '../health-reason.js';
import type { HealthResult } from '../health-result.js';
import { readString } from './_fields.js';

/**
 * Argo Workflow (`argoproj.io/Workflow`) health, built into gitops-engine: phase empty, Pending
 * or Running is Progressing, Succeeded is Healthy, Failed or Error is Degraded, anything else is
 * Unknown. The message is `status.message`.
 */
export function argoWorkflowHealth(obj: KubeObject): HealthResult {
  const phase = readString(obj, 'status.phase') ?? '';
  const message = readString(obj, 'status.message');
  const result = ((): HealthResult => {
    switch (phase) {
      case '':
      case 'Pending':
      case 'Running':
        return { status: 'Progressing', reason: HealthReason.InProgress };
      case 'Succeeded':
        return { status: 'Healthy' };
      case 'Failed':
      case 'Error':
        return { status: 'Degraded', reason: HealthReason.Failed };
      default:
        return { status: 'Unknown', reason: HealthReason.UnknownPhase };
    }
  })();
  return message ? { ...result, message } : result;
}
