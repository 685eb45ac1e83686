/**
 * `affectedAppPaths` on a real monorepo (a local bare repository and the agent's mirror): which
 * apps a push touched, so git-poll refreshes only those.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RepoCache } from '../../activities/git/repo-cache.js';
import { GitCredentials } from '../../activities/git/credentials.js';
import { createGitActivities } from '../../activities/git/git-activities.js';
import { RevisionNotFound } from '../../contract/errors.js';
import { createTestGitRepo } from '../support/git-repo.js';
import type { TestGitRepo } from '../support/git-repo.js';

describe('affectedAppPaths on a monorepo', () => {
  let repo: TestGitRepo;
  let cacheDir: string;
  let git: ReturnType<typeof createGitActivities>;
  const apps = ['apps/web', 'apps/api', 'overlays/prod'];

  before(async () => {
    repo = await createTestGitRepo(join(import.meta.dirname, '../../config/examples/guestbook'), 'apps/web');
    await repo.commit('more apps', {
      'apps/api/deploy.yaml': 'kind: ConfigMap\n',
      'base/cm.yaml': 'kind: ConfigMap\n',
      'base/kustomization.yaml': 'resources: [cm.yaml]\n',
      'overlays/prod/kustomization.yaml': 'resources: [../../base]\n',
    });
    cacheDir = await mkdtemp(join(tmpdir(), 'mooring-affected-'));
    git = createGitActivities({
      cache: new RepoCache({ cacheDir, credentials: new GitCredentials([]), allowedSchemes: ['file'] }),
    });
  });
  after(async () => {
    await repo?.remove();
    if (cacheDir) await rm(cacheDir, { recursive: true, force: true });
  });

  it('names only the apps whose directory or kustomize base a push changed', async () => {
    const from = await repo.head();
    const one = await repo.commit('touch api', { 'apps/api/deploy.yaml': 'kind: ConfigMap\n# v2\n' });
    assert.deepEqual(await git.affectedAppPaths({ repoURL: repo.url, from, to: one, paths: apps }), {
      affected: ['apps/api'],
      changedFiles: 1,
    });
    const two = await repo.commit('touch the base', { 'base/cm.yaml': 'kind: ConfigMap\n# v2\n' });
    assert.deepEqual(
      (await git.affectedAppPaths({ repoURL: repo.url, from: one, to: two, paths: apps })).affected,
      ['overlays/prod'],
    );
    const three = await repo.commit('docs only', { 'README.md': 'hello\n' });
    assert.deepEqual(
      (await git.affectedAppPaths({ repoURL: repo.url, from: two, to: three, paths: apps })).affected,
      [],
    );
    // Across several commits: everything touched since `from`.
    assert.deepEqual(
      (await git.affectedAppPaths({ repoURL: repo.url, from, to: three, paths: apps })).affected,
      ['apps/api', 'overlays/prod'],
    );
  });

  it('answers a commit pair it compared before from memory, without git', async () => {
    const own = await createTestGitRepo(
      join(import.meta.dirname, '../../config/examples/guestbook'),
      'apps/web',
    );
    const ownCache = await mkdtemp(join(tmpdir(), 'mooring-affected-memo-'));
    try {
      const activities = createGitActivities({
        cache: new RepoCache({
          cacheDir: ownCache,
          credentials: new GitCredentials([]),
          allowedSchemes: ['file'],
        }),
      });
      const from = await own.head();
      const to = await own.commit('touch api', { 'apps/api/deploy.yaml': 'kind: ConfigMap\n' });
      const ask = (paths: string[]) => activities.affectedAppPaths({ repoURL: own.url, from, to, paths });
      const first = await ask(['apps/web', 'apps/api']);
      assert.deepEqual(first, { affected: ['apps/api'], changedFiles: 1 });
      // Without the repository and the mirror, git can answer nothing: what is answered is remembered.
      await own.remove();
      await rm(ownCache, { recursive: true, force: true });
      assert.deepEqual(await ask(['apps/api', 'apps/web']), { affected: ['apps/api'], changedFiles: 1 });
      await assert.rejects(ask(['apps/web', 'apps/other']), 'a path not asked before needs git');
    } finally {
      await own.remove();
      await rm(ownCache, { recursive: true, force: true });
    }
  });

  it('fails with RevisionNotFound for a commit the repository does not have (git-poll then refreshes)', async () => {
    await assert.rejects(
      git.affectedAppPaths({ repoURL: repo.url, from: 'f'.repeat(40), to: await repo.head(), paths: apps }),
      RevisionNotFound,
    );
  });
});
