import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appSyncOptions } from '../../../../core/sync/app-sync-options.js';

test('appSyncOptions() defaults are Argo CD defaults', () => {
  assert.deepEqual(appSyncOptions([]), {
    createNamespace: false,
    pruneLast: false,
    prunePropagationPolicy: 'foreground',
    applyOutOfSyncOnly: false,
    serverSideApply: true,
    replace: false,
    validate: true,
    respectIgnoreDifferences: false,
    failOnSharedResource: false,
    allowSharedResource: false,
    skipDryRunOnMissingResource: false,
  });
});

test('appSyncOptions() reads every option, the last of a repeated key winning', () => {
  assert.deepEqual(
    appSyncOptions([
      'CreateNamespace=true',
      'PruneLast=true',
      'PrunePropagationPolicy=orphan',
      'ApplyOutOfSyncOnly=true',
      'ServerSideApply=false',
      'Replace=true',
      'Validate=true',
      'Validate=false',
      'RespectIgnoreDifferences=true',
      'FailOnSharedResource=true',
      'SkipDryRunOnMissingResource=true',
    ]),
    {
      createNamespace: true,
      pruneLast: true,
      prunePropagationPolicy: 'orphan',
      applyOutOfSyncOnly: true,
      serverSideApply: false,
      replace: true,
      validate: false,
      respectIgnoreDifferences: true,
      failOnSharedResource: true,
      allowSharedResource: false,
      skipDryRunOnMissingResource: true,
    },
  );
});
