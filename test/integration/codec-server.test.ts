/**
 * `startCodecServer` over real HTTP, as the Temporal Web UI and `temporal --codec-endpoint` call
 * it: encode/decode round trip, CORS for the configured origin only, token check, body limit.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { parseCodecKeys } from '../../client/codec-keys.js';
import { startCodecServer, type CodecServer } from '../../client/codec-server.js';
import { AesGcmPayloadCodec } from '../../client/payload-codec.js';

const ORIGIN = 'http://127.0.0.1:8233';
const TOKEN = randomBytes(16).toString('hex');
const MARKER = `marker-${randomBytes(6).toString('hex')}`;
const keys = parseCodecKeys(`k1:${randomBytes(32).toString('base64')}`, 'test key');

const b64 = (text: string) => Buffer.from(text).toString('base64');
const plainPayload = { metadata: { encoding: b64('json/plain') }, data: b64(JSON.stringify(MARKER)) };

describe('codec server', () => {
  let server: CodecServer;
  before(async () => {
    server = await startCodecServer({
      codec: new AesGcmPayloadCodec(keys),
      port: 0,
      corsOrigins: [ORIGIN],
      token: TOKEN,
      maxBodyBytes: 64 * 1024,
    });
  });
  after(() => server.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Authorization: `Bearer ${TOKEN}`,
        'X-Namespace': 'default',
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('encodes without plaintext and decodes back, under a namespace prefix too', async () => {
    const encoded = await post('/encode', { payloads: [plainPayload] });
    assert.equal(encoded.status, 200);
    const encodedBody = (await encoded.json()) as {
      payloads: { metadata: Record<string, string>; data: string }[];
    };
    const wire = JSON.stringify(encodedBody);
    assert.ok(
      !wire.includes(MARKER) && !wire.includes(b64(JSON.stringify(MARKER))),
      'no plaintext on the wire',
    );
    assert.equal(
      Buffer.from(encodedBody.payloads[0]!.metadata.encoding!, 'base64').toString(),
      'binary/encrypted',
    );
    const decoded = await post('/default/decode', encodedBody, { Origin: ORIGIN });
    assert.equal(decoded.status, 200);
    assert.equal(decoded.headers.get('access-control-allow-origin'), ORIGIN);
    assert.deepEqual(await decoded.json(), { payloads: [plainPayload] });
  });

  it('answers the Web UI preflight for its origin and refuses other origins', async () => {
    const preflight = await fetch(`${server.url}/decode`, {
      method: 'OPTIONS',
      headers: {
        Origin: ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization,content-type,x-namespace',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), ORIGIN);
    assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
    assert.equal(
      preflight.headers.get('access-control-allow-headers'),
      'authorization,content-type,x-namespace',
    );
    const evil = await post('/decode', { payloads: [] }, { Origin: 'https://evil.example' });
    assert.equal(evil.status, 403);
    assert.equal(evil.headers.get('access-control-allow-origin'), null);
  });

  it('refuses a missing or wrong token', async () => {
    assert.equal((await post('/decode', { payloads: [] }, { Authorization: '' })).status, 401);
    const wrong = await post('/decode', { payloads: [] }, { Authorization: 'Bearer nope' });
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /does not hold the expected token/);
  });

  it('refuses oversized and malformed bodies and names an unknown key', async () => {
    const huge = await post('/decode', { payloads: [{ data: 'A'.repeat(70 * 1024) }] });
    assert.equal(huge.status, 413);
    const junk = await post('/decode', 'not json');
    assert.equal(junk.status, 400);
    assert.match(await junk.text(), /not JSON/);
    const other = new AesGcmPayloadCodec(
      parseCodecKeys(`gone:${randomBytes(32).toString('base64')}`, 'other'),
    );
    const [foreign] = await other.encode([
      { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('"x"') },
    ]);
    const unknown = await post('/decode', {
      payloads: [
        {
          metadata: Object.fromEntries(
            Object.entries(foreign!.metadata!).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
          ),
          data: Buffer.from(foreign!.data!).toString('base64'),
        },
      ],
    });
    assert.equal(unknown.status, 400);
    assert.match(await unknown.text(), /codec key "gone": that key id is not configured/);
    assert.equal((await fetch(`${server.url}/decode`)).status, 405);
    assert.equal((await post('/other', { payloads: [] })).status, 404);
  });
});
