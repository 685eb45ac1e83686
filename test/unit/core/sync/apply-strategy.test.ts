import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appSyncOptions } from '../../../../core/sync/app-sync-options.js';
import { applyStrategy, DEFAULT_APPLY_STRATEGY } from '../../../../core/sync/apply-strategy.js';
import { crd, kube } from '../_objects.js';

const withOptions = (options: string) =>
  kube('apps/v1', 'Deployment', 'web', {
    namespace: 'shop',
    annotations: { 'argocd.argoproj.io/sync-options': options },
  });

test('applyStrategy() is server-side apply with strict validation by default', () => {
  assert.deepEqual(applyStrategy(withOptions(''), appSyncOptions([])), DEFAULT_APPLY_STRATEGY);
});

test('applyStrategy() truth table: object options override the app, Replace wins over ServerSideApply', () => {
  const cases: [string, string[], string][] = [
    ['', ['ServerSideApply=false'], 'client-side'],
    ['ServerSideApply=true', ['ServerSideApply=false'], 'server-side'],
    ['ServerSideApply=false', [], 'client-side'],
    ['Replace=true', [], 'replace'],
    ['', ['Replace=true'], 'replace'],
    ['ServerSideApply=true', ['Replace=true'], 'replace'],
  ];
  for (const [object, app, mode] of cases)
    assert.equal(
      applyStrategy(withOptions(object), appSyncOptions(app)).mode,
      mode,
      `${object} / ${app.join()}`,
    );
});

test('applyStrategy() turns validation off from the object or the app, applying client-side', () => {
  const off = { mode: 'client-side', recreateOnReject: false, validate: false };
  assert.deepEqual(applyStrategy(withOptions('Validate=false'), appSyncOptions([])), off);
  assert.deepEqual(applyStrategy(withOptions(''), appSyncOptions(['Validate=false'])), off);
  assert.deepEqual(
    applyStrategy(withOptions('Validate=false,ServerSideApply=true'), appSyncOptions([])).mode,
    'server-side',
    'unless the object asks for server-side apply (which rejects undeclared fields anyway)',
  );
});

test('applyStrategy() recreates on Force=true, but never a Namespace or a CRD', () => {
  const force = { 'argocd.argoproj.io/sync-options': 'Force=true,Replace=true' };
  assert.equal(
    applyStrategy(withOptions('Force=true,Replace=true'), appSyncOptions([])).recreateOnReject,
    true,
  );
  assert.equal(
    applyStrategy(kube('v1', 'Namespace', 'shop', { annotations: force }), appSyncOptions([]))
      .recreateOnReject,
    false,
  );
  assert.equal(
    applyStrategy(crd('example.com', 'Widget', 'Namespaced', { annotations: force }), appSyncOptions([]))
      .recreateOnReject,
    false,
  );
});
