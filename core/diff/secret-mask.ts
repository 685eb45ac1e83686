/**
 * Masking of Secret values in anything a person or a history reads (gitops-engine
 * `HideSecretData`): values become runs of `+`; per key, equal values share a mask and each new
 * value gets a longer one, so a changed value stays visible and the real one never appears.
 */
import { type KubeObject } from '../../contract/kube-object.js';
import { groupOf } from '../../contract/object-ref.js';
import { KUBECTL_LAST_APPLIED } from './external-annotations.js';
import { maskSensitivePaths } from './sensitive-paths.js';

const FIRST_MASK = '++++++++';

function isSecret(obj: KubeObject | undefined): obj is KubeObject {
  return obj !== undefined && obj.kind === 'Secret' && groupOf(obj.apiVersion) === '';
}

function asStrings(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/**
 * A copy of a v1 Secret with `stringData` folded into `data` (base64, `stringData` wins, as the
 * API server does) and null data values read as `""`. Other objects are returned unchanged.
 */
export function foldStringData(obj: KubeObject): KubeObject {
  if (!isSecret(obj) || (obj.stringData === undefined && obj.data === undefined)) return obj;
  const data: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(asStrings(obj.data))) data[key] = value ?? '';
  for (const [key, value] of Object.entries(asStrings(obj.stringData))) {
    data[key] = Buffer.from(typeof value === 'string' ? value : String(value ?? ''), 'utf8').toString(
      'base64',
    );
  }
  const { stringData: _folded, ...rest } = obj;
  return { ...rest, data };
}

/**
 * Copies of `before` and `after` with every Secret value masked (`data` after folding
 * `stringData`, and the kubectl last-applied annotation, which repeats the data in clear).
 * Masks are assigned per key across both objects, before first. Non-Secrets pass through, except
 * the values a `mooring.dev/sensitive-paths` mark names (`maskSensitivePaths`).
 */
export function maskSecrets(
  before: KubeObject | undefined,
  after: KubeObject | undefined,
): [KubeObject | undefined, KubeObject | undefined] {
  // Non-Secrets the render decrypted with SOPS carry the pointers of their decrypted values.
  if (!isSecret(before) && !isSecret(after)) return maskSensitivePaths(before, after);
  const masks = new Map<string, Map<string, string>>();
  const maskOf = (key: string, value: unknown): string => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    let perKey = masks.get(key);
    if (!perKey) masks.set(key, (perKey = new Map()));
    let mask = perKey.get(text);
    if (mask === undefined) perKey.set(text, (mask = FIRST_MASK + '+'.repeat(perKey.size)));
    return mask;
  };
  const mask = (obj: KubeObject | undefined): KubeObject | undefined => {
    if (!isSecret(obj)) return obj;
    const folded = foldStringData(obj);
    const copy: KubeObject = { ...folded, metadata: { ...folded.metadata } };
    if (folded.data !== undefined) {
      copy.data = Object.fromEntries(
        Object.entries(asStrings(folded.data)).map(([k, v]) => [k, maskOf(`data/${k}`, v)]),
      );
    }
    const annotations = folded.metadata.annotations;
    if (annotations?.[KUBECTL_LAST_APPLIED] !== undefined) {
      copy.metadata.annotations = {
        ...annotations,
        [KUBECTL_LAST_APPLIED]: maskOf('last-applied', annotations[KUBECTL_LAST_APPLIED]),
      };
    }
    return copy;
  };
  const maskedBefore = mask(before);
  return [maskedBefore, mask(after)];
}
