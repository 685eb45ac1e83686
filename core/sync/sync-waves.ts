import { ManifestInvalid } from '../../contract/errors.js';
import { ARGO_SYNC_WAVE, MOORING_SYNC_WAVE } from '../manifests/annotations.js';
import { type KubeObject } from '../../contract/kube-object.js';
import { formatRef, refOf } from '../../contract/object-ref.js';

const INTEGER = /^[+-]?\d+$/;

/**
 * The sync wave of an object: `mooring.dev/sync-wave`, else `argocd.argoproj.io/sync-wave`, else
 * 0. Waves may be negative. (Helm's hook weight is mapped onto the Mooring annotation at render
 * time, `../render/helm-hooks.ts`.)
 * @throws {ManifestInvalid} when the annotation in use is not an integer
 */
export function syncWave(obj: KubeObject): number {
  const annotations = obj.metadata.annotations ?? {};
  for (const key of [MOORING_SYNC_WAVE, ARGO_SYNC_WAVE]) {
    const text = annotations[key];
    if (text === undefined) continue;
    const trimmed = text.trim();
    const wave = INTEGER.test(trimmed) ? Number(trimmed) : Number.NaN;
    if (!Number.isSafeInteger(wave)) {
      throw new ManifestInvalid(
        `Cannot read the sync wave of ${formatRef(refOf(obj))} as an integer: annotation "${key}" is ${JSON.stringify(text)}`,
      );
    }
    return wave;
  }
  return 0;
}
