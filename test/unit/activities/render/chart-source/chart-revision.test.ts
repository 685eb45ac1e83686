import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatChartRevision,
  isChartRevision,
  parseChartRevision,
} from '../../../../../activities/render/chart-source/chart-revision.js';

const DIGEST = `sha256:${'ab'.repeat(32)}`;

test('formatChartRevision and parseChartRevision round-trip a version with build metadata', () => {
  const pin = { version: '1.2.3+build.7', digest: DIGEST };
  assert.equal(formatChartRevision(pin), `1.2.3+build.7@${DIGEST}`);
  assert.deepEqual(parseChartRevision(formatChartRevision(pin)), pin);
});

test('parseChartRevision refuses Git SHAs, branches and malformed digests', () => {
  for (const text of [
    'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00',
    'main',
    `1.2.3@sha256:${'AB'.repeat(32)}`,
    `@${DIGEST}`,
    '1.2.3@sha256:abc',
  ])
    assert.equal(isChartRevision(text), false, text);
});
