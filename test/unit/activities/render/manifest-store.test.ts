import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../../../contract/kube-object.js';
import { ManifestStore, defaultCacheDir } from '../../../../activities/render/manifest-store.js';

const secret: KubeObject = {
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: { name: 'db', namespace: 'shop' },
  data: { password: 'aHVudGVyMg==' },
};
const service: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web' },
  spec: { ports: [{ port: 80 }] },
};

describe('ManifestStore', () => {
  let dir: string;
  let store: ManifestStore;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mooring-store-test-'));
    store = new ManifestStore({ dir: join(dir, 'manifests') });
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('returns what was put, in order, under a sha256 key', async () => {
    const key = await store.put([secret, service]);
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.deepEqual(await store.get(key), [secret, service]);
    assert.equal(await store.has(key), true);
  });

  it('gives equal content one key whatever the order of fields', async () => {
    const reordered: KubeObject = {
      spec: { ports: [{ port: 80 }] },
      metadata: { name: 'web' },
      kind: 'Service',
      apiVersion: 'v1',
    };
    assert.equal(await store.put([reordered]), await store.put([service]));
    assert.notEqual(await store.put([service, secret]), await store.put([secret, service]));
  });

  it('writes private files and leaves no temporary files behind', async () => {
    const key = await store.put([secret]);
    assert.equal((await stat(join(store.dir, `${key}.json`))).mode & 0o777, 0o600);
    assert.equal((await stat(store.dir)).mode & 0o077, 0);
    assert.deepEqual(
      (await readdir(store.dir)).filter((name) => name.endsWith('.tmp')),
      [],
    );
  });

  it('answers undefined for an unknown key', async () => {
    assert.equal(await store.get('0'.repeat(64)), undefined);
    assert.equal(await store.has('0'.repeat(64)), false);
  });

  it('answers undefined when a file no longer matches its key', async () => {
    const key = await store.put([{ ...service, metadata: { name: 'tampered' } }]);
    await writeFile(join(store.dir, `${key}.json`), '[]');
    assert.equal(await store.get(key), undefined);
  });

  it('refuses keys that are not sha256 hex, so no path can be read', async () => {
    await assert.rejects(
      store.get('../../etc/passwd'),
      new TypeError('Invalid manifest key "../../etc/passwd": expected 64 lowercase hexadecimal characters'),
    );
  });

  it('stores canonical JSON whose sha256 is the key', async () => {
    const key = await store.put([service]);
    const text = await readFile(join(store.dir, `${key}.json`), 'utf8');
    assert.equal(createHash('sha256').update(text).digest('hex'), key);
    assert.equal(
      text,
      '[{"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},"spec":{"ports":[{"port":80}]}}]',
    );
  });
});

describe('defaultCacheDir', () => {
  it('uses MOORING_CACHE, else ~/.cache/mooring', () => {
    assert.equal(defaultCacheDir({ MOORING_CACHE: '/var/cache/m' }), '/var/cache/m');
    assert.equal(defaultCacheDir({}), join(homedir(), '.cache', 'mooring'));
  });
});
