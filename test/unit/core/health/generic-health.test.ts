import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { genericHealth, HealthReason } from '../../../../core/health/index.js';
import { condition, kube } from './_objects.js';

const cr = (fields: Record<string, unknown>) => kube('example.com/v1', 'Widget', fields);

describe('genericHealth', () => {
  it('is Progressing when observedGeneration differs from generation', () => {
    const result = genericHealth(
      cr({
        metadata: { generation: 5 },
        status: { observedGeneration: 4, conditions: [condition('Ready', 'True')] },
      }),
    );
    assert.deepEqual(
      [result?.status, result?.reason],
      ['Progressing', HealthReason.LatestGenerationNotObserved],
    );
  });

  it('skips the generation check when observedGeneration is absent', () => {
    assert.equal(
      genericHealth(cr({ metadata: { generation: 5 }, status: { conditions: [condition('Ready', 'True')] } }))
        ?.status,
      'Healthy',
    );
  });

  it('takes the first Reconciling=True or Stalled=True condition in list order', () => {
    const stalledFirst = [
      condition('Stalled', 'True', 'BuildFailed', 'kustomize build failed'),
      condition('Reconciling', 'True'),
    ];
    assert.deepEqual(genericHealth(cr({ status: { conditions: stalledFirst } })), {
      status: 'Degraded',
      reason: HealthReason.Stalled,
      message: 'kustomize build failed',
    });
    const reconcilingFirst = [condition('Reconciling', 'True'), condition('Stalled', 'True')];
    assert.equal(
      genericHealth(cr({ status: { conditions: reconcilingFirst } }))?.reason,
      HealthReason.Reconciling,
    );
    assert.equal(
      genericHealth(
        cr({ status: { conditions: [condition('Stalled', 'False'), condition('Ready', 'True')] } }),
      )?.status,
      'Healthy',
    );
  });

  it('maps Ready True to Healthy and False or Unknown to Progressing, never Degraded', () => {
    assert.equal(
      genericHealth(cr({ status: { conditions: [condition('Ready', 'True')] } }))?.status,
      'Healthy',
    );
    for (const status of ['False', 'Unknown']) {
      const result = genericHealth(
        cr({ status: { conditions: [condition('Ready', status, 'Failed', 'apply failed')] } }),
      );
      assert.deepEqual(result, {
        status: 'Progressing',
        reason: HealthReason.NotReady,
        message: 'apply failed',
      });
    }
  });

  it('has no opinion without conditions, or when conditions is not a list', () => {
    assert.equal(genericHealth(cr({})), undefined);
    assert.equal(genericHealth(cr({ status: { conditions: { Ready: true } } })), undefined);
  });
});
