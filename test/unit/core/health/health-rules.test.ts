import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupKindKey, healthRules, isCustomResource } from '../../../../core/health/index.js';

describe('groupKindKey', () => {
  it('is group/Kind, or a bare Kind for the core group, whatever the version', () => {
    assert.equal(groupKindKey({ apiVersion: 'apps/v1', kind: 'Deployment' }), 'apps/Deployment');
    assert.equal(
      groupKindKey({ apiVersion: 'autoscaling/v2beta2', kind: 'HorizontalPodAutoscaler' }),
      'autoscaling/HorizontalPodAutoscaler',
    );
    assert.equal(groupKindKey({ apiVersion: 'v1', kind: 'Pod' }), 'Pod');
  });
});

describe('healthRules', () => {
  it('has a rule for each kind Argo CD judges, and is frozen', () => {
    assert.deepEqual(Object.keys(healthRules).sort(), [
      'PersistentVolumeClaim',
      'Pod',
      'Service',
      'apiextensions.k8s.io/CustomResourceDefinition',
      'apiregistration.k8s.io/APIService',
      'apps/DaemonSet',
      'apps/Deployment',
      'apps/ReplicaSet',
      'apps/StatefulSet',
      'argoproj.io/Workflow',
      'autoscaling/HorizontalPodAutoscaler',
      'batch/CronJob',
      'batch/Job',
      'extensions/Ingress',
      'networking.k8s.io/Ingress',
    ]);
    assert.ok(Object.isFrozen(healthRules));
  });
});

describe('isCustomResource', () => {
  it('is false for groups Kubernetes serves and true for the rest', () => {
    for (const apiVersion of [
      'v1',
      'apps/v1',
      'policy/v1',
      'rbac.authorization.k8s.io/v1',
      'networking.k8s.io/v1',
    ]) {
      assert.equal(isCustomResource({ apiVersion }), false, apiVersion);
    }
    for (const apiVersion of ['cert-manager.io/v1', 'gateway.networking.k8s.io/v1', 'argoproj.io/v1alpha1']) {
      assert.equal(isCustomResource({ apiVersion }), true, apiVersion);
    }
  });
});
