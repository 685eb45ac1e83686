/** Small builders for the cluster core tests. */
import type { KubeObject, ObjectMeta } from '../../../contract/kube-object.js';

/** An object of `apiVersion`/`kind` named `name`, with extra metadata and top-level fields. */
export function kube(
  apiVersion: string,
  kind: string,
  name: string,
  meta: Partial<ObjectMeta> = {},
  rest: Record<string, unknown> = {},
): KubeObject {
  return { apiVersion, kind, metadata: { name, ...meta }, ...rest };
}

/** A CustomResourceDefinition for `kind` in `group`. */
export function crd(
  group: string,
  kind: string,
  scope: 'Namespaced' | 'Cluster' = 'Namespaced',
  meta: Partial<ObjectMeta> = {},
): KubeObject {
  const plural = `${kind.toLowerCase()}s`;
  return kube('apiextensions.k8s.io/v1', 'CustomResourceDefinition', `${plural}.${group}`, meta, {
    spec: { group, scope, names: { kind, plural }, versions: [{ name: 'v1', served: true, storage: true }] },
  });
}

/** `Kind/name` of each object, for readable assertions. */
export function names(objects: readonly KubeObject[]): string[] {
  return objects.map((o) => `${o.kind}/${o.metadata.name ?? o.metadata.generateName ?? ''}`);
}
