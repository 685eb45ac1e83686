import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  noTagProblem,
  pickSemverTag,
  semverConstraintOf,
  tagSatisfies,
  tagVersion,
} from '../../../../core/git/semver-tags.js';

test('semverConstraintOf reads ranges as constraints and leaves names, versions and SHAs alone', () => {
  const constraints: [string, string][] = [
    ['^1.0.0', '>=1.0.0 <2.0.0-0'],
    ['1.2.*', '>=1.2.0 <1.3.0-0'],
    ['v1.x', '>=1.0.0 <2.0.0-0'],
    ['~v1.0.0', '>=1.0.0 <1.1.0-0'],
    ['>=1.0.0 <2.0.0', '>=1.0.0 <2.0.0'],
    ['>= 1.2, < 3.0.0', '>=1.2.0 <3.0.0'],
    ['1.0.0 - 1.4.0', '>=1.0.0 <=1.4.0'],
    ['^1.0.0 || ^2.0.0', '>=1.0.0 <2.0.0-0||>=2.0.0 <3.0.0-0'],
    ['*', '*'],
    [' ^1.0.0 ', '>=1.0.0 <2.0.0-0'],
  ];
  for (const [text, range] of constraints) assert.equal(semverConstraintOf(text)?.range, range, text);
  const names = [
    '',
    'HEAD',
    'main',
    'release-1.x',
    'feature/x.y',
    'v1.2.3',
    '1.2.3',
    'v1.2',
    'v2',
    '1',
    '2024-apple',
  ];
  const shas = ['0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c', 'abc1234', '1234567'];
  for (const text of [...names, ...shas]) assert.equal(semverConstraintOf(text), undefined, text);
});

test('tagVersion reads tags loosely: optional "v", missing minor and patch are 0', () => {
  const cases: [string, string | undefined][] = [
    ['v1.2.3', '1.2.3'],
    ['1.2.3', '1.2.3'],
    ['v1.2', '1.2.0'],
    ['v2', '2.0.0'],
    ['v1.3.0-rc.1', '1.3.0-rc.1'],
    ['1.0.0+build.5', '1.0.0'],
    ['release-1.2.3', undefined],
    ['v1.2.3.4', undefined],
    ['v01.2.3', undefined],
    ['latest', undefined],
  ];
  for (const [tag, version] of cases) assert.equal(tagVersion(tag)?.version, version, tag);
});

const refs = new Map([
  ['refs/tags/v1.0.0', '1'.repeat(40)],
  ['refs/tags/v1.2.0', '2'.repeat(40)], // annotated: the tag object
  ['refs/tags/v1.2.0^{}', 'c'.repeat(40)], // ... and the commit it points to
  ['refs/tags/v1.3.0-rc.1', '3'.repeat(40)],
  ['refs/tags/v2.0.0', '4'.repeat(40)],
  ['refs/tags/nightly', '5'.repeat(40)],
  ['refs/heads/v9.0.0', '6'.repeat(40)],
]);

test('pickSemverTag picks the highest satisfying tag and peels annotated tags', () => {
  const pick = (text: string) => {
    const constraint = semverConstraintOf(text);
    assert.ok(constraint, text);
    return pickSemverTag(constraint, refs);
  };
  assert.deepEqual(pick('^1.0.0'), {
    tag: 'v1.2.0',
    ref: 'refs/tags/v1.2.0',
    sha: 'c'.repeat(40),
    version: '1.2.0',
  });
  assert.equal(pick('>=1.3.0-rc.0 <2')?.tag, 'v1.3.0-rc.1');
  assert.equal(pick('>=1.0.0 <2')?.tag, 'v1.2.0');
  assert.equal(pick('*')?.tag, 'v2.0.0');
  assert.equal(pick('~1.0.0')?.sha, '1'.repeat(40));
  assert.equal(pick('>=3'), undefined); // branches never count
});

test('pickSemverTag prefers the first name of two tags of one version', () => {
  const twins = new Map([
    ['refs/tags/v1.0.0', 'a'.repeat(40)],
    ['refs/tags/1.0.0', 'b'.repeat(40)],
  ]);
  const constraint = semverConstraintOf('^1');
  assert.ok(constraint);
  assert.equal(pickSemverTag(constraint, twins)?.tag, '1.0.0');
});

test('tagSatisfies and noTagProblem explain a constraint against tags', () => {
  const constraint = semverConstraintOf('^3.0.0');
  assert.ok(constraint);
  assert.equal(tagSatisfies(constraint, 'v3.1.0'), true);
  assert.equal(tagSatisfies(constraint, 'v3.1.0-beta.1'), false);
  assert.equal(tagSatisfies(constraint, 'nightly'), false);
  assert.equal(
    noTagProblem(constraint, refs),
    'no tag satisfies the semver constraint "^3.0.0" (read as ">=3.0.0 <4.0.0-0"): the repository has 5 tag(s), 4 of them versions; prerelease tags count only when the constraint names a prerelease',
  );
});
