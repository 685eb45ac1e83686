import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthReason } from '../../../../../core/health/index.js';
import { daemonSetHealth } from '../../../../../core/health/rules/daemonset.js';
import { kube } from '../_objects.js';

function ds(spec: Record<string, unknown>, status: Record<string, unknown>, generation = 1) {
  return kube('apps/v1', 'DaemonSet', {
    metadata: { generation },
    spec,
    status: { observedGeneration: 1, ...status },
  });
}

describe('daemonSetHealth', () => {
  it('is Progressing while the latest generation is not observed', () => {
    assert.equal(
      daemonSetHealth(ds({}, { desiredNumberScheduled: 0 }, 2)).reason,
      HealthReason.LatestGenerationNotObserved,
    );
  });

  it('is Healthy with OnDelete even when pods are not updated', () => {
    const status = { desiredNumberScheduled: 3, updatedNumberScheduled: 0, numberAvailable: 0 };
    assert.equal(daemonSetHealth(ds({ updateStrategy: { type: 'OnDelete' } }, status)).status, 'Healthy');
  });

  it('waits for every desired pod to be updated, then available', () => {
    const updating = daemonSetHealth(
      ds({}, { desiredNumberScheduled: 3, updatedNumberScheduled: 2, numberAvailable: 3 }),
    );
    assert.deepEqual([updating.status, updating.reason], ['Progressing', HealthReason.LessUpdated]);
    const starting = daemonSetHealth(
      ds({}, { desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 }),
    );
    assert.deepEqual([starting.status, starting.reason], ['Progressing', HealthReason.LessAvailable]);
    const done = daemonSetHealth(
      ds({}, { desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 }),
    );
    assert.equal(done.status, 'Healthy');
  });
});
