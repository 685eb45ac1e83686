import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HEALTH_ORDER, worstHealth } from '../../../../core/health/index.js';

describe('worstHealth', () => {
  it('orders health as gitops-engine does, best to worst', () => {
    assert.deepEqual(HEALTH_ORDER, ['Healthy', 'Suspended', 'Progressing', 'Missing', 'Degraded', 'Unknown']);
  });

  it('returns the worse of two codes in either argument order', () => {
    for (const [i, better] of HEALTH_ORDER.entries()) {
      for (const worse of HEALTH_ORDER.slice(i)) {
        assert.equal(worstHealth(better, worse), worse);
        assert.equal(worstHealth(worse, better), worse);
      }
    }
  });
});
