import assert from 'node:assert/strict';
import { test } from 'node:test';
import { syncWave } from '../../../../core/sync/sync-waves.js';
import { ManifestInvalid } from '../../../../contract/errors.js';
import { kube } from '../_objects.js';

const withAnnotations = (annotations: Record<string, string>) =>
  kube('apps/v1', 'Deployment', 'web', { namespace: 'shop', annotations });

test("syncWave() reads the Mooring annotation, then Argo CD's, then defaults to 0", () => {
  const cases: [Record<string, string>, number][] = [
    [{}, 0],
    [{ 'argocd.argoproj.io/sync-wave': '3' }, 3],
    [{ 'mooring.dev/sync-wave': '-2' }, -2],
    [{ 'mooring.dev/sync-wave': '5', 'argocd.argoproj.io/sync-wave': '1' }, 5],
    [{ 'mooring.dev/sync-wave': '+7' }, 7],
    [{ 'mooring.dev/sync-wave': ' 4 ' }, 4],
    [{ 'helm.sh/hook-weight': '9' }, 0],
  ];
  for (const [annotations, wave] of cases)
    assert.equal(syncWave(withAnnotations(annotations)), wave, JSON.stringify(annotations));
});

test('syncWave() rejects a value that is not an integer, naming object, annotation and value', () => {
  for (const value of ['early', '1.5', '', '1e3', '99999999999999999999']) {
    assert.throws(
      () => syncWave(withAnnotations({ 'argocd.argoproj.io/sync-wave': value })),
      (error: unknown) =>
        error instanceof ManifestInvalid &&
        error.message.includes('Deployment/shop/web') &&
        error.message.includes('argocd.argoproj.io/sync-wave') &&
        error.message.includes(JSON.stringify(value)),
      value,
    );
  }
});

test('syncWave() does not fall back to Argo CD when the Mooring annotation is invalid', () => {
  assert.throws(
    () => syncWave(withAnnotations({ 'mooring.dev/sync-wave': 'x', 'argocd.argoproj.io/sync-wave': '1' })),
    ManifestInvalid,
  );
});
