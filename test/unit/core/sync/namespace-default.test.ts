import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  crdDefinedKind,
  isCrd,
  scopeResolver,
  withDefaultNamespace,
} from '../../../../core/sync/namespace-default.js';
import { crd, kube } from '../_objects.js';

test('scopeResolver() asks the caller first, then CRDs in the set, then the built-in list', () => {
  const namespaced = scopeResolver([crd('example.com', 'Gizmo', 'Cluster')], (_g, kind) =>
    kind === 'Pod' ? false : undefined,
  );
  assert.equal(namespaced('', 'Pod'), false);
  assert.equal(namespaced('example.com', 'Gizmo'), false);
  assert.equal(namespaced('', 'Namespace'), false);
  assert.equal(namespaced('', 'ConfigMap'), true);
  assert.equal(namespaced('unknown.io', 'Thing'), true);
});

test('withDefaultNamespace() fills, keeps or clears the namespace', () => {
  const namespaced = scopeResolver([]);
  const cm = kube('v1', 'ConfigMap', 'c');
  assert.equal(withDefaultNamespace(cm, 'shop', namespaced).metadata.namespace, 'shop');
  assert.equal(cm.metadata.namespace, undefined);
  const other = kube('v1', 'ConfigMap', 'c', { namespace: 'other' });
  assert.equal(withDefaultNamespace(other, 'shop', namespaced), other);
  assert.equal(withDefaultNamespace(cm, undefined, namespaced), cm);
  const role = kube('rbac.authorization.k8s.io/v1', 'ClusterRole', 'r', { namespace: 'stray' });
  assert.equal('namespace' in withDefaultNamespace(role, 'shop', namespaced).metadata, false);
});

test('isCrd() and crdDefinedKind() read a CRD', () => {
  const definition = crd('example.com', 'Widget');
  assert.equal(isCrd(definition), true);
  assert.equal(isCrd(kube('example.com/v1', 'CustomResourceDefinition', 'x')), false);
  assert.deepEqual(crdDefinedKind(definition), { group: 'example.com', kind: 'Widget', scope: 'Namespaced' });
  assert.equal(crdDefinedKind(kube('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'x')), undefined);
});
