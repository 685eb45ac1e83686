import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration } from '../../../config/index.js';
import { durationRangeProblem } from '../../../config/duration.js';

test('parseDuration converts Go-style durations to milliseconds', () => {
  const cases: [string, number][] = [
    ['500ms', 500],
    ['30s', 30_000],
    ['3m', 180_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1.5s', 1_500],
    ['2m30s', 150_000],
  ];
  for (const [text, ms] of cases) assert.equal(parseDuration(text), ms, text);
});

test('parseDuration rejects text that is not a duration', () => {
  for (const text of ['', '3', '3 m', '1d', '-5s', 'soon']) {
    assert.throws(
      () => parseDuration(text),
      {
        name: 'SyntaxError',
        message: `Cannot parse duration: current value is ${JSON.stringify(text)}, expected a value like "30s", "3m" or "1h"`,
      },
      text,
    );
  }
});

test('durationRangeProblem refuses durations outside the range and leaves non-durations to the pattern', () => {
  const range = { min: '10s', max: '24h' };
  assert.equal(durationRangeProblem('3m', range), undefined);
  assert.equal(durationRangeProblem('24h', range), undefined);
  for (const text of ['0s', '9s', '999999h', '24h1s'])
    assert.equal(durationRangeProblem(text, range), 'must be a duration from "10s" to "24h"', text);
  assert.equal(durationRangeProblem('1e9m', range), undefined);
});
