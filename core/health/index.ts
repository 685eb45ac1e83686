/** Health assessment: see `assess-health.ts` for what it decides and in which order. */
export { aggregateHealth } from './aggregate-health.js';
export { assessHealth, HOOK_FINALIZER } from './assess-health.js';
export { genericHealth } from './generic-health.js';
export { HealthReason, type HealthReasonCode } from './health-reason.js';
export type { HealthResult, HealthRule } from './health-result.js';
export { HEALTH_ORDER, worstHealth } from './health-order.js';
export { groupKindKey, healthRules, type GroupKindKey } from './health-rules.js';
export { isCustomResource } from './is-custom-resource.js';
export { rolloutFailure } from './rollout-failure.js';
export { isSettledHealth } from './settled-health.js';
