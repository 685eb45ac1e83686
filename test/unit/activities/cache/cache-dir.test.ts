import assert from 'node:assert/strict';
import { chmod, mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CacheDir, lease, touch, withLease } from '../../../../activities/cache/cache-dir.js';
import { cacheSettings, parseByteSize } from '../../../../activities/cache/limits.js';

const MINUTE = 60_000;

/** Writes `bytes` bytes at `path`, last used `ageMs` ago. */
async function entry(path: string, bytes: number, ageMs: number): Promise<void> {
  await writeFile(path, 'x'.repeat(bytes));
  await age(path, ageMs);
}

async function age(path: string, ageMs: number): Promise<void> {
  const at = new Date(Date.now() - ageMs);
  await utimes(path, at, at);
}

describe('CacheDir', () => {
  let root: string;
  let n = 0;
  const fresh = async (limits: { maxBytes?: number; maxEntries?: number; graceMs?: number }) => {
    const dir = join(root, `c${(n += 1)}`);
    await mkdir(dir);
    const cache = new CacheDir({
      name: 'manifests',
      dirs: [dir, join(dir, 'absent')],
      isEntry: (name) => name.endsWith('.json'),
      limits: { maxBytes: 1e9, maxEntries: 1e6, graceMs: MINUTE, ...limits },
      sweepIntervalMs: 0,
    });
    return { dir, cache };
  };
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'mooring-cache-dir-test-'));
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('measures an immutable entry once while it stays, a mutable one at every sweep', async () => {
    const dir = join(root, `c${(n += 1)}`);
    await mkdir(join(dir, 'tree.json'), { recursive: true });
    await mkdir(join(dir, 'mirror.json'));
    const cache = new CacheDir({
      name: 'git',
      dirs: [dir],
      isEntry: (name) => name.endsWith('.json'),
      isImmutable: (path) => path.endsWith('tree.json'),
      limits: { maxBytes: 1e9, maxEntries: 1e6, graceMs: MINUTE },
      sweepIntervalMs: 0,
    });
    const dirBytes = (await stat(join(dir, 'tree.json'))).size;
    await writeFile(join(dir, 'tree.json', 'a'), 'x'.repeat(100));
    await writeFile(join(dir, 'mirror.json', 'a'), 'x'.repeat(100));
    assert.equal((await cache.sweep()).bytes, 2 * dirBytes + 200);

    // A tree is never written in place; were it, the sweep would not notice: it is not read again.
    await writeFile(join(dir, 'tree.json', 'b'), 'x'.repeat(1000));
    await writeFile(join(dir, 'mirror.json', 'b'), 'x'.repeat(10));
    assert.equal((await cache.sweep()).bytes, 2 * dirBytes + 100 + 110);

    // Gone and written again under the same name: measured anew.
    await rm(join(dir, 'tree.json'), { recursive: true });
    assert.equal((await cache.sweep()).bytes, dirBytes + 110);
    await mkdir(join(dir, 'tree.json'));
    await writeFile(join(dir, 'tree.json', 'c'), 'x'.repeat(5));
    assert.equal((await cache.sweep()).bytes, 2 * dirBytes + 110 + 5);
  });

  it('evicts the least recently used entries until the byte limit holds', async () => {
    const { dir, cache } = await fresh({ maxBytes: 250 });
    await entry(join(dir, 'old.json'), 100, 30 * MINUTE);
    await entry(join(dir, 'mid.json'), 100, 20 * MINUTE);
    await entry(join(dir, 'new.json'), 100, 10 * MINUTE);
    const result = await cache.sweep();
    assert.deepEqual(result.evicted, [join(dir, 'old.json')]);
    assert.equal(result.bytes, 200);
    assert.equal(result.overLimit, false);
    assert.deepEqual((await readdir(dir)).sort(), ['mid.json', 'new.json']);
  });

  it('keeps an entry that was read recently (touch) and evicts the next oldest instead', async () => {
    const { dir, cache } = await fresh({ maxEntries: 2 });
    await entry(join(dir, 'a.json'), 10, 30 * MINUTE);
    await entry(join(dir, 'b.json'), 10, 20 * MINUTE);
    await entry(join(dir, 'c.json'), 10, 10 * MINUTE);
    await touch(join(dir, 'a.json'));
    await cache.sweep();
    assert.deepEqual((await readdir(dir)).sort(), ['a.json', 'c.json']);
  });

  it('never evicts a leased entry or one used within the grace period, and says it is over its limit', async () => {
    const { dir, cache } = await fresh({ maxEntries: 0 });
    await entry(join(dir, 'leased.json'), 10, 30 * MINUTE);
    await entry(join(dir, 'recent.json'), 10, 0);
    await entry(join(dir, 'cold.json'), 10, 30 * MINUTE);
    const result = await withLease(join(dir, 'leased.json'), () => cache.sweep());
    assert.deepEqual(result.evicted, [join(dir, 'cold.json')]);
    assert.equal(result.overLimit, true);
    assert.deepEqual((await readdir(dir)).sort(), ['leased.json', 'recent.json']);

    // Once released (every lease of it), the entry goes.
    const release = lease(join(dir, 'leased.json'));
    const again = lease(join(dir, 'leased.json'));
    release();
    release();
    assert.deepEqual((await cache.sweep()).evicted, []);
    again();
    assert.deepEqual((await cache.sweep()).evicted, [join(dir, 'leased.json')]);
  });

  it('removes read-only trees as entries and counts their bytes', async () => {
    const { dir, cache } = await fresh({ maxBytes: 0 });
    const tree = join(dir, 'tree.json');
    await mkdir(join(tree, 'sub'), { recursive: true });
    await writeFile(join(tree, 'sub', 'file'), 'y'.repeat(1000));
    await chmod(join(tree, 'sub', 'file'), 0o444);
    await chmod(join(tree, 'sub'), 0o555);
    await chmod(tree, 0o555);
    await age(tree, 30 * MINUTE);
    const result = await cache.sweep();
    assert.deepEqual(result.evicted, [tree]);
    assert.deepEqual(await readdir(dir), []);
  });

  it('removes leftovers of interrupted writes once they are an hour old, and nothing else', async () => {
    const { dir, cache } = await fresh({ graceMs: 0 });
    await entry(join(dir, 'k.json.123.abc.tmp'), 10, 90 * MINUTE);
    await entry(join(dir, 'k.json.456.def.tmp'), 10, 30 * MINUTE);
    await entry(join(dir, 'x.tmp-0000'), 10, 90 * MINUTE);
    await entry(join(dir, 'keep.txt'), 10, 30 * MINUTE);
    await mkdir(join(dir, 'sub'));
    await entry(join(dir, 'y.evicting-1'), 10, 0);
    await cache.sweep();
    assert.deepEqual((await readdir(dir)).sort(), ['k.json.456.def.tmp', 'keep.txt', 'sub']);
  });

  it('sweeps by itself soon after a write is noted', async () => {
    const { dir, cache } = await fresh({ maxEntries: 1 });
    await entry(join(dir, 'a.json'), 10, 30 * MINUTE);
    await entry(join(dir, 'b.json'), 10, 20 * MINUTE);
    cache.noteWrite(join(dir, 'b.json'));
    await cache.settled();
    assert.deepEqual(await readdir(dir), ['b.json']);
  });

  describe('after a sweep, a noted write is measured alone', () => {
    /** A cache whose sweeps are counted by the directory listings they make. */
    const counted = async (limits: { maxBytes?: number; maxEntries?: number }) => {
      const dir = join(root, `c${(n += 1)}`);
      await mkdir(dir);
      let listed = 0;
      const cache = new CacheDir({
        name: 'manifests',
        dirs: [dir],
        isEntry: (name) => {
          listed += 1;
          return name.endsWith('.json');
        },
        limits: { maxBytes: 1e9, maxEntries: 1e6, graceMs: 0, ...limits },
        sweepIntervalMs: 0,
      });
      return { dir, cache, listings: () => listed };
    };

    it('lists nothing while the writes leave the cache within its limits', async () => {
      const { dir, cache, listings } = await counted({ maxEntries: 3 });
      await entry(join(dir, 'a.json'), 10, 30 * MINUTE);
      await cache.sweep();
      const afterSweep = listings();
      for (const name of ['b.json', 'c.json']) {
        await entry(join(dir, name), 10, 0);
        cache.noteWrite(join(dir, name));
        await cache.settled();
      }
      assert.equal(listings(), afterSweep, 'no directory was listed for writes within the limits');
      assert.deepEqual((await readdir(dir)).sort(), ['a.json', 'b.json', 'c.json']);
    });

    it('sweeps once the writes take the cache past its entries or its bytes', async () => {
      const byCount = await counted({ maxEntries: 2 });
      await entry(join(byCount.dir, 'a.json'), 10, 30 * MINUTE);
      await entry(join(byCount.dir, 'b.json'), 10, 20 * MINUTE);
      await byCount.cache.sweep();
      await entry(join(byCount.dir, 'c.json'), 10, 0);
      byCount.cache.noteWrite(join(byCount.dir, 'c.json'));
      await byCount.cache.settled();
      assert.deepEqual((await readdir(byCount.dir)).sort(), ['b.json', 'c.json']);

      const byBytes = await counted({ maxBytes: 250 });
      await entry(join(byBytes.dir, 'a.json'), 100, 30 * MINUTE);
      await byBytes.cache.sweep();
      await entry(join(byBytes.dir, 'b.json'), 100, 0);
      byBytes.cache.noteWrite(join(byBytes.dir, 'b.json'));
      await byBytes.cache.settled();
      assert.equal((await readdir(byBytes.dir)).length, 2, 'within 250 bytes: kept');
      await entry(join(byBytes.dir, 'c.json'), 100, 0);
      byBytes.cache.noteWrite(join(byBytes.dir, 'c.json'));
      await byBytes.cache.settled();
      assert.deepEqual((await readdir(byBytes.dir)).sort(), ['b.json', 'c.json']);
    });

    it('counts an entry written again once, and a noted entry that is gone not at all', async () => {
      const { dir, cache, listings } = await counted({ maxEntries: 2 });
      await entry(join(dir, 'a.json'), 10, 30 * MINUTE);
      await cache.sweep();
      const afterSweep = listings();
      for (let i = 0; i < 3; i++) {
        await entry(join(dir, 'b.json'), 10, 0);
        cache.noteWrite(join(dir, 'b.json'));
        await cache.settled();
      }
      cache.noteWrite(join(dir, 'never-written.json'));
      await cache.settled();
      assert.equal(listings(), afterSweep);
      assert.deepEqual((await readdir(dir)).sort(), ['a.json', 'b.json']);
    });
  });

  it('touch leaves a missing entry missing', async () => {
    const { dir } = await fresh({});
    await touch(join(dir, 'gone.json'));
    await assert.rejects(stat(join(dir, 'gone.json')), { code: 'ENOENT' });
  });
});

