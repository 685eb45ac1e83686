import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthReason } from '../../../../../core/health/index.js';
import { jobHealth } from '../../../../../core/health/rules/job.js';
import { condition, kube } from '../_objects.js';

const job = (...conditions: Record<string, string>[]) => kube('batch/v1', 'Job', { status: { conditions } });

describe('jobHealth', () => {
  it('is Progressing while running, Healthy once complete', () => {
    assert.deepEqual(jobHealth(job()).reason, HealthReason.JobRunning);
    assert.equal(jobHealth(job(condition('Complete', 'True'))).status, 'Healthy');
  });

  it('is Degraded with the message of a Failed condition', () => {
    const result = jobHealth(
      job(condition('Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit')),
    );
    assert.deepEqual(result, {
      status: 'Degraded',
      reason: HealthReason.JobFailed,
      message: 'Job has reached the specified backoff limit',
    });
  });

  it('counts Failed and Complete conditions whatever their status, as Argo CD does', () => {
    assert.equal(jobHealth(job(condition('Failed', 'False'))).status, 'Degraded');
    assert.equal(jobHealth(job(condition('Complete', 'False'))).status, 'Healthy');
  });

  it('is Suspended with Suspended=True, Healthy once resumed (Suspended=False)', () => {
    assert.equal(jobHealth(job(condition('Suspended', 'True', 'JobSuspended'))).status, 'Suspended');
    assert.equal(jobHealth(job(condition('Suspended', 'False', 'JobResumed'))).status, 'Healthy');
  });
});
