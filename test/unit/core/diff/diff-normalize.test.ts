import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizeForDiff, ruleMatches } from '../../../../core/diff/diff-normalize.js';
import type { IgnoreDifference } from '../../../../config/types.js';
import { kube } from '../_objects.js';

const liveDeployment = () =>
  kube(
    'apps/v1',
    'Deployment',
    'web',
    {
      namespace: 'shop',
      uid: 'u-1',
      resourceVersion: '42',
      generation: 3,
      creationTimestamp: '2024-01-01T00:00:00Z',
      labels: { app: 'web' },
      annotations: {
        'kubectl.kubernetes.io/last-applied-configuration': '{"big":"blob"}',
        'mooring.dev/tracking-id': 'shop:apps/Deployment:shop/web',
      },
      managedFields: [{ manager: 'hpa', operation: 'Update', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }],
    },
    { spec: { replicas: 4, paused: false }, status: { replicas: 4 } },
  );

test('normalizeForDiff() keeps only labels and annotations of metadata, and drops status', () => {
  const { object, warnings } = normalizeForDiff(liveDeployment(), []);
  assert.deepEqual(object, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      labels: { app: 'web' },
      annotations: { 'mooring.dev/tracking-id': 'shop:apps/Deployment:shop/web' },
    },
    spec: { replicas: 4, paused: false },
  });
  assert.deepEqual(warnings, []);
});

test('normalizeForDiff() does not modify its input', () => {
  const input = liveDeployment();
  normalizeForDiff(input, [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }]);
  assert.deepEqual(input, liveDeployment());
});

test('normalizeForDiff() applies jsonPointers of matching rules and tolerates absent paths', () => {
  const rules: IgnoreDifference[] = [
    {
      group: 'apps',
      kind: 'Deployment',
      jsonPointers: ['/spec/replicas', '/spec/not/there', '/metadata/labels/app'],
    },
  ];
  const { object } = normalizeForDiff(liveDeployment(), rules);
  assert.deepEqual(object.spec, { paused: false });
  assert.equal(object.metadata.labels, undefined, 'empty maps are dropped after ignore rules');
});

test('normalizeForDiff() removes the fields owned by managedFieldsManagers', () => {
  const { object } = normalizeForDiff(liveDeployment(), [
    { group: 'apps', kind: 'Deployment', managedFieldsManagers: ['hpa'] },
  ]);
  assert.deepEqual(object.spec, { paused: false });
  const desired = kube('apps/v1', 'Deployment', 'web', { namespace: 'shop' }, { spec: { replicas: 2 } });
  const managedFields = liveDeployment().metadata.managedFields as never;
  const other = normalizeForDiff(
    desired,
    [{ group: 'apps', kind: 'Deployment', managedFieldsManagers: ['hpa'] }],
    { managedFields },
  );
  assert.equal(other.object.spec, undefined);
});

test('normalizeForDiff() warns about jqPathExpressions and bad pointers instead of dropping them silently', () => {
  const { warnings } = normalizeForDiff(liveDeployment(), [
    {
      group: 'apps',
      kind: 'Deployment',
      jqPathExpressions: ['.spec.replicas'],
      jsonPointers: ['spec/paused'],
    },
  ]);
  assert.equal(warnings.length, 2);
  assert.match(warnings.join('\n'), /jqPathExpressions "\.spec\.replicas" for Deployment\/shop\/web/);
  assert.match(warnings.join('\n'), /JSON pointer "spec\/paused"/);
});

test('normalizeForDiff() folds Secret stringData into data', () => {
  const { object } = normalizeForDiff(kube('v1', 'Secret', 's', {}, { stringData: { a: 'x' } }), []);
  assert.deepEqual(object.data, { a: Buffer.from('x').toString('base64') });
  assert.equal(object.stringData, undefined);
});

test('ruleMatches() follows Argo CD: globs on group and kind, absent group means core', () => {
  const deployment = kube('apps/v1', 'Deployment', 'web', { namespace: 'shop' });
  const service = kube('v1', 'Service', 'web', { namespace: 'shop' });
  const cases: [IgnoreDifference, boolean, boolean][] = [
    [{ group: 'apps', kind: 'Deployment' }, true, false],
    [{ kind: 'Deployment' }, false, false],
    [{ kind: 'Service' }, false, true],
    [{ group: '*', kind: '*' }, true, true],
    [{ group: 'ap*', kind: 'Deploy*' }, true, false],
    [{ group: 'a.ps', kind: 'Deployment' }, false, false],
    [{ group: 'app?', kind: '*ment' }, true, false],
    [{ group: 'apps', kind: 'Deployment', name: 'web', namespace: 'shop' }, true, false],
    [{ group: 'apps', kind: 'Deployment', name: 'api' }, false, false],
    [{ group: 'apps', kind: 'Deployment', namespace: 'prod' }, false, false],
  ];
  for (const [rule, onDeployment, onService] of cases) {
    assert.equal(ruleMatches(rule, deployment), onDeployment, JSON.stringify(rule));
    assert.equal(ruleMatches(rule, service), onService, JSON.stringify(rule));
  }
});
