import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hookDeletePolicies, hookPhases, isHook } from '../../../../core/sync/hooks.js';
import { ManifestInvalid } from '../../../../contract/errors.js';
import { kube } from '../_objects.js';

const job = (annotations: Record<string, string>) =>
  kube('batch/v1', 'Job', 'migrate', { namespace: 'shop', annotations });

test('hookPhases() truth table', () => {
  const cases: [Record<string, string>, string[]][] = [
    [{}, []],
    [{ 'argocd.argoproj.io/hook': 'PreSync' }, ['PreSync']],
    [{ 'argocd.argoproj.io/hook': 'PreSync, PostSync' }, ['PreSync', 'PostSync']],
    [{ 'argocd.argoproj.io/hook': 'Sync' }, ['Sync']],
    [{ 'argocd.argoproj.io/hook': 'SyncFail' }, ['SyncFail']],
    [{ 'argocd.argoproj.io/hook': 'Skip' }, ['Skip']],
    [{ 'argocd.argoproj.io/hook': 'Skip,PostSync' }, ['PostSync']],
    [{ 'mooring.dev/hook': 'PostSync', 'argocd.argoproj.io/hook': 'PreSync' }, ['PostSync']],
    [{ 'mooring.dev/hook': 'PreSync,PreSync' }, ['PreSync']],
    [{ 'argocd.argoproj.io/hook': 'PreDelete' }, ['PreDelete']],
    [{ 'argocd.argoproj.io/hook': 'PostDelete' }, ['PostDelete']],
  ];
  for (const [annotations, phases] of cases)
    assert.deepEqual(hookPhases(job(annotations)), phases, JSON.stringify(annotations));
});

test('hookPhases() rejects unknown and empty values, naming the object and the value', () => {
  for (const [key, value] of [
    ['argocd.argoproj.io/hook', 'PreDestroy'],
    ['mooring.dev/hook', 'presync'],
    ['mooring.dev/hook', ' , '],
  ]) {
    assert.throws(
      () => hookPhases(job({ [key as string]: value as string })),
      (error: unknown) =>
        error instanceof ManifestInvalid &&
        error.message.includes('Job/shop/migrate') &&
        error.message.includes(key as string),
    );
  }
  assert.throws(
    () => hookPhases(job({ 'argocd.argoproj.io/hook': 'PreDestroy' })),
    /"PreDestroy" is not supported/,
  );
});

test('isHook() is true for hooks that run, false for ordinary and skipped objects', () => {
  assert.equal(isHook(job({ 'argocd.argoproj.io/hook': 'PreSync' })), true);
  assert.equal(isHook(job({ 'argocd.argoproj.io/hook': 'Skip' })), false);
  assert.equal(isHook(job({})), false);
});

test('hookDeletePolicies() defaults to BeforeHookCreation and lets Mooring override Argo CD', () => {
  const cases: [Record<string, string>, string[]][] = [
    [{}, ['BeforeHookCreation']],
    [{ 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded' }, ['HookSucceeded']],
    [
      { 'argocd.argoproj.io/hook-delete-policy': 'HookFailed,HookSucceeded' },
      ['HookSucceeded', 'HookFailed'],
    ],
    [
      {
        'mooring.dev/hook-delete-policy': 'HookFailed',
        'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded',
      },
      ['HookFailed'],
    ],
  ];
  for (const [annotations, policies] of cases)
    assert.deepEqual(hookDeletePolicies(job(annotations)), policies, JSON.stringify(annotations));
  assert.throws(
    () => hookDeletePolicies(job({ 'mooring.dev/hook-delete-policy': 'Always' })),
    ManifestInvalid,
  );
});
