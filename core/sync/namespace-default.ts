import { type KubeObject } from '../../contract/kube-object.js';
import { groupOf } from '../../contract/object-ref.js';
import { isClusterScopedBuiltin } from './cluster-scoped.js';

/** Answers whether (group, kind) is namespaced; `undefined` when it does not know. */
export type IsNamespaced = (group: string, kind: string) => boolean | undefined;

const CRD_GROUP = 'apiextensions.k8s.io';

/** True for an `apiextensions.k8s.io` CustomResourceDefinition. */
export function isCrd(obj: KubeObject): boolean {
  return obj.kind === 'CustomResourceDefinition' && groupOf(obj.apiVersion) === CRD_GROUP;
}

/** The `group/Kind` a CRD defines, or undefined when its spec does not say. */
export function crdDefinedKind(crd: KubeObject): { group: string; kind: string; scope?: string } | undefined {
  const spec = crd.spec as { group?: unknown; scope?: unknown; names?: { kind?: unknown } } | undefined;
  const group = spec?.group;
  const kind = spec?.names?.kind;
  if (typeof group !== 'string' || typeof kind !== 'string') return undefined;
  return { group, kind, ...(typeof spec?.scope === 'string' ? { scope: spec.scope } : {}) };
}

/**
 * Builds the scope test used for namespace defaulting, in this order: the caller's answer (API
 * discovery), the `spec.scope` of a CRD among `objects`, the built-in cluster-scoped list, and
 * finally "namespaced".
 */
export function scopeResolver(
  objects: readonly KubeObject[],
  isNamespaced?: IsNamespaced,
): (group: string, kind: string) => boolean {
  const crdScopes = new Map<string, boolean>();
  for (const obj of objects) {
    const defined = isCrd(obj) ? crdDefinedKind(obj) : undefined;
    if (defined?.scope !== undefined)
      crdScopes.set(`${defined.group}/${defined.kind}`, defined.scope !== 'Cluster');
  }
  return (group, kind) =>
    isNamespaced?.(group, kind) ?? crdScopes.get(`${group}/${kind}`) ?? !isClusterScopedBuiltin(group, kind);
}

/**
 * A copy of `obj` with its namespace settled: namespaced objects without one get `namespace`
 * (when given), cluster-scoped objects lose any namespace they carry (it would otherwise make
 * their identity differ from the live object's). Returns `obj` itself when nothing changes.
 */
export function withDefaultNamespace(
  obj: KubeObject,
  namespace: string | undefined,
  namespaced: (group: string, kind: string) => boolean,
): KubeObject {
  const current = obj.metadata.namespace;
  if (!namespaced(groupOf(obj.apiVersion), obj.kind)) {
    if (current === undefined) return obj;
    const { namespace: _dropped, ...metadata } = obj.metadata;
    return { ...obj, metadata };
  }
  if ((current !== undefined && current !== '') || namespace === undefined) return obj;
  return { ...obj, metadata: { ...obj.metadata, namespace } };
}
