import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizeRepoUrl, remoteUrl, repoHash } from '../../../../activities/git/repo-url.js';

test('normalizeRepoUrl() gives one key to spellings of the same repository', () => {
  const same = [
    'https://github.com/acme/app.git',
    'https://GitHub.com/acme/app',
    'https://x-access-token:tok@github.com/acme/app.git/',
  ];
  for (const url of same) assert.equal(normalizeRepoUrl(url), 'https://github.com/acme/app', url);
  assert.equal(normalizeRepoUrl('git@github.com:acme/app.git'), 'ssh://github.com/acme/app');
  assert.equal(normalizeRepoUrl('ssh://git@github.com/acme/app.git'), 'ssh://github.com/acme/app');
  assert.equal(normalizeRepoUrl('/srv/git/app.git/'), '/srv/git/app.git');
  assert.equal(normalizeRepoUrl('file:///srv/git/app.git'), 'file:///srv/git/app.git');
});

test('remoteUrl() drops userinfo but keeps an SSH user name', () => {
  assert.equal(remoteUrl('https://bob:tok@h.example/r.git'), 'https://h.example/r.git');
  assert.equal(remoteUrl('ssh://git:pw@h.example:2222/r.git'), 'ssh://git@h.example:2222/r.git');
  assert.equal(remoteUrl('git@h.example:org/r.git'), 'git@h.example:org/r.git');
  assert.equal(remoteUrl('/srv/git/r.git'), '/srv/git/r.git');
});

test('repoHash() is stable, short and ignores userinfo', () => {
  assert.match(repoHash('https://github.com/acme/app'), /^[0-9a-f]{24}$/);
  assert.equal(repoHash('https://tok@github.com/acme/app.git'), repoHash('https://github.com/acme/app'));
  assert.notEqual(repoHash('https://github.com/acme/app'), repoHash('https://github.com/acme/app2'));
});
