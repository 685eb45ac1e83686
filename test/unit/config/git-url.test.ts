import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatGitUrl, parseGitUrl } from '../../../config/git-url.js';

test('parseGitUrl() names the transport git would use for each URL form', () => {
  const cases: [string, string | undefined, string][] = [
    ['https://github.com/acme/app.git', 'https', 'url'],
    ['HTTP://h/r', 'http', 'url'],
    ['ssh://git@h:2222/r.git', 'ssh', 'url'],
    ['git+ssh://h/r', 'ssh', 'url'],
    ['git@github.com:acme/app.git', 'ssh', 'scp'],
    ['github.com:acme/app.git', 'ssh', 'scp'],
    ['git://h/r', 'git', 'url'],
    ['file:///srv/git/r.git', 'file', 'url'],
    ['/srv/git/r.git', 'file', 'path'],
    ['./r.git', 'file', 'path'],
    ['ext::sh -c touch% /tmp/x', undefined, 'url'],
    ['fd::7', undefined, 'url'],
    ['ftp://h/r.git', undefined, 'url'],
  ];
  for (const [url, scheme, form] of cases) {
    const parsed = parseGitUrl(url);
    assert.deepEqual([parsed.scheme, parsed.form], [scheme, form], url);
  }
});

test('parseGitUrl() resolves dot segments, %2e%2e, backslashes and duplicate slashes in the path', () => {
  const cases: [string, string][] = [
    ['https://github.com/acme/../evil/repo', '/evil/repo'],
    ['https://github.com/acme/%2e%2e/evil/repo', '/evil/repo'],
    ['https://github.com/acme/%2E%2e/evil/repo', '/evil/repo'],
    ['https://github.com/acme/.%2e/evil/repo', '/evil/repo'],
    ['https://github.com//acme///app/', '/acme/app'],
    ['https://github.com/acme/./app', '/acme/app'],
    ['https://github.com/acme\\..\\evil', '/evil'],
    ['https://github.com/../../x', '/x'],
    ['https://github.com/%61cme/app', '/acme/app'],
    ['https://github.com/acme%2fevil/app', '/acme%2Fevil/app'],
    ['git@h:acme/../evil/r.git', 'evil/r.git'],
  ];
  for (const [url, path] of cases) assert.equal(parseGitUrl(url).path, path, url);
});

test('parseGitUrl() lower-cases the host, drops default ports and reports userinfo', () => {
  assert.deepEqual(
    [parseGitUrl('https://GitHub.COM:443/a').host, parseGitUrl('https://GitHub.COM:443/a').port],
    ['github.com', undefined],
  );
  assert.equal(parseGitUrl('https://h:8443/a').port, '8443');
  assert.equal(parseGitUrl('ssh://h:22/a').port, undefined);
  assert.equal(parseGitUrl('http://[::1]:8080/a').host, '[::1]');
  const withPassword = parseGitUrl('https://bob:tok@h/a');
  assert.deepEqual([withPassword.username, withPassword.hasPassword], ['bob', true]);
  const tokenOnly = parseGitUrl('https://ghp_x@h/a');
  assert.deepEqual([tokenOnly.username, tokenOnly.hasPassword], ['ghp_x', false]);
  assert.deepEqual(parseGitUrl('git@h:a').username, 'git');
  assert.equal(parseGitUrl('user:pw@h:a').hasPassword, true);
});

test('formatGitUrl() writes the parts back without userinfo', () => {
  assert.equal(
    formatGitUrl(parseGitUrl('https://u:p@GitHub.com:443/acme/../x.git?a=1')),
    'https://github.com/x.git?a=1',
  );
  assert.equal(formatGitUrl(parseGitUrl('git@h:org/r.git')), 'ssh://h/org/r.git');
  assert.equal(formatGitUrl(parseGitUrl('/srv//git/../r.git/')), '/srv/r.git');
});
