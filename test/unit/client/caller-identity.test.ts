/** The identity the CLI records with the operations it starts. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { callerIdentity } from '../../../client/caller-identity.js';

const jwt = (claims: object): string =>
  ['{"alg":"none"}', JSON.stringify(claims), 'sig']
    .map((p, i) => (i < 2 ? Buffer.from(p).toString('base64url') : p))
    .join('.');

describe('callerIdentity', () => {
  it("is the token's subject when the CLI authenticates with a JWT, whatever MOORING_IDENTITY says", () => {
    assert.equal(
      callerIdentity(jwt({ sub: 'alice@example.com' }), { MOORING_IDENTITY: 'ci-bot' }),
      'user:alice@example.com',
    );
  });

  it('is MOORING_IDENTITY without a JWT subject (an opaque API key, or none)', () => {
    assert.equal(callerIdentity('opaque-api-key', { MOORING_IDENTITY: ' ci-bot ' }), 'user:ci-bot');
    assert.equal(callerIdentity(jwt({ iss: 'x' }), { MOORING_IDENTITY: 'ci-bot' }), 'user:ci-bot');
  });

  it('falls back to the OS user and host', () => {
    const id = callerIdentity(undefined, {});
    assert.match(id, /^user:.+@/);
    assert.ok(id.endsWith(`@${hostname()}`));
  });
});
