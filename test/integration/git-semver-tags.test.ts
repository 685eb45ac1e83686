/**
 * Semver constraints as targetRevision against a real repository served over smart HTTP with
 * Basic auth (git http-backend, test/support/git-http.ts): tags v1.0.0 (lightweight), v1.2.0
 * (annotated), v1.3.0-rc.1 (annotated) and v2.0.0 (lightweight), each on its own commit.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RevisionNotFound } from '../../contract/errors.js';
import { GitCredentials, RepoCache, createGitActivities } from '../../activities/git/index.js';
import { serveGitHttp, type GitHttpServer } from '../support/git-http.js';

const TOKEN = 'tok-semver-5be1a9';
const root = mkdtempSync(join(tmpdir(), 'mooring-semver-'));
const remote = join(root, 'tags.git');
const work = join(root, 'work');
const env = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 't@example.com',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], { cwd, env })
    .toString()
    .trim();
}

/** Commits one file change, tags it (annotated with a message), pushes; returns the commit SHA. */
function tagged(tag: string, annotated: boolean, ref = 'refs/heads/main'): string {
  writeFileSync(join(work, 'version.txt'), `${tag}\n`);
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', `release ${tag}`);
  if (annotated) git(work, 'tag', '-a', tag, '-m', `release ${tag}`);
  else git(work, 'tag', tag);
  git(work, 'push', '-q', remote, `HEAD:${ref}`, `refs/tags/${tag}`);
  return git(work, 'rev-parse', 'HEAD');
}

describe('semver targetRevision against a real tagged repository', () => {
  let server: GitHttpServer;
  let url = '';
  let cache: RepoCache;
  const sha: Record<string, string> = {};

  before(async () => {
    git(root, 'init', '-q', '--bare', '--initial-branch=main', remote);
    git(root, 'init', '-q', '--initial-branch=main', work);
    sha['v1.0.0'] = tagged('v1.0.0', false);
    sha['v1.2.0'] = tagged('v1.2.0', true);
    sha['v1.3.0-rc.1'] = tagged('v1.3.0-rc.1', true);
    sha['v2.0.0'] = tagged('v2.0.0', false);
    server = await serveGitHttp(root, 'mooring', TOKEN);
    url = `${server.baseUrl}/tags.git`;
    cache = new RepoCache({
      cacheDir: join(root, 'cache'),
      credentials: new GitCredentials([{ urlPrefix: server.baseUrl, username: 'mooring', token: TOKEN }]),
      allowedSchemes: ['http'],
    });
  });
  after(async () => {
    await server.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('resolveRevision picks the highest matching tag, peeled, and names it', async () => {
    const { resolveRevision } = createGitActivities({ cache });
    assert.deepEqual(await resolveRevision({ repoURL: url, targetRevision: '^1.0.0' }), {
      sha: sha['v1.2.0'],
      tag: 'v1.2.0',
    });
    // The annotated tag's own object is not what resolves: the commit it points to is.
    assert.notEqual(git(remote, 'rev-parse', 'refs/tags/v1.2.0'), sha['v1.2.0']);
    assert.deepEqual(await resolveRevision({ repoURL: url, targetRevision: '>=1.3.0-rc.0 <2' }), {
      sha: sha['v1.3.0-rc.1'],
      tag: 'v1.3.0-rc.1',
    });
    assert.deepEqual(await resolveRevision({ repoURL: url, targetRevision: '*' }), {
      sha: sha['v2.0.0'],
      tag: 'v2.0.0',
    });
    // A plain version is an exact tag, resolved as before and without a `tag` field.
    assert.deepEqual(await resolveRevision({ repoURL: url, targetRevision: 'v1.0.0' }), {
      sha: sha['v1.0.0'],
    });
    // The chosen commit is in the mirror: a tree can be checked out at it.
    const tree = await cache.checkout(url, sha['v1.2.0'] ?? '');
    assert.ok(tree.length > 0);
  });

  test('a constraint no tag meets fails naming the constraint and the repository, never the token', async () => {
    const { resolveRevision } = createGitActivities({ cache });
    const error = await resolveRevision({ repoURL: url, targetRevision: '^3.0.0' }).then(
      () => assert.fail('expected RevisionNotFound'),
      (err: unknown) => err,
    );
    assert.ok(error instanceof RevisionNotFound, String(error));
    assert.match(
      error.message,
      /Cannot resolve revision "\^3\.0\.0" in "http:\/\/127\.0\.0\.1:\d+\/tags\.git"/,
    );
    assert.match(
      error.message,
      /no tag satisfies the semver constraint "\^3\.0\.0".*4 tag\(s\), 4 of them versions/,
    );
    assert.ok(!error.message.includes(TOKEN) && !error.message.includes('mooring:'), error.message);
  });

  test('checkRemote follows a constraint with ls-remote alone, and a new matching tag moves it', async () => {
    const { checkRemote } = createGitActivities({ cache });
    const before = cache.stats.fetches;
    assert.deepEqual(await checkRemote({ repoURL: url, targetRevision: '~1.2', knownSha: sha['v1.2.0'] }), {
      sha: sha['v1.2.0'],
      moved: false,
    });
    const patch = tagged('v1.2.1', false, 'refs/heads/hotfix');
    assert.deepEqual(await checkRemote({ repoURL: url, targetRevision: '~1.2', knownSha: sha['v1.2.0'] }), {
      sha: patch,
      moved: true,
    });
    assert.equal(cache.stats.fetches, before, 'a poll check never fetches');
  });

  test('like Argo CD, a constraint no tag meets is tried as a branch of that name', async () => {
    const head = tagged('unrelated', false, 'refs/heads/v3.x');
    const { resolveRevision } = createGitActivities({ cache });
    assert.deepEqual(await resolveRevision({ repoURL: url, targetRevision: 'v3.x' }), { sha: head });
  });
});
