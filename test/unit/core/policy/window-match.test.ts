import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SyncWindow } from '../../../../config/policy-types.js';
import { windowMatches } from '../../../../core/policy/window-match.js';

const base: SyncWindow = {
  kind: 'deny',
  schedule: '0 22 * * *',
  duration: '1h',
  applications: [],
  namespaces: [],
  clusters: [],
  manualSync: false,
  timeZone: 'UTC',
  andOperator: false,
};
const target = { app: 'shop-prod', namespace: 'shop', cluster: 'prod', server: 'https://10.0.0.1:6443' };

test('windowMatches: any set list matches, or every set list with andOperator; no list matches nothing', () => {
  const cases: [Partial<SyncWindow>, boolean][] = [
    [{}, false],
    [{ andOperator: true }, false],
    [{ applications: ['*-prod'] }, true],
    [{ applications: ['*-dev'] }, false],
    [{ namespaces: ['sh*'] }, true],
    [{ clusters: ['prod'] }, true],
    [{ clusters: ['https://10.0.0.1:6443'] }, true],
    [{ clusters: ['staging'] }, false],
    [{ applications: ['*-dev'], namespaces: ['shop'] }, true],
    [{ applications: ['*-dev'], namespaces: ['shop'], andOperator: true }, false],
    [{ applications: ['*-prod'], clusters: ['prod'], namespaces: ['shop'], andOperator: true }, true],
    [{ applications: ['*-prod'], clusters: ['staging'], andOperator: true }, false],
    [{ applications: ['*'] }, true],
  ];
  for (const [overrides, expected] of cases)
    assert.equal(windowMatches({ ...base, ...overrides }, target), expected, JSON.stringify(overrides));
});
