import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../../contract/kube-object.js';
import { mapHelmHook, mapHelmHooks } from '../../../../core/manifests/helm-hooks.js';

function job(annotations: Record<string, string>): KubeObject {
  return { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'migrate', annotations } };
}

function mooringAnnotations(object: KubeObject | undefined): Record<string, string> | undefined {
  if (!object) return undefined;
  return Object.fromEntries(
    Object.entries(object.metadata.annotations ?? {}).filter(([key]) => key.startsWith('mooring.dev/')),
  );
}

describe('mapHelmHook', () => {
  const cases: [string, Record<string, string>, Record<string, string> | undefined][] = [
    ['pre-install is PreSync', { 'helm.sh/hook': 'pre-install' }, { 'mooring.dev/hook': 'PreSync' }],
    ['pre-upgrade is PreSync', { 'helm.sh/hook': 'pre-upgrade' }, { 'mooring.dev/hook': 'PreSync' }],
    ['post-install is PostSync', { 'helm.sh/hook': 'post-install' }, { 'mooring.dev/hook': 'PostSync' }],
    ['post-upgrade is PostSync', { 'helm.sh/hook': 'post-upgrade' }, { 'mooring.dev/hook': 'PostSync' }],
    [
      'a list maps each type once',
      { 'helm.sh/hook': 'pre-install, pre-upgrade,post-install' },
      { 'mooring.dev/hook': 'PreSync,PostSync' },
    ],
    [
      'mixed with an unmapped type keeps the mapped one',
      { 'helm.sh/hook': 'pre-install,pre-delete' },
      { 'mooring.dev/hook': 'PreSync' },
    ],
    ['test hooks are skipped', { 'helm.sh/hook': 'test' }, undefined],
    ['test-success hooks are skipped', { 'helm.sh/hook': 'test-success' }, undefined],
    ['pre-delete hooks are skipped', { 'helm.sh/hook': 'pre-delete' }, undefined],
    ['crd-install is not a hook', { 'helm.sh/hook': 'crd-install' }, {}],
    [
      'delete policies are mapped',
      {
        'helm.sh/hook': 'post-install',
        'helm.sh/hook-delete-policy': 'before-hook-creation,hook-succeeded,hook-failed',
      },
      {
        'mooring.dev/hook': 'PostSync',
        'mooring.dev/hook-delete-policy': 'BeforeHookCreation,HookSucceeded,HookFailed',
      },
    ],
    [
      'weight becomes the sync wave',
      { 'helm.sh/hook': 'pre-install', 'helm.sh/hook-weight': '-2' },
      { 'mooring.dev/hook': 'PreSync', 'mooring.dev/sync-wave': '-2' },
    ],
    ['weight is a wave on non-hooks too', { 'helm.sh/hook-weight': '2' }, { 'mooring.dev/sync-wave': '2' }],
    ['a weight that is not an integer is ignored', { 'helm.sh/hook-weight': 'early' }, {}],
    [
      'an Argo CD hook wins over Helm hooks',
      {
        'argocd.argoproj.io/hook': 'Sync',
        'helm.sh/hook': 'test',
        'helm.sh/hook-delete-policy': 'hook-succeeded',
      },
      {},
    ],
    [
      'an Argo CD sync wave wins over the weight',
      { 'argocd.argoproj.io/sync-wave': '5', 'helm.sh/hook-weight': '1' },
      {},
    ],
    [
      'an existing Mooring hook is kept',
      { 'mooring.dev/hook': 'SyncFail', 'helm.sh/hook': 'pre-install' },
      { 'mooring.dev/hook': 'SyncFail' },
    ],
  ];
  for (const [name, annotations, expected] of cases) {
    it(name, () => assert.deepEqual(mooringAnnotations(mapHelmHook(job(annotations))), expected));
  }

  it('returns a copy and keeps the Helm annotations', () => {
    const original = job({ 'helm.sh/hook': 'pre-install' });
    const mapped = mapHelmHook(original);
    assert.equal(mapped?.metadata.annotations?.['helm.sh/hook'], 'pre-install');
    assert.equal(original.metadata.annotations?.['mooring.dev/hook'], undefined);
  });

  it('returns the object itself when nothing maps', () => {
    const plain: KubeObject = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' } };
    assert.equal(mapHelmHook(plain), plain);
  });
});

describe('mapHelmHooks', () => {
  it('drops the hooks Argo CD never runs and keeps the order of the rest', () => {
    const objects = [job({ 'helm.sh/hook': 'test' }), job({ 'helm.sh/hook': 'post-install' }), job({})];
    assert.deepEqual(
      mapHelmHooks(objects).map((o) => o.metadata.annotations?.['mooring.dev/hook']),
      ['PostSync', undefined],
    );
  });
});
