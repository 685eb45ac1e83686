import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessHealth, HealthReason, HOOK_FINALIZER } from '../../../../core/health/index.js';
import { condition, kube } from './_objects.js';

const brokenPod = kube('v1', 'Pod', {
  spec: { restartPolicy: 'Always' },
  status: {
    phase: 'Pending',
    containerStatuses: [{ name: 'app', state: { waiting: { reason: 'CrashLoopBackOff' } } }],
  },
});

describe('assessHealth', () => {
  it('layer 1: an object pending deletion is Progressing, whatever its kind or state', () => {
    for (const obj of [brokenPod, kube('v1', 'ConfigMap'), kube('example.com/v1', 'Widget')]) {
      const deleting = { ...obj, metadata: { ...obj.metadata, deletionTimestamp: '2024-05-01T10:00:00Z' } };
      assert.deepEqual(assessHealth(deleting), {
        status: 'Progressing',
        reason: HealthReason.PendingDeletion,
        message: 'Pending deletion',
      });
    }
  });

  it('layer 1: a hook held by the Argo CD hook finalizer keeps its own health while deleted', () => {
    const hook = {
      ...brokenPod,
      metadata: {
        ...brokenPod.metadata,
        deletionTimestamp: '2024-05-01T10:00:00Z',
        finalizers: [HOOK_FINALIZER],
      },
    };
    assert.equal(assessHealth(hook).status, 'Degraded');
  });

  it('layer 2: a per-kind rule decides for its group and kind', () => {
    assert.equal(assessHealth(brokenPod).status, 'Degraded');
    assert.equal(assessHealth(kube('apps/v1', 'Deployment', { spec: { paused: true } })).status, 'Suspended');
  });

  it('layer 2: a kind of the same name in another group is not judged by the built-in rule', () => {
    const lookalike = kube('example.com/v1', 'Deployment', { spec: { paused: true } });
    assert.deepEqual(assessHealth(lookalike), { status: 'Healthy', reason: HealthReason.NoHealthCheck });
  });

  it('layer 3: custom resources get the kstatus generic rules, built-in kinds do not', () => {
    const notReady = {
      status: { conditions: [condition('Ready', 'False', 'Pending', 'waiting for issuer')] },
    };
    assert.deepEqual(assessHealth(kube('cert-manager.io/v1', 'Certificate', notReady)), {
      status: 'Progressing',
      reason: HealthReason.NotReady,
      message: 'waiting for issuer',
    });
    const lagging = { metadata: { generation: 3 }, status: { observedGeneration: 2 } };
    assert.equal(
      assessHealth(kube('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', lagging)).status,
      'Progressing',
    );
    // Argo CD checks no generation or conditions on a Service; neither does Mooring.
    assert.equal(
      assessHealth(
        kube('v1', 'Service', {
          ...lagging,
          status: { ...lagging.status, conditions: notReady.status.conditions },
        }),
      ).status,
      'Healthy',
    );
  });

  it('layer 4: no opinion is Healthy with reason NoHealthCheck, as Argo CD counts nil health', () => {
    for (const obj of [
      kube('v1', 'ConfigMap'),
      kube('rbac.authorization.k8s.io/v1', 'ClusterRole'),
      kube('policy/v1', 'PodDisruptionBudget', {
        metadata: { generation: 2 },
        status: { observedGeneration: 1 },
      }),
      kube('serving.knative.dev/v1', 'Service'),
      kube('argoproj.io/v1alpha1', 'Application', { status: { health: { status: 'Degraded' } } }),
    ]) {
      assert.deepEqual(
        assessHealth(obj),
        { status: 'Healthy', reason: HealthReason.NoHealthCheck },
        `${obj.apiVersion} ${obj.kind}`,
      );
    }
  });

  it('answers Unknown, never throws, for a malformed object or an unsupported version', () => {
    const malformed = assessHealth(kube('apps/v1', 'Deployment', { spec: { replicas: 'three' } }));
    assert.equal(malformed.status, 'Unknown');
    assert.equal(malformed.reason, HealthReason.AssessmentFailed);
    assert.match(malformed.message ?? '', /spec\.replicas of Deployment\/ns\/test/);
    assert.equal(assessHealth(kube('apps/v1beta1', 'StatefulSet')).reason, HealthReason.UnsupportedVersion);
    assert.equal(assessHealth(kube('v1', 'Pod', { status: 'Running' })).status, 'Unknown');
  });

  it('ignores inherited property names as kinds', () => {
    assert.equal(assessHealth(kube('v1', 'constructor')).reason, HealthReason.NoHealthCheck);
  });
});
