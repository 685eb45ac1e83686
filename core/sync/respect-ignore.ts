/**
 * `RespectIgnoreDifferences=true`: on apply, the fields an `ignoreDifferences` rule matches keep
 * their live values, as in Argo CD: the desired object carries the live value (or lacks the field
 * when the live object lacks it), so neither apply nor a later diff changes them.
 */
import type { IgnoreDifference } from '../../config/types.js';
import { type KubeObject } from '../../contract/kube-object.js';
import { formatRef, refOf } from '../../contract/object-ref.js';
import { ruleMatches } from '../diff/diff-normalize.js';
import { parsePointer, removeAtPointer } from '../diff/json-pointer.js';

export interface RespectIgnoredResult {
  /** A copy of the desired object with the ignored fields taken from the live object. */
  object: KubeObject;
  /** Rules that could not be honoured (jq expressions, managed-fields managers), in words. */
  warnings: string[];
}

function isContainer(value: unknown): value is Record<string, unknown> | unknown[] {
  return typeof value === 'object' && value !== null;
}

function child(node: unknown, token: string): unknown {
  if (Array.isArray(node)) return /^(0|[1-9]\d*)$/.test(token) ? node[Number(token)] : undefined;
  return isContainer(node) && Object.hasOwn(node, token)
    ? (node as Record<string, unknown>)[token]
    : undefined;
}

function valueAt(doc: unknown, tokens: readonly string[]): unknown {
  return tokens.reduce<unknown>((node, token) => child(node, token), doc);
}

/** Sets the member a pointer names, creating maps on the way; false when an array index is missing. */
function setAt(doc: unknown, tokens: readonly string[], value: unknown): boolean {
  let node = doc;
  for (const [i, token] of tokens.entries()) {
    const last = i === tokens.length - 1;
    if (Array.isArray(node)) {
      if (!/^(0|[1-9]\d*)$/.test(token) || Number(token) >= node.length) return false;
      if (last) node[Number(token)] = value;
      else node = node[Number(token)];
    } else if (isContainer(node)) {
      const record = node as Record<string, unknown>;
      if (last) record[token] = value;
      else {
        if (!isContainer(record[token])) record[token] = {};
        node = record[token];
      }
    } else return false;
  }
  return true;
}

/**
 * The desired object to apply when the live object exists: for every `jsonPointers` entry of a
 * matching rule, the live value replaces the desired one (or the field is dropped when the live
 * object lacks it). `jqPathExpressions` and `managedFieldsManagers` are not honoured here; each
 * gives a warning. The inputs are not modified.
 */
export function respectIgnoredFields(
  desired: KubeObject,
  live: KubeObject,
  rules: readonly IgnoreDifference[],
): RespectIgnoredResult {
  const object = structuredClone(desired);
  const warnings: string[] = [];
  const name = formatRef(refOf(desired));
  for (const rule of rules.filter((r) => ruleMatches(r, desired))) {
    for (const pointer of rule.jsonPointers ?? []) {
      const tokens = parsePointer(pointer);
      if (!tokens) continue; // the diff already warns about a pointer without a leading "/"
      const liveValue = valueAt(live, tokens);
      if (liveValue === undefined) removeAtPointer(object, tokens);
      else setAt(object, tokens, structuredClone(liveValue));
    }
    for (const expression of rule.jqPathExpressions ?? [])
      warnings.push(
        `Cannot keep the live value of ${name} at jqPathExpressions "${expression}" (RespectIgnoreDifferences): jq is not supported, use jsonPointers`,
      );
    if ((rule.managedFieldsManagers ?? []).length > 0)
      warnings.push(
        `Cannot keep the fields of managers ${rule.managedFieldsManagers?.join(', ')} on ${name} (RespectIgnoreDifferences): only jsonPointers are honoured`,
      );
  }
  return { object, warnings };
}
