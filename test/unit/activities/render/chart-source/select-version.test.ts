import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  asksForPrerelease,
  selectChartVersion,
} from '../../../../../activities/render/chart-source/select-version.js';

const VERSIONS = [
  '0.9.0',
  '1.0.0',
  '1.2.0',
  '1.2.7',
  '1.10.1',
  '1.11.0-rc.1',
  '2.0.0',
  '2.1.0-beta.2',
  'v3.0.0',
];

test('selectChartVersion picks the highest version that satisfies the constraint, as Helm does', () => {
  const cases: [string, string | undefined][] = [
    ['1.2.7', '1.2.7'],
    ['1.2.*', '1.2.7'],
    ['1.*', '1.10.1'],
    ['^1.2.0', '1.10.1'],
    ['~1.2.0', '1.2.7'],
    ['>=1.0 <2', '1.10.1'],
    ['>= 1.0, < 2', '1.10.1'],
    ['<1', '0.9.0'],
    ['*', 'v3.0.0'],
    ['HEAD', 'v3.0.0'],
    ['', 'v3.0.0'],
    ['4.*', undefined],
    ['1.3.0', undefined],
  ];
  for (const [constraint, expected] of cases)
    assert.equal(selectChartVersion(constraint, VERSIONS), expected, `constraint "${constraint}"`);
});

test('selectChartVersion considers prereleases only when the constraint names one', () => {
  assert.equal(selectChartVersion('>=1.11.0-0 <2', VERSIONS), '1.11.0-rc.1');
  assert.equal(selectChartVersion('1.11.0-rc.1', VERSIONS), '1.11.0-rc.1');
  assert.equal(selectChartVersion('>=2.0.0', VERSIONS.slice(0, -1)), '2.0.0');
  assert.equal(selectChartVersion('>=2.1.0-0', VERSIONS.slice(0, -1)), '2.1.0-beta.2');
  assert.equal(asksForPrerelease('>=1.0.0-0'), true);
  assert.equal(asksForPrerelease('1.0.0 - 2.0.0'), false);
});

test('selectChartVersion ignores versions that are not semver and refuses a bad constraint', () => {
  assert.equal(selectChartVersion('1.*', ['latest', 'stable', '1.0.0']), '1.0.0');
  assert.throws(
    () => selectChartVersion('main', VERSIONS),
    /RangeError|expected a version or a semver range/,
  );
});
