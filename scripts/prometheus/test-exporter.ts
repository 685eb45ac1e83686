/**
 * The local stack's test exporter (started by `scripts/stack up`): Prometheus text format on
 * 127.0.0.1:$MOORING_TEST_EXPORTER_PORT/metrics with
 *   - gauges a test sets: PUT /values/<metric> {"labels": {...}, "value": n} (one series per label
 *     set), DELETE /values/<metric> (all its series, so a query on it has no data);
 *   - mooring_test_deployment_error_ratio{namespace, deployment}: the number in the pod-template
 *     annotation test.mooring.dev/error-ratio of each Deployment of the stack's cluster, read at
 *     scrape time, so a commit can "raise the error metric" through Git -> cluster -> Prometheus.
 * Environment: MOORING_TEST_EXPORTER_PORT (9475), KUBECONFIG (no cluster metric without it).
 */
import * as http from 'node:http';
import { existsSync } from 'node:fs';
import type { AppsV1Api } from '@kubernetes/client-node';
import { metricNameError, parseSampleBody, renderGauges, seriesKey } from './exposition.js';
import type { Sample } from './exposition.js';

const ERROR_RATIO = 'mooring_test_deployment_error_ratio';
const KUBE_UP = 'mooring_test_exporter_kube_up';
export const ERROR_RATIO_ANNOTATION = 'test.mooring.dev/error-ratio';
const MAX_BODY_BYTES = 16 * 1024;
const MAX_SERIES = 10_000;
const HELP = new Map([
  [
    ERROR_RATIO,
    `The pod-template annotation ${ERROR_RATIO_ANNOTATION} of each Deployment of the local cluster`,
  ],
  [KUBE_UP, '1 when the last read of Deployments from the local cluster succeeded'],
]);

const port = Number(process.env.MOORING_TEST_EXPORTER_PORT ?? '9475');
const kubeconfig = process.env.KUBECONFIG;
const values = new Map<string, Map<string, Sample>>();

// Loaded at the first scrape, not at start: the client library takes seconds to load, and
// `scripts/stack up` waits for this process to answer.
async function apps(): Promise<AppsV1Api | undefined> {
  if (!kubeconfig || !existsSync(kubeconfig)) return undefined;
  const { AppsV1Api, KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return kc.makeApiClient(AppsV1Api);
}

async function deploymentErrorRatios(): Promise<{ samples: Sample[]; ok: boolean }> {
  const api = await apps();
  if (!api) return { samples: [], ok: false };
  try {
    const list = await api.listDeploymentForAllNamespaces({ timeoutSeconds: 5 });
    const samples: Sample[] = [];
    for (const d of list.items) {
      const raw = d.spec?.template.metadata?.annotations?.[ERROR_RATIO_ANNOTATION];
      const value = raw === undefined || raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(value)) continue;
      samples.push({
        labels: { namespace: d.metadata?.namespace ?? '', deployment: d.metadata?.name ?? '' },
        value,
      });
    }
    return { samples, ok: true };
  } catch (err) {
    console.error(
      `test-exporter: listing Deployments through ${kubeconfig} failed: ${(err as Error).message}`,
    );
    return { samples: [], ok: false };
  }
}

async function metrics(): Promise<string> {
  const gauges = new Map<string, Sample[]>();
  for (const [name, series] of values) gauges.set(name, [...series.values()]);
  const cluster = await deploymentErrorRatios();
  gauges.set(ERROR_RATIO, cluster.samples);
  gauges.set(KUBE_UP, [{ labels: {}, value: cluster.ok ? 1 : 0 }]);
  return renderGauges(gauges, HELP);
}

function seriesCount(): number {
  let n = 0;
  for (const s of values.values()) n += s.size;
  return n;
}

async function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://exporter');
  const reply = (code: number, text: string): void => {
    res
      .writeHead(code, { 'Content-Type': 'text/plain; charset=utf-8' })
      .end(text.endsWith('\n') ? text : `${text}\n`);
  };
  if (url.pathname === '/metrics' && req.method === 'GET') {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' }).end(await metrics());
    return;
  }
  if (url.pathname === '/healthz') return reply(200, 'ok');
  const match = /^\/values\/([^/]+)$/.exec(url.pathname);
  if (!match) return reply(404, `no ${url.pathname}: GET /metrics, PUT or DELETE /values/<metric_name>`);
  const name = decodeURIComponent(match[1] ?? '');
  const nameError = metricNameError(name);
  if (nameError) return reply(400, nameError);
  if (name === ERROR_RATIO || name === KUBE_UP)
    return reply(
      400,
      `${name} is computed from the cluster; set the annotation ${ERROR_RATIO_ANNOTATION} instead`,
    );
  if (req.method === 'DELETE') {
    values.delete(name);
    return reply(200, `removed every series of ${name}`);
  }
  if (req.method !== 'PUT') return reply(405, `${req.method ?? '?'} /values/${name}: use PUT or DELETE`);
  const text = await readBody(req);
  if (text === undefined) return reply(413, `the body is larger than ${MAX_BODY_BYTES} bytes`);
  const sample = parseSampleBody(text);
  if ('error' in sample) return reply(400, `PUT /values/${name}: ${sample.error}`);
  const series = values.get(name) ?? new Map<string, Sample>();
  const key = seriesKey(sample.labels);
  if (!series.has(key) && seriesCount() >= MAX_SERIES)
    return reply(429, `the exporter holds ${MAX_SERIES} series already: DELETE /values/<metric> first`);
  series.set(key, sample);
  values.set(name, series);
  return reply(200, `${name} set`);
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((err: unknown) => {
    console.error(`test-exporter: ${req.method} ${req.url}: ${(err as Error).stack ?? String(err)}`);
    if (!res.headersSent) res.writeHead(500).end(`internal error: ${(err as Error).message}\n`);
  });
});
server.listen(port, '127.0.0.1', () => {
  console.error(
    `test-exporter: listening on http://127.0.0.1:${port}/metrics (kubeconfig: ${kubeconfig ?? 'none'})`,
  );
});
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.on(signal, () => server.close(() => process.exit(0)));
