/** The small, secret-free summary of a rendered set that travels through Temporal. */
import type { KubeObject } from '../../contract/kube-object.js';
import { isHook } from '../sync/hooks.js';
import type { RenderManifestsResult } from '../../contract/activities.js';

/**
 * Counts objects, kinds and hooks of a rendered set stored under `manifestKey`.
 * @throws {ManifestInvalid} when a hook annotation names an unknown phase
 */
export function summarizeManifests(
  objects: readonly KubeObject[],
  manifestKey: string,
): RenderManifestsResult {
  const kinds: Record<string, number> = {};
  for (const object of objects) kinds[object.kind] = (kinds[object.kind] ?? 0) + 1;
  return { manifestKey, objectCount: objects.length, kinds, hookCount: objects.filter(isHook).length };
}
