/**
 * The order in which objects of one wave are applied, and (reversed) pruned.
 *
 * Based on Argo CD's kind order (Helm's install order, gitops-engine `sync_tasks.go`) with two
 * changes taken from DESIGN.md and Flux (`ssa/sort.go`):
 * - CustomResourceDefinitions and cluster RBAC move up right after Namespaces, so a CRD always
 *   precedes every custom resource and ServiceAccount of the same wave (Argo places CRDs after
 *   ConfigMaps; nothing of Argo's order depends on that).
 * - Webhook configurations go last, after custom resources, so a new webhook cannot reject the
 *   objects it is installed with (Flux's `Last` list).
 * Kinds not listed (custom resources) sort between the two lists. A listed kind counts only in
 * its built-in API group(s): a custom resource named `Service` or `Namespace` is a custom
 * resource, so it can never jump ahead of its own CRD.
 */
import { type KubeObject } from '../../contract/kube-object.js';
import { groupOf } from '../../contract/object-ref.js';

/** Kind names in apply order: `first` before any unlisted kind, `last` after. */
export const APPLY_ORDER = {
  first: [
    'Namespace',
    'CustomResourceDefinition',
    'ClusterRole',
    'ClusterRoleList',
    'ClusterRoleBinding',
    'ClusterRoleBindingList',
    'NetworkPolicy',
    'ResourceQuota',
    'LimitRange',
    'PodSecurityPolicy',
    'PodDisruptionBudget',
    'ServiceAccount',
    'Secret',
    'SecretList',
    'ConfigMap',
    'StorageClass',
    'PersistentVolume',
    'PersistentVolumeClaim',
    'Role',
    'RoleList',
    'RoleBinding',
    'RoleBindingList',
    'Service',
    'DaemonSet',
    'Pod',
    'ReplicationController',
    'ReplicaSet',
    'Deployment',
    'HorizontalPodAutoscaler',
    'StatefulSet',
    'Job',
    'CronJob',
    'IngressClass',
    'Ingress',
    'APIService',
  ],
  last: ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
} as const satisfies { first: readonly string[]; last: readonly string[] };

const RBAC = 'rbac.authorization.k8s.io';
/** API groups in which a listed kind is the built-in one. */
const BUILTIN_GROUPS: Readonly<Record<string, readonly string[]>> = {
  CustomResourceDefinition: ['apiextensions.k8s.io'],
  ClusterRole: [RBAC],
  ClusterRoleList: [RBAC],
  ClusterRoleBinding: [RBAC],
  ClusterRoleBindingList: [RBAC],
  Role: [RBAC],
  RoleList: [RBAC],
  RoleBinding: [RBAC],
  RoleBindingList: [RBAC],
  NetworkPolicy: ['networking.k8s.io', 'extensions'],
  PodSecurityPolicy: ['policy', 'extensions'],
  PodDisruptionBudget: ['policy'],
  StorageClass: ['storage.k8s.io'],
  DaemonSet: ['apps', 'extensions'],
  ReplicaSet: ['apps', 'extensions'],
  Deployment: ['apps', 'extensions'],
  StatefulSet: ['apps'],
  HorizontalPodAutoscaler: ['autoscaling'],
  Job: ['batch'],
  CronJob: ['batch'],
  IngressClass: ['networking.k8s.io'],
  Ingress: ['networking.k8s.io', 'extensions'],
  APIService: ['apiregistration.k8s.io'],
  MutatingWebhookConfiguration: ['admissionregistration.k8s.io'],
  ValidatingWebhookConfiguration: ['admissionregistration.k8s.io'],
};

const FIRST_RANK = new Map<string, number>(APPLY_ORDER.first.map((kind, i) => [kind, i]));
const LAST_RANK = new Map<string, number>(APPLY_ORDER.last.map((kind, i) => [kind, i]));
const UNLISTED_RANK = APPLY_ORDER.first.length;

/**
 * Position of a (group, kind) in the apply order: listed kinds by their index, every custom
 * resource shares one rank after `first`, and `last` kinds come after that.
 * Kinds not in BUILTIN_GROUPS are core-group (`""`) kinds.
 */
export function applyRank(group: string, kind: string): number {
  const builtin = (BUILTIN_GROUPS[kind] ?? ['']).includes(group);
  if (!builtin) return UNLISTED_RANK;
  const first = FIRST_RANK.get(kind);
  if (first !== undefined) return first;
  const last = LAST_RANK.get(kind);
  return last === undefined ? UNLISTED_RANK : UNLISTED_RANK + 1 + last;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Sort comparator for applying objects: kind rank (see APPLY_ORDER), then kind name (so objects
 * of one kind stay together), group, namespace and name. Reverse it to prune.
 */
export function compareForApply(a: KubeObject, b: KubeObject): number {
  const ga = groupOf(a.apiVersion);
  const gb = groupOf(b.apiVersion);
  return (
    applyRank(ga, a.kind) - applyRank(gb, b.kind) ||
    compareText(a.kind, b.kind) ||
    compareText(ga, gb) ||
    compareText(a.metadata.namespace ?? '', b.metadata.namespace ?? '') ||
    compareText(
      a.metadata.name ?? a.metadata.generateName ?? '',
      b.metadata.name ?? b.metadata.generateName ?? '',
    )
  );
}
