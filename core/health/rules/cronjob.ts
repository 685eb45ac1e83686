import type { KubeObject } from '../../../contract/kube-object.js';
import { HealthReason } from '../health-reason.js';
import type { HealthResult } from '../health-result.js';
import { read, readBool, readList, readString, unsupportedVersion } from './_fields.js';

const VERSIONS = ['batch/v1', 'batch/v1beta1'];

/**
 * CronJob health, as Argo CD's bundled Lua check (`batch/CronJob/health.lua`) judges it:
 * `spec.suspend` is Suspended, no status at all is Progressing; a CronJob that has run is
 * Degraded only when its last successful time is older than its last schedule time and no Job
 * is active; everything else, including "not scheduled yet", is Healthy.
 */
export function cronJobHealth(obj: KubeObject): HealthResult {
  if (!VERSIONS.includes(obj.apiVersion)) return unsupportedVersion(obj, VERSIONS);
  if (readBool(obj, 'spec.suspend')) {
    return { status: 'Suspended', reason: HealthReason.Suspended, message: 'CronJob is suspended' };
  }
  if (read(obj, 'status') === undefined) {
    return {
      status: 'Progressing',
      reason: HealthReason.InProgress,
      message: 'Waiting for the CronJob status',
    };
  }
  const lastSchedule = readString(obj, 'status.lastScheduleTime');
  if (lastSchedule === undefined)
    return { status: 'Healthy', message: 'The CronJob has not been scheduled yet' };
  const lastSuccess = readString(obj, 'status.lastSuccessfulTime');
  if (lastSuccess === undefined) {
    return { status: 'Healthy', message: 'The CronJob has not completed its first run yet' };
  }
  if (readList(obj, 'status.active').length > 0)
    return { status: 'Healthy', message: 'The CronJob has an active Job' };
  // RFC 3339 timestamps in one format compare correctly as strings, as the Lua check does.
  if (lastSuccess < lastSchedule) {
    return {
      status: 'Degraded',
      reason: HealthReason.LastRunFailed,
      message: `The last run, scheduled at ${lastSchedule}, did not succeed; the last success was at ${lastSuccess}`,
    };
  }
  return { status: 'Healthy', message: 'The last run succeeded' };
}
