/**
 * Which pods of a workload belong to its current revision, pure. A health wait looks for crash
 * loops among those only: while a Deployment rolls back, the pods of the revision it leaves still
 * crash-loop until the old ReplicaSet is scaled down, and they say nothing about the rollback.
 */
import type { KubeObject } from '../../contract/kube-object.js';
import { generationObserved, readString } from './rules/_fields.js';

const DEPLOYMENT_REVISION = 'deployment.kubernetes.io/revision';

/**
 * The label selector (added to the workload's own) of the pods of its current revision: `''` for
 * all of them, `undefined` while that revision is not known yet (look at no pod). A Deployment's
 * current pods carry the `pod-template-hash` of its ReplicaSet of the same revision (the listed
 * `replicaSets`); a StatefulSet's the `controller-revision-hash` of its update revision.
 */
export function currentPodsSelector(
  workload: KubeObject,
  replicaSets: readonly KubeObject[] = [],
): string | undefined {
  if (workload.kind === 'Deployment') {
    if (!generationObserved(workload)) return undefined;
    const revision = workload.metadata.annotations?.[DEPLOYMENT_REVISION];
    if (revision === undefined) return undefined;
    const current = replicaSets.find(
      (rs) =>
        rs.metadata.annotations?.[DEPLOYMENT_REVISION] === revision &&
        (rs.metadata.ownerReferences ?? []).some((o) => o.uid === workload.metadata.uid),
    );
    const hash = current?.metadata.labels?.['pod-template-hash'];
    return hash === undefined ? undefined : `pod-template-hash=${hash}`;
  }
  if (workload.kind === 'StatefulSet') {
    const revision = readString(workload, 'status.updateRevision');
    return revision ? `controller-revision-hash=${revision}` : '';
  }
  return '';
}
