import assert from 'node:assert/strict';
import { test } from 'node:test';
import { respectIgnoredFields } from '../../../../core/sync/respect-ignore.js';
import { kube } from '../_objects.js';

const deployment = (spec: Record<string, unknown>) =>
  kube('apps/v1', 'Deployment', 'web', { namespace: 'shop' }, { spec });

test('respectIgnoredFields() takes ignored fields from the live object and leaves the rest', () => {
  const desired = deployment({ replicas: 1, paused: false, template: { metadata: { labels: { a: 'b' } } } });
  const live = deployment({ replicas: 5, template: { metadata: { labels: { a: 'live' } } } });
  const { object, warnings } = respectIgnoredFields(desired, live, [
    { group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas', '/spec/paused'] },
  ]);
  assert.deepEqual(object.spec, { replicas: 5, template: { metadata: { labels: { a: 'b' } } } });
  assert.deepEqual(warnings, []);
  assert.equal((desired.spec as { replicas: number }).replicas, 1, 'the input is not modified');
});

test('respectIgnoredFields() ignores rules for other objects and warns about jq rules', () => {
  const desired = deployment({ replicas: 1 });
  const live = deployment({ replicas: 3 });
  const other = respectIgnoredFields(desired, live, [
    { kind: 'ConfigMap', jsonPointers: ['/spec/replicas'] },
  ]);
  assert.deepEqual(other.object.spec, { replicas: 1 });
  const jq = respectIgnoredFields(desired, live, [
    { group: 'apps', kind: 'Deployment', jqPathExpressions: ['.spec.replicas'] },
  ]);
  assert.deepEqual(jq.object.spec, { replicas: 1 });
  assert.match(jq.warnings[0] ?? '', /Deployment\/shop\/web at jqPathExpressions "\.spec\.replicas"/);
});
