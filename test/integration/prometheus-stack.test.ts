/**
 * The stack's Prometheus (scripts/stack up): it is ready, scrapes the test exporter, a value a test
 * sets on the exporter reaches a query (and disappears when cleared), a target registered through
 * file_sd is scraped, and a Deployment's error-ratio annotation travels cluster -> exporter -> query.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  clearExporterValue,
  exporterUrl,
  prometheusUrl,
  registerScrapeTarget,
  scrapeTargets,
  setExporterValue,
  waitForSeries,
} from '../support/prometheus.js';
import { createTestNamespace, kubectl, uniqueSuffix } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

const suffix = uniqueSuffix();
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

test('Prometheus is ready and scrapes the test exporter', async () => {
  const ready = await fetch(`${prometheusUrl()}/-/ready`);
  assert.equal(ready.status, 200, `${prometheusUrl()}/-/ready answered ${ready.status}`);
  // This exporter's instance: a kept data dir may still hold another port's series (lookback).
  const instance = new URL(exporterUrl()).host;
  const [up] = await waitForSeries(
    `up{job="mooring-test-exporter",instance="${instance}"}`,
    (v) => v.length === 1,
  );
  assert.equal(up?.value, 1, 'the exporter target is up');
  await waitForSeries(`mooring_test_exporter_kube_up{instance="${instance}"}`, (v) => v[0]?.value === 1);
});

test('a value set through the exporter shows up in a query, and is gone once cleared', async () => {
  const metric = `mooring_test_stack_${suffix}`;
  cleanups.push(() => clearExporterValue(metric));
  await setExporterValue(metric, { case: 'set' }, 12.5);
  const [sample] = await waitForSeries(metric, (v) => v.length === 1);
  assert.equal(sample?.value, 12.5);
  assert.equal(sample?.metric.case, 'set');
  assert.equal(sample?.metric.job, 'mooring-test-exporter');

  await setExporterValue(metric, { case: 'set' }, 3);
  await waitForSeries(metric, (v) => v.length === 1 && v[0]?.value === 3);
  await clearExporterValue(metric);
  await waitForSeries(metric, (v) => v.length === 0);
});

test('the exporter rejects a malformed metric or label with 400 and says why', async () => {
  const bad = await fetch(`${exporterUrl()}/values/1bad-name`, { method: 'PUT', body: '{"value": 1}' });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /not a Prometheus metric name/);
  const label = await fetch(`${exporterUrl()}/values/mooring_test_ok`, {
    method: 'PUT',
    body: JSON.stringify({ labels: { __name__: 'x' }, value: 1 }),
  });
  assert.equal(label.status, 400);
  assert.match(await label.text(), /reserved/);
});

test('a target registered through file_sd is scraped and up', async () => {
  const metric = `mooring_test_sd_${suffix}`;
  const server = http.createServer((req, res) => {
    res.writeHead(req.url === '/metrics' ? 200 : 404).end(`# TYPE ${metric} gauge\n${metric} 7\n`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const target = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  cleanups.push(await registerScrapeTarget(`stack-test-${suffix}`, target, { test: suffix }));

  const found = await waitFor(
    `${target} to be an up target of Prometheus`,
    async () => (await scrapeTargets()).find((t) => t.labels.instance === target && t.health === 'up'),
    { timeoutMs: 30_000, intervalMs: 500, describe: async () => JSON.stringify(await scrapeTargets()) },
  );
  assert.equal(found.labels.job, 'mooring-test-targets');
  assert.equal(found.labels.test, suffix);
  const [sample] = await waitForSeries(metric, (v) => v.length === 1);
  assert.equal(sample?.value, 7);
});

test("a Deployment's error-ratio annotation becomes mooring_test_deployment_error_ratio", async () => {
  const ns = await createTestNamespace('prom-stack');
  cleanups.push(ns.cleanup);
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: ns.name },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' }, annotations: { 'test.mooring.dev/error-ratio': '0.25' } },
        spec: { containers: [{ name: 'web', image: 'registry.example/web:1' }] },
      },
    },
  };
  await kubectl(['apply', '-f', '-'], { input: JSON.stringify(deployment) });
  const expr = `mooring_test_deployment_error_ratio{namespace="${ns.name}"}`;
  const [sample] = await waitForSeries(expr, (v) => v.length === 1);
  assert.equal(sample?.value, 0.25);
  assert.equal(sample?.metric.deployment, 'web');

  await kubectl([
    'patch',
    'deployment',
    'web',
    '-n',
    ns.name,
    '--type=merge',
    '-p',
    JSON.stringify({
      spec: { template: { metadata: { annotations: { 'test.mooring.dev/error-ratio': '0.9' } } } },
    }),
  ]);
  await waitForSeries(expr, (v) => v[0]?.value === 0.9);
});
