import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ingressHealth } from '../../../../../core/health/rules/ingress.js';
import { kube } from '../_objects.js';

describe('ingressHealth', () => {
  it('is Healthy once an address is listed, in any group and version', () => {
    const status = { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }] } };
    assert.equal(ingressHealth(kube('networking.k8s.io/v1', 'Ingress', { status })).status, 'Healthy');
    assert.equal(ingressHealth(kube('extensions/v1beta1', 'Ingress', { status })).status, 'Healthy');
  });

  it('is Progressing without an address, including an empty list', () => {
    assert.equal(ingressHealth(kube('networking.k8s.io/v1', 'Ingress')).status, 'Progressing');
    assert.equal(
      ingressHealth(kube('networking.k8s.io/v1', 'Ingress', { status: { loadBalancer: { ingress: [] } } }))
        .status,
      'Progressing',
    );
  });
});
