import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthReason } from '../../../../../core/health/index.js';
import { statefulSetHealth } from '../../../../../core/health/rules/statefulset.js';
import { kube } from '../_objects.js';

function sts(spec: Record<string, unknown>, status: Record<string, unknown>) {
  return kube('apps/v1', 'StatefulSet', {
    metadata: { generation: 1 },
    spec,
    status: { observedGeneration: 1, ...status },
  });
}

describe('statefulSetHealth', () => {
  it('is Progressing when observedGeneration is missing or zero', () => {
    const result = statefulSetHealth(
      kube('apps/v1', 'StatefulSet', { spec: { replicas: 1 }, status: { readyReplicas: 1 } }),
    );
    assert.deepEqual(
      [result.status, result.reason],
      ['Progressing', HealthReason.LatestGenerationNotObserved],
    );
  });

  it('is Progressing while pods are not ready, even with OnDelete', () => {
    const result = statefulSetHealth(
      sts({ replicas: 3, updateStrategy: { type: 'OnDelete' } }, { readyReplicas: 1 }),
    );
    assert.deepEqual(
      [result.status, result.reason, result.message],
      ['Progressing', HealthReason.LessReady, 'Waiting for 2 pods to be ready'],
    );
  });

  it('waits for the pods above the partition only', () => {
    const spec = { replicas: 4, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } };
    assert.equal(
      statefulSetHealth(sts(spec, { readyReplicas: 4, updatedReplicas: 1 })).status,
      'Progressing',
    );
    assert.equal(statefulSetHealth(sts(spec, { readyReplicas: 4, updatedReplicas: 2 })).status, 'Healthy');
  });

  it('compares revisions only without a rollingUpdate block', () => {
    const status = { readyReplicas: 1, currentRevision: 'a', updateRevision: 'b' };
    const withBlock = {
      replicas: 1,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    };
    assert.equal(statefulSetHealth(sts(withBlock, { ...status, updatedReplicas: 1 })).status, 'Healthy');
    const result = statefulSetHealth(sts({ replicas: 1, updateStrategy: { type: 'RollingUpdate' } }, status));
    assert.deepEqual([result.status, result.reason], ['Progressing', HealthReason.RevisionPending]);
    assert.equal(
      statefulSetHealth(sts({ replicas: 1 }, { ...status, updateRevision: 'a' })).status,
      'Healthy',
    );
  });
});
