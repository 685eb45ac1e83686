/**
 * Stabilization windows, as the HPA's `behavior.scaleUp/scaleDown.stabilizationWindowSeconds`:
 * a scale up goes to the lowest recommendation of the up window, a scale down to the highest of the
 * down window, so a flapping metric does not flap the replicas.
 *
 * The app keeps only the recommendations that differ from its replicas: the autoscale schedule does
 * not signal an app whose recommendation equals its replicas while none is pending. Every instant
 * before `since` (the oldest kept recommendation) therefore recommended the current count, and a
 * window reaching back before it includes the current count. Pure: it runs in workflow code.
 */
import type { AutoscalingPolicy } from '../../config/types.js';

export interface TimedRecommendation {
  /** Workflow time in ms. */
  at: number;
  replicas: number;
}

export interface StabilizedDecision {
  replicas: number;
  /** Set when the latest recommendation differs from `replicas`: what the change waits for. */
  waiting?: string;
}

/** How long the app must remember recommendations: the longer of the two windows. */
export function memoryMs(behavior: AutoscalingPolicy['behavior']): number {
  return (
    1000 *
    Math.max(behavior.scaleUp.stabilizationWindowSeconds, behavior.scaleDown.stabilizationWindowSeconds)
  );
}

/**
 * The replica count to run now. `recommendations` are time-ordered, the last one is the newest,
 * and none is older than `memoryMs` before `now` (see `rememberRecommendation`).
 */
export function stabilize(
  current: number,
  recommendations: readonly TimedRecommendation[],
  now: number,
  behavior: AutoscalingPolicy['behavior'],
): StabilizedDecision {
  const latest = recommendations.at(-1);
  if (!latest) return { replicas: current };
  const upMs = behavior.scaleUp.stabilizationWindowSeconds * 1000;
  const downMs = behavior.scaleDown.stabilizationWindowSeconds * 1000;
  const up = Math.min(...windowValues(current, recommendations, now, upMs));
  const down = Math.max(...windowValues(current, recommendations, now, downMs));
  if (up > current) return { replicas: up };
  if (down < current) return { replicas: down };
  if (latest.replicas === current) return { replicas: current };
  const [direction, windowSeconds] =
    latest.replicas > current
      ? ['up', behavior.scaleUp.stabilizationWindowSeconds]
      : ['down', behavior.scaleDown.stabilizationWindowSeconds];
  return {
    replicas: current,
    waiting: `scale ${direction} to ${latest.replicas} held by the ${windowSeconds}s ${direction} stabilization window`,
  };
}

/**
 * The values a window of `windowMs` ending at `now` saw. A recommendation holds until the next one,
 * so the last one at or before the window's start counts; before the oldest kept one, the current
 * count did.
 */
function windowValues(
  current: number,
  recommendations: readonly TimedRecommendation[],
  now: number,
  windowMs: number,
): number[] {
  const from = now - windowMs;
  const atStart = recommendations.filter((r) => r.at <= from).at(-1);
  const inside = recommendations.filter((r) => r.at > from).map((r) => r.replicas);
  inside.push(atStart ? atStart.replicas : current);
  return inside;
}

/**
 * The recommendations to keep after `latest` arrives: those the longest window no longer sees are
 * dropped, and once every kept one equals the replicas that run, none is needed any more.
 */
export function rememberRecommendation(
  kept: readonly TimedRecommendation[],
  latest: TimedRecommendation,
  current: number,
  behavior: AutoscalingPolicy['behavior'],
): TimedRecommendation[] {
  const from = latest.at - memoryMs(behavior);
  // The last one before the longest window's start still holds at its start: it stays.
  const start = kept.filter((r) => r.at <= from).at(-1);
  const next = [...(start ? [start] : []), ...kept.filter((r) => r.at > from), latest];
  return next.every((r) => r.replicas === current) ? [] : next;
}
