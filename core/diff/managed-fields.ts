/**
 * Field ownership from `metadata.managedFields` (FieldsV1), used to ignore the fields other
 * managers own (Argo CD's `managedFieldsManagers`). Only leaves are removed: a set node that has
 * children other than `.` is descended into, never dropped whole, so fields another manager
 * shares a map or list item with stay visible.
 */
import { isDeepStrictEqual } from 'node:util';

/** One entry of `metadata.managedFields`. */
export interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  apiVersion?: string;
  fieldsType?: string;
  fieldsV1?: Record<string, unknown>;
  subresource?: string;
}

type FieldSet = Record<string, unknown>;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A leaf: `{}` or `{".": {}}`; the whole field or item is owned. */
function isLeaf(set: FieldSet): boolean {
  return Object.keys(set).every((key) => key === '.');
}

/** Does list item `item` match the FieldsV1 element key (`k:{json}`, `v:json`, `i:n`)? */
function matcher(key: string): ((item: unknown, index: number) => boolean) | undefined {
  const body = key.slice(2);
  try {
    if (key.startsWith('k:')) {
      const fields = JSON.parse(body) as unknown;
      if (!isRecord(fields)) return undefined;
      return (item) =>
        isRecord(item) && Object.entries(fields).every(([k, v]) => isDeepStrictEqual(item[k], v));
    }
    if (key.startsWith('v:')) {
      const value = JSON.parse(body) as unknown;
      return (item) => isDeepStrictEqual(item, value);
    }
  } catch {
    return undefined; // a malformed key owns nothing we can find; leave the object as it is
  }
  if (key.startsWith('i:')) return (_item, index) => String(index) === body;
  return undefined;
}

/** Removes from `node`, in place, the leaf fields that `set` names. */
function removeSet(node: unknown, set: FieldSet): void {
  if (Array.isArray(node)) {
    const drop = new Set<number>();
    for (const [key, child] of Object.entries(set)) {
      const matches = matcher(key);
      if (!matches || !isRecord(child)) continue;
      node.forEach((item, index) => {
        if (!matches(item, index)) return;
        if (isLeaf(child)) drop.add(index);
        else removeSet(item, child);
      });
    }
    for (const index of [...drop].sort((a, b) => b - a)) node.splice(index, 1);
    return;
  }
  if (!isRecord(node)) return;
  for (const [key, child] of Object.entries(set)) {
    if (!key.startsWith('f:') || !isRecord(child)) continue;
    const field = key.slice(2);
    if (!Object.hasOwn(node, field)) continue;
    if (isLeaf(child)) delete node[field];
    else removeSet(node[field], child);
  }
}

/**
 * Removes, in place, every leaf field of `obj` owned by one of `managers` according to
 * `entries` (normally the live object's managedFields, applied to both sides of a diff).
 */
export function removeManagedFields(
  obj: unknown,
  entries: readonly ManagedFieldsEntry[],
  managers: readonly string[],
): void {
  for (const entry of entries) {
    if (entry.manager !== undefined && managers.includes(entry.manager) && isRecord(entry.fieldsV1)) {
      removeSet(obj, entry.fieldsV1);
    }
  }
}
