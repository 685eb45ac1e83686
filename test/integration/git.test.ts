/**
 * The Git layer against real repositories made at test time: a bare repository on disk, a git
 * daemon-less closed port, a silent TCP server, and a smart-HTTP server (git http-backend as CGI
 * behind Basic auth, test/support/git-http.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  AuthFailed,
  RepoNotFound,
  RepoUrlRefused,
  RevisionNotFound,
  Unreachable,
} from '../../contract/errors.js';
import {
  DEFAULT_GIT_TIMEOUTS,
  GitCredentials,
  RepoCache,
  createGitActivities,
} from '../../activities/git/index.js';
import { serveGitHttp as serveGitHttpServer } from '../support/git-http.js';
import { GitRunner } from '../../activities/git/_git-runner.js';

const root = mkdtempSync(join(tmpdir(), 'mooring-git-'));
const remote = join(root, 'remote.git');
const work = join(root, 'work');
const servers: { close(): void }[] = [];
let caches = 0;

const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 't@example.com',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 't@example.com',
};
function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], {
    cwd,
    env: gitEnv,
  })
    .toString()
    .trim();
}
function commit(files: Record<string, string>, message: string): string {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(work, name), text);
  git(work, 'add', '-A');
  git(work, 'commit', '-q', '-m', message);
  git(work, 'push', '-q', remote, 'HEAD:refs/heads/main', '--tags');
  return git(work, 'rev-parse', 'HEAD');
}
/** A cache allowing the local transports these tests use (bare repositories, git daemon, HTTP). */
function newCache(
  options: {
    credentials?: GitCredentials;
    timeouts?: { lsRemote: number };
    allowedSchemes?: readonly string[];
  } = {},
): RepoCache {
  caches += 1;
  return new RepoCache({
    cacheDir: join(root, `cache-${caches}`),
    credentials: new GitCredentials([]),
    allowedSchemes: ['https', 'ssh', 'file', 'git', 'http'],
    ...options,
  });
}
async function rejectsWith(
  promise: Promise<unknown>,
  type: abstract new (...args: never[]) => Error,
): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  assert.ok(error instanceof type, `expected ${type.name}, got ${String(error)}`);
  return error;
}

let first = '';
let second = '';
before(() => {
  git(root, 'init', '-q', '--bare', '-b', 'main', remote);
  git(root, 'init', '-q', '-b', 'main', work);
  first = commit({ 'app.yaml': 'replicas: 1\n' }, 'first');
  git(work, 'tag', 'v1');
  git(work, 'tag', '-a', 'v1-annotated', '-m', 'annotated');
  git(work, 'push', '-q', remote, '--tags');
  second = commit({ 'app.yaml': 'replicas: 2\n', 'run.sh': '#!/bin/sh\n' }, 'second');
  git(work, 'push', '-q', remote, `${first}:refs/heads/release`);
});
after(() => {
  for (const server of servers) server.close();
  execFileSync('chmod', ['-R', 'u+w', root]);
  rmSync(root, { recursive: true, force: true });
});

