/**
 * Normalization of one side of a diff, so that only what Git decides can show as a change:
 * - `status` and every `metadata` field except `labels` and `annotations` are removed (they
 *   change on every read or belong to the server);
 * - the `kubectl.kubernetes.io/last-applied-configuration` annotation is removed: it is kubectl's
 *   client-side bookkeeping, not desired state, and on a Secret it repeats the data in clear.
 *   Mooring's tracking annotation is kept: a live object that lacks it (or carries another
 *   app's) really changes when we apply, and that change decides what prune may touch;
 * - Secret `stringData` is folded into `data`, as the API server stores it;
 * - matching `ignoreDifferences` rules are applied (Argo CD semantics, below).
 */
import type { IgnoreDifference } from '../../config/types.js';
import { type KubeObject } from '../../contract/kube-object.js';
import { formatRef, refOf, groupOf } from '../../contract/object-ref.js';
import { KUBECTL_LAST_APPLIED } from './external-annotations.js';
import { removeManagedFields, type ManagedFieldsEntry } from './managed-fields.js';
import { parsePointer, removeAtPointer } from './json-pointer.js';
import { foldStringData } from './secret-mask.js';

export interface NormalizeOptions {
  /**
   * The managedFields used for `managedFieldsManagers` rules. Pass the live object's for both
   * sides of a diff so the same fields are dropped from each.
   * @default obj.metadata.managedFields
   */
  managedFields?: readonly ManagedFieldsEntry[];
}

export interface NormalizeResult {
  object: KubeObject;
  /** Rules that could not be honoured (for example jq expressions), in words. */
  warnings: string[];
}

/** Glob match where `*` is any run of characters (empty included) and `?` one character. */
function globMatch(pattern: string, text: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, 's').test(text);
}

/**
 * True when a rule applies to the object. As in Argo CD: group and kind are glob patterns (`*`,
 * `?`) and an absent group means the core group (use `"*"` for any group); name and namespace match exactly
 * when given.
 */
export function ruleMatches(rule: IgnoreDifference, obj: KubeObject): boolean {
  return (
    globMatch(rule.group ?? '', groupOf(obj.apiVersion)) &&
    globMatch(rule.kind, obj.kind) &&
    (!rule.name || rule.name === obj.metadata.name) &&
    (!rule.namespace || rule.namespace === (obj.metadata.namespace ?? ''))
  );
}

/** Drops empty maps and lists, recursively, in place (Argo does this after ignore rules). */
function dropEmpty(node: unknown): boolean {
  if (Array.isArray(node)) {
    for (let i = node.length - 1; i >= 0; i--)
      if (dropEmpty(node[i]) && typeof node[i] === 'object') node.splice(i, 1);
    return node.length === 0;
  }
  if (typeof node !== 'object' || node === null) return false;
  const record = node as Record<string, unknown>;
  for (const key of Object.keys(record)) if (dropEmpty(record[key])) delete record[key];
  return Object.keys(record).length === 0;
}

/** Copies of labels and annotations only, without empty maps and the last-applied annotation. */
function keptMetadata(obj: KubeObject): KubeObject['metadata'] {
  const { [KUBECTL_LAST_APPLIED]: _lastApplied, ...annotations } = obj.metadata.annotations ?? {};
  const labels = obj.metadata.labels ?? {};
  return {
    ...(Object.keys(labels).length > 0 ? { labels: { ...labels } } : {}),
    ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
  };
}

/**
 * A normalized copy of `obj` for diffing; the input is not modified. Matching rules apply, in
 * order: `managedFieldsManagers` (leaf fields those managers own), then `jsonPointers` (RFC 6901;
 * a path the object lacks is fine), then empty maps and lists are dropped. `jqPathExpressions`
 * are not supported: each produces a warning instead of being silently ignored.
 */
export function normalizeForDiff(
  obj: KubeObject,
  rules: readonly IgnoreDifference[],
  options: NormalizeOptions = {},
): NormalizeResult {
  const warnings: string[] = [];
  const matching = rules.filter((rule) => ruleMatches(rule, obj));
  const copy = structuredClone(foldStringData(obj)) as KubeObject;
  const managers = matching.flatMap((rule) => rule.managedFieldsManagers ?? []);
  if (managers.length > 0) {
    const entries =
      options.managedFields ?? (copy.metadata.managedFields as ManagedFieldsEntry[] | undefined) ?? [];
    removeManagedFields(copy, entries, managers);
  }
  delete copy.status;
  copy.metadata = keptMetadata(copy);
  const name = formatRef(refOf(obj));
  for (const rule of matching) {
    for (const pointer of rule.jsonPointers ?? []) {
      const tokens = parsePointer(pointer);
      if (tokens) removeAtPointer(copy, tokens);
      else
        warnings.push(
          `Cannot use ignoreDifferences JSON pointer "${pointer}" for ${name}: it must start with "/"`,
        );
    }
    for (const expression of rule.jqPathExpressions ?? []) {
      warnings.push(
        `Cannot apply ignoreDifferences jqPathExpressions "${expression}" for ${name}: jq is not supported, use jsonPointers`,
      );
    }
  }
  if (matching.length > 0) {
    dropEmpty(copy);
    copy.metadata ??= {};
  }
  return { object: copy, warnings };
}
