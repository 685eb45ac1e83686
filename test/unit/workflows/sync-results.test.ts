/** What a sync operation reports for each way it can end, as `mooring app get` and history show it. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ActivityFailure, ApplicationFailure, TimeoutFailure } from '@temporalio/common';
import type { TimeoutType } from '@temporalio/common';
import * as errors from '../../../contract/errors.js';
import { MooringError } from '../../../contract/errors.js';
import type { PrepareSyncResult, ResourceHealth, WaitHealthyResult } from '../../../contract/activities.js';
import type { SyncWorkflowInput } from '../../../contract/workflows.js';
import {
  dryRunDeployment,
  failedDeployment,
  failedResult,
  failureMessage,
  isRevisionFault,
  missingResult,
  rollbackFailedResult,
  rolledBackResult,
  succeededResult,
  supersededResult,
  terminatedResult,
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

/** How an activity's failure reaches the workflow: the error the activity threw, as its cause. */
const activityFailure = (cause: Error, activityType = 'applyStep'): ActivityFailure =>
  new ActivityFailure('Activity task failed', activityType, '5', 'NON_RETRYABLE_FAILURE', undefined, cause);
/** What an activity throwing the Mooring error `type` fails with. */
const failedWith = (type: string, message = `${type} happened`): ActivityFailure =>
  activityFailure(ApplicationFailure.create({ type, message }));
