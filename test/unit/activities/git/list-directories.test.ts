/** The directory listing of `listRepoDirectories` (ApplicationSet git generators), on a plain tree. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DIRECTORY_LIMITS, listDirectories } from '../../../../activities/git/git-activities.js';
import { TooManyDirectories } from '../../../../contract/errors.js';

const root = mkdtempSync(join(tmpdir(), 'mooring-list-dirs-'));
after(() => rmSync(root, { recursive: true, force: true }));
for (const dir of ['apps/web/base', 'apps/api', '.github/workflows', 'apps/.hidden/inner', 'docs'])
  mkdirSync(join(root, dir), { recursive: true });
writeFileSync(join(root, 'apps/web/kustomization.yaml'), 'resources: []\n');

describe('listDirectories', () => {
  it('lists every directory except hidden ones and those inside them, sorted', async () => {
    assert.deepEqual(await listDirectories(root), ['apps', 'apps/api', 'apps/web', 'apps/web/base', 'docs']);
  });

  it('fails with a clear error beyond the count or bytes limit', async () => {
    await assert.rejects(
      listDirectories(root, { count: 4, bytes: DIRECTORY_LIMITS.bytes }),
      (err: unknown) => {
        assert.ok(err instanceof TooManyDirectories);
        assert.equal(err.message, 'it has 5 directories, more than the 4 a listing may return');
        return true;
      },
    );
    await assert.rejects(
      listDirectories(root, { count: DIRECTORY_LIMITS.count, bytes: 20 }),
      /directory names take 52 bytes, more than the 20 a listing may return/,
    );
  });

  it('returns up to 10,000 directories', () => {
    assert.equal(DIRECTORY_LIMITS.count, 10_000);
  });
});
