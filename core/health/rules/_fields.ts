/**
 * Internal helpers shared by the rules: typed reads of plain-JSON objects. A present field of
 * the wrong type throws a TypeError (assessHealth turns it into Unknown, as Argo CD does when an
 * object cannot be converted to its typed form); an absent field reads as undefined.
 */
import { type KubeObject } from '../../../contract/kube-object.js';
import { formatRef, refOf } from '../../../contract/object-ref.js';
import { HealthReason } from '../health-reason.js';
import type { HealthResult } from '../health-result.js';

/** A status condition, with absent string fields read as "". */
export interface Condition {
  type: string;
  status: string;
  reason: string;
  message: string;
}

/** `Kind/namespace/name` of the object, for messages. */
export function describeObject(obj: KubeObject): string {
  return formatRef(refOf(obj));
}

/** Reads a dotted path; undefined when any step is absent. */
export function read(obj: KubeObject, path: string): unknown {
  let current: unknown = obj;
  let walked = '';
  for (const part of path.split('.')) {
    if (current === undefined || current === null) return undefined;
    if (typeof current !== 'object' || Array.isArray(current)) {
      throw new TypeError(
        `Cannot read ${path} of ${describeObject(obj)}: ${walked} is ${JSON.stringify(current)}, not an object`,
      );
    }
    current = (current as Record<string, unknown>)[part];
    walked = walked ? `${walked}.${part}` : part;
  }
  return current ?? undefined;
}

function mistyped(obj: KubeObject, path: string, expected: string, value: unknown): TypeError {
  return new TypeError(
    `Cannot read ${path} of ${describeObject(obj)} as ${expected}: current value is ${JSON.stringify(value)}`,
  );
}

/** An integer field, or undefined when absent. */
export function readInt(obj: KubeObject, path: string): number | undefined {
  const value = read(obj, path);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw mistyped(obj, path, 'an integer', value);
  return value;
}

/** A string field, or undefined when absent. */
export function readString(obj: KubeObject, path: string): string | undefined {
  const value = read(obj, path);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw mistyped(obj, path, 'a string', value);
  return value;
}

/** A boolean field, false when absent. */
export function readBool(obj: KubeObject, path: string): boolean {
  const value = read(obj, path);
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw mistyped(obj, path, 'a boolean', value);
  return value;
}

/** A list field, empty when absent. */
export function readList(obj: KubeObject, path: string): unknown[] {
  const value = read(obj, path);
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw mistyped(obj, path, 'a list', value);
  return value;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Normalises a list of raw conditions (from `status.conditions` or an annotation). */
export function toConditions(raw: readonly unknown[]): Condition[] {
  return raw
    .filter((item): item is Record<string, unknown> => typeof item === 'object' && item !== null)
    .map((item) => ({
      type: text(item['type']),
      status: text(item['status']),
      reason: text(item['reason']),
      message: text(item['message']),
    }));
}

/** `status.conditions` of the object, in list order. */
export function readConditions(obj: KubeObject): Condition[] {
  return toConditions(readList(obj, 'status.conditions'));
}

/** The first condition of the given type. */
export function findCondition(conditions: readonly Condition[], type: string): Condition | undefined {
  return conditions.find((condition) => condition.type === type);
}

/** The Unknown result for an apiVersion a rule does not handle. */
export function unsupportedVersion(obj: KubeObject, supported: readonly string[]): HealthResult {
  return {
    status: 'Unknown',
    reason: HealthReason.UnsupportedVersion,
    message: `Cannot assess ${describeObject(obj)}: apiVersion "${obj.apiVersion}" is not supported, expected one of ${supported.map((v) => `"${v}"`).join(', ')}`,
  };
}

/** Compares `metadata.generation` with `status.observedGeneration`, both 0 when absent. */
export function generationObserved(obj: KubeObject): boolean {
  return (readInt(obj, 'metadata.generation') ?? 0) <= (readInt(obj, 'status.observedGeneration') ?? 0);
}