const timedOut = (type: TimeoutType): ActivityFailure =>
  activityFailure(new TimeoutFailure(undefined, undefined, type));

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
      revisionFault: false,
      message: 'healthy',
      health: 'Healthy',
      healthMessage: undefined,
      resources: web('Healthy'),
      manifestKey: 'k1',
      finishedAt: 'T1',
      touchedCluster: true,
      applied: true,
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
        applied: false,
        warnings: undefined,
      },
    );
    const rejected = ApplicationFailure.nonRetryable('Deployment web: field is immutable', 'ApplyRejected');
    assert.deepEqual(failedDeployment(rejected, true), {
      ok: false,
      revisionFault: true,
      message: 'ApplyRejected: Deployment web: field is immutable',
      health: 'Degraded',
      healthMessage: 'ApplyRejected: Deployment web: field is immutable',
      resources: [],
      touchedCluster: true,
      applied: false,
      warnings: undefined,
    });
  });

  it('a step that failed before the first write says nothing about the health of the live objects', () => {
    const rejected = ApplicationFailure.nonRetryable(
      'Deployment web: spec.replicas: must be >= 0',
      'ApplyRejected',
    );
    assert.deepEqual(failedDeployment(rejected, false), {
      ok: false,
      revisionFault: true,
      message: 'ApplyRejected: Deployment web: spec.replicas: must be >= 0',
      health: 'Unknown',
      healthMessage: undefined,
      resources: [],
      touchedCluster: false,
      applied: false,
      warnings: undefined,
    });
    const afterApply = failedDeployment(new Error('SyncFail hook failed'), true, true, [
      'Replace=true ignored',
    ]);
    assert.equal(afterApply.health, 'Degraded');
    assert.equal(afterApply.applied, true);
    assert.deepEqual(afterApply.warnings, ['Replace=true ignored']);
  });

  it('a dry run passes on what it could not honour', () => {
    const prepared: PrepareSyncResult & { warnings?: string[] } = {
      steps: [],
      changes: { created: 0, configured: 1, unchanged: 0 },
      orphans: 0,
      hasSyncFailHooks: false,
      warnings: ['Deployment web: sync option Replace=true is not supported; applied normally'],
    };
    assert.deepEqual(dryRunDeployment(prepared, 'k3').warnings, [
      'Deployment web: sync option Replace=true is not supported; applied normally',
    ]);
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
      touchedCluster: true,
      warnings: undefined,
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
      touchedCluster: true,
      warnings: undefined,
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
    const beforeWrite = failedDeployment(failedWith('ManifestInvalid', 'render failed'), false);
    assert.deepEqual(failedResult(input(), beforeWrite), {
      outcome: 'Failed',
      phase: 'Failed',
      revision: NEW,
      runningRevision: undefined,
      message: 'revision aaaaaaa failed: ManifestInvalid: render failed',
      badRevision: true,
      health: 'Unknown',
      healthMessage: undefined,
      resources: [],
      manifestKey: undefined,
      touchedCluster: false,
      warnings: undefined,
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
      runningRevision: OLD,
      manifestKey: 'k-old',
      message:
        'revision aaaaaaa failed: Degraded: crash-looping; rollback to bbbbbbb also failed: Degraded: still crash-looping',
      badRevision: true,
      health: 'Degraded',
      healthMessage: 'Degraded: still crash-looping',
      resources: [
        { kind: 'Deployment', namespace: 'shop', name: 'web', health: 'Degraded', message: 'web Degraded' },
      ],
      touchedCluster: true,
      warnings: undefined,
    });
  });

  it('Superseded is not a bad revision; once applied, it is what runs', () => {
    assert.deepEqual(supersededResult(NEW, { applied: true, manifestKey: 'k-new' }), {
      outcome: 'Superseded',
      phase: 'Failed',
      revision: NEW,
      runningRevision: NEW,
      manifestKey: 'k-new',
      message: 'superseded by a newer commit during the health wait',
      badRevision: false,
      health: 'Progressing',
      resources: [],
      touchedCluster: true,
    });
    // The pipeline hands over the pass it stopped in (or the deployment the wait ended with).
    assert.equal(supersededResult(NEW, first).manifestKey, 'k-new', 'a deployment whose wait ran');
    for (const beforeApply of [
      supersededResult(NEW, { applied: false, manifestKey: 'k-new' }),
      supersededResult(NEW, { applied: false }),
      supersededResult(NEW, undefined),
    ]) {
      assert.equal(beforeApply.runningRevision, undefined);
      assert.equal(beforeApply.manifestKey, undefined, 'rendered, not running: drift is not compared to it');
      assert.equal(beforeApply.touchedCluster, false);
      assert.equal(beforeApply.badRevision, false);
    }
  });

  it('Failed after every wave was applied, without a rollback: the revision runs, with the health it has', () => {
    const noRollback = input((i) => {
      i.lastHealthyRevision = undefined;
    });
    const degraded = failedResult(noRollback, first);
    assert.equal(degraded.runningRevision, NEW, 'the live objects are this revision');
    assert.equal(degraded.health, 'Degraded');
    assert.equal(degraded.healthMessage, 'crash-looping');
    assert.equal(degraded.badRevision, true);
    assert.equal(degraded.touchedCluster, true);
    assert.equal(degraded.manifestKey, 'k-new');

    const slow = waitedDeployment(
      waited({
        health: 'Progressing',
        timedOut: true,
        message: '1 of 3 ready',
        resources: web('Progressing'),
      }),
      'k-new',
      '2m',
    );
    const progressing = failedResult(noRollback, slow);
    assert.equal(progressing.runningRevision, NEW);
    assert.equal(progressing.health, 'Progressing');
    assert.equal(
      progressing.message,
      'revision aaaaaaa failed: not healthy within 2m: 1 of 3 ready; no earlier healthy revision to roll back to',
    );

    const partly = failedResult(
      noRollback,
      failedDeployment(ApplicationFailure.nonRetryable('field is immutable', 'ApplyRejected'), true),
    );
    assert.equal(partly.runningRevision, undefined, 'a wave failed: the live objects are no one revision');
    assert.equal(partly.health, 'Degraded');
  });

  it('a rollback that failed before writing anything leaves the running revision unknown', () => {
    const back = failedDeployment(new Error('render failed'), false);
    const result = rollbackFailedResult(input(), first, OLD, back);
    assert.equal(result.runningRevision, undefined);
    assert.equal(result.health, 'Degraded');
    assert.equal(
      result.message,
      'revision aaaaaaa failed: Degraded: crash-looping; rollback to bbbbbbb also failed: render failed',
    );
  });

  it('results carry the warnings of the revision that was deployed', () => {
    const warned = {
      ...first,
      warnings: ['Service web: annotation argocd.argoproj.io/sync-options ignored'],
    };
    assert.deepEqual(failedResult(input(), warned).warnings, warned.warnings);
    assert.deepEqual(rolledBackResult(input(), warned, OLD, back).warnings, warned.warnings);
    assert.deepEqual(succeededResult(input(), { ...back, warnings: ['w'] }).warnings, ['w']);
  });

  it('Terminated is not a bad revision and says where it stopped and what the cluster holds', () => {
    const stopped = (step: string, touchedCluster: boolean, applied: boolean) =>
      terminatedResult(input(), { step, touchedCluster, applied, manifestKey: 'k-new' });
    assert.deepEqual(stopped('dry-run', false, false), {
      outcome: 'Terminated',
      phase: 'Failed',
      revision: NEW,
      runningRevision: undefined,
      manifestKey: undefined,
      message:
        'terminated by an operator during "dry-run"; nothing was rolled back and nothing had been written to the cluster. Run `mooring app sync` to deploy it again',
      badRevision: false,
      health: 'Unknown',
      resources: [],
      touchedCluster: false,
    });
    const midApply = stopped('apply Sync wave 1', true, false);
    assert.equal(midApply.runningRevision, undefined);
    assert.equal(midApply.manifestKey, undefined, 'part of the revision is no manifest set to compare to');
    assert.match(
      midApply.message,
      /during "apply Sync wave 1"; .* the cluster may hold part of this revision\./,
    );
    const inWait = stopped('wait healthy and prune', true, true);
    assert.equal(inWait.runningRevision, NEW, 'every wave was applied: the live objects are this revision');
    assert.equal(inWait.manifestKey, 'k-new', 'drift is compared to the manifests that were applied');
    assert.equal(
      terminatedResult(input(), { step: 'render', touchedCluster: false, applied: false }).manifestKey,
      undefined,
      'stopped before anything was rendered',
    );
    assert.match(inWait.message, /every object of this revision was applied\./);
    for (const r of [midApply, inWait]) {
      assert.equal(r.badRevision, false);
      assert.equal(r.touchedCluster, false, 'a terminated operation observed no health');
    }
  });

  it('a sync child that ended without a result did not observe the cluster', () => {
    assert.deepEqual(missingResult(NEW), {
      outcome: 'Failed',
      phase: 'Error',
      revision: NEW,
      message: 'the sync operation ended without a result (terminated or cancelled)',
      badRevision: false,
      health: 'Unknown',
      resources: [],
      touchedCluster: false,
    });
  });
});

