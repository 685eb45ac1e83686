import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeObject } from '../../../../contract/kube-object.js';
import { currentPodsSelector } from '../../../../core/health/current-pods.js';

const REVISION = 'deployment.kubernetes.io/revision';

function deployment(revision: string | undefined, observed = true): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: 'dep-uid',
      generation: 4,
      ...(revision !== undefined && { annotations: { [REVISION]: revision } }),
    },
    status: { observedGeneration: observed ? 4 : 3 },
  } as KubeObject;
}

function replicaSet(revision: string, hash: string, owner = 'dep-uid'): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `web-${hash}`,
      namespace: 'shop',
      annotations: { [REVISION]: revision },
      labels: { app: 'web', 'pod-template-hash': hash },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: owner }],
    },
  } as KubeObject;
}

test("a Deployment's current pods are those of its ReplicaSet of the same revision", () => {
  // A rollback: revision 3 (the bad one) is being scaled down, revision 4 is the old template again.
  const sets = [
    replicaSet('3', 'bad5d7'),
    replicaSet('4', 'good9f'),
    replicaSet('4', 'other', 'another-uid'),
  ];
  assert.equal(currentPodsSelector(deployment('4'), sets), 'pod-template-hash=good9f');
});

test('no pod counts while the Deployment controller has not caught up', () => {
  const sets = [replicaSet('3', 'bad5d7')];
  assert.equal(currentPodsSelector(deployment('4', false), sets), undefined, 'generation not observed');
  assert.equal(currentPodsSelector(deployment('4'), sets), undefined, 'no ReplicaSet of revision 4 yet');
  assert.equal(currentPodsSelector(deployment(undefined), sets), undefined, 'no revision yet');
});

test("a StatefulSet's current pods carry its update revision; other workloads count every pod", () => {
  const sts = {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'db' },
    status: { updateRevision: 'db-7c9' },
  };
  assert.equal(currentPodsSelector(sts as KubeObject), 'controller-revision-hash=db-7c9');
  assert.equal(currentPodsSelector({ ...sts, status: {} } as KubeObject), '');
  assert.equal(
    currentPodsSelector({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' } }),
    '',
  );
});
