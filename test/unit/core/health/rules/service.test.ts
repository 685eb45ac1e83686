import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthReason } from '../../../../../core/health/index.js';
import { serviceHealth } from '../../../../../core/health/rules/service.js';
import { kube } from '../_objects.js';

describe('serviceHealth', () => {
  it('is Progressing for a LoadBalancer without an address, Healthy with one', () => {
    const pending = serviceHealth(
      kube('v1', 'Service', { spec: { type: 'LoadBalancer' }, status: { loadBalancer: {} } }),
    );
    assert.deepEqual([pending.status, pending.reason], ['Progressing', HealthReason.AddressPending]);
    const ready = kube('v1', 'Service', {
      spec: { type: 'LoadBalancer' },
      status: { loadBalancer: { ingress: [{ ip: '10.0.0.1' }] } },
    });
    assert.equal(serviceHealth(ready).status, 'Healthy');
  });

  it('is Healthy for every other type', () => {
    for (const type of ['ClusterIP', 'NodePort', 'ExternalName', undefined]) {
      assert.equal(serviceHealth(kube('v1', 'Service', { spec: { type } })).status, 'Healthy');
    }
  });
});
