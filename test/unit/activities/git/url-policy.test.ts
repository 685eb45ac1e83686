import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RepoUrlRefused } from '../../../../contract/errors.js';
import {
  DEFAULT_ALLOWED_SCHEMES,
  checkRepoUrl,
  parseAllowedSchemes,
} from '../../../../activities/git/url-policy.js';

const root = mkdtempSync(join(tmpdir(), 'mooring-url-policy-'));
const cache = join(root, 'cache');
mkdirSync(join(cache, 'git', 'repos', 'abc.git'), { recursive: true });
symlinkSync(join(cache, 'git'), join(root, 'link'));
after(() => rmSync(root, { recursive: true, force: true }));

const everything = {
  allowedSchemes: parseAllowedSchemes(['https', 'ssh', 'http', 'git', 'file']),
  forbiddenDirs: [cache],
};

function refusal(url: string, policy = everything): string {
  try {
    checkRepoUrl(url, policy);
  } catch (error) {
    assert.ok(error instanceof RepoUrlRefused, String(error));
    assert.equal(error.retryable, false);
    return error.message;
  }
  return '';
}

test('checkRepoUrl() allows https and ssh only by default, naming the setting that widens it', () => {
  const policy = { allowedSchemes: DEFAULT_ALLOWED_SCHEMES, forbiddenDirs: [cache] };
  for (const url of [
    'https://github.com/acme/app',
    'ssh://git@github.com/acme/app',
    'git@github.com:acme/app',
  ])
    assert.equal(refusal(url, policy), '', url);
  const cases: [string, string][] = [
    ['file:///srv/git/app.git', 'file'],
    ['/srv/git/app.git', 'file'],
    ['git://h/app', 'git'],
    ['http://h/app', 'http'],
  ];
  for (const [url, scheme] of cases) {
    assert.equal(
      refusal(url, policy),
      `Cannot use repository "${url}": scheme "${scheme}" is not allowed on this agent (allowed: "https", "ssh"); the operator allows it in the agent's policy file: git.allowedSchemes`,
    );
  }
});

test('checkRepoUrl() refuses credentials in the URL without repeating them', () => {
  const message = refusal('https://bob:tok-policy-1@h/app?token=tok-policy-2');
  assert.match(message, /credentials in a repository URL are refused/);
  assert.ok(!message.includes('tok-policy'), message);
});

test('checkRepoUrl() refuses a local repository inside the Mooring cache, however it is spelled', () => {
  for (const url of [
    join(cache, 'git', 'repos', 'abc.git'),
    `file://${join(cache, 'git', 'repos', 'abc.git')}`,
    `file://${join(cache, 'git', 'repos', 'abc.git').replace('/repos/', '/%72epos/')}`,
    `${root}/elsewhere/../cache/git/repos/abc.git`,
    join(root, 'link', 'repos', 'abc.git'),
    join(cache, 'git', 'repos', 'not-yet-there.git'),
    cache,
  ]) {
    assert.match(refusal(url), /lies inside Mooring's cache directory/, url);
  }
  assert.equal(refusal(join(root, 'cache-other', 'r.git')), '');
});

test('parseAllowedSchemes() defaults to https and ssh and rejects unknown values', () => {
  assert.deepEqual(parseAllowedSchemes(undefined), ['https', 'ssh']);
  assert.deepEqual(parseAllowedSchemes(['file', 'file', 'https']), ['file', 'https']);
  assert.throws(
    () => parseAllowedSchemes(['https', 'ftp'], 'policy file "agent.yaml": git.allowedSchemes'),
    /^TypeError: Cannot use policy file "agent.yaml": git.allowedSchemes: unknown scheme "ftp", allowed values are "https", "ssh", "http", "git", "file"$/,
  );
});
