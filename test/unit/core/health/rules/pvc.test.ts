import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pvcHealth } from '../../../../../core/health/rules/pvc.js';
import { kube } from '../_objects.js';

describe('pvcHealth', () => {
  it('maps the claim phase to a status', () => {
    const cases = {
      Bound: 'Healthy',
      Pending: 'Progressing',
      Lost: 'Degraded',
      Resizing: 'Unknown',
    } as const;
    for (const [phase, status] of Object.entries(cases)) {
      assert.equal(
        pvcHealth(kube('v1', 'PersistentVolumeClaim', { status: { phase } })).status,
        status,
        phase,
      );
    }
  });
});
