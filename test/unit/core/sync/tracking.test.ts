import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isTrackedBy, stampTracking, trackedByOtherApp, trackingId } from '../../../../core/sync/tracking.js';
import { crd, kube } from '../_objects.js';

test('trackingId() follows <app>:<group>/<kind>:<namespace>/<name>', () => {
  assert.equal(
    trackingId('shop', kube('v1', 'Service', 'web', { namespace: 'prod' })),
    'shop:/Service:prod/web',
  );
  assert.equal(
    trackingId('shop', kube('apps/v1', 'Deployment', 'web', { namespace: 'prod' })),
    'shop:apps/Deployment:prod/web',
  );
  assert.equal(
    trackingId('shop', crd('example.com', 'Widget')),
    'shop:apiextensions.k8s.io/CustomResourceDefinition:/widgets.example.com',
  );
});

test('stampTracking() sets the annotation and label on a copy and leaves the input alone', () => {
  const input = kube('apps/v1', 'Deployment', 'web', {
    namespace: 'prod',
    labels: { tier: 'front' },
    annotations: { note: 'x' },
  });
  const before = structuredClone(input);
  const stamped = stampTracking('shop', input);
  assert.deepEqual(input, before);
  assert.deepEqual(stamped.metadata.labels, { tier: 'front', 'mooring.dev/app': 'shop' });
  assert.deepEqual(stamped.metadata.annotations, {
    note: 'x',
    'mooring.dev/tracking-id': 'shop:apps/Deployment:prod/web',
  });
  assert.equal(isTrackedBy('shop', stamped), true);
});

test('stampTracking() refuses an app name that cannot be a label value', () => {
  assert.throws(() => stampTracking('a'.repeat(64), kube('v1', 'ConfigMap', 'c')), RangeError);
  assert.throws(() => stampTracking('bad name', kube('v1', 'ConfigMap', 'c')), /bad name/);
});

test('isTrackedBy() rejects an annotation copied onto a different object', () => {
  const original = stampTracking('shop', kube('v1', 'ConfigMap', 'settings', { namespace: 'prod' }));
  const copies = [
    { ...original, metadata: { ...original.metadata, name: 'settings-copy' } },
    { ...original, metadata: { ...original.metadata, namespace: 'staging' } },
    { ...original, kind: 'Secret' },
    { ...original, apiVersion: 'example.com/v1' },
  ];
  for (const copy of copies) assert.equal(isTrackedBy('shop', copy), false, JSON.stringify(copy));
});

test('isTrackedBy() rejects other apps and untracked objects', () => {
  const stamped = stampTracking('shop', kube('v1', 'ConfigMap', 'settings', { namespace: 'prod' }));
  assert.equal(isTrackedBy('shop-2', stamped), false);
  assert.equal(isTrackedBy('sho', stamped), false);
  assert.equal(
    isTrackedBy(
      'shop',
      kube('v1', 'ConfigMap', 'settings', { namespace: 'prod', labels: { 'mooring.dev/app': 'shop' } }),
    ),
    false,
  );
});

test('trackedByOtherApp() names the other app from the tracking annotation or the app label', () => {
  const cm = kube('v1', 'ConfigMap', 'shared', { namespace: 'shop' });
  assert.equal(trackedByOtherApp('shop', cm), undefined, 'untracked');
  assert.equal(trackedByOtherApp('shop', stampTracking('shop', cm)), undefined, 'our own');
  assert.equal(trackedByOtherApp('shop', stampTracking('billing', cm)), 'billing');
  assert.equal(
    trackedByOtherApp('shop', {
      ...cm,
      metadata: { ...cm.metadata, labels: { 'mooring.dev/app': 'billing' } },
    }),
    'billing',
  );
});
