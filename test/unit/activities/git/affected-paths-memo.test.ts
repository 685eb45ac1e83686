import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { AffectedPathsMemo } from '../../../../activities/git/affected-paths-memo.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const REPO = 'https://git.example/mono';

describe('AffectedPathsMemo', () => {
  it('answers the paths it was told about for the same commit pair, and names the others unknown', () => {
    const memo = new AffectedPathsMemo();
    assert.deepEqual(memo.lookup(REPO, A, B, ['apps/web']), { affected: [], unknown: ['apps/web'] });
    memo.record(REPO, A, B, ['apps/web', 'apps/api'], ['apps/api'], 3);
    assert.deepEqual(memo.lookup(REPO, A, B, ['apps/api', 'apps/web', 'apps/new']), {
      affected: ['apps/api'],
      unknown: ['apps/new'],
      changedFiles: 3,
    });
    // The same SHAs in capitals are the same commits; another pair or repository is not.
    assert.deepEqual(memo.lookup(REPO, A.toUpperCase(), B, ['apps/web']).unknown, []);
    assert.deepEqual(memo.lookup(REPO, A, C, ['apps/web']).unknown, ['apps/web']);
    assert.deepEqual(memo.lookup('https://git.example/other', A, B, ['apps/web']).unknown, ['apps/web']);
  });

  it('drops the least recently used commit pair beyond its bound', () => {
    const memo = new AffectedPathsMemo({ maxPairs: 2 });
    memo.record(REPO, A, B, ['p'], [], 0);
    memo.record(REPO, A, C, ['p'], ['p'], 1);
    memo.lookup(REPO, A, B, ['p']); // used again: A..C is now the oldest
    memo.record(REPO, B, C, ['p'], [], 0);
    assert.equal(memo.size, 2);
    assert.deepEqual(memo.lookup(REPO, A, C, ['p']).unknown, ['p']);
    assert.deepEqual(memo.lookup(REPO, A, B, ['p']).unknown, []);
  });

  it('keeps at most maxPathsPerPair paths of one pair', () => {
    const memo = new AffectedPathsMemo({ maxPathsPerPair: 2 });
    memo.record(REPO, A, B, ['x', 'y', 'z'], ['z'], 1);
    assert.deepEqual(memo.lookup(REPO, A, B, ['x', 'y', 'z']), {
      affected: [],
      unknown: ['z'],
      changedFiles: 1,
    });
  });
});
