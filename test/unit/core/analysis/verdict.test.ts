import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AnalysisCheck, AnalysisPolicy } from '../../../../config/types.js';
import {
  analysisVerdict,
  checkVerdict,
  inRange,
  NOT_MEASURED,
  type Measurement,
} from '../../../../core/analysis/verdict.js';

const errorRate: AnalysisCheck = {
  name: 'error-rate',
  query: 'sum(rate(http_errors_total[1m])) / sum(rate(http_requests_total[1m]))',
  thresholdRange: { min: 0, max: 0.05 },
  interval: '30s',
  count: 3,
  failureLimit: 0,
};
const latency: AnalysisCheck = {
  name: 'latency',
  query: 'histogram_quantile(0.99, sum by (le) (rate(http_duration_seconds_bucket[1m])))',
  thresholdRange: { max: 0.5 },
  interval: '30s',
  count: 3,
  failureLimit: 0,
};
const policy: AnalysisPolicy = { bakeTime: '0s', inconclusive: 'Rollback', checks: [errorRate, latency] };

const values = (...xs: number[]): Measurement[] => xs.map((value) => ({ value }));
const noSeries: Measurement = { noData: 'no series returned by the query' };

describe('inRange', () => {
  it('includes both bounds', () => {
    assert.equal(inRange({ min: 0, max: 0.05 }, 0), true);
    assert.equal(inRange({ min: 0, max: 0.05 }, 0.05), true);
    assert.equal(inRange({ min: 0, max: 0.05 }, 0.0500001), false);
    assert.equal(inRange({ min: 0, max: 0.05 }, -0.0000001), false);
  });

  it('does not limit on an absent bound', () => {
    assert.equal(inRange({ max: 0.5 }, -1e9), true);
    assert.equal(inRange({ min: 99 }, Infinity), true);
    assert.equal(inRange({ min: 99 }, 98.9), false);
  });

  it('never holds NaN', () => {
    assert.equal(inRange({ min: 0 }, NaN), false);
    assert.equal(inRange({ max: 1 }, NaN), false);
  });
});

describe('checkVerdict', () => {
  it('is Running with no measurement yet', () => {
    assert.deepEqual(checkVerdict(errorRate, []), {
      phase: 'Running',
      failures: 0,
      inconclusive: 0,
      successes: 0,
      message: 'check "error-rate": no measurement yet; failureLimit 0; 0 of 3 measurements taken',
    });
  });

  it('is Running while fewer than count measurements are in and none failed beyond the limit', () => {
    const v = checkVerdict(errorRate, values(0.01, 0.02));
    assert.equal(v.phase, 'Running');
    assert.equal(
      v.message,
      'check "error-rate": 2 of 2 measurements inside [0, 0.05] (last 0.02); failureLimit 0; 2 of 3 measurements taken',
    );
  });

  it('is Passed when every measurement is in range', () => {
    assert.deepEqual(checkVerdict(errorRate, values(0, 0.05, 0.01)), {
      phase: 'Passed',
      failures: 0,
      inconclusive: 0,
      successes: 3,
      message: 'check "error-rate": 3 of 3 measurements inside [0, 0.05] (last 0.01); failureLimit 0',
    });
  });

  it('fails as soon as failures exceed failureLimit, before count is reached', () => {
    const v = checkVerdict(errorRate, values(0.31));
    assert.equal(v.phase, 'Failed');
    assert.equal(
      v.message,
      'check "error-rate": 1 of 1 measurements outside [0, 0.05] (last 0.31); failureLimit 0; stopped after 1 of 3 measurements',
    );
  });

  it('tolerates failureLimit failures and fails on one more', () => {
    const tolerant = { ...errorRate, count: 5, failureLimit: 2 };
    assert.equal(checkVerdict(tolerant, values(0.2, 0.2)).phase, 'Running');
    assert.equal(checkVerdict(tolerant, values(0.2, 0.01, 0.2, 0.01, 0.01)).phase, 'Passed');
    assert.equal(checkVerdict(tolerant, values(0.2, 0.2, 0.2)).phase, 'Failed');
  });

  it('names the failures, the range and the last failing value', () => {
    assert.deepEqual(checkVerdict(errorRate, values(0.31, 0.01, 0.2)), {
      phase: 'Failed',
      failures: 2,
      inconclusive: 0,
      successes: 1,
      message: 'check "error-rate": 2 of 3 measurements outside [0, 0.05] (last 0.2); failureLimit 0',
    });
  });

  it('is Inconclusive when all measurements are in and failures plus no-data exceed failureLimit', () => {
    assert.deepEqual(checkVerdict(latency, [noSeries, noSeries, noSeries]), {
      phase: 'Inconclusive',
      failures: 0,
      inconclusive: 3,
      successes: 0,
      message:
        'check "latency": no data in 3 of 3 measurements (no series returned by the query); failureLimit 0',
    });
    const mixed = { ...latency, failureLimit: 1 };
    const v = checkVerdict(mixed, [{ value: 0.9 }, { noData: 'Prometheus unreachable' }, { value: 0.1 }]);
    assert.equal(v.phase, 'Inconclusive');
    assert.equal(
      v.message,
      'check "latency": 1 of 3 measurements outside (-Inf, 0.5] (last 0.9), no data in 1 of 3 measurements (Prometheus unreachable); failureLimit 1',
    );
  });

  it('passes with no-data measurements within failureLimit', () => {
    const v = checkVerdict({ ...latency, failureLimit: 1 }, [{ value: 0.1 }, noSeries, { value: 0.2 }]);
    assert.equal(v.phase, 'Passed');
    assert.equal(v.inconclusive, 1);
    assert.equal(v.successes, 2);
  });

  it('stays Running, not Inconclusive, while no-data measurements pile up before count', () => {
    assert.equal(checkVerdict(latency, [noSeries, noSeries]).phase, 'Running');
  });

  it('counts NaN as no data, and lists distinct reasons', () => {
    const v = checkVerdict(latency, [{ value: NaN }, noSeries, { value: NaN }]);
    assert.equal(v.phase, 'Inconclusive');
    assert.equal(v.inconclusive, 3);
    assert.match(
      v.message,
      /no data in 3 of 3 measurements \(the query returned NaN; no series returned by the query\)/,
    );
  });

  it('cuts long reasons and lists at most three', () => {
    const long = 'x'.repeat(1000);
    const check = { ...latency, count: 5 };
    const v = checkVerdict(check, [
      { noData: long },
      { noData: 'a' },
      { noData: 'b' },
      { noData: 'c' },
      { noData: 'd' },
    ]);
    assert.ok(v.message.length < 400, v.message);
    assert.match(v.message, /x…; a; b; and 2 other reasons\)/);
  });

  it('ignores measurements beyond count', () => {
    const v = checkVerdict(errorRate, values(0.01, 0.01, 0.01, 0.9));
    assert.equal(v.phase, 'Passed');
    assert.equal(v.successes, 3);
  });

  it('shows a one-sided range and rounds measured values', () => {
    const v = checkVerdict({ ...latency, thresholdRange: { min: 10 } }, values(0.1 + 0.2));
    assert.equal(
      v.message,
      'check "latency": 1 of 1 measurements outside [10, +Inf) (last 0.3); failureLimit 0; stopped after 1 of 3 measurements',
    );
  });
});

