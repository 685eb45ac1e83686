import assert from 'node:assert/strict';
import { test } from 'node:test';
import { removeManagedFields, type ManagedFieldsEntry } from '../../../../core/diff/managed-fields.js';

const live = () => ({
  metadata: { labels: { app: 'web', injected: 'yes' }, annotations: { 'mesh/status': 'on' } },
  spec: {
    replicas: 5,
    template: {
      spec: {
        containers: [
          { name: 'web', image: 'web:2', ports: [{ containerPort: 80, protocol: 'TCP' }] },
          { name: 'sidecar', image: 'proxy:1' },
        ],
      },
    },
  },
  finalizers: ['a/keep', 'b/mesh'],
});

const entries: ManagedFieldsEntry[] = [
  {
    manager: 'mooring',
    operation: 'Apply',
    fieldsV1: {
      'f:spec': {
        'f:template': {
          'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
        },
      },
    },
  },
  { manager: 'hpa', operation: 'Update', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
  {
    manager: 'mesh',
    operation: 'Update',
    fieldsV1: {
      'f:metadata': { 'f:labels': { '.': {}, 'f:injected': {} }, 'f:annotations': { 'f:mesh/status': {} } },
      'f:spec': {
        'f:template': {
          'f:spec': {
            'f:containers': {
              'k:{"name":"sidecar"}': { '.': {} },
              'k:{"name":"web"}': { 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': {} } },
            },
          },
        },
      },
      'f:finalizers': { 'v:"b/mesh"': {} },
    },
  },
];

test('removeManagedFields() removes only the leaf fields of the listed managers', () => {
  const obj = live();
  removeManagedFields(obj, entries, ['hpa', 'mesh']);
  assert.deepEqual(obj, {
    metadata: { labels: { app: 'web' }, annotations: {} },
    spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2', ports: [] }] } } },
    finalizers: ['a/keep'],
  });
});

test('removeManagedFields() leaves the object alone for managers that are not listed', () => {
  const obj = live();
  removeManagedFields(obj, entries, ['kubectl']);
  assert.deepEqual(obj, live());
});

test('removeManagedFields() ignores malformed keys', () => {
  const obj = live();
  removeManagedFields(
    obj,
    [{ manager: 'x', fieldsV1: { 'f:finalizers': { 'v:not-json': {} }, 'k:{': {} } }],
    ['x'],
  );
  assert.deepEqual(obj, live());
});
