import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatChartRevision,
  isChartRevision,
  isRecordedRevision,
  joinRevisions,
  parseChartRevision,
  shortRevision,
  splitRevisions,
} from '../../../contract/revision.js';

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

test('shortRevision shows a commit by 7 characters and a chart pin by its version and digest', () => {
  assert.equal(shortRevision('c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00'), 'c0ffee0');
  assert.equal(shortRevision(`1.2.3@${DIGEST}`), '1.2.3@sha256:abababab');
  assert.equal(shortRevision('v1.2'), 'v1.2');
});

test('an app with several sources records each revision in order, and shows each short', () => {
  const sha = 'c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00';
  const composite = joinRevisions([`1.2.3@${DIGEST}`, sha]);
  assert.deepEqual(splitRevisions(composite), [`1.2.3@${DIGEST}`, sha]);
  assert.equal(shortRevision(composite), '1.2.3@sha256:abababab,c0ffee0');
  assert.equal(isRecordedRevision(composite), true);
  assert.equal(isRecordedRevision(`${sha},main`), false, 'a branch is not a recorded revision');
  assert.deepEqual(splitRevisions(sha), [sha]);
});
