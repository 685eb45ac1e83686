import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { parseSecrets, signBody, verifyHmacSignature, verifyToken } from '../../../core/webhook/signature.js';

const body = Buffer.from('{"ref":"refs/heads/main"}');
const HEADER = 'X-Hub-Signature-256';

test("signBody() is GitHub's X-Hub-Signature-256: sha256= and the hex HMAC-SHA256 of the raw body", () => {
  const expected = createHmac('sha256', "It's a Secret to Everybody").update('Hello, World!').digest('hex');
  assert.equal(signBody(Buffer.from('Hello, World!'), "It's a Secret to Everybody"), `sha256=${expected}`);
  // GitHub's documented example value for this secret and body.
  assert.equal(expected, '757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17');
});

test('a body signed with the secret is accepted, in either hex case', () => {
  const signature = signBody(body, 's3cret');
  assert.deepEqual(verifyHmacSignature(body, signature, ['s3cret'], HEADER), { ok: true });
  assert.deepEqual(
    verifyHmacSignature(body, signature.toUpperCase().replace('SHA256', 'sha256'), ['s3cret'], HEADER),
    {
      ok: true,
    },
  );
});

test('a missing, malformed, wrong or other-secret signature is refused with the reason', () => {
  const missing = verifyHmacSignature(body, undefined, ['s3cret'], HEADER);
  assert.equal(missing.ok, false);
  assert.match(!missing.ok ? missing.reason : '', /missing X-Hub-Signature-256/);
  const malformed = verifyHmacSignature(body, 'sha1=abc', ['s3cret'], HEADER);
  assert.match(!malformed.ok ? malformed.reason : '', /not of the form sha256=<64 hex digits>/);
  const other = verifyHmacSignature(body, signBody(body, 'another secret'), ['s3cret'], HEADER);
  assert.match(!other.ok ? other.reason : '', /does not match the body/);
  const tampered = verifyHmacSignature(
    Buffer.from('{"ref":"refs/heads/evil"}'),
    signBody(body, 's3cret'),
    ['s3cret'],
    HEADER,
  );
  assert.equal(tampered.ok, false);
});

test('any of several secrets (rotation) is accepted; the reason never quotes a secret', () => {
  assert.deepEqual(verifyHmacSignature(body, signBody(body, 'new'), ['old', 'new'], HEADER), { ok: true });
  const refused = verifyHmacSignature(body, signBody(body, 'x'), ['topsecret-value'], HEADER);
  assert.doesNotMatch(JSON.stringify(refused), /topsecret-value/);
});

test('GitLab tokens compare whole: missing, wrong, prefix and longer tokens are refused', () => {
  assert.deepEqual(verifyToken('glpat-token', ['glpat-token'], 'X-Gitlab-Token'), { ok: true });
  assert.deepEqual(verifyToken('b', ['a', 'b'], 'X-Gitlab-Token'), { ok: true });
  for (const given of [undefined, '', 'glpat', 'glpat-token2', 'GLPAT-TOKEN']) {
    const result = verifyToken(given, ['glpat-token'], 'X-Gitlab-Token');
    assert.equal(result.ok, false, String(given));
    assert.doesNotMatch(JSON.stringify(result), /glpat-token/);
  }
});

test('parseSecrets() reads one secret per non-empty line, trimmed', () => {
  assert.deepEqual(parseSecrets('old-secret\r\n\n  new-secret  \n'), ['old-secret', 'new-secret']);
  assert.deepEqual(parseSecrets('\n \n'), []);
});
