import type { KubeObject } from '../../../contract/kube-object.js';
import { HealthReason } from '../health-reason.js';
import type { HealthResult } from '../health-result.js';
import { readConditions, unsupportedVersion } from './_fields.js';

/**
 * Job health, as Argo CD judges it. A `Failed` or `Complete` condition of any status marks the
 * Job complete (an Argo quirk kept for compatibility), `Failed` also marks it failed; a
 * `Suspended` condition marks it complete and, when True, suspended. Not complete is
 * Progressing, failed is Degraded, suspended is Suspended, else Healthy. Accepts `batch/v1` only.
 */
export function jobHealth(obj: KubeObject): HealthResult {
  if (obj.apiVersion !== 'batch/v1') return unsupportedVersion(obj, ['batch/v1']);
  let complete = false;
  let failed = false;
  let suspended = false;
  let failMessage = '';
  let message = '';
  for (const condition of readConditions(obj)) {
    switch (condition.type) {
      case 'Failed':
        complete = true;
        failed = true;
        failMessage = condition.message;
        break;
      case 'Complete':
        complete = true;
        message = condition.message;
        break;
      case 'Suspended':
        complete = true;
        message = condition.message;
        suspended = condition.status === 'True';
        break;
    }
  }
  if (!complete) return { status: 'Progressing', reason: HealthReason.JobRunning, message: 'Job is running' };
  if (failed)
    return { status: 'Degraded', reason: HealthReason.JobFailed, message: failMessage || 'Job failed' };
  if (suspended)
    return { status: 'Suspended', reason: HealthReason.Suspended, message: message || 'Job is suspended' };
  return message ? { status: 'Healthy', message } : { status: 'Healthy' };
}
