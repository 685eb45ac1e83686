import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffObjects, stableYaml } from '../../../../core/diff/diff.js';
import { kube } from '../_objects.js';

const deployment = (replicas: number, meta: Record<string, unknown> = {}) =>
  kube(
    'apps/v1',
    'Deployment',
    'web',
    { namespace: 'shop', ...meta },
    { spec: { replicas, template: { spec: { containers: [{ name: 'web', image: 'web:1' }] } } } },
  );

test('diffObjects() truth table of actions', () => {
  assert.equal(diffObjects(deployment(2), undefined, []).action, 'create');
  assert.equal(diffObjects(undefined, deployment(2), []).action, 'delete');
  assert.equal(diffObjects(deployment(2), deployment(3), []).action, 'update');
  assert.equal(
    diffObjects(deployment(2), deployment(2, { resourceVersion: '9', uid: 'x' }), []).action,
    'unchanged',
  );
  assert.throws(() => diffObjects(undefined, undefined, []), TypeError);
});

test('diffObjects() compares content: key order and keys set to undefined do not count, types do', () => {
  const live = deployment(2);
  const { template } = live.spec as { template: unknown };
  const reordered = { ...live, spec: { template, replicas: 2 } };
  assert.equal(diffObjects(reordered, live, []).action, 'unchanged');
  const withUndefined = { ...deployment(2), status: undefined };
  assert.equal(diffObjects(withUndefined, live, []).action, 'unchanged');
  assert.equal(diffObjects(live, withUndefined, []).action, 'unchanged');
  const asString = deployment(2);
  (asString.spec as Record<string, unknown>).replicas = '2';
  const changed = diffObjects(asString, live, []);
  assert.equal(changed.action, 'update');
  assert.match(changed.diff, /^\+ {2}replicas: "2"$/m);
});

test('diffObjects() shows the change as a unified diff named after the object', () => {
  const { diff } = diffObjects(deployment(3), deployment(2), []);
  assert.match(diff, /^--- Deployment\/shop\/web \(live\)$/m);
  assert.match(diff, /^\+\+\+ Deployment\/shop\/web \(desired\)$/m);
  assert.match(diff, /^- {2}replicas: 2$/m);
  assert.match(diff, /^\+ {2}replicas: 3$/m);
  assert.equal(diffObjects(deployment(2), deployment(2), []).diff, '');
});

test('diffObjects() honours ignoreDifferences, with the live managedFields on both sides', () => {
  const live = deployment(5, {
    managedFields: [{ manager: 'hpa', operation: 'Update', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }],
  });
  assert.equal(
    diffObjects(deployment(2), live, [
      { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] },
    ]).action,
    'unchanged',
  );
  assert.equal(
    diffObjects(deployment(2), live, [{ group: 'apps', kind: 'Deployment', managedFieldsManagers: ['hpa'] }])
      .action,
    'unchanged',
  );
  const jq = diffObjects(deployment(2), live, [
    { group: 'apps', kind: 'Deployment', jqPathExpressions: ['.spec.replicas'] },
  ]);
  assert.equal(jq.action, 'update');
  assert.equal(jq.warnings.length, 1);
});

test('diffObjects() never shows Secret values, yet shows which key changed', () => {
  const b64 = (t: string) => Buffer.from(t).toString('base64');
  const secret = (password: string, extra: Record<string, string> = {}) =>
    kube(
      'v1',
      'Secret',
      'db',
      { namespace: 'shop' },
      { data: { user: b64('admin'), password: b64(password), ...extra } },
    );
  const live = secret('s3cr3t-old');
  live.metadata.annotations = {
    'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ data: live.data }),
  };
  const results = [
    diffObjects(secret('s3cr3t-new'), live, []),
    diffObjects(secret('s3cr3t-new'), undefined, []),
    diffObjects(undefined, live, []),
    diffObjects(
      kube('v1', 'Secret', 'db', { namespace: 'shop' }, { stringData: { password: 'plain-text-pw' } }),
      live,
      [],
    ),
  ];
  for (const { diff } of results) {
    for (const value of [
      'admin',
      's3cr3t-old',
      's3cr3t-new',
      'plain-text-pw',
      b64('admin'),
      b64('s3cr3t-old'),
      b64('s3cr3t-new'),
      b64('plain-text-pw'),
    ]) {
      assert.equal(diff.includes(value), false, `${value} leaked in:\n${diff}`);
    }
  }
  assert.match(results[0]?.diff ?? '', /^- {2}password: \+{8}$/m);
  assert.match(results[0]?.diff ?? '', /^\+ {2}password: \+{9}$/m);
  assert.match(results[0]?.diff ?? '', /^ {3}user: \+{8}$/m);
});

test('stableYaml() sorts keys so equal objects give equal text', () => {
  const a = kube('v1', 'ConfigMap', 'c', {}, { data: { b: '1', a: '2' } });
  const b = { data: { a: '2', b: '1' }, metadata: { name: 'c' }, kind: 'ConfigMap', apiVersion: 'v1' };
  assert.equal(stableYaml(a), stableYaml(b));
  assert.equal(stableYaml(undefined), '');
});
