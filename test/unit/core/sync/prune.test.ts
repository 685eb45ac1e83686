import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pruneStage, selectPrunable } from '../../../../core/sync/prune.js';
import { stampTracking } from '../../../../core/sync/tracking.js';
import { type KubeObject, type ObjectMeta } from '../../../../contract/kube-object.js';
import { refOf, refKey } from '../../../../contract/object-ref.js';
import { crd, kube, names } from '../_objects.js';

const tracked = (apiVersion: string, kind: string, name: string, meta: Partial<ObjectMeta> = {}) =>
  stampTracking('shop', kube(apiVersion, kind, name, meta));
const keys = (...objects: KubeObject[]) => new Set(objects.map((o) => refKey(refOf(o))));
const reasonOf = (result: ReturnType<typeof selectPrunable>, name: string) =>
  result.skipped.find((s) => s.obj.metadata.name === name)?.reason ?? '';

test('selectPrunable() prunes tracked objects that left Git, in reverse apply order', () => {
  const kept = tracked('v1', 'ConfigMap', 'kept', { namespace: 'shop' });
  const live = [
    tracked('v1', 'Namespace', 'old-ns'),
    kept,
    stampTracking('shop', crd('example.com', 'Widget')),
    tracked('apps/v1', 'Deployment', 'old-web', { namespace: 'shop' }),
    tracked('example.com/v1', 'Widget', 'w', { namespace: 'shop' }),
    tracked('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration', 'guard'),
    tracked('v1', 'Service', 'old-web', { namespace: 'shop' }),
  ];
  const result = selectPrunable('shop', live, keys(kept));
  assert.deepEqual(names(result.prune), [
    'ValidatingWebhookConfiguration/guard',
    'Widget/w',
    'Deployment/old-web',
    'Service/old-web',
    'CustomResourceDefinition/widgets.example.com',
    'Namespace/old-ns',
  ]);
  assert.deepEqual(result.skipped, []);
  assert.equal(result.deletePropagation, 'foreground');
  assert.equal(result.pruneLast, false);
});

test('selectPrunable() never prunes an object whose tracking id names another object or app', () => {
  const original = tracked('v1', 'ConfigMap', 'settings', { namespace: 'shop' });
  const copied = { ...original, metadata: { ...original.metadata, name: 'settings-copy' } };
  const otherApp = stampTracking('blog', kube('v1', 'ConfigMap', 'blog', { namespace: 'shop' }));
  const labelOnly = kube('v1', 'ConfigMap', 'label-only', {
    namespace: 'shop',
    labels: { 'mooring.dev/app': 'shop' },
  });
  const result = selectPrunable('shop', [copied, otherApp, labelOnly], keys());
  assert.deepEqual(result.prune, []);
  assert.match(
    reasonOf(result, 'settings-copy'),
    /"shop:\/ConfigMap:shop\/settings" does not name this object/,
  );
  assert.match(reasonOf(result, 'blog'), /does not name this object in app "shop"/);
  assert.match(reasonOf(result, 'label-only'), /has no "mooring.dev\/tracking-id" annotation/);
});

test('selectPrunable() never prunes controller-owned objects', () => {
  const owner = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'u1' };
  const controlled = tracked('apps/v1', 'ReplicaSet', 'web-1', {
    namespace: 'shop',
    ownerReferences: [{ ...owner, controller: true }],
  });
  const merelyOwned = tracked('v1', 'ConfigMap', 'ref', {
    namespace: 'shop',
    ownerReferences: [{ ...owner, controller: false }],
  });
  const result = selectPrunable('shop', [controlled, merelyOwned], keys());
  assert.deepEqual(names(result.prune), ['ConfigMap/ref']);
  assert.match(reasonOf(result, 'web-1'), /controlled by Deployment\/web/);
});

test('selectPrunable() honours opt-outs, terminating objects and hooks, with reasons', () => {
  const ns = { namespace: 'shop' };
  const live = [
    tracked('v1', 'ConfigMap', 'mooring-off', { ...ns, annotations: { 'mooring.dev/prune': 'disabled' } }),
    tracked('v1', 'ConfigMap', 'argo-off', {
      ...ns,
      annotations: { 'argocd.argoproj.io/sync-options': 'Prune=false' },
    }),
    tracked('v1', 'ConfigMap', 'flux-off', {
      ...ns,
      annotations: { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' },
    }),
    tracked('v1', 'ConfigMap', 'confirm', {
      ...ns,
      annotations: { 'argocd.argoproj.io/sync-options': 'Prune=confirm' },
    }),
    tracked('v1', 'ConfigMap', 'typo', {
      ...ns,
      annotations: { 'argocd.argoproj.io/sync-options': 'Prune=flase' },
    }),
    tracked('v1', 'ConfigMap', 'going', { ...ns, deletionTimestamp: '2024-01-01T00:00:00Z' }),
    tracked('batch/v1', 'Job', 'hook', { ...ns, annotations: { 'argocd.argoproj.io/hook': 'PreSync' } }),
  ];
  const result = selectPrunable('shop', live, keys());
  assert.deepEqual(result.prune, []);
  assert.match(reasonOf(result, 'mooring-off'), /disabled by mooring.dev\/prune: disabled/);
  assert.match(reasonOf(result, 'argo-off'), /disabled by argocd.argoproj.io\/sync-options: Prune=false/);
  assert.match(reasonOf(result, 'flux-off'), /disabled by kustomize.toolkit.fluxcd.io\/prune/);
  assert.match(reasonOf(result, 'confirm'), /needs confirmation/);
  assert.match(reasonOf(result, 'typo'), /cannot be read/);
  assert.match(reasonOf(result, 'going'), /already being deleted/);
  assert.match(reasonOf(result, 'hook'), /is a hook/);
  const confirmed = selectPrunable('shop', live, keys(), { pruneConfirmed: true });
  assert.deepEqual(names(confirmed.prune), ['ConfigMap/confirm']);
});

test('selectPrunable() passes the prune-last flag and propagation through', () => {
  const result = selectPrunable('shop', [], keys(), { pruneLast: true, deletePropagation: 'orphan' });
  assert.equal(result.pruneLast, true);
  assert.equal(result.deletePropagation, 'orphan');
});

test('pruneStage() defers PruneLast objects to the last stage, or everything with the app option', () => {
  const first = tracked('v1', 'ConfigMap', 'first', { namespace: 'shop' });
  const last = tracked('v1', 'ConfigMap', 'last', {
    namespace: 'shop',
    annotations: { 'argocd.argoproj.io/sync-options': 'PruneLast=true' },
  });
  const early = pruneStage([first, last], { stage: 'early', appPruneLast: false });
  assert.deepEqual([names(early.now), names(early.deferred)], [['ConfigMap/first'], ['ConfigMap/last']]);
  const late = pruneStage([last], { stage: 'last', appPruneLast: false });
  assert.deepEqual([names(late.now), names(late.deferred)], [['ConfigMap/last'], []]);
  const app = pruneStage([first, last], { stage: 'early', appPruneLast: true });
  assert.deepEqual([names(app.now), app.deferred.length], [[], 2]);
  assert.equal(pruneStage([first, last], { stage: 'last', appPruneLast: true }).now.length, 2);
});
