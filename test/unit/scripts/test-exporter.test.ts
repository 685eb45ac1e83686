/**
 * The test exporter's pure parts (scripts/prometheus/exposition.ts): Prometheus' naming rules, the
 * `PUT /values/<name>` body, and the text exposition format Prometheus parses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_LABELS,
  labelNameError,
  metricNameError,
  parseSampleBody,
  renderGauges,
  seriesKey,
} from '../../../scripts/prometheus/exposition.js';
import type { Sample } from '../../../scripts/prometheus/exposition.js';

test('metric names follow Prometheus: letters, digits, _ and :, not starting with a digit', () => {
  for (const ok of ['mooring_test_value', 'a:b_c', '_x', 'X9'])
    assert.equal(metricNameError(ok), undefined, ok);
  for (const bad of ['', '9lives', 'with-dash', 'sp ace', 'é'])
    assert.match(metricNameError(bad) ?? '', /is not a Prometheus metric name: it must match/, bad);
});

test('label names follow Prometheus, and names starting with __ are refused as reserved', () => {
  assert.equal(labelNameError('deployment'), undefined);
  assert.match(labelNameError('a:b') ?? '', /not a Prometheus label name/);
  assert.match(labelNameError('__name__') ?? '', /reserved/);
});

test('a body with labels and a finite value parses; an empty label value means no label', () => {
  assert.deepEqual(parseSampleBody('{"labels": {"app": "web", "zone": ""}, "value": 12.5}'), {
    labels: { app: 'web' },
    value: 12.5,
  });
  assert.deepEqual(parseSampleBody('{"value": -1}'), { labels: {}, value: -1 });
});

test('malformed bodies are refused with the reason', () => {
  const cases: [string, RegExp][] = [
    ['not json', /not JSON/],
    ['[1]', /must be a JSON object/],
    ['{"value": "1"}', /"value" must be a finite number, got "1"/],
    ['{"labels": {}}', /"value" must be a finite number, got nothing/],
    ['{"value": 1, "extra": true}', /unknown field\(s\) extra/],
    ['{"labels": ["a"], "value": 1}', /"labels" must be an object/],
    ['{"labels": {"a": 1}, "value": 1}', /label "a" must have a string value/],
    ['{"labels": {"bad-name": "x"}, "value": 1}', /not a Prometheus label name/],
    [JSON.stringify({ labels: { a: 'x'.repeat(2000) }, value: 1 }), /longer than 1024/],
    [
      JSON.stringify({
        labels: Object.fromEntries([...Array(MAX_LABELS + 1).keys()].map((i) => [`l${i}`, 'v'])),
        value: 1,
      }),
      /at most 32 labels/,
    ],
  ];
  for (const [body, reason] of cases) {
    const parsed = parseSampleBody(body);
    assert.ok('error' in parsed, `${body} was accepted`);
    assert.match(parsed.error, reason, body);
  }
});

test('the same labels in another order are the same series', () => {
  assert.equal(seriesKey({ a: '1', b: '2' }), seriesKey({ b: '2', a: '1' }));
  assert.notEqual(seriesKey({ a: '1' }), seriesKey({ a: '2' }));
});

test('gauges render in the text format, sorted, with label values escaped', () => {
  const text = renderGauges(
    new Map<string, Sample[]>([
      ['z_metric', [{ labels: {}, value: 1 }]],
      ['empty_metric', []],
      [
        'a_metric',
        [
          { labels: { z: '1', a: 'quote " backslash \\ newline \n' }, value: 0.25 },
          { labels: { a: 'inf' }, value: Infinity },
        ],
      ],
    ]),
    new Map([['a_metric', 'Help for a']]),
  );
  assert.equal(
    text,
    [
      '# HELP a_metric Help for a',
      '# TYPE a_metric gauge',
      'a_metric{a="quote \\" backslash \\\\ newline \\n",z="1"} 0.25',
      'a_metric{a="inf"} +Inf',
      '# HELP z_metric Set by a test through the test exporter',
      '# TYPE z_metric gauge',
      'z_metric 1',
      '',
    ].join('\n'),
  );
  assert.equal(renderGauges(new Map()), '');
});
