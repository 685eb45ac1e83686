import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { parseCodecKeys } from '../../../client/codec-keys.js';
import {
  AesGcmPayloadCodec,
  ENCRYPTED_ENCODING,
  KEY_ID_METADATA,
  mooringDataConverter,
} from '../../../client/payload-codec.js';

const keyText = () => randomBytes(32).toString('base64');
const ring = (...ids: string[]) =>
  parseCodecKeys(JSON.stringify(ids.map((id) => ({ id, key: keyText() }))), 'keys.json');
const payload = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const MARKER = 'marker-7f3a9c1e';

describe('AesGcmPayloadCodec', () => {
  it('round-trips payloads and hides their content', async () => {
    const codec = new AesGcmPayloadCodec(ring('k1'));
    const original = payload({ token: MARKER });
    const [encoded] = await codec.encode([original]);
    assert.equal(text(encoded!.metadata!.encoding), ENCRYPTED_ENCODING);
    assert.equal(text(encoded!.metadata![KEY_ID_METADATA]), 'k1');
    assert.ok(!Buffer.from(encoded!.data!).toString('latin1').includes(MARKER));
    assert.ok(!Buffer.from(encoded!.data!).toString('latin1').includes('json/plain'));
    const [decoded] = await codec.decode([encoded!]);
    assert.deepEqual(defaultPayloadConverter.fromPayload(decoded!), { token: MARKER });
  });

  it('uses a fresh nonce for every payload', async () => {
    const codec = new AesGcmPayloadCodec(ring('k1'));
    const [a, b] = await codec.encode([payload('same'), payload('same')]);
    assert.notDeepEqual(Buffer.from(a!.data!), Buffer.from(b!.data!));
  });

  it('decrypts with an older key after rotation and encrypts with the current one', async () => {
    const old = ring('k1');
    const rotated = parseCodecKeys(
      JSON.stringify({
        current: 'k2',
        keys: [
          { id: 'k1', key: old.current.key.toString('base64') },
          { id: 'k2', key: keyText() },
        ],
      }),
      'keys.json',
    );
    const [fromOld] = await new AesGcmPayloadCodec(old).encode([payload(MARKER)]);
    const codec = new AesGcmPayloadCodec(rotated);
    assert.equal(defaultPayloadConverter.fromPayload((await codec.decode([fromOld!]))[0]!), MARKER);
    const [fresh] = await codec.encode([payload(MARKER)]);
    assert.equal(text(fresh!.metadata![KEY_ID_METADATA]), 'k2');
  });

  it('detects altered data and a swapped key id', async () => {
    const keys = ring('k1', 'k2');
    const codec = new AesGcmPayloadCodec(keys);
    const [encoded] = await codec.encode([payload(MARKER)]);
    const altered = Buffer.from(encoded!.data!);
    altered[20] = altered[20]! ^ 1;
    await assert.rejects(
      codec.decode([{ ...encoded!, data: altered }]),
      /codec key "k1": authentication failed/,
    );
    const swapped = { ...encoded!, metadata: { ...encoded!.metadata, [KEY_ID_METADATA]: Buffer.from('k2') } };
    await assert.rejects(codec.decode([swapped]), /codec key "k2": authentication failed/);
  });

  it('names an unknown key id and the known ones', async () => {
    const [encoded] = await new AesGcmPayloadCodec(ring('retired')).encode([payload(MARKER)]);
    await assert.rejects(
      new AesGcmPayloadCodec(ring('k1')).decode([encoded!]),
      /encrypted with codec key "retired": that key id is not configured \(known: "k1"\); add the key to MOORING_CODEC_KEYS_FILE/,
    );
  });

  it('passes payloads that are not encrypted through unchanged', async () => {
    const plain = payload({ old: 'history' });
    const [decoded] = await new AesGcmPayloadCodec(ring('k1')).decode([plain]);
    assert.equal(decoded, plain);
  });
});

describe('mooringDataConverter', () => {
  it('without keys passes payloads through and explains an encrypted one', async () => {
    const [codec] = mooringDataConverter(undefined).payloadCodecs!;
    const plain = payload('x');
    assert.deepEqual(await codec!.encode([plain]), [plain]);
    const [encrypted] = await new AesGcmPayloadCodec(ring('k9')).encode([plain]);
    await assert.rejects(
      codec!.decode([encrypted!]),
      /encrypted with codec key "k9": no codec key is configured; set MOORING_CODEC_KEYS_FILE or MOORING_CODEC_KEY/,
    );
  });
});
