import { type KubeObject } from '../../contract/kube-object.js';
import { groupOf } from '../../contract/object-ref.js';
import type { HealthRule } from './health-result.js';
import { apiServiceHealth } from './rules/apiservice.js';
import { argoWorkflowHealth } from './rules/argo-workflow.js';
import { crdHealth } from './rules/crd.js';
import { cronJobHealth } from './rules/cronjob.js';
import { daemonSetHealth } from './rules/daemonset.js';
import { deploymentHealth } from './rules/deployment.js';
import { hpaHealth } from './rules/hpa.js';
import { ingressHealth } from './rules/ingress.js';
import { jobHealth } from './rules/job.js';
import { podHealth } from './rules/pod.js';
import { pvcHealth } from './rules/pvc.js';
import { replicaSetHealth } from './rules/replicaset.js';
import { serviceHealth } from './rules/service.js';
import { statefulSetHealth } from './rules/statefulset.js';

/** `group/Kind`, or a bare `Kind` for the core group: the key of {@link healthRules}. */
export type GroupKindKey = string;

/** The key of an object in {@link healthRules}; API versions are left to the rules. */
export function groupKindKey(obj: Pick<KubeObject, 'apiVersion' | 'kind'>): GroupKindKey {
  const group = groupOf(obj.apiVersion);
  return group ? `${group}/${obj.kind}` : obj.kind;
}

/**
 * The per-kind rules, by group and kind, as gitops-engine's `GetHealthCheckFunc` selects them
 * (plus Argo CD's bundled CronJob check). Kinds not listed here have no per-kind opinion.
 */
export const healthRules: Readonly<Record<GroupKindKey, HealthRule>> = Object.freeze({
  'apps/Deployment': deploymentHealth,
  'apps/StatefulSet': statefulSetHealth,
  'apps/DaemonSet': daemonSetHealth,
  'apps/ReplicaSet': replicaSetHealth,
  Pod: podHealth,
  Service: serviceHealth,
  PersistentVolumeClaim: pvcHealth,
  'networking.k8s.io/Ingress': ingressHealth,
  'extensions/Ingress': ingressHealth,
  'batch/Job': jobHealth,
  'batch/CronJob': cronJobHealth,
  'autoscaling/HorizontalPodAutoscaler': hpaHealth,
  'apiregistration.k8s.io/APIService': apiServiceHealth,
  'apiextensions.k8s.io/CustomResourceDefinition': crdHealth,
  'argoproj.io/Workflow': argoWorkflowHealth,
});