describe('analysisVerdict', () => {
  it('is Passed when every check passed', () => {
    const v = analysisVerdict(policy, { 'error-rate': values(0, 0, 0.01), latency: values(0.1, 0.2, 0.1) });
    assert.equal(v.phase, 'Passed');
    assert.deepEqual(Object.keys(v.checks), ['error-rate', 'latency']);
    assert.equal(
      v.message,
      'analysis passed: check "error-rate": 3 of 3 measurements inside [0, 0.05] (last 0.01); failureLimit 0 | check "latency": 3 of 3 measurements inside (-Inf, 0.5] (last 0.1); failureLimit 0',
    );
  });

  it('is Failed when any check failed, even while others are Running or Inconclusive', () => {
    const v = analysisVerdict(policy, { 'error-rate': values(0.31), latency: [noSeries] });
    assert.equal(v.phase, 'Failed');
    assert.equal(v.checks.latency?.phase, 'Running');
    assert.equal(
      v.message,
      'analysis failed: check "error-rate": 1 of 1 measurements outside [0, 0.05] (last 0.31); failureLimit 0; stopped after 1 of 3 measurements',
    );
  });

  it('is Inconclusive when a check is, naming the configured policy', () => {
    const v = analysisVerdict(
      { ...policy, inconclusive: 'Accept' },
      { 'error-rate': values(0, 0, 0), latency: [noSeries, noSeries, noSeries] },
    );
    assert.equal(v.phase, 'Inconclusive');
    assert.equal(v.checks['error-rate']?.phase, 'Passed');
    assert.equal(
      v.message,
      'analysis inconclusive (spec.analysis.inconclusive: Accept): check "latency": no data in 3 of 3 measurements (no series returned by the query); failureLimit 0',
    );
  });

  it('never passes an analysis cut short: missing measurements count as no data', () => {
    const v = analysisVerdict(policy, { 'error-rate': values(0, 0, 0), latency: values(0.1) });
    assert.equal(v.phase, 'Inconclusive');
    assert.equal(v.checks.latency?.phase, 'Inconclusive');
    assert.equal(v.checks.latency?.inconclusive, 2);
    assert.match(v.message, new RegExp(`no data in 2 of 3 measurements \\(${NOT_MEASURED}\\)`));
  });

  it('treats a check with no entry as not measured and ignores names not in the policy', () => {
    const v = analysisVerdict(policy, { 'error-rate': values(0, 0, 0), toString: values(9) });
    assert.equal(v.phase, 'Inconclusive');
    assert.equal(v.checks.latency?.inconclusive, 3);
    assert.deepEqual(Object.keys(v.checks), ['error-rate', 'latency']);
  });

  it('is deterministic: the same input gives the same verdict', () => {
    const input = {
      'error-rate': values(0.01, 0.2, 0.01),
      latency: [noSeries, { value: 0.1 }, { value: 0.2 }],
    };
    assert.deepEqual(analysisVerdict(policy, input), analysisVerdict(policy, input));
  });
});
