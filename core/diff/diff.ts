import { isDeepStrictEqual } from 'node:util';
import { createTwoFilesPatch } from 'diff';
import { stringify } from 'yaml';
import type { IgnoreDifference } from '../../config/types.js';
import { type KubeObject } from '../../contract/kube-object.js';
import { formatRef, refOf } from '../../contract/object-ref.js';
import { normalizeForDiff } from './diff-normalize.js';
import type { ManagedFieldsEntry } from './managed-fields.js';
import { maskSecrets } from './secret-mask.js';

/** What applying the desired object would do to the live one. */
export type DiffAction = 'create' | 'update' | 'delete' | 'unchanged';

export interface ObjectDiff {
  action: DiffAction;
  /** Unified diff of the normalized objects as YAML, Secret values masked; `""` when unchanged. */
  diff: string;
  /** Ignore rules that could not be honoured, for the operator. */
  warnings: string[];
}

/** YAML with sorted keys and no line folding, so equal objects give equal text. */
export function stableYaml(obj: KubeObject | undefined): string {
  return obj === undefined ? '' : stringify(obj, { sortMapEntries: true, lineWidth: 0 });
}

/**
 * True when the two normalized objects give the same `stableYaml`. Structurally equal objects do,
 * and that check is cheap; only objects that differ in structure (a key set to undefined on one
 * side) are compared as YAML. A drift check of an unchanged object, the common case, then makes no
 * YAML: rendering both sides was most of the CPU of a 1,000-app drift-scan.
 */
function sameObject(before: KubeObject, after: KubeObject): boolean {
  return isDeepStrictEqual(before, after) || stableYaml(before) === stableYaml(after);
}

/**
 * Compares the predicted live object (the server-side apply dry-run result; undefined when the
 * object leaves Git) with the live one (undefined when absent). Both sides are normalized with
 * normalizeForDiff, using the live managedFields for `managedFieldsManagers` rules; Secret values
 * are masked before the text diff is made, so they can never appear in it.
 * @throws {TypeError} when both objects are undefined
 */
export function diffObjects(
  desiredPredicted: KubeObject | undefined,
  live: KubeObject | undefined,
  rules: readonly IgnoreDifference[],
): ObjectDiff {
  const subject = desiredPredicted ?? live;
  if (subject === undefined)
    throw new TypeError('Cannot diff two absent objects: pass the desired or the live object');
  const managedFields = live?.metadata.managedFields as ManagedFieldsEntry[] | undefined;
  const warnings: string[] = [];
  const normalize = (obj: KubeObject | undefined): KubeObject | undefined => {
    if (obj === undefined) return undefined;
    const result = normalizeForDiff(obj, rules, managedFields ? { managedFields } : {});
    warnings.push(...result.warnings);
    return result.object;
  };
  const before = normalize(live);
  const after = normalize(desiredPredicted);
  const action: DiffAction =
    before === undefined
      ? 'create'
      : after === undefined
        ? 'delete'
        : sameObject(before, after)
          ? 'unchanged'
          : 'update';
  if (action === 'unchanged') return { action, diff: '', warnings: [...new Set(warnings)] };
  const [maskedBefore, maskedAfter] = maskSecrets(before, after);
  const name = formatRef(refOf(subject));
  const diff = createTwoFilesPatch(
    `${name} (live)`,
    `${name} (desired)`,
    stableYaml(maskedBefore),
    stableYaml(maskedAfter),
  );
  return { action, diff, warnings: [...new Set(warnings)] };
}
