import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  connectionSettings,
  explainConnectionError,
  resolveConnection,
} from '../../../client/temporal-connection.js';

const dir = mkdtempSync(join(tmpdir(), 'mooring-conn-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

function jwt(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${part({ alg: 'RS256' })}.${part(claims)}.c2ln`;
}

describe('Temporal connection settings', () => {
  it("take flags first, then Temporal's own environment variables, then the defaults", () => {
    assert.deepEqual(connectionSettings({}, {}), {
      address: '127.0.0.1:7233',
      namespace: 'default',
      tlsCaFile: undefined,
      tlsCertFile: undefined,
      tlsKeyFile: undefined,
      tlsServerName: undefined,
      apiKeyFile: undefined,
      apiKey: undefined,
      tls: undefined,
    });
    const env = {
      TEMPORAL_ADDRESS: 'temporal:7233',
      TEMPORAL_NAMESPACE: 'prod',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: '/ca.pem',
      TEMPORAL_TLS_CLIENT_CERT_PATH: '/c.pem',
      TEMPORAL_TLS_CLIENT_KEY_PATH: '/k.pem',
      TEMPORAL_API_KEY_FILE: '/token',
    };
    const settings = connectionSettings({ address: 'flag:1', tlsCaFile: '' }, env);
    assert.equal(settings.address, 'flag:1');
    assert.equal(settings.namespace, 'prod');
    assert.equal(settings.tlsCaFile, '/ca.pem', 'an empty flag does not hide the variable');
    assert.equal(settings.apiKeyFile, '/token');
  });

  it('reads the TLS files and the token, and describes the credential without the secret', () => {
    const token = jwt({ sub: 'agent-us-east', exp: 4_000_000_000 });
    const resolved = resolveConnection({
      address: 'a:1',
      namespace: 'default',
      tlsCaFile: file('ca.pem', 'CA'),
      tlsCertFile: file('c.pem', 'CERT'),
      tlsKeyFile: file('k.pem', 'KEY'),
      apiKeyFile: file('token', `${token}\n`),
    });
    assert.equal(resolved.apiKey, token);
    assert.equal(resolved.tls?.clientCertPair?.crt.toString(), 'CERT');
    assert.equal(resolved.tls?.serverRootCACertificate?.toString(), 'CA');
    assert.match(
      resolved.describe,
      /TLS with client certificate .*c\.pem, token from .*token \(subject agent-us-east\)/,
    );
    assert.doesNotMatch(resolved.describe, new RegExp(token.slice(0, 20)));
  });

  it('refuses a certificate without its key, an unreadable or empty file, an expired or garbled JWT', () => {
    const base = { address: 'a:1', namespace: 'default' };
    assert.throws(() => resolveConnection({ ...base, tlsCertFile: '/c.pem' }), {
      message:
        /A client certificate needs its key: --tls-cert is set but --tls-key \(TEMPORAL_TLS_CLIENT_KEY_PATH\) is not/,
    });
    assert.throws(() => resolveConnection({ ...base, tlsCaFile: join(dir, 'missing.pem') }), {
      message: /Cannot read .*missing\.pem \(--tls-ca \/ TEMPORAL_TLS_SERVER_CA_CERT_PATH\): ENOENT/,
    });
    assert.throws(() => resolveConnection({ ...base, apiKeyFile: file('empty', '') }), {
      message: /empty \(--api-key-file \/ TEMPORAL_API_KEY_FILE\) is empty/,
    });
    const expired = file('old.jwt', jwt({ exp: 1_000_000 }));
    assert.throws(() => resolveConnection({ ...base, apiKeyFile: expired }), {
      message: /The token in .*old\.jwt .* expired at 1970-01-12T13:46:40\.000Z; issue a new one/,
    });
    assert.throws(() => resolveConnection({ ...base, apiKeyFile: file('bad.jwt', 'a.!!!.c') }), {
      message: /looks like a JWT but its payload is not JSON/,
    });
    assert.throws(() => resolveConnection({ ...base, apiKeyFile: file('two', 'a b') }), {
      message: /must hold one token on one line/,
    });
  });

  it('turns server refusals into messages that name the credential and what to check', () => {
    const conn = resolveConnection({ address: 'a:1', namespace: 'default' });
    const denied = Object.assign(new Error('7 PERMISSION_DENIED: Request unauthorized.'), { code: 7 });
    assert.match(
      explainConnectionError(new Error('wrapped', { cause: denied }), conn, 'starting a workflow').message,
      /Temporal at a:1 \(namespace default; plaintext, no token\) denied this credential while starting a workflow/,
    );
    const unauth = Object.assign(new Error('16 UNAUTHENTICATED: token expired'), { code: 16 });
    assert.match(
      explainConnectionError(unauth, conn, 'connecting').message,
      /rejected the credential while connecting/,
    );
    assert.match(
      explainConnectionError(new Error('tls handshake eof'), conn, 'connecting').message,
      /TLS to Temporal at a:1 .* failed while connecting/,
    );
  });
});
