import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syncOptions, unrecognizedOptionWarnings } from '../../../../core/sync/sync-options.js';
import { ManifestInvalid } from '../../../../contract/errors.js';
import { kube } from '../_objects.js';

const cm = (annotations: Record<string, string>) =>
  kube('v1', 'ConfigMap', 'settings', { namespace: 'shop', annotations });

test('syncOptions() defaults allow everything and change nothing', () => {
  assert.deepEqual(syncOptions(cm({})), {
    prune: 'allowed',
    delete: 'allowed',
    replace: false,
    force: false,
    validate: true,
    skipDryRunOnMissingResource: false,
    pruneLast: false,
    unrecognized: [],
  });
});

test('syncOptions() reads every per-object Argo CD option', () => {
  const options = syncOptions(
    cm({
      'argocd.argoproj.io/sync-options':
        'Prune=false, Delete=confirm,ServerSideApply=true,Replace=true,Force=true,Validate=false,SkipDryRunOnMissingResource=true,PruneLast=true',
    }),
  );
  assert.equal(options.prune, 'disabled');
  assert.equal(options.pruneSetBy, 'argocd.argoproj.io/sync-options: Prune=false');
  assert.equal(options.delete, 'confirm');
  assert.equal(options.serverSideApply, true);
  assert.equal(options.replace, true);
  assert.equal(options.force, true);
  assert.equal(options.validate, false);
  assert.equal(options.skipDryRunOnMissingResource, true);
  assert.equal(options.pruneLast, true);
  assert.equal(syncOptions(cm({ 'argocd.argoproj.io/sync-options': 'Prune=confirm' })).prune, 'confirm');
  assert.equal(
    syncOptions(cm({ 'argocd.argoproj.io/sync-options': 'ServerSideApply=false' })).serverSideApply,
    false,
  );
});

test('syncOptions() keeps unknown options for a warning', () => {
  assert.deepEqual(
    syncOptions(cm({ 'argocd.argoproj.io/sync-options': 'CreateNamespace=true,Foo' })).unrecognized,
    ['CreateNamespace=true', 'Foo'],
  );
});

test('syncOptions() rejects a known option with a wrong value, so a typo cannot allow a prune', () => {
  assert.throws(
    () => syncOptions(cm({ 'argocd.argoproj.io/sync-options': 'Prune=flase' })),
    (error: unknown) =>
      error instanceof ManifestInvalid &&
      error.message.includes('ConfigMap/shop/settings') &&
      error.message.includes('Prune=flase'),
  );
});

test("syncOptions() honours mooring.dev/prune and Flux's prune opt-out", () => {
  const mooring = syncOptions(cm({ 'mooring.dev/prune': 'disabled' }));
  assert.equal(mooring.prune, 'disabled');
  assert.equal(mooring.pruneSetBy, 'mooring.dev/prune: disabled');
  assert.equal(syncOptions(cm({ 'mooring.dev/prune': 'enabled' })).prune, 'allowed');
  assert.equal(syncOptions(cm({ 'kustomize.toolkit.fluxcd.io/prune': 'Disabled' })).prune, 'disabled');
  assert.equal(
    syncOptions(cm({ 'mooring.dev/prune': 'disabled', 'argocd.argoproj.io/sync-options': 'Prune=confirm' }))
      .prune,
    'disabled',
  );
  assert.throws(() => syncOptions(cm({ 'mooring.dev/prune': 'off' })), /current value is "off"/);
});

test('unrecognizedOptionWarnings() names the object and each unknown item', () => {
  assert.deepEqual(
    unrecognizedOptionWarnings([
      cm({ 'argocd.argoproj.io/sync-options': 'Prune=false,CreateNamespace=true,Foo' }),
      cm({}),
    ]),
    [
      'ConfigMap/shop/settings: sync option "CreateNamespace=true" in annotation "argocd.argoproj.io/sync-options" is not a per-object option; ignored',
      'ConfigMap/shop/settings: sync option "Foo" in annotation "argocd.argoproj.io/sync-options" is not a per-object option; ignored',
    ],
  );
});
