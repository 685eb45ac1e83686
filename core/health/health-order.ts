import type { HealthStatusCode } from '../../contract/kube-object.js';

/** Health codes from best to worst, as gitops-engine's `healthOrder`. */
export const HEALTH_ORDER = [
  'Healthy',
  'Suspended',
  'Progressing',
  'Missing',
  'Degraded',
  'Unknown',
] as const satisfies readonly HealthStatusCode[];

/** The worse of two health codes by {@link HEALTH_ORDER}; `a` when they are equal. */
export function worstHealth(a: HealthStatusCode, b: HealthStatusCode): HealthStatusCode {
  return HEALTH_ORDER.indexOf(b) > HEALTH_ORDER.indexOf(a) ? b : a;
}
