import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NOTIFY_ACTIVITY_OPTIONS, notifyActivityOptions } from '../../../../core/notify/notify-activity.js';

test('notifyActivityOptions retries 10 times with backoff, never the refusals, and sets the queue', () => {
  const options = notifyActivityOptions('mooring');
  assert.deepEqual(options, {
    taskQueue: 'mooring',
    startToCloseTimeout: '30s',
    scheduleToCloseTimeout: '15m',
    retry: {
      initialInterval: '1s',
      backoffCoefficient: 2,
      maximumInterval: '1m',
      maximumAttempts: 10,
      nonRetryableErrorTypes: ['NotificationRejected', 'NotificationServiceUnknown'],
    },
  });
  options.retry.nonRetryableErrorTypes.push('x');
  assert.equal(NOTIFY_ACTIVITY_OPTIONS.retry.nonRetryableErrorTypes.length, 2);
  assert.equal('taskQueue' in notifyActivityOptions(), false);
});
