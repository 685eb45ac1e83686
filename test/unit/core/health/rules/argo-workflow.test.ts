import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { argoWorkflowHealth } from '../../../../../core/health/rules/argo-workflow.js';
import { kube } from '../_objects.js';

describe('argoWorkflowHealth', () => {
  it('maps the workflow phase to a status and keeps the message', () => {
    const cases = {
      '': 'Progressing',
      Pending: 'Progressing',
      Running: 'Progressing',
      Succeeded: 'Healthy',
      Failed: 'Degraded',
      Error: 'Degraded',
      Odd: 'Unknown',
    } as const;
    for (const [phase, status] of Object.entries(cases)) {
      const result = argoWorkflowHealth(
        kube('argoproj.io/v1alpha1', 'Workflow', { status: { phase, message: 'node says hi' } }),
      );
      assert.equal(result.status, status, phase);
      assert.equal(result.message, 'node says hi');
    }
  });
});
