/**
 * PrometheusClient against a real Prometheus (Debian's /usr/bin/prometheus), started by this test on
 * loopback with its own data directory, scraping every second a tiny exporter whose gauge the test
 * sets. Needs no other part of the stack.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  NO_SERIES,
  PromQueryError,
  PrometheusClient,
  PrometheusUnavailableError,
  type PromSample,
} from '../../activities/metrics/index.js';
import { binaryMissing } from '../support/requirements.js';
import { waitFor } from '../support/wait.js';
import { spawnProcessGroup, type ProcessGroup } from '../support/worker-process.js';

const PROMETHEUS = '/usr/bin/prometheus';
const missing = binaryMissing(PROMETHEUS, "scripts/stack install installs Debian's prometheus");
if (missing) console.log(`Skipping the Prometheus client tests: ${missing}`);

async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof Error, String(err));
    return err;
  }
  assert.fail('expected a rejection');
}

describe('PrometheusClient against a real Prometheus', { skip: missing }, () => {
  let gauge = 1;
  let dir: string;
  let exporter: Server;
  let prometheus: ProcessGroup | undefined;
  let client: PrometheusClient;

  const logTail = async () =>
    prometheus ? (await readFile(prometheus.logFile, 'utf8')).split('\n').slice(-15).join('\n') : '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mooring-prometheus-client-'));
    exporter = createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/plain; version=0.0.4');
      res.end(
        [
          '# TYPE mooring_test_gauge gauge',
          `mooring_test_gauge ${gauge}`,
          '# TYPE mooring_test_shard gauge',
          'mooring_test_shard{shard="0"} 1',
          'mooring_test_shard{shard="1"} 2',
          'mooring_test_shard{shard="2"} 3',
          '',
        ].join('\n'),
      );
    });
    await new Promise<void>((resolve) => exporter.listen(0, '127.0.0.1', resolve));
    const exporterPort = (exporter.address() as AddressInfo).port;
    await writeFile(
      join(dir, 'prometheus.yml'),
      [
        'global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}',
        'scrape_configs:',
        '  - job_name: exporter',
        `    static_configs: [{targets: ["127.0.0.1:${exporterPort}"]}]`,
        '',
      ].join('\n'),
    );
    const port = await freePort();
    prometheus = spawnProcessGroup(
      'prometheus',
      PROMETHEUS,
      [
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
      ],
      join(dir, 'prometheus.log'),
    );
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      `Prometheus to be ready at ${url}`,
      async () =>
        (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2000) })).ok ? true : undefined,
      { timeoutMs: 60_000, abortIf: () => prometheus?.exitReason(), describe: logTail },
    );
    client = new PrometheusClient({ url, timeoutMs: 5000 });
    await waitFor(
      'the first scrape of the exporter',
      async () => ('value' in (await client.query('mooring_test_gauge')) ? true : undefined),
      { timeoutMs: 30_000, abortIf: () => prometheus?.exitReason(), describe: logTail },
    );
  });

  after(async () => {
    await prometheus?.kill('SIGKILL');
    if (exporter) await new Promise<void>((resolve) => exporter.close(() => resolve()));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('a scalar query gives its number', async () => {
    assert.deepEqual(await client.query('2 * 21'), { value: 42 });
    assert.deepEqual(await client.query('scalar(sum(mooring_test_shard))'), { value: 6 });
  });

  test('a single-series query follows the gauge', async () => {
    assert.deepEqual(await client.query('mooring_test_gauge'), { value: 1 });
    gauge = 7.25;
    await waitFor(
      'the query to return the new gauge value 7.25',
      async () => {
        const sample = await client.query('max(mooring_test_gauge{job="exporter"})');
        return 'value' in sample && sample.value === 7.25 ? sample : undefined;
      },
      { timeoutMs: 20_000, describe: async () => JSON.stringify(await client.query('mooring_test_gauge')) },
    );
  });

  test('a long query fits (it is sent as a POST form)', async () => {
    const shards = Array.from({ length: 2000 }, (_, i) => String(i)).join('|');
    const expr = `sum(mooring_test_shard{shard=~"${shards}"})`;
    assert.ok(expr.length > 8000);
    assert.deepEqual(await client.query(expr), { value: 6 });
  });

  test('no series, NaN and +Inf are no data, with the reason', async () => {
    assert.deepEqual(await client.query('mooring_test_gauge{job="no-such-job"}'), { noData: NO_SERIES });
    const nan: PromSample = await client.query('0 / 0');
    assert.ok('noData' in nan && /NaN/.test(nan.noData), JSON.stringify(nan));
    const inf: PromSample = await client.query('sum(mooring_test_gauge) / 0');
    assert.ok('noData' in inf && /\+Inf/.test(inf.noData), JSON.stringify(inf));
  });

  test('several series are a query error telling the user to aggregate', async () => {
    const err = await rejection(client.query('mooring_test_shard'));
    assert.ok(err instanceof PromQueryError, err.message);
    assert.match(
      err.message,
      /returned 3 series \(\{__name__="mooring_test_shard", instance="127\.0\.0\.1:\d+"/,
    );
    assert.match(err.message, /wrap it in sum\(…\) or max\(…\) so it returns one number/);
    assert.deepEqual(await client.query('max(mooring_test_shard)'), { value: 3 });
  });

  test("bad PromQL is a query error with Prometheus' own message", async () => {
    const parse = await rejection(client.query('sum(mooring_test_gauge'));
    assert.ok(parse instanceof PromQueryError, parse.message);
    assert.match(parse.message, /rejected the query "sum\(mooring_test_gauge": .*parse error/);
    const execution = await rejection(
      client.query('label_replace(mooring_test_shard, "shard", "x", "", "")'),
    );
    assert.ok(execution instanceof PromQueryError, execution.message);
    assert.match(execution.message, /same labelset/);
    const range = await rejection(client.query('mooring_test_gauge[1m]'));
    assert.ok(range instanceof PromQueryError, range.message);
    assert.match(range.message, /range vector/);
  });

  test('a stopped Prometheus is unavailable at once, the message naming its URL', async () => {
    await prometheus?.kill('SIGTERM');
    const started = Date.now();
    const err = await rejection(client.query('mooring_test_gauge'));
    const elapsed = Date.now() - started;
    assert.ok(err instanceof PrometheusUnavailableError, err.message);
    assert.match(
      err.message,
      new RegExp(
        `^Prometheus at ${client.url} could not be reached \\(.*ECONNREFUSED.*\\); check that it runs`,
      ),
    );
    assert.ok(elapsed < 2000, `the query took ${elapsed} ms to fail`);
  });
});