/** Every Mooring error class by export name: the ApplicationFailure type an activity's error arrives as. */
const errorTypes = Object.entries(errors as Record<string, unknown>)
  .filter(
    ([, value]) =>
      typeof value === 'function' && (value as { prototype: unknown }).prototype instanceof MooringError,
  )
  .map(([name]) => name)
  .sort();
const REVISION_FAULT_TYPES = [
  'ApplyRejected',
  'CommitUnverified',
  'EmptyRender',
  'HealthDegraded',
  'HookFailed',
  'ManifestInvalid',
  'PolicyViolation',
  'RevisionNotFound',
];

describe('isRevisionFault', () => {
  it('is true for an activity failure of a revision-fault type, false for every other error class', () => {
    assert.ok(errorTypes.length >= 10, errorTypes.join(', '));
    for (const type of errorTypes) {
      const expected = REVISION_FAULT_TYPES.includes(type);
      assert.equal(isRevisionFault(failedWith(type)), expected, `ActivityFailure(${type})`);
      assert.equal(
        failedDeployment(failedWith(type), true).revisionFault,
        expected,
        `a deployment failed with ${type}`,
      );
    }
  });

  it('is true for an application failure the workflow raised itself (EmptyRender) without an activity', () => {
    const refused = ApplicationFailure.create({
      type: 'EmptyRender',
      nonRetryable: true,
      message: 'no objects',
    });
    assert.equal(isRevisionFault(refused), true);
    assert.equal(isRevisionFault(ApplicationFailure.create({ type: 'Unreachable', message: 'x' })), false);
  });

  it('is false for timeouts, plain errors, untyped or unknown failures and non-errors', () => {
    for (const type of ['START_TO_CLOSE', 'SCHEDULE_TO_START', 'SCHEDULE_TO_CLOSE', 'HEARTBEAT'] as const)
      assert.equal(isRevisionFault(timedOut(type)), false, type);
    assert.equal(isRevisionFault(new TimeoutFailure(undefined, undefined, 'START_TO_CLOSE')), false);
    assert.equal(isRevisionFault(new Error('ManifestInvalid')), false, 'a plain error, whatever it says');
    assert.equal(isRevisionFault(activityFailure(new Error('boom'))), false);
    assert.equal(isRevisionFault(activityFailure(ApplicationFailure.create({ message: 'no type' }))), false);
    assert.equal(isRevisionFault(failedWith('SomethingElse')), false);
    assert.equal(isRevisionFault(undefined), false);
    assert.equal(isRevisionFault('ManifestInvalid'), false);
  });
});

