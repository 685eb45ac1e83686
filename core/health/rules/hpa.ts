import type { KubeObject } from '../../../contract/kube-object.js';
import { HealthReason } from '../health-reason.js';
import type { HealthResult } from '../health-result.js';
import {
  type Condition,
  describeObject,
  readConditions,
  toConditions,
  unsupportedVersion,
} from './_fields.js';

const VERSIONS = ['autoscaling/v1', 'autoscaling/v2beta1', 'autoscaling/v2beta2', 'autoscaling/v2'];

/** Where `autoscaling/v1` keeps the conditions the later versions have in `status.conditions`. */
export const HPA_V1_CONDITIONS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/conditions';

/** Type and reason pairs that mean the autoscaler cannot work, whatever the status. */
const DEGRADED: readonly (readonly [string, string])[] = [
  ['AbleToScale', 'FailedGetScale'],
  ['AbleToScale', 'FailedUpdateScale'],
  ['ScalingActive', 'FailedGetResourceMetric'],
  ['ScalingActive', 'InvalidSelector'],
];

const WAITING: HealthResult = {
  status: 'Progressing',
  reason: HealthReason.WaitingToAutoscale,
  message: 'Waiting to Autoscale',
};

function v1Conditions(obj: KubeObject): Condition[] | undefined {
  const annotation = obj.metadata.annotations?.[HPA_V1_CONDITIONS_ANNOTATION];
  if (annotation === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(annotation);
  } catch (err) {
    throw new TypeError(
      `Cannot read annotation ${HPA_V1_CONDITIONS_ANNOTATION} of ${describeObject(obj)} as JSON: ${(err as Error).message}`,
      { cause: err },
    );
  }
  if (!Array.isArray(parsed)) {
    throw new TypeError(
      `Cannot read annotation ${HPA_V1_CONDITIONS_ANNOTATION} of ${describeObject(obj)} as a list: current value is ${annotation}`,
    );
  }
  return toConditions(parsed);
}

/**
 * HorizontalPodAutoscaler health, as Argo CD judges it (`autoscaling/v1`, `v2beta1`, `v2beta2`,
 * `v2`). Conditions come from `status.conditions`, or for v1 from the
 * {@link HPA_V1_CONDITIONS_ANNOTATION} (absent or empty: Progressing; malformed JSON: the rule
 * throws, so the result is Unknown). In list order, the first condition that is a failing
 * type/reason pair (FailedGetScale, FailedUpdateScale, FailedGetResourceMetric, InvalidSelector)
 * gives Degraded, or that is `AbleToScale` / `ScalingLimited` True gives Healthy. Otherwise
 * Progressing ("Waiting to Autoscale").
 */
export function hpaHealth(obj: KubeObject): HealthResult {
  if (!VERSIONS.includes(obj.apiVersion)) return unsupportedVersion(obj, VERSIONS);
  const conditions = obj.apiVersion === 'autoscaling/v1' ? v1Conditions(obj) : readConditions(obj);
  for (const condition of conditions ?? []) {
    if (DEGRADED.some(([type, reason]) => condition.type === type && condition.reason === reason)) {
      return { status: 'Degraded', reason: HealthReason.AutoscalerFailing, message: condition.message };
    }
    if (
      (condition.type === 'AbleToScale' || condition.type === 'ScalingLimited') &&
      condition.status === 'True'
    ) {
      return { status: 'Healthy', message: condition.message };
    }
  }
  return WAITING;
}
