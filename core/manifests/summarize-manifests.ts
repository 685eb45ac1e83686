/** The small, secret-free summary of a rendered set that travels through Temporal. */
import type { KubeObject } from '../../contract/kube-object.js';
import { ARGO_HOOK, MOORING_HOOK } from './annotations.js';
import type { RenderSummary } from './types.js';

/** Whether `object` runs as a sync hook (a Mooring or Argo CD hook annotation other than `Skip`). */
export function isHook(object: KubeObject): boolean {
  const annotations = object.metadata.annotations ?? {};
  const value = annotations[MOORING_HOOK] ?? annotations[ARGO_HOOK];
  if (value === undefined) return false;
  return value.split(',').some((phase) => phase.trim() !== '' && phase.trim() !== 'Skip');
}

/** Counts objects, kinds and hooks of a rendered set stored under `manifestKey`. */
export function summarizeManifests(objects: readonly KubeObject[], manifestKey: string): RenderSummary {
  const kinds: Record<string, number> = {};
  for (const object of objects) kinds[object.kind] = (kinds[object.kind] ?? 0) + 1;
  return { manifestKey, objectCount: objects.length, kinds, hookCount: objects.filter(isHook).length };
}
