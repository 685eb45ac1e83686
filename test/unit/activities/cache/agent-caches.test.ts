/**
 * The agent's caches under their limits: manifests, render summaries, diffs, git mirrors and trees
 * are evicted least recently used first, and a missing entry only costs a render or a fetch.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../../../contract/kube-object.js';
import { ManifestStore } from '../../../../activities/render/manifest-store.js';
import { RenderCache } from '../../../../activities/render/render-cache.js';
import { createRenderActivities } from '../../../../activities/render/render-activity.js';
import { diffCache, diffDir, readStoredDiff, storeDiff } from '../../../../activities/cluster/diff-store.js';
import { recordRenderedFor, assertRenderedFor } from '../../../../activities/cluster/render-provenance.js';
import { RepoCache } from '../../../../activities/git/repo-cache.js';
import { lease } from '../../../../activities/cache/cache-dir.js';
import { GitCredentials } from '../../../../activities/git/credentials.js';

const HOUR = 3_600_000;
const noSweepTimer = { sweepIntervalMs: 0 };

async function makeOld(path: string, ageMs = HOUR): Promise<void> {
  const at = new Date(Date.now() - ageMs);
  await utimes(path, at, at);
}

function configMap(name: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: name } };
}

describe('agent caches', () => {
  let root: string;
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'mooring-agent-caches-'));
  });
  after(async () => {
    execFileSync('chmod', ['-R', 'u+w', root]);
    await rm(root, { recursive: true, force: true });
  });

  it('manifest store: evicts cold manifests with their app records, keeps its other files', async () => {
    const dir = join(root, 'm1');
    const store = new ManifestStore({ dir, limits: { maxEntries: 1, graceMs: 60_000 }, ...noSweepTimer });
    const cold = await store.put([configMap('cold')]);
    const warm = await store.put([configMap('warm')]);
    await recordRenderedFor(dir, cold, 'app-a');
    await recordRenderedFor(dir, warm, 'app-b');
    await store.cache.settled(); // the sweep after the puts: nothing is old yet
    await makeOld(join(dir, `${cold}.json`), 2 * HOUR);
    await makeOld(join(dir, `${warm}.json`));
    await mkdir(join(dir, 'applied'));
    await writeFile(join(dir, 'applied', 'app-a.json'), '{}');

    const result = await store.cache.sweep();
    assert.deepEqual(result.evicted, [join(dir, `${cold}.json`)]);
    assert.equal(await store.get(cold), undefined, 'an evicted manifest reads as missing (re-render)');
    assert.deepEqual(await store.get(warm), [configMap('warm')]);
    assert.deepEqual((await readdir(join(dir, 'rendered-for'))).sort(), [warm]);
    assert.ok(existsSync(join(dir, 'applied', 'app-a.json')), 'applied plans are not cache entries');
    // The same render stored again is usable by its app again.
    assert.equal(await store.put([configMap('cold')]), cold);
    await recordRenderedFor(dir, cold, 'app-a');
    await assertRenderedFor(dir, cold, 'app-a');
  });

  it('manifest store: reading a manifest keeps it; an orphaned record goes after the grace period', async () => {
    const dir = join(root, 'm2');
    const store = new ManifestStore({ dir, limits: { maxEntries: 1, graceMs: 60_000 }, ...noSweepTimer });
    const a = await store.put([configMap('a')]);
    const b = await store.put([configMap('b')]);
    await store.cache.settled();
    await makeOld(join(dir, `${a}.json`), 2 * HOUR);
    await makeOld(join(dir, `${b}.json`), HOUR);
    assert.ok(await store.get(a)); // used now: b is the least recently used
    await recordRenderedFor(dir, a, 'app-a');
    const orphan = 'f'.repeat(64);
    await recordRenderedFor(dir, orphan, 'app-x');
    await recordRenderedFor(dir, 'e'.repeat(64), 'app-y'); // young orphan: a render may be storing it
    await makeOld(join(dir, 'rendered-for', orphan));

    assert.deepEqual((await store.cache.sweep()).evicted, [join(dir, `${b}.json`)]);
    assert.deepEqual((await readdir(join(dir, 'rendered-for'))).sort(), [a, 'e'.repeat(64)]);
  });

  it('manifest store: a put sweeps by itself', async () => {
    const dir = join(root, 'm3');
    const store = new ManifestStore({ dir, limits: { maxEntries: 2, graceMs: 0 }, ...noSweepTimer });
    for (const name of ['one', 'two', 'three']) {
      await makeOldAll(dir);
      await store.put([configMap(name)]);
    }
    await store.cache.settled();
    const left = (await readdir(dir)).filter((f) => f.endsWith('.json'));
    assert.equal(left.length, 2);
  });

  it('render cache and render activity: an evicted summary or manifest costs one render, never a failure', async () => {
    const dir = join(root, 'r1');
    const store = new ManifestStore({ dir, ...noSweepTimer });
    const renderCache = new RenderCache({
      dir: join(dir, 'renders'),
      limits: { maxEntries: 0, graceMs: HOUR },
      ...noSweepTimer,
    });
    const repo = join(root, 'r1-repo');
    await mkdir(join(repo, 'app'), { recursive: true });
    await writeFile(
      join(repo, 'app', 'cm.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n',
    );
    let checkouts = 0;
    const render = createRenderActivities({
      store,
      renderCache,
      checkout: async () => {
        checkouts += 1;
        return repo;
      },
    });
    const input = {
      appName: 'web',
      repoURL: 'https://git.example/web.git',
      revision: 'a'.repeat(40),
      path: 'app',
      namespace: 'web',
    };
    const first = await render.renderManifests(input);
    assert.equal((await render.renderManifests(input)).manifestKey, first.manifestKey);
    assert.equal(checkouts, 1, 'a cached render is a lookup');

    await renderCache.cache.settled();
    for (const name of await readdir(renderCache.dir)) await makeOld(join(renderCache.dir, name), 2 * HOUR);
    assert.equal((await renderCache.cache.sweep()).evicted.length, 1);
    assert.equal((await render.renderManifests(input)).manifestKey, first.manifestKey);
    assert.equal(checkouts, 2, 'an evicted summary renders again');

    await rm(join(dir, `${first.manifestKey}.json`));
    assert.equal((await render.renderManifests(input)).manifestKey, first.manifestKey);
    assert.equal(checkouts, 3, 'a summary whose manifests are gone renders again');
    assert.ok(await store.get(first.manifestKey));
  });

  it('diff store: evicts the least recently read diffs', async () => {
    const dir = diffDir(join(root, 'd1'));
    const cache = diffCache(dir, { limits: { maxEntries: 1, graceMs: 60_000 }, ...noSweepTimer });
    const diff = (app: string) => ({
      app,
      manifestKey: 'a'.repeat(64),
      objects: [],
      unchanged: 1,
      warnings: [],
    });
    const older = await storeDiff(dir, diff('older'));
    const newer = await storeDiff(dir, diff('newer'));
    await cache.settled(); // the sweeps the writes asked for must not run between the clock changes below
    await makeOld(join(dir, `${older}.json`), HOUR);
    await makeOld(join(dir, `${newer}.json`), 2 * HOUR);
    assert.ok(await readStoredDiff(older, dir)); // read now
    await cache.sweep();
    assert.equal(await readStoredDiff(newer, dir), undefined);
    assert.equal((await readStoredDiff(older, dir))?.app, 'older');
  });

  describe('git', () => {
    let origin: string;
    const shas: string[] = [];
    before(() => {
      origin = join(root, 'origin');
      const work = join(root, 'work');
      const git = (cwd: string, ...args: string[]) =>
        execFileSync('git', args, {
          cwd,
          encoding: 'utf8',
          env: {
            ...process.env,
            GIT_AUTHOR_NAME: 't',
            GIT_AUTHOR_EMAIL: 't@example.com',
            GIT_COMMITTER_NAME: 't',
            GIT_COMMITTER_EMAIL: 't@example.com',
          },
        }).trim();
      execFileSync('git', ['init', '--bare', '--quiet', '-b', 'main', origin]);
      execFileSync('git', ['clone', '--quiet', origin, work]);
      for (const n of [1, 2, 3]) {
        execFileSync('sh', ['-c', `echo ${n} > f.txt`], { cwd: work });
        git(work, 'add', '.');
        git(work, 'commit', '--quiet', '-m', `c${n}`);
        shas.push(git(work, 'rev-parse', 'HEAD'));
      }
      git(work, 'push', '--quiet', 'origin', 'HEAD:main');
    });

    function repoCache(name: string, limits: { maxEntries?: number; maxBytes?: number; graceMs?: number }) {
      return new RepoCache({
        cacheDir: join(root, name),
        allowedSchemes: ['file'],
        credentials: new GitCredentials([]),
        cacheLimits: { graceMs: 0, ...limits },
        ...noSweepTimer,
      });
    }

    it('evicts cold trees first and checks an evicted tree out again', async () => {
      const cache = repoCache('g1', { maxEntries: 2 });
      const [one, two, three] = shas as [string, string, string];
      // Held while the ages are set: the sweeps the checkouts ask for must not evict before that.
      const t1 = await cache.checkout(origin, one);
      const holds = [lease(t1), lease(cache.mirrorPath(origin))];
      const t2 = await cache.checkout(origin, two);
      holds.push(lease(t2));
      await cache.cache.settled();
      await makeOld(t1, 3 * HOUR);
      await makeOld(t2, 2 * HOUR);
      await makeOld(cache.mirrorPath(origin), HOUR);
      for (const release of holds) release();
      await cache.withCheckout(origin, three, async (t3) => {
        await makeOld(t3, 4 * HOUR); // the oldest, but in use
        await cache.cache.sweep();
        await cache.cache.settled();
        assert.ok(existsSync(join(t3, 'f.txt')));
        assert.ok(existsSync(cache.mirrorPath(origin)));
        assert.equal(existsSync(t2), false);
      });
      assert.equal(existsSync(t1), false);
      const again = await cache.checkout(origin, one);
      assert.equal(again, t1);
      assert.equal((await readFile(join(again, 'f.txt'), 'utf8')).trim(), '1');
      assert.equal(cache.stats.checkouts, 4);
    });

    it('a wiped cache directory costs a fetch, never a failure', async () => {
      const cache = repoCache('g3', {});
      const [one] = shas as [string];
      await cache.checkout(origin, one);
      await cache.cache.settled();
      execFileSync('chmod', ['-R', 'u+w', cache.cacheDir]);
      await rm(cache.cacheDir, { recursive: true, force: true });
      const tree = await cache.checkout(origin, one);
      assert.equal((await readFile(join(tree, 'f.txt'), 'utf8')).trim(), '1');
      assert.equal(cache.stats.fetches, 2);
    });

    it('an evicted mirror is fetched again', async () => {
      // A grace period keeps the sweep that follows the fetch from evicting the mirror on its own
      // (with none, it does so whenever the fetch's lease is gone before that sweep runs).
      const cache = repoCache('g2', { maxEntries: 0, graceMs: HOUR });
      const [one, two] = shas as [string, string];
      await cache.resolve(origin, 'main');
      await cache.cache.settled();
      assert.ok(existsSync(cache.mirrorPath(origin)), 'a mirror used within the grace period stays');
      const { evicted } = await cache.cache.sweep(Date.now() + 2 * HOUR);
      assert.ok(evicted.includes(cache.mirrorPath(origin)), evicted.join(', '));
      assert.equal((await cache.resolve(origin, one)).sha, one);
      const tree = await cache.checkout(origin, two);
      assert.ok(existsSync(join(tree, 'f.txt')));
      assert.equal(cache.stats.fetches, 2);
    });
  });
});

/** Ages every manifest file of `dir` by an hour (so the next put is the newest). */
async function makeOldAll(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.json')))
    await makeOld(join(dir, name)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error; // evicted meanwhile by the sweep a put asked for
    });
}
