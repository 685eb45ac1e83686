/**
 * The identity of an object in a cluster, and the only place its names are built: `refKey` for
 * map keys, `formatRef` for every message a person reads (`Kind/namespace/name`, no namespace
 * when cluster-scoped).
 */
import type { KubeObject } from './kube-object.js';

/** Identity of an object inside a cluster. `group` is "" for the core API group. */
export interface ObjectRef {
  group: string;
  kind: string;
  namespace: string;
  name: string;
}

/** The API group of an `apiVersion`: "" for `v1`, `apps` for `apps/v1`. */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** The reference of an object as decoded from YAML or read from the API server. */
export function refOf(obj: KubeObject): ObjectRef {
  return {
    group: groupOf(obj.apiVersion),
    kind: obj.kind,
    namespace: obj.metadata.namespace ?? '',
    name: obj.metadata.name ?? '',
  };
}

/** `group/kind/namespace/name`, stable and unique per object; used as a map key. */
export function refKey(ref: ObjectRef): string {
  return `${ref.group}/${ref.kind}/${ref.namespace}/${ref.name}`;
}

/** `Kind/name` or `Kind/namespace/name`, for messages a person reads. */
export function formatRef(ref: Pick<ObjectRef, 'kind' | 'namespace' | 'name'>): string {
  return ref.namespace ? `${ref.kind}/${ref.namespace}/${ref.name}` : `${ref.kind}/${ref.name}`;
}
