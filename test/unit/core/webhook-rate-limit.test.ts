import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket } from '../../../core/webhook/rate-limit.js';

test('the bucket lets a burst through, then refuses with the time until the next token', () => {
  const bucket = new TokenBucket(50, 100, 0);
  for (let i = 0; i < 100; i++) assert.deepEqual(bucket.take(0), { ok: true }, `request ${i}`);
  assert.deepEqual(bucket.take(0), { ok: false, retryAfterMs: 20 });
  assert.deepEqual(bucket.take(10), { ok: false, retryAfterMs: 10 });
  assert.deepEqual(bucket.take(20), { ok: true });
});

test('the bucket refills at the rate, never beyond the burst', () => {
  const bucket = new TokenBucket(10, 5, 0);
  for (let i = 0; i < 5; i++) bucket.take(0);
  let accepted = 0;
  for (let t = 0; t <= 1000; t += 10) if (bucket.take(t).ok) accepted += 1;
  assert.equal(accepted, 10, 'one second at 10 per second');
  const idle = new TokenBucket(10, 5, 0);
  let afterIdle = 0;
  while (idle.take(60_000).ok) afterIdle += 1;
  assert.equal(afterIdle, 5, 'a long idle time refills to the burst only');
});

test('a clock going backwards does not mint tokens', () => {
  const bucket = new TokenBucket(1, 1, 1000);
  assert.equal(bucket.take(1000).ok, true);
  assert.equal(bucket.take(0).ok, false);
  assert.equal(bucket.take(1000).ok, false);
  assert.equal(bucket.take(2000).ok, true);
});

test('bad settings are refused with the value', () => {
  assert.throws(() => new TokenBucket(0, 1, 0), /rate must be a positive number.*got 0/);
  assert.throws(() => new TokenBucket(1, 1.5, 0), /burst must be a positive integer, got 1.5/);
});
