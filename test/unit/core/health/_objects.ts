/** Small inline objects for health tests. */
import type { KubeObject, ObjectMeta } from '../../../../contract/kube-object.js';

/** An object of the given apiVersion and kind named "test" in namespace "ns", plus `fields`. */
export function kube(
  apiVersion: string,
  kind: string,
  fields: { metadata?: ObjectMeta; [field: string]: unknown } = {},
): KubeObject {
  const { metadata, ...rest } = fields;
  return { apiVersion, kind, metadata: { name: 'test', namespace: 'ns', ...metadata }, ...rest };
}

/** A status condition. */
export function condition(type: string, status: string, reason = '', message = ''): Record<string, string> {
  return { type, status, reason, message };
}
