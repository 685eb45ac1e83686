import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  NO_SERIES,
  PromQueryError,
  PrometheusUnavailableError,
  interpretQueryResponse,
  parseSampleValue,
  type PromSample,
} from '../../../../activities/metrics/index.js';

const ctx = { url: 'http://prometheus.test:9090', expr: 'sum(rate(http_requests_total[5m]))' };

function ok(data: unknown): { status: number; body: string } {
  return { status: 200, body: JSON.stringify({ status: 'success', data }) };
}

function vector(...values: string[]): { status: number; body: string } {
  return ok({
    resultType: 'vector',
    result: values.map((v, i) => ({ metric: { job: 'api', pod: `api-${i}` }, value: [1700000000.5, v] })),
  });
}

function interpret(answer: { status: number; body: string; location?: string }): PromSample {
  return interpretQueryResponse(answer, ctx);
}

function failure(answer: { status: number; body: string; location?: string }): Error {
  try {
    interpret(answer);
  } catch (err) {
    assert.ok(err instanceof Error);
    return err;
  }
  assert.fail('expected an error');
}

test('a scalar and a single-series vector give their value', () => {
  assert.deepEqual(interpret(ok({ resultType: 'scalar', result: [1700000000, '42'] })), { value: 42 });
  assert.deepEqual(interpret(vector('0.25')), { value: 0.25 });
  assert.deepEqual(interpret(vector('-3e2')), { value: -300 });
});

test('an empty vector, NaN and ±Inf are no data, each with its reason', () => {
  assert.deepEqual(interpret(vector()), { noData: NO_SERIES });
  const nan = interpret(vector('NaN'));
  assert.ok('noData' in nan && nan.noData.includes('NaN'), JSON.stringify(nan));
  const inf = interpret(ok({ resultType: 'scalar', result: [1, '+Inf'] }));
  assert.ok('noData' in inf && inf.noData.includes('+Inf'), JSON.stringify(inf));
  const negInf = interpret(vector('-Inf'));
  assert.ok('noData' in negInf && negInf.noData.includes('-Inf'), JSON.stringify(negInf));
});

test('several series are a query error that says how to aggregate and shows the label sets', () => {
  const err = failure(vector('1', '2', '3', '4'));
  assert.ok(err instanceof PromQueryError);
  assert.equal(err.retryable, false);
  assert.equal(err.query, ctx.expr);
  assert.match(err.message, /returned 4 series/);
  assert.match(err.message, /wrap it in sum\(…\) or max\(…\) so it returns one number/);
  assert.match(
    err.message,
    /\{job="api", pod="api-0"\}, \{job="api", pod="api-1"\}, \{job="api", pod="api-2"\}, …/,
  );
});

test('a range vector, a string and a native histogram are query errors naming the fix', () => {
  const matrix = failure(ok({ resultType: 'matrix', result: [{ metric: {}, values: [[1, '1']] }] }));
  assert.ok(matrix instanceof PromQueryError);
  assert.match(matrix.message, /range vector .*drop the \[range\] selector/);
  const text = failure(ok({ resultType: 'string', result: [1, 'hello'] }));
  assert.ok(text instanceof PromQueryError);
  assert.match(text.message, /returned a string/);
  const histogram = failure(
    ok({
      resultType: 'vector',
      result: [{ metric: {}, histogram: [1, { count: '3', sum: '1', buckets: [] }] }],
    }),
  );
  assert.ok(histogram instanceof PromQueryError);
  assert.match(histogram.message, /native histogram.*histogram_quantile/);
});

test("bad PromQL (HTTP 400 or 422) is a query error with Prometheus' text, trimmed", () => {
  const body = (error: string, errorType = 'bad_data') =>
    JSON.stringify({ status: 'error', errorType, error });
  const parse = failure({ status: 400, body: body('1:5: parse error: unexpected end of input') });
  assert.ok(parse instanceof PromQueryError);
  assert.match(parse.message, /rejected the query "sum\(rate\(http_requests_total\[5m\]\)\)"/);
  assert.match(parse.message, /1:5: parse error: unexpected end of input; fix the PromQL/);
  const execution = failure({ status: 422, body: body('many-to-many matching not allowed', 'execution') });
  assert.ok(execution instanceof PromQueryError);
  assert.match(execution.message, /many-to-many matching not allowed/);
  const long = failure({ status: 400, body: body(`parse error: ${'x'.repeat(5000)}`) });
  assert.ok(long.message.length < 900, `message of ${long.message.length} characters`);
  assert.match(long.message, /x…; fix the PromQL/);
});

test('5xx, refused credentials, redirects, other statuses and non-API bodies mean Prometheus is unavailable', () => {
  const cases: [{ status: number; body: string; location?: string }, RegExp][] = [
    [
      {
        status: 503,
        body: JSON.stringify({ status: 'error', errorType: 'timeout', error: 'query timed out' }),
      },
      /answered HTTP 503: query timed out; the query ran out of time/,
    ],
    [{ status: 502, body: '<html>Bad Gateway</html>' }, /answered HTTP 502; check Prometheus' health/],
    [{ status: 401, body: 'Unauthorized' }, /refused the request \(HTTP 401\); check the bearer token/],
    [
      { status: 302, body: '', location: 'https://sso.test/login?token=hunter2' },
      /HTTP 302, a redirect to https:\/\/sso.test\/login; set the URL/,
    ],
    [
      { status: 404, body: '404 page not found' },
      /HTTP 404 to POST http:\/\/prometheus.test:9090\/api\/v1\/query/,
    ],
    [
      { status: 200, body: '<!doctype html><title>Grafana</title>' },
      /not the Prometheus API's \(it starts with/,
    ],
    [{ status: 200, body: '' }, /not the Prometheus API's \(it is empty\)/],
    [ok({ resultType: 'vector', result: [{ metric: {}, value: [1, 'twelve'] }] }), /malformed vector sample/],
    [ok({ resultType: 'scalar', result: 'x' }), /malformed scalar/],
    [ok({ resultType: 'tensor', result: [] }), /malformed result \(resultType "tensor"\)/],
  ];
  for (const [answer, expected] of cases) {
    const err = failure(answer);
    assert.ok(err instanceof PrometheusUnavailableError, `${answer.status}: ${err.message}`);
    assert.equal(err.retryable, true);
    assert.equal(err.url, ctx.url);
    assert.match(err.message, /^Prometheus at http:\/\/prometheus\.test:9090 /);
    assert.match(err.message, expected);
    assert.doesNotMatch(err.message, /hunter2/);
  }
});

test("parseSampleValue() reads Prometheus' number texts and nothing else", () => {
  assert.equal(parseSampleValue('1.5'), 1.5);
  assert.equal(parseSampleValue('-0.001'), -0.001);
  assert.equal(parseSampleValue('1e+06'), 1e6);
  assert.ok(Number.isNaN(parseSampleValue('NaN')));
  assert.equal(parseSampleValue('+Inf'), Infinity);
  assert.equal(parseSampleValue('-Inf'), -Infinity);
  for (const bad of ['', ' 1', '0x10', 'Infinity', '1,5', 12]) assert.equal(parseSampleValue(bad), undefined);
});
