import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isSecretParam, redactText, redactUrl } from '../../../../core/git/redact.js';

test('redactUrl() removes userinfo from every scheme and from scp-like addresses', () => {
  const cases: [string, string][] = [
    ['https://x-access-token:ghp_abc123@github.com/acme/app.git', 'https://github.com/acme/app.git'],
    ['https://ghp_abc123@github.com/acme/app', 'https://github.com/acme/app'],
    ['http://user:p%40ss@127.0.0.1:8080/repo.git', 'http://127.0.0.1:8080/repo.git'],
    ['ssh://git:secret@example.com:2222/acme/app.git', 'ssh://example.com:2222/acme/app.git'],
    ['git@github.com:acme/app.git', 'github.com:acme/app.git'],
    ['  https://github.com/acme/app  ', 'https://github.com/acme/app'],
    ['/srv/git/app.git', '/srv/git/app.git'],
    ['file:///srv/git/app.git', 'file:///srv/git/app.git'],
  ];
  for (const [input, expected] of cases) assert.equal(redactUrl(input), expected, input);
});

test('redactText() strips userinfo from URLs inside text and masks known secrets', () => {
  const text =
    "fatal: unable to access 'https://bob:hunter22@git.example.com/a.git/': token hunter22 rejected";
  assert.equal(
    redactText(text, { secrets: ['hunter22'] }),
    "fatal: unable to access 'https://git.example.com/a.git/': token *** rejected",
  );
});

test('redactText() leaves e-mail addresses and short secrets alone', () => {
  assert.equal(
    redactText('author a@example.com, id abc', { secrets: ['abc', ''] }),
    'author a@example.com, id abc',
  );
});

test('redactText() masks the longest secret first when secrets overlap', () => {
  assert.equal(redactText('x tok-123456 y', { secrets: ['tok-1234', 'tok-123456'] }), 'x *** y');
});

test('redactUrl() and redactText() mask credential-like query parameters', () => {
  assert.equal(
    redactUrl('https://h/r.git?ref=main&private_token=glpat-123&X-Amz-Signature=abc'),
    'https://h/r.git?ref=main&private_token=***&X-Amz-Signature=***',
  );
  const text =
    "fatal: unable to access 'https://h/r.git/?access_token=ghp_1&sig=s1&password=p1&apikey=k1&page=2': 403";
  assert.equal(
    redactText(text),
    "fatal: unable to access 'https://h/r.git/?access_token=***&sig=***&password=***&apikey=***&page=2': 403",
  );
});

test('redactUrl() removes a password from an scp-like address', () => {
  assert.equal(redactUrl('git:hunter22@h.example:org/r.git'), 'h.example:org/r.git');
});

test('isSecretParam() matches token, key, password and signature names only', () => {
  for (const name of [
    'token',
    'access_token',
    'private_token',
    'apiKey',
    'password',
    'sig',
    'X-Amz-Signature',
    'client_secret',
  ])
    assert.equal(isSecretParam(name), true, name);
  for (const name of ['ref', 'page', 'service', 'signal']) assert.equal(isSecretParam(name), false, name);
});
