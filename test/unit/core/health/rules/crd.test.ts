import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { crdHealth } from '../../../../../core/health/rules/crd.js';
import { condition, kube } from '../_objects.js';

const crd = (...conditions: Record<string, string>[]) =>
  kube('apiextensions.k8s.io/v1', 'CustomResourceDefinition', { status: { conditions } });

describe('crdHealth', () => {
  it('is Healthy when established with accepted names', () => {
    assert.equal(
      crdHealth(crd(condition('NamesAccepted', 'True'), condition('Established', 'True'))).status,
      'Healthy',
    );
  });

  it('is Progressing without conditions and while terminating', () => {
    assert.equal(crdHealth(crd()).status, 'Progressing');
    assert.equal(
      crdHealth(crd(condition('Established', 'True'), condition('Terminating', 'True'))).status,
      'Progressing',
    );
  });

  it('is Degraded when names are refused, not established, or the schema is not structural', () => {
    assert.equal(
      crdHealth(crd(condition('NamesAccepted', 'False'), condition('Established', 'True'))).status,
      'Degraded',
    );
    assert.equal(
      crdHealth(crd(condition('NamesAccepted', 'True'), condition('Established', 'False', 'Installing')))
        .status,
      'Degraded',
    );
    assert.equal(
      crdHealth(crd(condition('Established', 'True'), condition('NonStructuralSchema', 'True'))).status,
      'Degraded',
    );
  });

  it('answers Unknown for apiextensions.k8s.io/v1beta1', () => {
    assert.equal(
      crdHealth(kube('apiextensions.k8s.io/v1beta1', 'CustomResourceDefinition')).status,
      'Unknown',
    );
  });
});