describe('a failure of the environment does not mark the revision bad', () => {
  const noRollback = input((i) => {
    i.lastHealthyRevision = undefined;
  });
  const back = waitedDeployment(waited({ finishedAt: 'T2' }), 'k-old', '2m');

  it('Git unreachable while rendering: Failed, nothing written, not a bad revision', () => {
    const unreachable = failedDeployment(
      failedWith('Unreachable', 'git.example.test: connection refused'),
      false,
    );
    assert.equal(unreachable.revisionFault, false);
    const result = failedResult(input(), unreachable);
    assert.equal(result.outcome, 'Failed');
    assert.equal(result.badRevision, false);
    assert.equal(result.runningRevision, undefined);
    assert.equal(result.touchedCluster, false);
    assert.equal(
      result.message,
      'revision aaaaaaa failed: Unreachable: git.example.test: connection refused',
    );
  });

  it('the API failing mid-apply: Failed without a rollback, RolledBack with one, neither bad', () => {
    const applyFailed = failedDeployment(failedWith('ApplyFailed', 'HTTP 503'), true);
    const failed = failedResult(noRollback, applyFailed);
    assert.deepEqual(
      [failed.outcome, failed.badRevision, failed.health, failed.runningRevision],
      ['Failed', false, 'Degraded', undefined],
    );
    const rolledBack = rolledBackResult(input(), applyFailed, OLD, back);
    assert.deepEqual(
      [rolledBack.outcome, rolledBack.badRevision, rolledBack.runningRevision],
      ['RolledBack', false, OLD],
    );
    const bothFailed = rollbackFailedResult(
      input(),
      applyFailed,
      OLD,
      failedDeployment(failedWith('ApplyFailed', 'HTTP 503'), true),
    );
    assert.deepEqual([bothFailed.outcome, bothFailed.badRevision], ['Failed', false]);
  });

  it('a timeout or a plain error is no revision fault either', () => {
    for (const err of [timedOut('START_TO_CLOSE'), timedOut('HEARTBEAT'), new Error('socket hang up')]) {
      assert.equal(failedResult(noRollback, failedDeployment(err, true)).badRevision, false, String(err));
      assert.equal(rolledBackResult(input(), failedDeployment(err, true), OLD, back).badRevision, false);
    }
  });

  it("the revision's own failure is bad whichever way the operation ends", () => {
    const unhealthy = waitedDeployment(
      waited({ health: 'Degraded', message: 'crash-looping' }),
      'k-new',
      '2m',
    );
    assert.equal(unhealthy.revisionFault, true);
    const hook = failedDeployment(failedWith('HookFailed', 'Hook migrate failed'), true);
    for (const first of [unhealthy, hook]) {
      assert.equal(failedResult(noRollback, first).badRevision, true);
      assert.equal(rolledBackResult(input(), first, OLD, back).badRevision, true);
      assert.equal(
        rollbackFailedResult(input(), first, OLD, failedDeployment(timedOut('HEARTBEAT'), true)).badRevision,
        true,
      );
    }
  });

  it('a deployment that does not say whose fault it was marks the revision bad, as before this change', () => {
    const { revisionFault, ...unsaid } = failedDeployment(failedWith('Unreachable'), true);
    assert.equal(revisionFault, false);
    assert.equal(failedResult(noRollback, unsaid).badRevision, true);
    assert.equal(rolledBackResult(input(), unsaid, OLD, back).badRevision, true);
    assert.equal(rollbackFailedResult(input(), unsaid, OLD, back).badRevision, true);
  });
});
