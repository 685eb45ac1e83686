import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RenderCache, renderCacheKey } from '../../../../activities/render/render-cache.js';
import type { RenderManifestsInput } from '../../../../contract/activities.js';

const input: RenderManifestsInput = {
  appName: 'guestbook',
  repoURL: 'https://example.com/apps.git',
  revision: 'a'.repeat(40),
  path: 'guestbook',
  namespace: 'default',
};

describe('renderCacheKey', () => {
  it('changes with every input that can change the output', () => {
    const variants: RenderManifestsInput[] = [
      { ...input, appName: 'other' },
      { ...input, repoURL: 'https://example.com/other.git' },
      { ...input, revision: 'b'.repeat(40) },
      { ...input, path: 'other' },
      { ...input, namespace: 'other' },
      { ...input, helm: { releaseName: 'x' } },
      { ...input, kustomize: { namePrefix: 'x-' } },
      { ...input, directory: { recurse: true } },
    ];
    const keys = new Set([renderCacheKey(input), ...variants.map((variant) => renderCacheKey(variant))]);
    assert.equal(keys.size, variants.length + 1);
  });

  it('ignores option key order, path spelling and SHA case', () => {
    assert.equal(
      renderCacheKey({
        ...input,
        path: './guestbook/',
        revision: 'A'.repeat(40),
        helm: { valueFiles: ['v.yaml'], releaseName: 'r' },
      }),
      renderCacheKey({ ...input, helm: { releaseName: 'r', valueFiles: ['v.yaml'] } }),
    );
  });
});

describe('renderCacheKey with a render context', () => {
  it('changes with the render policy and the Secret values digest, never holding the values', () => {
    const open = { allowRemoteValueFiles: true, allowRemoteBases: false, allowPlugins: false };
    const closed = { allowRemoteValueFiles: false, allowRemoteBases: false, allowPlugins: false };
    const keys = new Set([
      renderCacheKey(input),
      renderCacheKey(input, { policy: closed }),
      renderCacheKey(input, { policy: open }),
      renderCacheKey(input, { policy: closed, valuesDigest: 'a'.repeat(64) }),
      renderCacheKey(input, { policy: closed, valuesDigest: 'b'.repeat(64) }),
    ]);
    assert.equal(keys.size, 5);
  });
});

describe('RenderCache', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mooring-render-cache-test-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  it('returns the recorded summary for the same inputs only', async () => {
    const cache = new RenderCache({ dir });
    const summary = { manifestKey: 'f'.repeat(64), objectCount: 2, kinds: { Service: 2 }, hookCount: 0 };
    assert.equal(await cache.lookup(input), undefined);
    await cache.record(input, summary);
    assert.deepEqual(await cache.lookup(input), summary);
    assert.equal(await cache.lookup({ ...input, path: 'other' }), undefined);
  });

  it('treats a torn entry as a miss', async () => {
    const cache = new RenderCache({ dir });
    await writeFile(join(dir, `${renderCacheKey({ ...input, appName: 'torn' })}.json`), '{"manifestKey":');
    assert.equal(await cache.lookup({ ...input, appName: 'torn' }), undefined);
  });
});
