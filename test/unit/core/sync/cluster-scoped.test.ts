import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isClusterScopedBuiltin } from '../../../../core/sync/cluster-scoped.js';

test('isClusterScopedBuiltin() knows built-in cluster-scoped kinds by group and kind', () => {
  const cases: [string, string, boolean][] = [
    ['', 'Namespace', true],
    ['', 'PersistentVolume', true],
    ['rbac.authorization.k8s.io', 'ClusterRole', true],
    ['apiextensions.k8s.io', 'CustomResourceDefinition', true],
    ['admissionregistration.k8s.io', 'ValidatingWebhookConfiguration', true],
    ['storage.k8s.io', 'StorageClass', true],
    ['', 'ConfigMap', false],
    ['', 'PersistentVolumeClaim', false],
    ['rbac.authorization.k8s.io', 'Role', false],
    ['example.com', 'Namespace', false],
    ['cert-manager.io', 'ClusterIssuer', false],
  ];
  for (const [group, kind, expected] of cases)
    assert.equal(isClusterScopedBuiltin(group, kind), expected, `${group}/${kind}`);
});
