import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitCredentials } from '../../../../activities/git/credentials.js';

const dir = mkdtempSync(join(tmpdir(), 'mooring-creds-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const credentials = new GitCredentials([
  { urlPrefix: 'https://github.com/', token: 'tok-github' },
  { urlPrefix: 'https://github.com/acme/', username: 'acme-bot', token: 'tok-acme' },
  { urlPrefix: 'https://github.com/acme/app.git', token: 'tok-app' },
  { urlPrefix: 'git@github.com:acme/', sshKeyFile: '/keys/acme' },
]);

test('GitCredentials.match() picks the longest prefix on a path boundary', () => {
  const cases: [string, string | undefined][] = [
    ['https://github.com/acme/app', 'tok-app'],
    ['https://github.com/acme/app.git', 'tok-app'],
    ['https://github.com/acme/other.git', 'tok-acme'],
    ['https://GitHub.com/acme/other', 'tok-acme'],
    ['https://github.com/acme-evil/app', 'tok-github'],
    ['https://tok-user@github.com/acme/other', 'tok-acme'],
    ['https://github.com:8443/acme/app', undefined],
    ['http://github.com/acme/app', undefined],
    ['https://gitlab.com/acme/app', undefined],
  ];
  for (const [url, token] of cases) assert.equal(credentials.match(url)?.token, token, url);
});

test('GitCredentials.match() normalizes the path before matching, so ".." cannot climb out of a prefix', () => {
  const scoped = new GitCredentials([{ urlPrefix: 'https://github.com/acme/', token: 'tok-acme' }]);
  const cases: [string, string | undefined][] = [
    ['https://github.com/acme/../evil/repo', undefined],
    ['https://github.com/acme/%2e%2e/evil/repo', undefined],
    ['https://github.com/acme/%2E%2E/evil/repo', undefined],
    ['https://github.com/acme/app/../../evil/repo', undefined],
    ['https://github.com/acme\\..\\evil/repo', undefined],
    ['https://github.com/acme%2f..%2fevil/repo', undefined],
    ['https://github.com//acme//app', 'tok-acme'],
    ['https://GITHUB.com:443/acme/app', 'tok-acme'],
    ['https://github.com/evil/../acme/app', 'tok-acme'],
    ['https://github.com/%61cme/app', 'tok-acme'],
  ];
  for (const [url, token] of cases) assert.equal(scoped.match(url)?.token, token, url);
});

test('GitCredentials.forUrl() names the origin the askpass helper may answer for', () => {
  const scoped = new GitCredentials([{ urlPrefix: 'https://git.example.com/', token: 'tok-o' }]);
  assert.equal(scoped.forUrl('https://Git.Example.com:443/team/app')?.origin, 'https://git.example.com');
});

test('GitCredentials.match() treats scp-like and ssh:// URLs as the same remote', () => {
  assert.equal(credentials.match('ssh://git@github.com/acme/app.git')?.sshKeyFile, '/keys/acme');
  assert.equal(credentials.match('git@github.com:acme/app.git')?.sshKeyFile, '/keys/acme');
  assert.equal(credentials.match('git@github.com:other/app.git'), undefined);
});

test('GitCredentials.forUrl() reads the token file on each call and defaults the user name', () => {
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, 'tok-first\n');
  const fromFile = new GitCredentials([{ urlPrefix: 'https://git.example.com', tokenFile }]);
  assert.deepEqual(fromFile.forUrl('https://git.example.com/a/b'), {
    urlPrefix: 'https://git.example.com',
    origin: 'https://git.example.com',
    username: 'x-access-token',
    token: 'tok-first',
    tokenFile,
    sshKeyFile: undefined,
    knownHostsFile: undefined,
  });
  writeFileSync(tokenFile, 'tok-rotated\n');
  assert.equal(fromFile.forUrl('https://git.example.com/a/b')?.token, 'tok-rotated');
  assert.equal(fromFile.forUrl('https://elsewhere.example.com/a'), undefined);
});

test('GitCredentials.fromEnv() loads the YAML file named by MOORING_GIT_CREDENTIALS_FILE', () => {
  const file = join(dir, 'credentials.yaml');
  writeFileSync(file, '- urlPrefix: https://git.example.com/team/\n  username: bot\n  token: tok-yaml\n');
  const loaded = GitCredentials.fromEnv({ MOORING_GIT_CREDENTIALS_FILE: file });
  assert.equal(loaded.forUrl('https://git.example.com/team/app')?.username, 'bot');
  assert.equal(GitCredentials.fromEnv({}).match('https://git.example.com/team/app'), undefined);
});

test('GitCredentials rejects malformed entries without echoing token values', () => {
  const invalid: [unknown, RegExp][] = [
    [{ token: 'tok-secret-1' }, /entry 1: field "urlPrefix" is missing/],
    [
      { urlPrefix: 'https://h/', token: 'tok-secret-1', sshKeyFile: '/k' },
      /set exactly one of token, tokenFile, sshKeyFile, found 2/,
    ],
    [{ urlPrefix: 'https://h/', tokenfile: '/t' }, /unknown field "tokenfile"/],
    [{ urlPrefix: 'https://h/', token: 42 }, /field "token" must be a non-empty string/],
    ['https://h/', /expected an object with urlPrefix/],
  ];
  for (const [entry, message] of invalid) {
    assert.throws(
      () => new GitCredentials([entry]),
      (error: Error) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, message);
        assert.ok(!error.message.includes('tok-secret-1'), error.message);
        return true;
      },
    );
  }
});

test('GitCredentials.fromFile() reports a YAML error by position only', () => {
  const file = join(dir, 'broken.yaml');
  writeFileSync(file, '- urlPrefix: https://h/\n  token: "tok-secret-2\n');
  assert.throws(
    () => GitCredentials.fromFile(file),
    (error: Error) => {
      assert.ok(error instanceof SyntaxError);
      assert.match(error.message, /^Cannot parse git credentials file ".*broken\.yaml": \S+ at line \d+$/);
      assert.ok(!error.message.includes('tok-secret-2'));
      return true;
    },
  );
});
