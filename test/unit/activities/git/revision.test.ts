import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRefLines, parseRevision, pickRef } from '../../../../activities/git/revision.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

test('parseRevision() tells HEAD, full SHA, short SHA and names apart', () => {
  assert.deepEqual(parseRevision(''), { kind: 'head', text: 'HEAD', patterns: ['HEAD'] });
  assert.equal(parseRevision(' HEAD ')?.kind, 'head');
  assert.deepEqual(parseRevision(A.toUpperCase()), { kind: 'sha', text: A, patterns: [] });
  assert.equal(parseRevision('f'.repeat(64))?.kind, 'sha');
  assert.equal(parseRevision('abc1234')?.kind, 'short-sha');
  assert.deepEqual(parseRevision('main'), {
    kind: 'name',
    text: 'main',
    patterns: ['refs/tags/main', 'refs/tags/main^{}', 'refs/heads/main'],
  });
  assert.deepEqual(parseRevision('refs/pull/1/head')?.patterns, ['refs/pull/1/head', 'refs/pull/1/head^{}']);
});

test('parseRevision() refuses what cannot be a branch, tag or commit name', () => {
  for (const text of [
    '-x',
    '--upload-pack=evil',
    'a..b',
    'main~1',
    'main^',
    'a b',
    'x:y',
    'main@{1}',
    'a\nb',
    'feature/',
    'x.lock',
  ]) {
    assert.equal(parseRevision(text), undefined, JSON.stringify(text));
  }
  assert.equal(parseRevision('feature/login-v2')?.kind, 'name');
});

test('parseRefLines() reads ls-remote and for-each-ref lines', () => {
  const refs = parseRefLines(`${A}\tHEAD\n${B}\trefs/tags/v1\n${C}\trefs/tags/v1^{}\nnot a ref line\n\n`);
  assert.deepEqual(
    [...refs],
    [
      ['HEAD', A],
      ['refs/tags/v1', B],
      ['refs/tags/v1^{}', C],
    ],
  );
});

test('pickRef() prefers tags over branches and peels annotated tags', () => {
  const refs = new Map([
    ['refs/heads/v1', A],
    ['refs/tags/v1', B],
    ['refs/tags/v1^{}', C],
    ['refs/heads/main', A],
  ]);
  const name = (text: string) => parseRevision(text) ?? assert.fail(text);
  assert.deepEqual(pickRef(name('v1'), refs), { sha: C, ref: 'refs/tags/v1' });
  assert.deepEqual(pickRef(name('main'), refs), { sha: A, ref: 'refs/heads/main' });
  assert.deepEqual(pickRef(name('refs/heads/v1'), refs), { sha: A, ref: 'refs/heads/v1' });
  assert.equal(pickRef(name('develop'), refs), undefined);
  assert.equal(pickRef(name('HEAD'), refs), undefined);
});
