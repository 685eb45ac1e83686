import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeRepoUrl, remoteUrl, repoHash, repoOrigin } from '../../../../activities/git/repo-url.js';

test('normalizeRepoUrl() gives one key to spellings of the same repository', () => {
  const same = [
    'https://github.com/acme/app.git',
    'https://GitHub.com/acme/app',
    'https://github.com:443/acme/app',
    'https://github.com//acme/./app/',
    'https://github.com/other/../acme/app',
    'https://x-access-token:tok@github.com/acme/app.git/',
  ];
  for (const url of same) assert.equal(normalizeRepoUrl(url), 'https://github.com/acme/app', url);
  assert.equal(normalizeRepoUrl('git@github.com:acme/app.git'), 'ssh://github.com/acme/app');
  assert.equal(normalizeRepoUrl('ssh://git@github.com/acme/app.git'), 'ssh://github.com/acme/app');
  assert.equal(normalizeRepoUrl('git+ssh://git@github.com:22/acme/app.git'), 'ssh://github.com/acme/app');
  assert.equal(normalizeRepoUrl('/srv/git/app.git/'), '/srv/git/app.git');
  assert.equal(normalizeRepoUrl('file:///srv/git/app.git'), 'file:///srv/git/app.git');
});

test('remoteUrl() hands git the normalized URL: no userinfo but an SSH user name', () => {
  assert.equal(remoteUrl('https://bob:tok@h.example/r.git'), 'https://h.example/r.git');
  assert.equal(remoteUrl('https://h.example/acme/%2e%2e/evil/r.git'), 'https://h.example/evil/r.git');
  assert.equal(remoteUrl('ssh://git:pw@h.example:2222/r.git'), 'ssh://git@h.example:2222/r.git');
  assert.equal(remoteUrl('git@h.example:org/r.git'), 'git@h.example:org/r.git');
  assert.equal(remoteUrl('/srv/git/r.git'), '/srv/git/r.git');
});

test('repoOrigin() is the scheme, host and non-default port of http(s) URLs only', () => {
  assert.equal(repoOrigin('https://GitHub.com:443/acme/app'), 'https://github.com');
  assert.equal(repoOrigin('http://127.0.0.1:8080/r.git'), 'http://127.0.0.1:8080');
  assert.equal(repoOrigin('git@github.com:acme/app'), undefined);
  assert.equal(repoOrigin('/srv/git/r.git'), undefined);
});

test('repoHash() is stable, short and ignores userinfo', () => {
  assert.match(repoHash('https://github.com/acme/app'), /^[0-9a-f]{24}$/);
  assert.equal(repoHash('https://tok@github.com/acme/app.git'), repoHash('https://github.com/acme/app'));
  assert.notEqual(repoHash('https://github.com/acme/app'), repoHash('https://github.com/acme/app2'));
});
