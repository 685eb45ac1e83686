/** Checks that a decoded YAML/JSON value has the shape of a Kubernetes object. */
import { ManifestInvalid } from '../../contract/errors.js';
import type { KubeObject } from '../../contract/kube-object.js';

/** A short, safe rendering of an offending value for error messages. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(where: string, reason: string): never {
  throw new ManifestInvalid(`Invalid manifest ${where}: ${reason}`);
}

function requireString(where: string, field: string, value: unknown): string {
  if (value === undefined) fail(where, `${field} is missing`);
  if (typeof value !== 'string' || value === '') {
    fail(where, `${field} must be a non-empty string: current value is ${describeValue(value)}`);
  }
  return value;
}

function checkStringMap(where: string, field: string, value: unknown): void {
  if (value === undefined) return;
  if (!isRecord(value)) fail(where, `${field} must be a mapping: current value is ${describeValue(value)}`);
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') {
      fail(where, `${field}["${key}"] must be a string: current value is ${describeValue(item)}`);
    }
  }
}

/**
 * Returns `value` as a KubeObject or throws ManifestInvalid naming `where` (file and document),
 * the field and its current value. Requires apiVersion, kind and metadata.name (or
 * metadata.generateName, which hooks use); labels and annotations must map strings to strings.
 */
export function validateObject(value: unknown, where: string): KubeObject {
  if (!isRecord(value)) fail(where, `expected an object: current value is ${describeValue(value)}`);
  requireString(where, 'apiVersion', value.apiVersion);
  const kind = requireString(where, 'kind', value.kind);
  const at = `${where} (${kind})`;
  const metadata = value.metadata;
  if (metadata === undefined) fail(at, 'metadata is missing');
  if (!isRecord(metadata))
    fail(at, `metadata must be a mapping: current value is ${describeValue(metadata)}`);
  if (
    metadata.name === undefined &&
    typeof metadata.generateName === 'string' &&
    metadata.generateName !== ''
  ) {
    // generateName without name is valid for objects created once, such as hook Jobs.
  } else {
    requireString(at, 'metadata.name', metadata.name);
  }
  if (metadata.namespace !== undefined) requireString(at, 'metadata.namespace', metadata.namespace);
  // An empty `labels:` or `annotations:` decodes to null, which the API server accepts.
  if (metadata.labels === null) delete metadata.labels;
  if (metadata.annotations === null) delete metadata.annotations;
  checkStringMap(at, 'metadata.labels', metadata.labels);
  checkStringMap(at, 'metadata.annotations', metadata.annotations);
  return value as KubeObject;
}
