import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthReason } from '../../../../../core/health/index.js';
import { replicaSetHealth } from '../../../../../core/health/rules/replicaset.js';
import { condition, kube } from '../_objects.js';

function rs(status: Record<string, unknown>, generation = 1) {
  return kube('apps/v1', 'ReplicaSet', {
    metadata: { generation },
    spec: { replicas: 2 },
    status: { observedGeneration: 1, ...status },
  });
}

describe('replicaSetHealth', () => {
  it('is Degraded with the message of a true ReplicaFailure condition', () => {
    const failure = condition('ReplicaFailure', 'True', 'FailedCreate', 'exceeded quota: compute-resources');
    const result = replicaSetHealth(rs({ availableReplicas: 0, conditions: [failure] }));
    assert.deepEqual(result, {
      status: 'Degraded',
      reason: HealthReason.ReplicaFailure,
      message: 'exceeded quota: compute-resources',
    });
  });

  it('is Progressing until the desired replicas are available, then Healthy', () => {
    assert.equal(replicaSetHealth(rs({ availableReplicas: 1 })).reason, HealthReason.LessAvailable);
    assert.equal(replicaSetHealth(rs({ availableReplicas: 2 })).status, 'Healthy');
  });

  it('is Progressing while the latest generation is not observed', () => {
    assert.equal(replicaSetHealth(rs({ availableReplicas: 2 }, 2)).status, 'Progressing');
  });
});
