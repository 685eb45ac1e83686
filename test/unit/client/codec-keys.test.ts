import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadCodecKeys, parseCodecKeys } from '../../../client/codec-keys.js';

const key = () => randomBytes(32).toString('base64');

/** Asserts that parsing throws a message matching `pattern` that does not contain `secret`. */
function assertRefused(text: string, pattern: RegExp, secret: string): void {
  assert.throws(
    () => parseCodecKeys(text, 'keys.yaml'),
    (err: Error) => {
      assert.match(err.message, pattern);
      assert.ok(!err.message.includes(secret), `message must not echo the key: ${err.message}`);
      return true;
    },
  );
}

describe('parseCodecKeys', () => {
  it('reads a YAML list; the first key encrypts and every key decrypts', () => {
    const ring = parseCodecKeys(`- id: k2\n  key: ${key()}\n- id: k1\n  key: ${key()}\n`, 'keys.yaml');
    assert.equal(ring.current.id, 'k2');
    assert.deepEqual([...ring.byId.keys()], ['k2', 'k1']);
    assert.equal(ring.current.key.length, 32);
  });

  it('reads { current, keys } and honours current', () => {
    const ring = parseCodecKeys(
      JSON.stringify({
        current: 'new',
        keys: [
          { id: 'old', key: key() },
          { id: 'new', key: key() },
        ],
      }),
      'keys.json',
    );
    assert.equal(ring.current.id, 'new');
  });

  it('reads one key alone, with or without an id', () => {
    assert.equal(parseCodecKeys(`prod-1:${key()}\n`, 'key').current.id, 'prod-1');
    const bare = key();
    const ring = parseCodecKeys(bare, 'key');
    assert.match(ring.current.id, /^k-[0-9a-f]{8}$/);
    assert.equal(parseCodecKeys(bare, 'again').current.id, ring.current.id, 'the derived id is stable');
  });

  it('refuses a key of the wrong length without printing it', () => {
    const short = randomBytes(16).toString('base64');
    assertRefused(
      `- id: k1\n  key: ${short}\n`,
      /keys\.yaml: keys\[0\]\.key: key "k1" must decode to 32 bytes \(AES-256\): it decodes to 16/,
      short,
    );
  });

  it('refuses text that is not base64 without printing it', () => {
    const bad = 'not*base64*' + 'x'.repeat(33);
    assertRefused(`k1:${bad}`, /keys\.yaml: key "k1" is not valid base64/, bad);
  });

  it('refuses duplicate ids, an unknown current and an empty file', () => {
    const k = key();
    assertRefused(
      JSON.stringify([
        { id: 'a', key: k },
        { id: 'a', key: key() },
      ]),
      /key id "a" is listed twice/,
      k,
    );
    assertRefused(
      JSON.stringify({ current: 'b', keys: [{ id: 'a', key: k }] }),
      /current: must be the id of a listed key: current value is "b", listed ids are "a"/,
      k,
    );
    assertRefused('  \n', /holds no codec key/, 'x'.repeat(8));
  });

  it('does not echo a key from a YAML syntax error', () => {
    const k = key();
    assertRefused(`- id: k1\n  key: ${k}\n  - [`, /cannot parse as YAML or JSON/, k);
  });
});

describe('loadCodecKeys', () => {
  it('prefers MOORING_CODEC_KEYS_FILE, accepts MOORING_CODEC_KEY, and is off when neither is set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mooring-keys-'));
    try {
      const file = join(dir, 'keys.yaml');
      writeFileSync(file, `- id: from-file\n  key: ${key()}\n`);
      assert.equal(
        loadCodecKeys({ MOORING_CODEC_KEYS_FILE: file, MOORING_CODEC_KEY: `env:${key()}` })?.current.id,
        'from-file',
      );
      assert.equal(loadCodecKeys({ MOORING_CODEC_KEY: `env:${key()}` })?.current.id, 'env');
      assert.equal(loadCodecKeys({}), undefined);
      assert.throws(
        () => loadCodecKeys({ MOORING_CODEC_KEY: key() }),
        /MOORING_CODEC_KEY: must be "<id>:<base64 key>"/,
      );
      assert.throws(
        () => loadCodecKeys({ MOORING_CODEC_KEYS_FILE: join(dir, 'missing') }),
        /Cannot read the codec keys file ".*missing" named by MOORING_CODEC_KEYS_FILE: ENOENT/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
