import type { HealthStatusCode } from '../../contract/kube-object.js';
import type { HealthResult } from './health-result.js';
import { worstHealth } from './health-order.js';

/**
 * App health from the health of its resources, as Argo CD's application controller computes it
 * (`controller/health.go`): start at Healthy and keep the worst by `HEALTH_ORDER`.
 *
 * - Pass `{ status: 'Missing' }` for a resource desired in Git but absent from the cluster. A
 *   Missing resource does not lower app health (OutOfSync already reports it), unless no
 *   resource exists at all: then the app is Missing.
 * - Pass `undefined` for a live resource whose health must not count (the
 *   `argocd.argoproj.io/ignore-healthcheck: "true"` annotation); it still counts as existing.
 * - Leave hooks out entirely. A resource with no health check is Healthy (`assessHealth`), so
 *   it cannot lower app health either.
 * - Suspended ranks just above Healthy: a paused Deployment in an otherwise healthy app makes the
 *   app Suspended, while any Progressing, Degraded or Unknown resource outranks it. Unknown
 *   (a failed assessment) outranks everything.
 *
 * No resources at all gives Healthy.
 */
export function aggregateHealth(results: Iterable<HealthResult | undefined>): HealthStatusCode {
  let health: HealthStatusCode = 'Healthy';
  let anyResource = false;
  let anyLive = false;
  for (const result of results) {
    anyResource = true;
    if (result?.status === 'Missing') continue;
    anyLive = true;
    if (result) health = worstHealth(health, result.status);
  }
  return anyResource && !anyLive ? worstHealth(health, 'Missing') : health;
}
