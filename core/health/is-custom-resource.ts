import { type KubeObject } from '../../contract/kube-object.js';
import { groupOf } from '../../contract/object-ref.js';

/** API groups served by Kubernetes itself; everything else is defined by a CRD or an aggregated API. */
const BUILTIN_GROUPS: ReadonlySet<string> = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'extensions',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'metrics.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
]);

/**
 * True when the object's API group is not one Kubernetes serves itself. Custom resources get the
 * kstatus generic rules; built-in kinds without a per-kind rule (ConfigMap, Secret, RBAC, PDB,
 * ...) get no opinion, as in Argo CD.
 */
export function isCustomResource(obj: Pick<KubeObject, 'apiVersion'>): boolean {
  return !BUILTIN_GROUPS.has(groupOf(obj.apiVersion));
}
