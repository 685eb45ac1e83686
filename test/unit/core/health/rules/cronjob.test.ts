import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HealthReason } from '../../../../../core/health/index.js';
import { cronJobHealth } from '../../../../../core/health/rules/cronjob.js';
import { kube } from '../_objects.js';

const cron = (spec: Record<string, unknown>, status?: Record<string, unknown>) =>
  kube('batch/v1', 'CronJob', status ? { spec, status } : { spec });

describe('cronJobHealth', () => {
  it('is Suspended when spec.suspend is true', () => {
    assert.equal(cronJobHealth(cron({ suspend: true }, {})).status, 'Suspended');
  });

  it('is Progressing without a status and Healthy before the first schedule', () => {
    assert.equal(cronJobHealth(cron({})).status, 'Progressing');
    assert.equal(cronJobHealth(cron({}, {})).status, 'Healthy');
  });

  it('is Degraded when the last run after the last success did not succeed', () => {
    const status = { lastScheduleTime: '2024-05-02T10:00:00Z', lastSuccessfulTime: '2024-05-01T10:00:05Z' };
    const result = cronJobHealth(cron({}, status));
    assert.deepEqual([result.status, result.reason], ['Degraded', HealthReason.LastRunFailed]);
  });

  it('is Healthy while a Job is active, before any success, and after a success', () => {
    const failedLast = {
      lastScheduleTime: '2024-05-02T10:00:00Z',
      lastSuccessfulTime: '2024-05-01T10:00:05Z',
    };
    assert.equal(cronJobHealth(cron({}, { ...failedLast, active: [{ name: 'run' }] })).status, 'Healthy');
    assert.equal(cronJobHealth(cron({}, { lastScheduleTime: '2024-05-02T10:00:00Z' })).status, 'Healthy');
    assert.equal(
      cronJobHealth(
        cron({}, { lastScheduleTime: '2024-05-02T10:00:00Z', lastSuccessfulTime: '2024-05-02T10:00:09Z' }),
      ).status,
      'Healthy',
    );
  });
});
