import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManifestInvalid, RepoUrlRefused, Unreachable } from '../../../../../contract/errors.js';
import { httpGet } from '../../../../../activities/render/chart-source/_http.js';

/** Two loopback servers: `a` redirects `/to-b` to `b` and `/loop` to itself; both record headers. */
const seen: { server: string; path: string; headers: IncomingHttpHeaders }[] = [];
let a: Server;
let b: Server;
let aUrl: string;
let bUrl: string;

async function listen(name: string, handler: (path: string) => [number, Record<string, string>, string]) {
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    seen.push({ server: name, path, headers: req.headers });
    const [status, headers, body] = handler(path);
    res.writeHead(status, headers).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

before(async () => {
  ({ server: b, url: bUrl } = await listen('b', () => [200, {}, 'from b']));
  ({ server: a, url: aUrl } = await listen('a', (path) => {
    if (path === '/to-b') return [302, { location: `${bUrl}/archive.tgz` }, ''];
    if (path === '/loop') return [302, { location: '/loop' }, ''];
    if (path === '/big') return [200, {}, 'x'.repeat(2048)];
    if (path === '/busy') return [503, {}, ''];
    return [200, {}, 'from a'];
  }));
});
after(() => {
  a.close();
  b.close();
});

const options = () => ({
  policy: { plainHttpHosts: [new URL(aUrl).host, new URL(bUrl).host] },
  what: 'a test file',
  maxBytes: 1024,
  auth: { header: 'Basic c2VjcmV0', origin: aUrl },
});

test('httpGet sends the Authorization header to its origin only, not after a redirect elsewhere', async () => {
  seen.length = 0;
  const response = await httpGet(`${aUrl}/to-b`, options());
  assert.equal(response.body.toString(), 'from b');
  assert.equal(response.url, `${bUrl}/archive.tgz`);
  assert.deepEqual(
    seen.map((s) => [s.server, s.headers.authorization]),
    [
      ['a', 'Basic c2VjcmV0'],
      ['b', undefined],
    ],
  );
});

test('httpGet refuses a redirect to a plain-HTTP host the policy does not list', async () => {
  const policy = { plainHttpHosts: [new URL(aUrl).host] };
  await assert.rejects(httpGet(`${aUrl}/to-b`, { ...options(), policy }), RepoUrlRefused);
});

test('httpGet bounds redirects and body size, and makes 5xx retryable', async () => {
  await assert.rejects(
    httpGet(`${aUrl}/loop`, options()),
    (e: Error) => e instanceof Unreachable && /more than 5 redirects/.test(e.message),
  );
  await assert.rejects(
    httpGet(`${aUrl}/big`, options()),
    (e: Error) => e instanceof ManifestInvalid && /more than 1024 bytes/.test(e.message),
  );
  await assert.rejects(
    httpGet(`${aUrl}/busy`, options()),
    (e: Error) => e instanceof Unreachable && /HTTP 503; will retry/.test(e.message),
  );
});
