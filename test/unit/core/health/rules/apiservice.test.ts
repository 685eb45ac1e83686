import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiServiceHealth } from '../../../../../core/health/rules/apiservice.js';
import { condition, kube } from '../_objects.js';

const api = (...conditions: Record<string, string>[]) =>
  kube('apiregistration.k8s.io/v1', 'APIService', { status: { conditions } });

describe('apiServiceHealth', () => {
  it('is Healthy when Available is True and Progressing otherwise, never Degraded', () => {
    assert.deepEqual(apiServiceHealth(api(condition('Available', 'True', 'Passed', 'all checks passed'))), {
      status: 'Healthy',
      message: 'Passed: all checks passed',
    });
    assert.equal(
      apiServiceHealth(api(condition('Available', 'False', 'MissingEndpoints'))).status,
      'Progressing',
    );
  });

  it('is Progressing before any Available condition', () => {
    assert.equal(apiServiceHealth(api()).message, 'Waiting to be processed');
  });
});