describe('cache limits', () => {
  it('splits MOORING_CACHE_MAX_BYTES between the caches and lets each be set alone', () => {
    const settings = cacheSettings({
      MOORING_CACHE_MAX_BYTES: '1GiB',
      MOORING_CACHE_DIFFS_MAX_BYTES: '5MB',
      MOORING_CACHE_RENDERS_MAX_ENTRIES: '7',
      MOORING_CACHE_GRACE: '2m',
      MOORING_CACHE_SWEEP_INTERVAL: '30s',
    });
    assert.equal(settings.limits.git.maxBytes, Math.floor(0.72 * 1024 ** 3));
    assert.equal(settings.limits.charts.maxBytes, Math.floor(0.03 * 1024 ** 3));
    assert.equal(settings.limits.manifests.maxBytes, Math.floor(0.2 * 1024 ** 3));
    assert.equal(settings.limits.diffs.maxBytes, 5_000_000);
    assert.equal(settings.limits.renders.maxEntries, 7);
    assert.equal(settings.limits.git.graceMs, 120_000);
    assert.equal(settings.sweepIntervalMs, 30_000);
  });

  it('defaults to a 4 GiB total', () => {
    const { limits } = cacheSettings({});
    const total = Object.values(limits).reduce((sum, l) => sum + l.maxBytes, 0);
    assert.ok(Math.abs(total - 4 * 1024 ** 3) < 8, String(total));
    assert.equal(limits.manifests.graceMs, 10 * MINUTE);
  });

  it('names the variable and the expected form when a value is wrong', () => {
    assert.throws(
      () => cacheSettings({ MOORING_CACHE_MAX_BYTES: 'lots' }),
      /Invalid MOORING_CACHE_MAX_BYTES: "lots" is not a size; use bytes or a unit/,
    );
    assert.throws(
      () => cacheSettings({ MOORING_CACHE_GIT_MAX_ENTRIES: '-1' }),
      /Invalid MOORING_CACHE_GIT_MAX_ENTRIES/,
    );
    assert.throws(
      () => cacheSettings({ MOORING_CACHE_GRACE: 'soon' }),
      /Invalid MOORING_CACHE_GRACE: "soon" is not a duration/,
    );
    assert.equal(parseByteSize('512 KiB', 'X'), 512 * 1024);
    assert.equal(parseByteSize('1.5G', 'X'), 1.5e9);
  });
});
