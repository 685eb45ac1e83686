import type { KubeObject } from '../../contract/kube-object.js';
import { HealthReason } from './health-reason.js';
import type { HealthResult } from './health-result.js';

interface LooseCondition {
  type?: unknown;
  status?: unknown;
  message?: unknown;
}

function looseConditions(obj: KubeObject): LooseCondition[] {
  const status = obj['status'];
  if (typeof status !== 'object' || status === null) return [];
  const conditions = (status as Record<string, unknown>)['conditions'];
  // Custom resources own their status shape: only a list of objects is read as conditions, any
  // other `conditions` field is deliberately not an error (kstatus would report it as Unknown).
  if (!Array.isArray(conditions)) return [];
  return conditions.filter((c): c is LooseCondition => typeof c === 'object' && c !== null);
}

function withMessage(result: HealthResult, message: unknown): HealthResult {
  return typeof message === 'string' && message !== '' ? { ...result, message } : result;
}

/**
 * The kstatus generic rules, for custom resources: `status.observedGeneration` different from
 * `metadata.generation` (only when both are set) is Progressing; then, in list order, the first
 * `Reconciling=True` is Progressing or `Stalled=True` is Degraded; then a `Ready` condition gives
 * Healthy when True and Progressing otherwise (never Degraded). Returns `undefined`, no opinion,
 * when none of these apply.
 */
export function genericHealth(obj: KubeObject): HealthResult | undefined {
  const generation = obj.metadata.generation;
  const status = obj['status'];
  const observed =
    typeof status === 'object' && status !== null
      ? (status as Record<string, unknown>)['observedGeneration']
      : undefined;
  if (typeof generation === 'number' && typeof observed === 'number' && generation !== observed) {
    return {
      status: 'Progressing',
      reason: HealthReason.LatestGenerationNotObserved,
      message: `Generation ${generation} is not observed yet (observed: ${observed})`,
    };
  }
  const conditions = looseConditions(obj);
  for (const condition of conditions) {
    if (condition.status !== 'True') continue;
    if (condition.type === 'Reconciling') {
      return withMessage({ status: 'Progressing', reason: HealthReason.Reconciling }, condition.message);
    }
    if (condition.type === 'Stalled') {
      return withMessage({ status: 'Degraded', reason: HealthReason.Stalled }, condition.message);
    }
  }
  const ready = conditions.find((condition) => condition.type === 'Ready');
  if (!ready) return undefined;
  if (ready.status === 'True') return withMessage({ status: 'Healthy' }, ready.message);
  return withMessage({ status: 'Progressing', reason: HealthReason.NotReady }, ready.message);
}
