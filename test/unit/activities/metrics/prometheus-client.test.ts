/**
 * The client's configuration checks, and its behaviour on answers a real Prometheus does not give
 * (oversize, malformed, never finished, refused credentials), played by a local HTTP server. The
 * ordinary answers are checked against a real Prometheus in test/integration/prometheus-client.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PrometheusClient,
  PrometheusUnavailableError,
  prometheusClientFromEnv,
} from '../../../../activities/metrics/index.js';

const TOKEN = 'sekrit-token-0123456789';
const dir = mkdtempSync(join(tmpdir(), 'mooring-prom-client-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof Error, String(err));
    return err;
  }
  assert.fail('expected a rejection');
}

function throws(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof Error, String(err));
    return err;
  }
  assert.fail('expected an error');
}

describe('new PrometheusClient()', () => {
  test('keeps a path prefix and drops a trailing slash', () => {
    assert.equal(
      new PrometheusClient({ url: 'https://mon.test/prometheus/' }).url,
      'https://mon.test/prometheus',
    );
    assert.equal(new PrometheusClient({ url: 'http://127.0.0.1:9090' }).url, 'http://127.0.0.1:9090');
  });

  test('refuses other schemes, credentials and query strings, naming the variable and never the password', () => {
    const env = (url: string) =>
      throws(() => prometheusClientFromEnv({ MOORING_PROMETHEUS_URL: url })).message;
    assert.match(env('ftp://mon.test'), /^MOORING_PROMETHEUS_URL must be http or https, not ftp/);
    assert.match(env('mon.test:9090'), /^MOORING_PROMETHEUS_URL (is not a URL|must be http or https)/);
    assert.match(env('not a url'), /^MOORING_PROMETHEUS_URL is not a URL; set it like http:\/\//);
    const credentials = env('https://admin:hunter2@mon.test/prom');
    assert.match(
      credentials,
      /https:\/\/\*\*\*@mon\.test\/prom holds credentials.*MOORING_PROMETHEUS_BEARER_TOKEN_FILE/,
    );
    assert.doesNotMatch(credentials, /hunter2|admin/);
    assert.match(env('https://mon.test/?tenant=a'), /has a query string or fragment/);
    assert.match(
      throws(() => new PrometheusClient({ url: 'file:///etc/passwd' })).message,
      /must be http or https/,
    );
  });

  test('refuses an invalid header, naming it without its value', () => {
    const err = throws(
      () =>
        new PrometheusClient({
          url: 'http://mon.test',
          headers: { Authorization: `Bearer ${TOKEN}\nX-Injected: 1` },
        }),
    );
    assert.match(err.message, /header "Authorization" has an invalid name or value/);
    assert.doesNotMatch(err.message, new RegExp(TOKEN));
  });
});

describe('prometheusClientFromEnv()', () => {
  test('is undefined without a URL, and a client with one', () => {
    assert.equal(prometheusClientFromEnv({}), undefined);
    assert.equal(prometheusClientFromEnv({ MOORING_PROMETHEUS_URL: '  ' }), undefined);
    assert.equal(
      prometheusClientFromEnv({ MOORING_PROMETHEUS_URL: 'http://mon.test:9090' })?.url,
      'http://mon.test:9090',
    );
  });

  test('checks the token file at once, naming the variable and never the token', () => {
    const url = 'http://mon.test:9090';
    const missing = throws(() =>
      prometheusClientFromEnv({
        MOORING_PROMETHEUS_URL: url,
        MOORING_PROMETHEUS_BEARER_TOKEN_FILE: join(dir, 'nope'),
      }),
    );
    assert.match(
      missing.message,
      /^MOORING_PROMETHEUS_BEARER_TOKEN_FILE names .*nope, which cannot be read \(ENOENT\)/,
    );
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    assert.match(
      throws(() =>
        prometheusClientFromEnv({ MOORING_PROMETHEUS_URL: url, MOORING_PROMETHEUS_BEARER_TOKEN_FILE: empty }),
      ).message,
      /which is empty/,
    );
    const twoLines = join(dir, 'two-lines');
    writeFileSync(twoLines, `${TOKEN}\n${TOKEN}\n`);
    const multi = throws(() =>
      prometheusClientFromEnv({
        MOORING_PROMETHEUS_URL: url,
        MOORING_PROMETHEUS_BEARER_TOKEN_FILE: twoLines,
      }),
    );
    assert.match(multi.message, /holds more than one line/);
    assert.doesNotMatch(multi.message, new RegExp(TOKEN));
    assert.match(
      throws(() => prometheusClientFromEnv({ MOORING_PROMETHEUS_BEARER_TOKEN_FILE: twoLines })).message,
      /MOORING_PROMETHEUS_BEARER_TOKEN_FILE is set but MOORING_PROMETHEUS_URL is not/,
    );
  });
});

describe('answers a real Prometheus does not give', () => {
  type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
  let handler: Handler = (_req, res) => res.end();
  let server: Server;
  let url: string;

  before(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => handler(req, res, body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const vectorBody = JSON.stringify({
    status: 'success',
    data: { resultType: 'vector', result: [{ metric: {}, value: [1, '7'] }] },
  });

  test('a body over the limit is refused, with or without Content-Length', async () => {
    const client = new PrometheusClient({ url, maxResponseBytes: 1000 });
    handler = (_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      res.end(vectorBody.padEnd(5000, ' '));
    };
    const declared = await rejection(client.query('up'));
    assert.ok(declared instanceof PrometheusUnavailableError, declared.message);
    assert.match(
      declared.message,
      new RegExp(`^Prometheus at ${url} sent a response larger than 1000 bytes, the limit`),
    );

    handler = (_req, res) => {
      res.setHeader('Content-Type', 'application/json');
      // Chunked, no Content-Length: only counting the bytes read catches it.
      for (let i = 0; i < 50; i++) res.write(' '.repeat(100));
      res.end(vectorBody);
    };
    const streamed = await rejection(client.query('up'));
    assert.ok(streamed instanceof PrometheusUnavailableError, streamed.message);
    assert.match(streamed.message, /larger than 1000 bytes/);

    // The same answer within the limit is read.
    assert.deepEqual(await new PrometheusClient({ url, maxResponseBytes: 10_000 }).query('up'), { value: 7 });
  });

  test('truncated JSON is a bad response, not a crash', async () => {
    handler = (_req, res) => res.end(vectorBody.slice(0, 40));
    const err = await rejection(new PrometheusClient({ url }).query('up'));
    assert.ok(err instanceof PrometheusUnavailableError, err.message);
    assert.match(err.message, /sent a response that is not the Prometheus API's \(it starts with "\{/);
  });

  test('a connection dropped mid-answer means Prometheus could not be reached', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '10000' });
      res.write(vectorBody.slice(0, 20), () => res.destroy());
    };
    const err = await rejection(new PrometheusClient({ url }).query('up'));
    assert.ok(err instanceof PrometheusUnavailableError, err.message);
    assert.match(
      err.message,
      new RegExp(`^Prometheus at ${url} could not be reached \\(.+\\); check that it runs`),
    );
  });

  test('an answer that never finishes times out, and the caller can cancel sooner', async () => {
    const stalled: ServerResponse[] = [];
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"status":');
      stalled.push(res);
    };
    const client = new PrometheusClient({ url, timeoutMs: 300 });
    let started = Date.now();
    const timedOut = await rejection(client.query('up'));
    assert.ok(timedOut instanceof PrometheusUnavailableError, timedOut.message);
    assert.match(timedOut.message, new RegExp(`^Prometheus at ${url} did not answer within 0.3 s`));
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);

    const caller = new AbortController();
    const slow = new PrometheusClient({ url, timeoutMs: 60_000 });
    started = Date.now();
    const pending = rejection(slow.query('up', caller.signal));
    setTimeout(() => caller.abort(new Error('the activity was cancelled')), 100);
    const cancelled = await pending;
    assert.equal(cancelled.message, 'the activity was cancelled');
    assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
    for (const res of stalled) res.destroy();
  });

  test('refused credentials say so; the token, read from its file at every query, is never in a message', async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    const seen: (string | undefined)[] = [];
    handler = (req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(401, { 'Content-Type': 'text/plain' });
      res.end(`bad token ${String(req.headers.authorization)}`);
    };
    const client = prometheusClientFromEnv({
      MOORING_PROMETHEUS_URL: url,
      MOORING_PROMETHEUS_BEARER_TOKEN_FILE: tokenFile,
    });
    assert.ok(client);
    const err = await rejection(client.query('up'));
    assert.ok(err instanceof PrometheusUnavailableError, err.message);
    assert.match(err.message, /refused the request \(HTTP 401\); check the bearer token/);
    assert.doesNotMatch(err.message + String(err.stack), new RegExp(TOKEN));

    writeFileSync(tokenFile, 'rotated-token\n');
    await rejection(client.query('up'));
    assert.deepEqual(seen, [`Bearer ${TOKEN}`, 'Bearer rotated-token']);
  });
});
