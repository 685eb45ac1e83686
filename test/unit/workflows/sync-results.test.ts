/** What a sync operation reports for each way it can end, as `mooring app get` and history show it. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import type { ResourceHealth, WaitHealthyResult } from '../../../contract/activities.js';
import type { SyncWorkflowInput } from '../../../contract/workflows.js';
import {
  dryRunDeployment,
  failedDeployment,
  failedResult,
  failureMessage,
  rollbackFailedResult,
  rolledBackResult,
  succeededResult,
  supersededResult,
  waitedDeployment,
} from '../../../workflows/sync-results.js';
import { appSpec } from './_spec.js';

const NEW = `${'a'.repeat(7)}${'1'.repeat(33)}`;
const OLD = `${'b'.repeat(7)}${'2'.repeat(33)}`;
const web = (health: ResourceHealth['health']): ResourceHealth[] => [
  { group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web', health, message: `web ${health}` },
];

function input(change?: (i: SyncWorkflowInput) => void): SyncWorkflowInput {
  const i: SyncWorkflowInput = {
    app: 'shop',
    spec: appSpec(),
    revision: NEW,
    initiatedBy: 'auto-sync',
    prune: true,
    dryRun: false,
    lastHealthyRevision: OLD,
  };
  change?.(i);
  return i;
}

const waited = (w: Partial<WaitHealthyResult>): WaitHealthyResult => ({
  health: 'Healthy',
  resources: web('Healthy'),
  timedOut: false,
  finishedAt: 'T1',
  ...w,
});

describe('one revision deployed', () => {
  it('healthy, degraded, timed out, dry run, failed step', () => {
    assert.deepEqual(waitedDeployment(waited({}), 'k1', '2m'), {
      ok: true,
      message: 'healthy',
      health: 'Healthy',
      healthMessage: undefined,
      resources: web('Healthy'),
      manifestKey: 'k1',
      finishedAt: 'T1',
      touchedCluster: true,
    });
    assert.equal(
      waitedDeployment(waited({ health: 'Degraded', message: 'crash-looping' }), 'k1', '2m').message,
      'Degraded: crash-looping',
    );
    assert.equal(waitedDeployment(waited({ health: 'Degraded' }), 'k1', '2m').message, 'Degraded:');
    assert.equal(
      waitedDeployment(waited({ health: 'Progressing', timedOut: true, message: '0 of 2 ready' }), 'k1', '2m')
        .message,
      'not healthy within 2m: 0 of 2 ready',
    );
    assert.equal(
      waitedDeployment(waited({ health: 'Progressing', timedOut: true }), 'k1', '90s').message,
      'not healthy within 90s: Progressing',
    );
    assert.deepEqual(
      dryRunDeployment(
        {
          steps: [],
          changes: { created: 1, configured: 2, unchanged: 3 },
          orphans: 4,
          hasSyncFailHooks: false,
        },
        'k2',
      ),
      {
        ok: true,
        message: 'dry run: 1 created, 2 configured, 3 unchanged, 4 to prune',
        health: 'Unknown',
        resources: [],
        manifestKey: 'k2',
        touchedCluster: false,
      },
    );
    const rejected = ApplicationFailure.nonRetryable('Deployment web: field is immutable', 'ApplyRejected');
    assert.deepEqual(failedDeployment(rejected, true), {
      ok: false,
      message: 'ApplyRejected: Deployment web: field is immutable',
      health: 'Degraded',
      healthMessage: 'ApplyRejected: Deployment web: field is immutable',
      resources: [],
      touchedCluster: true,
    });
  });

  it('failure messages name the error type of an application failure', () => {
    assert.equal(failureMessage(ApplicationFailure.create({ message: 'no type' })), 'Error: no type');
    assert.equal(failureMessage(new Error('plain')), 'plain');
    assert.equal(failureMessage('text'), 'text');
  });
});

describe('operation results', () => {
  const first = waitedDeployment(
    waited({ health: 'Degraded', message: 'crash-looping', resources: web('Degraded') }),
    'k-new',
    '2m',
  );
  const back = waitedDeployment(waited({ finishedAt: 'T2' }), 'k-old', '2m');

  it('Succeeded runs the revision; a dry run leaves the running revision alone', () => {
    const ok = waitedDeployment(waited({}), 'k-new', '2m');
    assert.deepEqual(succeededResult(input(), ok), {
      outcome: 'Succeeded',
      phase: 'Succeeded',
      revision: NEW,
      runningRevision: NEW,
      message: 'healthy',
      badRevision: false,
      health: 'Healthy',
      healthMessage: undefined,
      resources: [
        { kind: 'Deployment', namespace: 'shop', name: 'web', health: 'Healthy', message: 'web Healthy' },
      ],
      manifestKey: 'k-new',
      finishedAt: 'T1',
    });
    assert.equal(
      succeededResult(
        input((i) => {
          i.dryRun = true;
        }),
        ok,
      ).runningRevision,
      undefined,
    );
  });

  it('RolledBack runs the target and marks the revision bad', () => {
    assert.deepEqual(rolledBackResult(input(), first, OLD, back), {
      outcome: 'RolledBack',
      phase: 'Failed',
      revision: NEW,
      runningRevision: OLD,
      rolledBackTo: OLD,
      message: 'revision aaaaaaa failed: Degraded: crash-looping; rolled back to bbbbbbb, which is healthy',
      badRevision: true,
      health: 'Healthy',
      healthMessage: undefined,
      resources: [
        { kind: 'Deployment', namespace: 'shop', name: 'web', health: 'Healthy', message: 'web Healthy' },
      ],
      manifestKey: 'k-old',
      finishedAt: 'T2',
    });
  });

  it('Failed says why no rollback happened, or that the rollback failed too', () => {
    assert.equal(
      failedResult(input(), first).message,
      'revision aaaaaaa failed: Degraded: crash-looping; no earlier healthy revision to roll back to',
    );
    assert.equal(
      failedResult(
        input((i) => {
          i.spec.rollback.automatic = false;
        }),
        first,
      ).message,
      'revision aaaaaaa failed: Degraded: crash-looping',
    );
    const beforeWrite = failedDeployment(new Error('render failed'), false);
    assert.deepEqual(failedResult(input(), beforeWrite), {
      outcome: 'Failed',
      phase: 'Failed',
      revision: NEW,
      message: 'revision aaaaaaa failed: render failed',
      badRevision: true,
      health: 'Degraded',
      healthMessage: 'render failed',
      resources: [],
      manifestKey: undefined,
    });
    const backFailed = waitedDeployment(
      waited({ health: 'Degraded', message: 'still crash-looping', resources: web('Degraded') }),
      'k-old',
      '2m',
    );
    assert.deepEqual(rollbackFailedResult(input(), first, OLD, backFailed), {
      outcome: 'Failed',
      phase: 'Failed',
      revision: NEW,
      message:
        'revision aaaaaaa failed: Degraded: crash-looping; rollback to bbbbbbb also failed: Degraded: still crash-looping',
      badRevision: true,
      health: 'Degraded',
      healthMessage: 'Degraded: still crash-looping',
      resources: [
        { kind: 'Deployment', namespace: 'shop', name: 'web', health: 'Degraded', message: 'web Degraded' },
      ],
    });
  });

  it('Superseded is not a bad revision', () => {
    assert.deepEqual(supersededResult(NEW), {
      outcome: 'Superseded',
      phase: 'Failed',
      revision: NEW,
      message: 'superseded by a newer commit during the health wait',
      badRevision: false,
      health: 'Progressing',
      resources: [],
    });
  });
});
