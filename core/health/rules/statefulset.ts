import type { KubeObject } from '../../../contract/kube-object.js';
import { HealthReason } from '../health-reason.js';
import type { HealthResult } from '../health-result.js';
import { read, readInt, readString, unsupportedVersion } from './_fields.js';

/**
 * StatefulSet health, as Argo CD judges it: a missing or stale `observedGeneration` is
 * Progressing, then every desired pod must be ready (even with OnDelete). A RollingUpdate with a
 * `rollingUpdate` block is Healthy once the pods above the partition are updated, without
 * comparing revisions; OnDelete is Healthy; otherwise `updateRevision` must equal
 * `currentRevision`. Accepts `apps/v1` only.
 */
export function statefulSetHealth(obj: KubeObject): HealthResult {
  if (obj.apiVersion !== 'apps/v1') return unsupportedVersion(obj, ['apps/v1']);
  const observed = readInt(obj, 'status.observedGeneration') ?? 0;
  if (observed === 0 || (readInt(obj, 'metadata.generation') ?? 0) > observed) {
    return {
      status: 'Progressing',
      reason: HealthReason.LatestGenerationNotObserved,
      message: 'Waiting for statefulset spec update to be observed',
    };
  }
  const desired = readInt(obj, 'spec.replicas');
  const ready = readInt(obj, 'status.readyReplicas') ?? 0;
  if (desired !== undefined && ready < desired) {
    return {
      status: 'Progressing',
      reason: HealthReason.LessReady,
      message: `Waiting for ${desired - ready} pods to be ready`,
    };
  }
  const strategy = readString(obj, 'spec.updateStrategy.type');
  const updated = readInt(obj, 'status.updatedReplicas') ?? 0;
  if (strategy === 'RollingUpdate' && read(obj, 'spec.updateStrategy.rollingUpdate') !== undefined) {
    const partition = readInt(obj, 'spec.updateStrategy.rollingUpdate.partition');
    if (desired !== undefined && partition !== undefined && updated < desired - partition) {
      return {
        status: 'Progressing',
        reason: HealthReason.LessUpdated,
        message: `Waiting for partitioned roll out to finish: ${updated} out of ${desired - partition} new pods have been updated`,
      };
    }
    return {
      status: 'Healthy',
      message: `Partitioned roll out complete: ${updated} new pods have been updated`,
    };
  }
  if (strategy === 'OnDelete') {
    return { status: 'Healthy', message: `StatefulSet has ${ready} ready pods` };
  }
  const updateRevision = readString(obj, 'status.updateRevision') ?? '';
  const currentRevision = readString(obj, 'status.currentRevision') ?? '';
  if (updateRevision !== currentRevision) {
    return {
      status: 'Progressing',
      reason: HealthReason.RevisionPending,
      message: `Waiting for statefulset rolling update to complete: ${updated} pods at revision ${updateRevision}`,
    };
  }
  const current = readInt(obj, 'status.currentReplicas') ?? 0;
  return {
    status: 'Healthy',
    message: `StatefulSet rolling update complete: ${current} pods at revision ${currentRevision}`,
  };
}