describe('RepoCache', () => {
  test('resolve() maps branch, tag, annotated tag, full SHA, short SHA and HEAD to commits', async () => {
    const cache = newCache();
    const cases: [string, string, string][] = [
      ['main', second, 'refs/heads/main'],
      ['release', first, 'refs/heads/release'],
      ['v1', first, 'refs/tags/v1'],
      ['v1-annotated', first, 'refs/tags/v1-annotated'],
      ['HEAD', second, 'HEAD'],
      ['', second, 'HEAD'],
      [first, first, first],
      [first.slice(0, 8), first, first],
      ['refs/heads/main', second, 'refs/heads/main'],
    ];
    for (const [revision, sha, ref] of cases) {
      assert.deepEqual(await cache.resolve(remote, revision), { sha, ref }, `revision "${revision}"`);
    }
    assert.equal(cache.stats.fetches, 1, 'one fetch serves every later revision');
  });

  test('resolve() of a missing branch or an invalid name is RevisionNotFound', async () => {
    const cache = newCache();
    const missing = await rejectsWith(cache.resolve(remote, 'no-such-branch'), RevisionNotFound);
    assert.match(missing.message, /"no-such-branch"/);
    await rejectsWith(cache.resolve(remote, '--upload-pack=touch x'), RevisionNotFound);
    await rejectsWith(cache.resolve(remote, 'f'.repeat(40)), RevisionNotFound);
  });

  test('resolve() of a missing repository path is RepoNotFound', async () => {
    const error = await rejectsWith(newCache().resolve(join(root, 'missing.git'), 'main'), RepoNotFound);
    assert.equal((error as RepoNotFound).retryable, false);
    await rejectsWith(newCache().resolve('--upload-pack=touch x', 'main'), RepoUrlRefused);
  });

  test('a scheme the agent does not allow is refused before git runs', async () => {
    const cache = newCache({ allowedSchemes: undefined });
    for (const url of [remote, `file://${remote}`, 'git://127.0.0.1:1/x', 'http://127.0.0.1:1/x']) {
      const error = await rejectsWith(cache.resolve(url, 'main'), RepoUrlRefused);
      assert.equal((error as RepoUrlRefused).retryable, false);
      assert.match(error.message, /is not allowed on this agent \(allowed: "https", "ssh"\)/);
      assert.match(error.message, /the agent's policy file: git.allowedSchemes/);
    }
    assert.deepEqual(cache.stats, { fetchCalls: 0, fetches: 0, lsRemotes: 0, checkouts: 0 });
    const { resolveRevision } = createGitActivities({ cache: newCache(), allowedSchemes: ['https'] });
    await rejectsWith(resolveRevision({ repoURL: remote, targetRevision: 'main' }), RepoUrlRefused);
  });

  test('git itself refuses a transport outside the allowlist (protocol.allow)', async () => {
    const runner = new GitRunner(join(root, `cache-runner`), {
      credentials: new GitCredentials([]),
      timeouts: DEFAULT_GIT_TIMEOUTS,
      allowedSchemes: ['https'],
    });
    const error = await rejectsWith(
      runner.run(['ls-remote', remote], { url: 'https://h/x', action: 'list refs of', network: true }),
      Error,
    );
    assert.match(error.message, /transport 'file' not allowed/);
  });

  test("a local repository inside Mooring's cache is refused, whatever the allowlist", async () => {
    const cache = newCache();
    await cache.resolve(remote, 'main');
    const error = await rejectsWith(cache.resolve(cache.mirrorPath(remote), 'main'), RepoUrlRefused);
    assert.match(error.message, /lies inside Mooring's cache directory/);
    const own = await rejectsWith(
      cache.resolve(`file://${cache.mirrorPath(remote)}`, 'main'),
      RepoUrlRefused,
    );
    assert.match(own.message, /lies inside Mooring's cache directory/);
  });

  test('concurrent resolve() calls share one fetch', async () => {
    const cache = newCache();
    const results = await Promise.all(Array.from({ length: 6 }, () => cache.resolve(remote, 'main')));
    assert.deepEqual(new Set(results.map((r) => r.sha)), new Set([second]));
    assert.equal(cache.stats.fetches, 1);
  });

  test('checkout() writes one read-only tree at the commit and reuses it', async () => {
    const cache = newCache();
    const paths = await Promise.all([cache.checkout(remote, first), cache.checkout(remote, first)]);
    assert.equal(paths[0], paths[1]);
    const tree = paths[0] ?? '';
    assert.equal(readFileSync(join(tree, 'app.yaml'), 'utf8'), 'replicas: 1\n');
    assert.equal(existsSync(join(tree, 'run.sh')), false, 'file of a later commit');
    assert.equal(existsSync(join(tree, '.git')), false);
    assert.equal(statSync(join(tree, 'app.yaml')).mode & 0o222, 0, 'file is read-only');
    assert.equal(statSync(tree).mode & 0o222, 0, 'directory is read-only');
    assert.equal(await cache.checkout(remote, first), tree);
    assert.equal(cache.stats.checkouts, 1);
    const later = await cache.checkout(remote, second);
    assert.equal(readFileSync(join(later, 'app.yaml'), 'utf8'), 'replicas: 2\n');
  });

  test('lsRemote() and checkRemote see a new commit without fetching', async () => {
    const cache = newCache();
    const { resolveRevision, checkRemote } = createGitActivities({ cache });
    assert.deepEqual(await resolveRevision({ repoURL: remote, targetRevision: 'main' }), { sha: second });
    assert.deepEqual(await checkRemote({ repoURL: remote, targetRevision: 'main', knownSha: second }), {
      sha: second,
      moved: false,
    });
    const third = commit({ 'app.yaml': 'replicas: 3\n' }, 'third');
    const fetches = cache.stats.fetches;
    assert.equal(await cache.lsRemote(remote, 'main'), third);
    assert.deepEqual(await checkRemote({ repoURL: remote, targetRevision: 'main', knownSha: second }), {
      sha: third,
      moved: true,
    });
    assert.equal(await cache.lsRemote(remote, 'no-such-branch'), undefined);
    assert.equal(cache.stats.fetches, fetches);
  });

  test('resolveRevision starts checking the commit out for the render that follows', async () => {
    const cache = newCache();
    const { resolveRevision } = createGitActivities({ cache });
    const { sha } = await resolveRevision({ repoURL: remote, targetRevision: 'release' });
    assert.equal(sha, first);
    const deadline = Date.now() + 30_000;
    while (cache.stats.checkouts === 0 && Date.now() < deadline) await delay(10);
    assert.equal(cache.stats.checkouts, 1, 'the tree was written without a checkout() call');
    const tree = await cache.checkout(remote, first);
    assert.equal(readFileSync(join(tree, 'app.yaml'), 'utf8'), 'replicas: 1\n');
    assert.equal(cache.stats.checkouts, 1, 'the render reuses that tree');
  });

  test('a closed port is Unreachable, a silent server times out, and an abort stops the command', async () => {
    const closed = await listenTcp(() => undefined);
    closed.close();
    const refused = await rejectsWith(
      newCache().lsRemote(`git://127.0.0.1:${closed.port}/x`, 'main'),
      Unreachable,
    );
    assert.equal((refused as Unreachable).retryable, true);
    const silent = await listenTcp(() => undefined);
    const slow = newCache({ timeouts: { lsRemote: 300 } }).lsRemote(
      `git://127.0.0.1:${silent.port}/x`,
      'main',
    );
    assert.match((await rejectsWith(slow, Unreachable)).message, /timed out after 300 ms/);
    const controller = new AbortController();
    const abortOnConnect = await listenTcp(() => controller.abort());
    const started = Date.now();
    const call = newCache().lsRemote(`git://127.0.0.1:${abortOnConnect.port}/x`, 'main', {
      signal: controller.signal,
    });
    assert.equal((await rejectsWith(call, Error)).name, 'AbortError');
    assert.ok(Date.now() - started < 10_000, 'the abort ended the command, not its 30 s timeout');
  });
});

describe('RepoCache over smart HTTP with Basic auth', () => {
  const token = 'tok-correct-5f2a9c';
  let base = '';
  before(async () => {
    base = `http://127.0.0.1:${await serveGitHttp(root, 'mooring', token)}`;
  });
  function credentialsWith(secret: string): GitCredentials {
    const tokenFile = join(root, `token-${secret}`);
    writeFileSync(tokenFile, `${secret}\n`);
    const file = join(root, `credentials-${secret}.yaml`);
    writeFileSync(file, `- urlPrefix: ${base}/\n  username: mooring\n  tokenFile: ${tokenFile}\n`);
    return GitCredentials.fromEnv({ MOORING_GIT_CREDENTIALS_FILE: file });
  }

  test('a token from the credentials file is accepted', async () => {
    const cache = newCache({ credentials: credentialsWith(token) });
    assert.deepEqual(await cache.resolve(`${base}/remote.git`, 'main'), {
      sha: git(work, 'rev-parse', 'HEAD'),
      ref: 'refs/heads/main',
    });
  });

  test('a wrong token is AuthFailed, a token in the URL is refused, and neither reaches the message', async () => {
    const wrong = 'tok-wrong-81d3e7';
    const cache = newCache({ credentials: credentialsWith(wrong) });
    const url = `http://mooring:${token}@${base.slice('http://'.length)}/remote.git`;
    const calls: [Promise<unknown>, abstract new (...args: never[]) => Error][] = [
      [cache.lsRemote(url, 'main'), RepoUrlRefused],
      [cache.resolve(`${base}/remote.git`, 'main'), AuthFailed],
    ];
    for (const [call, type] of calls) {
      const error = await rejectsWith(call, type);
      for (const secret of [wrong, token, 'mooring:', '@127.0.0.1'])
        assert.ok(!error.message.includes(secret), error.message);
      assert.match(error.message, /127\.0\.0\.1/);
    }
    await rejectsWith(newCache().lsRemote(`${base}/remote.git`, 'main'), AuthFailed);
  });
});

describe('RepoCache credentials stay with their host and path', () => {
  const token = 'tok-scoped-7c41d2';
  let base = '';
  let requests: string[] = [];
  before(async () => {
    base = `http://127.0.0.1:${await serveGitHttp(root, 'mooring', token, (path) => requests.push(path))}`;
  });
  function scopedTo(prefix: string): GitCredentials {
    return new GitCredentials([{ urlPrefix: prefix, username: 'mooring', token }]);
  }

  test('a URL climbing out of the prefix with ".." or "%2e%2e" gets no token', async () => {
    const cache = newCache({ credentials: scopedTo(`${base}/acme/`) });
    for (const url of [`${base}/acme/../remote.git`, `${base}/acme/%2e%2e/remote.git`]) {
      requests = [];
      const error = await rejectsWith(cache.lsRemote(url, 'main'), AuthFailed);
      assert.ok(!error.message.includes(token), error.message);
      assert.ok(
        requests.length > 0 && requests.every((path) => path.startsWith('/remote.git/')),
        requests.join(),
      );
    }
    const allowed = newCache({ credentials: scopedTo(`${base}/`) });
    assert.equal(
      await allowed.lsRemote(`${base}/acme/../remote.git`, 'main'),
      git(work, 'rev-parse', 'HEAD'),
    );
  });

  test('a redirect is not followed, so the token never reaches the other server', async () => {
    const target: string[] = [];
    const elsewhere = `http://127.0.0.1:${await serveGitHttp(root, 'mooring', token, (path) => target.push(path))}`;
    const redirector = createServer((req, res) => {
      res.writeHead(302, { Location: `${elsewhere}${req.url ?? '/'}` }).end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    servers.push({ close: () => redirector.close() });
    const from = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
    const cache = newCache({ credentials: scopedTo(`${from}/`) });
    await rejectsWith(cache.lsRemote(`${from}/remote.git`, 'main'), Error);
    assert.deepEqual(target, [], 'the redirect target was never contacted');
  });

  test('a URL with a token in its query is refused, and the token stays out of the message', async () => {
    const error = await rejectsWith(
      newCache().lsRemote(`${base}/remote.git?private_token=${token}`, 'main'),
      RepoUrlRefused,
    );
    assert.ok(!error.message.includes(token), error.message);
    assert.match(error.message, /query parameter "private_token"/);
  });
});

async function listenTcp(onConnection: () => void): Promise<{ port: number; close(): void }> {
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    sockets.add(socket);
    onConnection();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const handle = {
    port: (server.address() as AddressInfo).port,
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
  servers.push(handle);
  return handle;
}

/** A smart-HTTP server (test/support/git-http.ts), closed after the file; returns its port. */
async function serveGitHttp(
  projectRoot: string,
  user: string,
  password: string,
  onRequest?: (path: string) => void,
): Promise<number> {
  const server = await serveGitHttpServer(projectRoot, user, password, onRequest);
  servers.push({ close: () => void server.close() });
  return Number(new URL(server.baseUrl).port);
}
