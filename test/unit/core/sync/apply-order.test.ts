import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APPLY_ORDER, applyRank, compareForApply } from '../../../../core/sync/apply-order.js';
import { crd, kube, names } from '../_objects.js';

test('compareForApply() pins the positions of the main kinds', () => {
  const expected = [
    kube('v1', 'Namespace', 'shop'),
    crd('example.com', 'Widget'),
    kube('rbac.authorization.k8s.io/v1', 'ClusterRole', 'reader'),
    kube('v1', 'ServiceAccount', 'web'),
    kube('v1', 'Secret', 'creds'),
    kube('v1', 'ConfigMap', 'settings'),
    kube('rbac.authorization.k8s.io/v1', 'RoleBinding', 'web'),
    kube('v1', 'Service', 'web'),
    kube('apps/v1', 'Deployment', 'web'),
    kube('batch/v1', 'Job', 'migrate'),
    kube('networking.k8s.io/v1', 'Ingress', 'web'),
    kube('example.com/v1', 'Widget', 'w'),
    kube('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', 'hook'),
    kube('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'hook'),
  ];
  const shuffled = [...expected].reverse();
  assert.deepEqual(names(shuffled.sort(compareForApply)), names(expected));
});

test('compareForApply() keeps the Argo CD order for kinds Mooring did not move', () => {
  const argo = [
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
  ];
  const listed: readonly string[] = APPLY_ORDER.first;
  assert.deepEqual(
    listed.filter((k) => argo.includes(k)),
    argo,
  );
});

test('compareForApply() treats a custom kind named like a built-in as a custom resource', () => {
  const fakeNamespace = kube('example.com/v1', 'Namespace', 'n');
  const fakeService = kube('serving.knative.dev/v1', 'Service', 's');
  const definition = crd('example.com', 'Namespace');
  assert.ok(compareForApply(definition, fakeNamespace) < 0);
  assert.ok(compareForApply(kube('apps/v1', 'Deployment', 'd'), fakeService) < 0);
  assert.equal(applyRank('example.com', 'Namespace'), applyRank('example.com', 'Widget'));
  assert.equal(applyRank('extensions', 'Deployment'), applyRank('apps', 'Deployment'));
});

test('compareForApply() groups one kind together, then sorts by namespace and name', () => {
  const objects = [
    kube('example.com/v1', 'Widget', 'b', { namespace: 'a' }),
    kube('example.com/v1', 'Gadget', 'a'),
    kube('example.com/v1', 'Widget', 'a', { namespace: 'b' }),
    kube('example.com/v1', 'Widget', 'a', { namespace: 'a' }),
  ];
  assert.deepEqual(
    objects.sort(compareForApply).map((o) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`),
    ['Gadget//a', 'Widget/a/a', 'Widget/a/b', 'Widget/b/a'],
  );
});
