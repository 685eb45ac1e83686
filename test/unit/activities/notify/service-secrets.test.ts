import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApplicationFailure } from '@temporalio/common';
import { checkDeliveryInput } from '../../../../activities/notify/check-delivery-input.js';
import { scrubbedExcerpt, serviceSecrets } from '../../../../activities/notify/service-secrets.js';
import type { DeliverNotificationInput } from '../../../../core/notify/notify-activity.js';

const URL_PATH = '/services/T000/B000/abcdefabcdef';

test('serviceSecrets lists the URL, its path, the HMAC key and file-read header values only', () => {
  assert.deepEqual(
    serviceSecrets({
      type: 'webhook',
      name: 'ops',
      url: `https://hooks.example.com${URL_PATH}`,
      hmacSecret: 'k'.repeat(20),
      headers: [
        { name: 'X-Team', value: 'platform', secret: false },
        { name: 'Authorization', value: 'Bearer t0ken', secret: true },
      ],
    }),
    [`https://hooks.example.com${URL_PATH}`, URL_PATH, 'k'.repeat(20), 'Bearer t0ken'],
  );
});

test('scrubbedExcerpt masks the secrets, puts the answer on one line and cuts it', () => {
  const secrets = [`https://hooks.example.com${URL_PATH}`, URL_PATH];
  assert.equal(
    scrubbedExcerpt(`no_service\r\n\u001b[31m for ${URL_PATH}`, secrets),
    'no_service [31m for ***',
  );
  assert.equal(scrubbedExcerpt('x'.repeat(500), secrets).length, 200);
});

test('checkDeliveryInput refuses malformed inputs for good', () => {
  const event = { app: 'web', trigger: 'on-sync-failed', time: '2026-01-01T00:00:00Z' };
  const bad: [unknown, string][] = [
    [{ service: 'slack' }, 'has no event'],
    [{ event: { ...event, trigger: 'on-anything' }, service: 'slack' }, 'names an unknown trigger'],
    [{ event, service: 3 }, 'names no service'],
    [{ event, service: 'slack', recipient: 'a b' }, 'has a recipient with blanks or control characters'],
  ];
  for (const [input, problem] of bad)
    assert.throws(
      () => checkDeliveryInput(input as DeliverNotificationInput),
      (err: unknown) =>
        err instanceof ApplicationFailure &&
        err.nonRetryable === true &&
        err.type === 'NotificationRejected' &&
        err.message === `The notification input ${problem}`,
      problem,
    );
  checkDeliveryInput({
    event: event as DeliverNotificationInput['event'],
    service: 'slack',
    recipient: '#ops',
  });
});
