import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyResponse, parseRetryAfter } from '../../../../activities/notify/classify-response.js';

const NOW = Date.parse('2026-03-01T10:00:00Z');

test('classifyResponse: 2xx delivered, 408/429/5xx retried, other statuses refused', () => {
  const table: [number, string][] = [
    [200, 'delivered'],
    [204, 'delivered'],
    [301, 'refused'],
    [400, 'refused'],
    [401, 'refused'],
    [404, 'refused'],
    [408, 'retry'],
    [410, 'refused'],
    [429, 'retry'],
    [500, 'retry'],
    [503, 'retry'],
  ];
  for (const [status, outcome] of table)
    assert.equal(classifyResponse(status, undefined, NOW).outcome, outcome, String(status));
});

test('classifyResponse honours Retry-After on retryable answers, capped at one minute', () => {
  assert.deepEqual(classifyResponse(429, '3', NOW), { outcome: 'retry', retryAfterMs: 3000 });
  assert.deepEqual(classifyResponse(503, '86400', NOW), { outcome: 'retry', retryAfterMs: 60_000 });
  assert.deepEqual(classifyResponse(503, 'Sun, 01 Mar 2026 10:00:20 GMT', NOW), {
    outcome: 'retry',
    retryAfterMs: 20_000,
  });
  assert.deepEqual(classifyResponse(500, 'soon', NOW), { outcome: 'retry' });
  assert.equal(parseRetryAfter('Sun, 01 Mar 2026 09:00:00 GMT', NOW), 0);
  assert.equal(parseRetryAfter(undefined, NOW), undefined);
});
