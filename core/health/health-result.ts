import type { HealthStatusCode, KubeObject } from '../../contract/kube-object.js';

/**
 * The health of one object: an Argo CD status code, a sentence for people and a stable reason
 * for programs (one of {@link HealthReason}; the UI and tests match on reasons, never on prose).
 */
export interface HealthResult {
  status: HealthStatusCode;
  message?: string;
  reason?: string;
}

/**
 * A per-kind health rule. Returning `undefined` means "no opinion", never "Healthy": the next
 * layer of {@link assessHealth} decides. A rule may throw a TypeError on a malformed object;
 * `assessHealth` turns that into `Unknown`.
 */
export type HealthRule = (obj: KubeObject) => HealthResult | undefined;
