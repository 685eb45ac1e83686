import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assessHealth, isSettledHealth } from '../../../../core/health/index.js';
import type { KubeObject } from '../../../../contract/kube-object.js';
import { kube } from './_objects.js';

const settled = (obj: KubeObject): boolean => isSettledHealth(obj, assessHealth(obj));

test('objects no rule judges, and a Service with its address, are read once by a health wait', () => {
  assert.equal(settled(kube('v1', 'ConfigMap', { data: { a: 'b' } })), true);
  assert.equal(settled(kube('v1', 'ServiceAccount')), true);
  assert.equal(settled(kube('rbac.authorization.k8s.io/v1', 'Role')), true);
  assert.equal(settled(kube('v1', 'Service', { spec: { type: 'ClusterIP' } })), true);
  assert.equal(
    settled(
      kube('v1', 'Service', {
        spec: { type: 'LoadBalancer' },
        status: { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } },
      }),
    ),
    true,
  );
});

test('workloads, pending objects, custom resources and objects being deleted are read at every poll', () => {
  const available = kube('apps/v1', 'Deployment', {
    metadata: { generation: 1 },
    spec: { replicas: 1 },
    status: { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 },
  });
  assert.equal(assessHealth(available).status, 'Healthy');
  assert.equal(settled(available), false, 'a Healthy Deployment can still lose its pods');
  assert.equal(settled(kube('v1', 'Service', { spec: { type: 'LoadBalancer' } })), false);
  assert.equal(
    settled(kube('example.com/v1', 'Widget')),
    false,
    'a custom resource without status may get conditions from its controller',
  );
  assert.equal(
    settled(kube('v1', 'ConfigMap', { metadata: { deletionTimestamp: '2026-11-29T00:00:00Z' } })),
    false,
  );
});
