/**
 * Benchmark of the poll path: `checkRemote` (git ls-remote, no fetch) and `resolveRevision`
 * against an unchanged local bare repository with a warm cache. Goal: checkRemote median < 20 ms.
 * Then the bytes a Git host serves, over smart HTTP with a token, for a monorepo of 1,000 app
 * directories × 10 files: per no-op poll (`checkRemote`), per small commit (the fetch of one
 * changed file), and for the first clone of the mirror.
 *
 *   node --import tsx bench/git-revision-check.ts [runs=25]
 *
 * Prints one JSON line, then one line for humans.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitCredentials, RepoCache, createGitActivities } from '../activities/git/index.js';
import { serveGitHttp } from '../test/support/git-http.js';
import { summarize } from './support/stats.js';

const GOAL_MS = 20;
const runs = Math.max(20, Number.parseInt(process.argv[2] ?? '25', 10) || 25);

const root = mkdtempSync(join(tmpdir(), 'mooring-bench-git-'));
try {
  const remote = join(root, 'remote.git');
  const work = join(root, 'work');
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'b',
    GIT_AUTHOR_EMAIL: 'b@example.com',
    GIT_COMMITTER_NAME: 'b',
    GIT_COMMITTER_EMAIL: 'b@example.com',
  };
  const git = (cwd: string, ...args: string[]): string =>
    execFileSync('git', args, { cwd, env }).toString().trim();
  git(root, 'init', '-q', '--bare', '-b', 'main', remote);
  git(root, 'init', '-q', '-b', 'main', work);
  writeFileSync(join(work, 'app.yaml'), 'replicas: 1\n');
  git(work, 'add', '-A');
  git(work, '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'bench');
  git(work, 'push', '-q', remote, 'HEAD:refs/heads/main');
  const sha = git(work, 'rev-parse', 'HEAD');

  const cache = new RepoCache({
    cacheDir: join(root, 'cache'),
    credentials: new GitCredentials([]),
    allowedSchemes: ['file'],
  });
  const { checkRemote, resolveRevision } = createGitActivities({ cache });
  const input = { repoURL: remote, targetRevision: 'main' };
  await resolveRevision(input); // warm: creates the mirror and fetches once
  await checkRemote({ ...input, knownSha: sha });

  const checkRemoteMs = await timeRuns(async () => {
    const result = await checkRemote({ ...input, knownSha: sha });
    if (result.moved || result.sha !== sha)
      throw new Error(`Unexpected checkRemote result: ${JSON.stringify(result)}`);
  });
  const resolveRevisionMs = await timeRuns(async () => {
    if ((await resolveRevision(input)).sha !== sha) throw new Error('Unexpected resolveRevision result');
  });

  const bytes = await gitBytes(root, git);

  const report = {
    bench: 'git-revision-check',
    bytesFromGitHost: bytes,
    runs,
    goalMs: GOAL_MS,
    checkRemote: summarize(checkRemoteMs, 2),
    resolveRevision: summarize(resolveRevisionMs, 2),
    gitWork: cache.stats,
    git: execFileSync('git', ['--version']).toString().trim(),
    node: process.version,
  };
  console.log(JSON.stringify(report));
  const verdict = report.checkRemote.medianMs < GOAL_MS ? 'meets' : 'misses';
  console.log(
    `checkRemote median ${report.checkRemote.medianMs} ms (${verdict} the ${GOAL_MS} ms goal), ` +
      `resolveRevision median ${report.resolveRevision.medianMs} ms, over ${runs} warm runs; ` +
      `${report.gitWork.fetches} fetch in total`,
  );
  console.log(
    `bytes from the Git host (monorepo of 1,000 apps × 10 files, smart HTTP): first mirror ${bytes.firstFetch.sent} B, ` +
      `no-op poll ${bytes.noopPoll.sent} B sent / ${bytes.noopPoll.received} B received, ` +
      `small commit ${bytes.smallCommit.sent} B sent / ${bytes.smallCommit.received} B received`,
  );
} finally {
  execFileSync('chmod', ['-R', 'u+w', root]);
  rmSync(root, { recursive: true, force: true });
}

/** Bytes served over smart HTTP: first fetch, a no-op poll and the fetch of a one-file commit. */
async function gitBytes(
  root: string,
  git: (cwd: string, ...args: string[]) => string,
): Promise<Record<'firstFetch' | 'noopPoll' | 'smallCommit', { received: number; sent: number }>> {
  const served = join(root, 'served');
  const work = join(root, 'mono');
  git(root, 'init', '-q', '--bare', '-b', 'main', join(served, 'mono.git'));
  git(root, 'init', '-q', '-b', 'main', work);
  for (let app = 0; app < 1000; app++) {
    const dir = join(work, 'apps', `app-${String(app).padStart(4, '0')}`);
    mkdirSync(dir, { recursive: true });
    for (let f = 0; f < 10; f++)
      writeFileSync(
        join(dir, `cm-${f}.yaml`),
        `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cm-${f} }\ndata: { app: "${app}", n: "${f}" }\n`,
      );
  }
  git(work, 'add', '-A');
  git(work, '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'fleet');
  git(work, 'push', '-q', join(served, 'mono.git'), 'HEAD:refs/heads/main');
  const token = 'bench-token';
  const server = await serveGitHttp(served, 'mooring', token);
  try {
    const url = `${server.baseUrl}/mono.git`;
    const cache = new RepoCache({
      cacheDir: join(root, 'http-cache'),
      credentials: new GitCredentials([{ urlPrefix: server.baseUrl, username: 'mooring', token }]),
      allowedSchemes: ['http'],
    });
    const { checkRemote, resolveRevision } = createGitActivities({ cache });
    const input = { repoURL: url, targetRevision: 'main' };
    const delta = async (work: () => Promise<unknown>): Promise<{ received: number; sent: number }> => {
      const before = server.traffic();
      await work();
      const after = server.traffic();
      return { received: after.received - before.received, sent: after.sent - before.sent };
    };
    // resolveRevision starts the commit's checkout in the background; join it, so that the
    // bench's cleanup does not race it (the checkout reads the local mirror, not the host).
    const resolved = async (targetRevision: string): Promise<void> => {
      const { sha } = await resolveRevision({ ...input, targetRevision });
      await cache.checkout(url, sha);
    };
    const firstFetch = await delta(() => resolved('main'));
    const head = git(work, 'rev-parse', 'HEAD');
    const noopPoll = await delta(() => checkRemote({ ...input, knownSha: head }));
    writeFileSync(
      join(work, 'apps', 'app-0042', 'cm-3.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: cm-3 }\ndata: { app: "42", n: "changed" }\n',
    );
    git(work, '-c', 'commit.gpgsign=false', 'commit', '-qam', 'one file');
    git(work, 'push', '-q', join(served, 'mono.git'), 'HEAD:refs/heads/main');
    const smallCommit = await delta(async () => {
      const { sha } = await checkRemote({ ...input, knownSha: head });
      await resolved(sha);
    });
    return { firstFetch, noopPoll, smallCommit };
  } finally {
    await server.close();
  }
}

async function timeRuns(run: () => Promise<void>): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  return times;
}
