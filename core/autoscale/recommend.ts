/**
 * HPA-style replica recommendations (the algorithm of the Kubernetes HorizontalPodAutoscaler,
 * without per-pod metrics): a ratio of the measured value to the target, a tolerance band around
 * 1, and the bounds. Pure: it runs in workflow code.
 */
import type { AutoscalingPolicy } from '../../config/types.js';

export interface Recommendation {
  replicas: number;
  /** Why, in words, for the app's status and history. */
  reason: string;
}

/** Clamps `replicas` into the policy's [min, max]. */
export function boundReplicas(policy: Pick<AutoscalingPolicy, 'min' | 'max'>, replicas: number): number {
  return Math.min(policy.max, Math.max(policy.min, replicas));
}

/**
 * The replica count the measured `value` asks for, given `current` replicas.
 *
 * - `AverageValue`: the ratio is value / (targetValue × current); desired = ceil(value / targetValue).
 * - `Value`: the ratio is value / targetValue; desired = ceil(current × ratio).
 *
 * Inside the tolerance band the recommendation is `current` (bounded). From zero replicas a
 * `Value` metric cannot say how many are needed, so one replica is asked for when the value is
 * above target (scale from zero, as KEDA activates).
 */
export function recommendReplicas(
  policy: Pick<AutoscalingPolicy, 'min' | 'max' | 'targetValue' | 'targetType' | 'tolerance'>,
  current: number,
  value: number,
): Recommendation {
  const shown = formatNumber(value);
  const target = formatNumber(policy.targetValue);
  if (current === 0) {
    const wanted =
      value <= 0 ? 0 : policy.targetType === 'AverageValue' ? Math.ceil(value / policy.targetValue) : 1;
    return bounded(policy, wanted, `value ${shown} with 0 replicas (target ${target})`);
  }
  const ratio =
    policy.targetType === 'AverageValue'
      ? value / (policy.targetValue * current)
      : value / policy.targetValue;
  const per = policy.targetType === 'AverageValue' ? ' per replica' : '';
  if (Math.abs(ratio - 1) <= policy.tolerance)
    return bounded(
      policy,
      current,
      `value ${shown} is within ${formatNumber(policy.tolerance * 100)}% of target ${target}${per}`,
    );
  const wanted =
    policy.targetType === 'AverageValue' ? Math.ceil(value / policy.targetValue) : Math.ceil(current * ratio);
  return bounded(
    policy,
    wanted,
    `value ${shown} against target ${target}${per} (ratio ${formatNumber(ratio)})`,
  );
}

function bounded(
  policy: Pick<AutoscalingPolicy, 'min' | 'max'>,
  wanted: number,
  reason: string,
): Recommendation {
  const replicas = boundReplicas(policy, wanted);
  if (replicas === wanted) return { replicas, reason };
  return {
    replicas,
    reason: `${reason}: ${wanted} wanted, bounded to ${replicas} (min ${policy.min}, max ${policy.max})`,
  };
}

/** A number as an operator reads it: at most 3 decimals, no exponent for everyday values. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  return String(Math.round(value * 1000) / 1000);
}
