/**
 * The pure part of the test exporter (scripts/prometheus/test-exporter.ts): Prometheus naming
 * rules, the `PUT /values/<name>` body, and rendering gauges in the text exposition format 0.0.4.
 */

/** One series of a gauge: its labels and value. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** Gauges by metric name, each with its series. */
export type Gauges = ReadonlyMap<string, readonly Sample[]>;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Bounds that keep a misbehaving test from growing the exporter without limit. */
export const MAX_LABELS = 32;
export const MAX_LABEL_VALUE_LENGTH = 1024;

/** Why `name` is not a valid Prometheus metric name, or undefined when it is. */
export function metricNameError(name: string): string | undefined {
  if (!METRIC_NAME.test(name))
    return `"${name}" is not a Prometheus metric name: it must match ${METRIC_NAME.source}`;
  return undefined;
}

/** Why `name` is not a label name a target may expose, or undefined when it is. */
export function labelNameError(name: string): string | undefined {
  if (!LABEL_NAME.test(name))
    return `"${name}" is not a Prometheus label name: it must match ${LABEL_NAME.source}`;
  if (name.startsWith('__'))
    return `label name "${name}" is reserved (names starting with "__" are Prometheus' own)`;
  return undefined;
}

/** Parses and checks a `PUT /values/<name>` body: `{"labels": {"k": "v"}, "value": 12.5}`. */
export function parseSampleBody(text: string): Sample | { error: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    return {
      error: `the body is not JSON (${(err as Error).message}); send {"labels": {"k": "v"}, "value": 12.5}`,
    };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { error: 'the body must be a JSON object: {"labels": {"k": "v"}, "value": 12.5}' };
  const { labels = {}, value, ...rest } = body as Record<string, unknown>;
  const unknownKeys = Object.keys(rest);
  if (unknownKeys.length > 0)
    return { error: `unknown field(s) ${unknownKeys.join(', ')}: only "labels" and "value"` };
  if (typeof value !== 'number' || !Number.isFinite(value))
    return { error: `"value" must be a finite number, got ${JSON.stringify(value) ?? 'nothing'}` };
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels))
    return { error: '"labels" must be an object of label name to string value' };
  const entries = Object.entries(labels as Record<string, unknown>);
  if (entries.length > MAX_LABELS)
    return { error: `at most ${MAX_LABELS} labels per series, got ${entries.length}` };
  const out: Record<string, string> = {};
  for (const [name, v] of entries) {
    const nameError = labelNameError(name);
    if (nameError) return { error: nameError };
    if (typeof v !== 'string')
      return { error: `label "${name}" must have a string value, got ${JSON.stringify(v)}` };
    if (v.length > MAX_LABEL_VALUE_LENGTH)
      return { error: `label "${name}" is longer than ${MAX_LABEL_VALUE_LENGTH} characters` };
    // An empty value is the same as no label in Prometheus: store it as absent.
    if (v !== '') out[name] = v;
  }
  return { labels: out, value };
}

/** A stable identity of a label set (sorted), to replace a series with the same labels. */
export function seriesKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** Renders gauges in the text exposition format, metrics and labels in a stable order. */
export function renderGauges(gauges: Gauges, help: ReadonlyMap<string, string> = new Map()): string {
  const lines: string[] = [];
  for (const name of [...gauges.keys()].sort()) {
    const samples = gauges.get(name) ?? [];
    if (samples.length === 0) continue;
    const text = help.get(name) ?? 'Set by a test through the test exporter';
    lines.push(`# HELP ${name} ${text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} gauge`);
    for (const s of samples) {
      const pairs = Object.keys(s.labels)
        .sort()
        .map((k) => `${k}="${escapeLabelValue(s.labels[k] ?? '')}"`);
      lines.push(`${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${formatValue(s.value)}`);
    }
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}
