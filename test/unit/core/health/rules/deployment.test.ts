import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthReason } from '../../../../../core/health/index.js';
import { deploymentHealth } from '../../../../../core/health/rules/deployment.js';
import { condition, kube } from '../_objects.js';

function deployment(spec: Record<string, unknown>, status: Record<string, unknown>, generation = 2) {
  return kube('apps/v1', 'Deployment', {
    metadata: { generation },
    spec,
    status: { observedGeneration: 2, ...status },
  });
}

describe('deploymentHealth', () => {
  it('is Healthy when every desired replica is updated and available', () => {
    const result = deploymentHealth(
      deployment({ replicas: 3 }, { replicas: 3, updatedReplicas: 3, availableReplicas: 3 }),
    );
    assert.equal(result.status, 'Healthy');
  });

  it('is Suspended when paused, before any other check', () => {
    const result = deploymentHealth(deployment({ paused: true, replicas: 3 }, { updatedReplicas: 0 }, 9));
    assert.deepEqual([result.status, result.reason], ['Suspended', HealthReason.Suspended]);
  });

  it('is Progressing while the controller has not observed the latest generation', () => {
    const result = deploymentHealth(
      deployment({ replicas: 1 }, { replicas: 1, updatedReplicas: 1, availableReplicas: 1 }, 3),
    );
    assert.deepEqual(
      [result.status, result.reason],
      ['Progressing', HealthReason.LatestGenerationNotObserved],
    );
  });

  it('is Degraded on ProgressDeadlineExceeded whatever the condition status', () => {
    const status = { conditions: [condition('Progressing', 'Unknown', 'ProgressDeadlineExceeded')] };
    const result = deploymentHealth(deployment({ replicas: 1 }, status));
    assert.deepEqual([result.status, result.reason], ['Degraded', HealthReason.ProgressDeadlineExceeded]);
    assert.equal(result.message, 'Deployment "test" exceeded its progress deadline');
  });

  it('is Progressing with counts while replicas are updated, old ones terminate, new ones start', () => {
    const cases: [Record<string, unknown>, string, string][] = [
      [
        { replicas: 3, updatedReplicas: 1, availableReplicas: 1 },
        HealthReason.LessUpdated,
        '1 out of 3 new replicas have been updated',
      ],
      [
        { replicas: 4, updatedReplicas: 3, availableReplicas: 3 },
        HealthReason.OldReplicasPending,
        '1 old replicas are pending termination',
      ],
      [
        { replicas: 3, updatedReplicas: 3, availableReplicas: 2 },
        HealthReason.LessAvailable,
        '2 of 3 updated replicas are available',
      ],
    ];
    for (const [status, reason, text] of cases) {
      const result = deploymentHealth(deployment({ replicas: 3 }, status));
      assert.equal(result.status, 'Progressing');
      assert.equal(result.reason, reason);
      assert.match(result.message ?? '', new RegExp(text));
    }
  });

  it('ignores readyReplicas and the Available condition, as kubectl rollout status does', () => {
    const status = {
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
      readyReplicas: 0,
      conditions: [condition('Available', 'False')],
    };
    assert.equal(deploymentHealth(deployment({ replicas: 2 }, status)).status, 'Healthy');
  });

  it('answers Unknown for an apiVersion other than apps/v1', () => {
    const result = deploymentHealth(kube('apps/v1beta2', 'Deployment'));
    assert.deepEqual([result.status, result.reason], ['Unknown', HealthReason.UnsupportedVersion]);
  });

  it('throws a TypeError naming the field when spec.replicas is not an integer', () => {
    assert.throws(() => deploymentHealth(deployment({ replicas: '3' }, {})), {
      name: 'TypeError',
      message: 'Cannot read spec.replicas of Deployment/ns/test as an integer: current value is "3"',
    });
  });
});
