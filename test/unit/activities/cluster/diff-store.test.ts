import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { diffDir, formatDiff, readStoredDiff, storeDiff } from '../../../../activities/cluster/diff-store.js';
import type { StoredDiff } from '../../../../activities/cluster/diff-store.js';

const dir = mkdtempSync(join(tmpdir(), 'mooring-diff-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const diff: StoredDiff = {
  app: 'shop',
  manifestKey: 'a'.repeat(64),
  objects: [
    {
      group: 'apps',
      kind: 'Deployment',
      namespace: 'web',
      name: 'api',
      action: 'update',
      diff: '-  image: a\n+  image: b\n',
    },
  ],
  unchanged: 3,
  warnings: [
    'Cannot apply ignoreDifferences jqPathExpressions ".x" for Deployment/web/api: jq is not supported, use jsonPointers',
  ],
};

describe('diff store', () => {
  it('stores a diff under the sha256 of its content and reads it back', async () => {
    const key = await storeDiff(dir, diff);
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.deepEqual(await readStoredDiff(key, dir), diff);
    assert.equal(statSync(join(dir, `${key}.json`)).mode & 0o777, 0o600);
  });

  it('reads an unknown key as undefined and rejects a malformed one', async () => {
    assert.equal(await readStoredDiff('b'.repeat(64), dir), undefined);
    await assert.rejects(readStoredDiff('../etc/passwd', dir), /Invalid diff key "..\/etc\/passwd"/);
  });

  it('formats one section per changed object, the warnings and a summary line', () => {
    assert.equal(
      formatDiff(diff),
      [
        '=== update Deployment/web/api',
        '-  image: a',
        '+  image: b',
        '',
        'warning: Cannot apply ignoreDifferences jqPathExpressions ".x" for Deployment/web/api: jq is not supported, use jsonPointers',
        '0 to create, 1 to update, 0 to delete, 3 unchanged',
      ].join('\n'),
    );
  });

  it('lives next to the rendered manifests', () => {
    assert.equal(diffDir('/cache/manifests'), '/cache/manifests/diffs');
  });
});
