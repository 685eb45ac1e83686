/**
 * The application entity without Temporal: what a refresh, a drift report or an operator's request
 * turns into, and how finished operations are recorded. Each test plays the workflow's part (run
 * the operation the entity asks for, hand back a result) through the entity's public methods.
 */
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import type { AppSpec } from '../../../config/types.js';
import type { OperationState, ResourceState } from '../../../contract/messages.js';
import type { SyncWorkflowInput, SyncWorkflowResult } from '../../../contract/workflows.js';
import { ApplicationEntity, HISTORY_LIMIT, initialState } from '../../../workflows/application-state.js';
import type { CarriedState, OperationRequest } from '../../../workflows/application-state.js';
import {
  failedDeployment,
  failedResult,
  rolledBackResult,
  supersededResult,
  terminatedResult,
  waitedDeployment,
} from '../../../workflows/sync-results.js';
import { appSpec } from './_spec.js';

/** A distinct 40-hex SHA per label. */
function sha(label: string): string {
  let hex = '';
  for (const ch of label) hex += ch.charCodeAt(0).toString(16).padStart(2, '0');
  return `${hex}${'0'.repeat(40)}`.slice(0, 40);
}
const [C1, C2, C3, C4] = [sha('c1'), sha('c2'), sha('c3'), sha('c4')];

const spec = appSpec;

/** Conditions take their `since` from workflowNow(), which is Date.now outside a workflow. */
const NOW = Date.parse('2026-03-01T10:00:00.000Z');
const NOW_ISO = '2026-03-01T10:00:00.000Z';
beforeEach(() => mock.timers.enable({ apis: ['Date'], now: NOW }));
afterEach(() => mock.timers.reset());

const deployment = (health: ResourceState['health']): ResourceState[] => [
  { kind: 'Deployment', namespace: 'shop', name: 'web', health },
];

const results = {
  succeeded: (revision: string): SyncWorkflowResult => ({
    outcome: 'Succeeded',
    phase: 'Succeeded',
    revision,
    runningRevision: revision,
    message: 'healthy',
    badRevision: false,
    health: 'Healthy',
    resources: deployment('Healthy'),
    manifestKey: `key-${revision.slice(0, 4)}`,
    finishedAt: `at-${revision.slice(0, 4)}`,
  }),
  rolledBack: (revision: string, to: string): SyncWorkflowResult => ({
    outcome: 'RolledBack',
    phase: 'Failed',
    revision,
    runningRevision: to,
    rolledBackTo: to,
    message: `revision ${revision.slice(0, 7)} failed; rolled back`,
    badRevision: true,
    health: 'Healthy',
    resources: deployment('Healthy'),
    manifestKey: `key-${to.slice(0, 4)}`,
    finishedAt: `at-${to.slice(0, 4)}`,
  }),
  failed: (revision: string): SyncWorkflowResult => ({
    outcome: 'Failed',
    phase: 'Failed',
    revision,
    message: `revision ${revision.slice(0, 7)} failed`,
    badRevision: true,
    health: 'Degraded',
    healthMessage: 'crash-looping',
    resources: deployment('Degraded'),
    manifestKey: `key-${revision.slice(0, 4)}`,
  }),
  superseded: (revision: string): SyncWorkflowResult => ({
    outcome: 'Superseded',
    phase: 'Failed',
    revision,
    message: 'superseded',
    badRevision: false,
    health: 'Progressing',
    resources: [],
  }),
};

/** What the workflow does with an operation the entity asked for: run it, then record its result. */
function run(
  app: ApplicationEntity,
  request: OperationRequest,
  result: SyncWorkflowResult,
  id = app.nextOperationId(),
): OperationState {
  const op: OperationState = {
    id,
    workflowId: `app/shop/op-${id}`,
    revision: request.revision,
    phase: 'Running',
    initiatedBy: request.initiatedBy,
    step: 'starting',
  };
  app.operation = op;
  app.record(op, request, result, 1500);
  return op;
}

/** The workflow's handling of a refresh: resolve the head, deploy it if the entity says so. */
function refreshTo(
  app: ApplicationEntity,
  head: string,
  result?: (revision: string) => SyncWorkflowResult,
): OperationRequest | undefined {
  const pending = app.state.pending.refresh;
  app.state.pending.refresh = undefined;
  const op = app.onHeadResolved(head, pending?.reason ?? 'refresh');
  if (op && result) run(app, op, result(op.revision));
  return op;
}

/** A new app whose first sync deployed `first` successfully. */
function deployedApp(first = C1, change?: (s: AppSpec) => void): ApplicationEntity {
  const app = new ApplicationEntity(spec(change), initialState());
  const op = refreshTo(app, first, results.succeeded);
  assert.ok(op, 'the first start deploys the head');
  return app;
}

const rejected = (message: RegExp) => ({
  name: 'ApplicationFailure',
  type: 'InvalidRollback',
  nonRetryable: true,
  message,
});

describe('ApplicationEntity: auto-sync', () => {
  it('starts with a refresh queued and deploys the head it resolves to as the initial sync', () => {
    const app = new ApplicationEntity(spec(), initialState());
    assert.equal(app.hasWork(), true);
    assert.deepEqual(app.state.pending.refresh, { reason: 'first start' });
    const op = refreshTo(app, C1);
    assert.deepEqual(op, {
      revision: C1,
      initiatedBy: 'auto-sync',
      prune: true,
      dryRun: false,
      reason: 'initial sync',
    });
    assert.equal(app.state.headRevision, C1);
    assert.equal(app.state.sync, 'OutOfSync');
    assert.equal(app.hasWork(), false);
  });

  it('deploys a new head as a new commit, and does nothing while the head is what is deployed', () => {
    const app = deployedApp(C1);
    assert.equal(app.state.sync, 'Synced');
    app.requestRefresh('periodic check');
    assert.equal(refreshTo(app, C1), undefined);
    app.requestRefresh('new commit', C2);
    assert.deepEqual(app.state.pending.refresh, { reason: 'new commit', sha: C2 });
    assert.deepEqual(refreshTo(app, C2), {
      revision: C2,
      initiatedBy: 'auto-sync',
      prune: true,
      dryRun: false,
      reason: 'new commit',
    });
    assert.equal(app.state.sync, 'OutOfSync');
  });

  it('keeps a SHA a signal already reported when a later refresh carries none', () => {
    const app = deployedApp(C1);
    app.requestRefresh('new commit', C2);
    app.requestRefresh('spec changed');
    assert.deepEqual(app.state.pending.refresh, { reason: 'spec changed', sha: C2 });
  });

  it('without an automated policy records the new head as OutOfSync but deploys nothing', () => {
    const app = deployedApp(C1);
    app.spec = spec((s) => {
      s.syncPolicy.automated = undefined;
    });
    assert.equal(app.autoSyncEnabled(), false);
    assert.equal(refreshTo(app, C2), undefined);
    assert.equal(app.state.headRevision, C2);
    assert.equal(app.state.sync, 'OutOfSync');
  });

  it('does not auto-sync a bad revision again until a newer commit or an explicit sync', () => {
    const app = deployedApp(C1);
    run(app, refreshTo(app, C2) as OperationRequest, results.rolledBack(C2, C1));
    assert.deepEqual(app.state.badRevisions, [C2]);
    assert.equal(app.state.deployedRevision, C1);

    app.requestRefresh('periodic check');
    assert.equal(refreshTo(app, C2), undefined, 'the bad head is not deployed again');
    assert.equal(app.state.sync, 'OutOfSync');

    assert.equal(refreshTo(app, C3)?.revision, C3, 'a newer commit is deployed');

    // The branch moves back to the bad commit and the operator asks for it explicitly.
    app.forgive(C2);
    assert.deepEqual(app.state.badRevisions, []);
    assert.equal(refreshTo(app, C2)?.revision, C2);
  });

  it('a success of a revision clears its bad mark', () => {
    const app = deployedApp(C1);
    run(app, refreshTo(app, C2) as OperationRequest, results.failed(C2));
    assert.deepEqual(app.state.badRevisions, [C2]);
    run(
      app,
      { revision: C2, initiatedBy: 'operator', prune: false, dryRun: false, reason: 'operator sync' },
      results.succeeded(C2),
    );
    assert.deepEqual(app.state.badRevisions, []);
    assert.equal(app.state.lastHealthyRevision, C2);
  });
});

describe('ApplicationEntity: operator requests', () => {
  it('queues syncs first in first out, with ids from the same sequence as operations', () => {
    const app = deployedApp(C1);
    const first = app.queueSync({});
    const second = app.queueSync({ revision: 'v2', prune: false, dryRun: true });
    assert.deepEqual([first, second], [2, 3]);
    assert.equal(app.hasWork(), true);
    assert.deepEqual(app.state.pending.manual, [
      { kind: 'sync', request: {}, id: 2 },
      { kind: 'sync', request: { revision: 'v2', prune: false, dryRun: true }, id: 3 },
    ]);
    assert.equal(app.nextOperationId(), 4);
  });

  it('finds the rollback target by history id; for a rolled-back entry, the revision it returned to', () => {
    const app = deployedApp(C1);
    run(app, refreshTo(app, C2) as OperationRequest, results.rolledBack(C2, C1));
    assert.equal(app.rollbackTarget({ historyId: 1 }), C1);
    assert.equal(app.rollbackTarget({ historyId: 2 }), C1);
    assert.throws(
      () => app.rollbackTarget({ historyId: 7 }),
      rejected(/^History id 7 does not exist: known ids are 1, 2$/),
    );
    assert.throws(
      () => new ApplicationEntity(spec(), initialState()).rollbackTarget({ historyId: 1 }),
      rejected(/known ids are none$/),
    );
  });

  it('finds the rollback target by full or short SHA among healthy deployments', () => {
    const app = deployedApp(C1);
    run(app, refreshTo(app, C2) as OperationRequest, results.succeeded(C2));
    assert.equal(app.rollbackTarget({ toRevision: C1 }), C1);
    assert.equal(app.rollbackTarget({ toRevision: C1.slice(0, 7) }), C1);
    assert.equal(
      app.rollbackTarget({ toRevision: ` ${C1.slice(0, 9).toUpperCase()} ` }),
      C1,
      'trimmed, any case',
    );
    assert.equal(
      app.rollbackTarget({ toRevision: C4 }),
      C4,
      'a full SHA outside the history is taken as given',
    );
    assert.throws(
      () => app.rollbackTarget({ toRevision: 'abcdef1' }),
      rejected(/^Revision "abcdef1" is not in this app's history of healthy deployments/),
    );
    assert.throws(() => app.rollbackTarget({}), rejected(/^A rollback needs toRevision or historyId$/));
    assert.throws(() => app.rollbackTarget({ toRevision: '  ' }), rejected(/needs toRevision or historyId/));
  });

  it('does not take a short SHA of a revision that never became healthy', () => {
    const app = deployedApp(C1);
    run(app, refreshTo(app, C2) as OperationRequest, results.rolledBack(C2, C1));
    assert.throws(
      () => app.rollbackTarget({ toRevision: C2.slice(0, 7) }),
      rejected(/not in this app's history/),
    );
  });

  it('rejects a short SHA that matches more than one healthy deployment', () => {
    const [a, b] = [`abc1234${'0'.repeat(33)}`, `abc1234${'1'.repeat(33)}`];
    const app = deployedApp(a);
    run(app, refreshTo(app, b) as OperationRequest, results.succeeded(b));
    assert.throws(
      () => app.rollbackTarget({ toRevision: 'abc1234' }),
      rejected(
        /^Revision "abc1234" is ambiguous: it matches abc123400000, abc123411111; give more characters$/,
      ),
    );
    assert.equal(app.rollbackTarget({ toRevision: 'abc12341' }), b);
  });

  it('finds a chart pin by its exact version, not by a version it prefixes', () => {
    const digest = (c: string) => `sha256:${c.repeat(64)}`;
    const [v123, v1230] = [`1.2.3@${digest('a')}`, `1.2.30@${digest('b')}`];
    const app = deployedApp(v123);
    run(app, refreshTo(app, v1230) as OperationRequest, results.succeeded(v1230));
    assert.equal(app.rollbackTarget({ toRevision: '1.2.3' }), v123);
    assert.equal(app.rollbackTarget({ toRevision: '1.2.30' }), v1230);
    assert.equal(app.rollbackTarget({ toRevision: '1.2.30@sha256:bb' }), v1230, 'a prefix of the pin');
    const other = `0.9.0@${digest('c')}`;
    assert.equal(
      app.rollbackTarget({ toRevision: other }),
      other,
      'a full pin outside the history is taken as given',
    );
    assert.throws(
      () => app.rollbackTarget({ toRevision: '1.2' }),
      rejected(
        /^Revision "1.2" is ambiguous: it matches 1.2.3@sha256:a+, 1.2.30@sha256:b+; give more characters$/,
      ),
    );
  });

  it('pause stops auto-sync; resume restarts it and asks for a refresh', () => {
    const app = deployedApp(C1);
    app.pause();
    assert.equal(app.autoSyncEnabled(), false);
    assert.equal(app.phase(), 'Paused');
    assert.equal(app.status().paused, true);
    assert.equal(refreshTo(app, C2), undefined, 'no deployment while paused');
    assert.equal(app.state.headRevision, C2, 'the head is still tracked');

    app.resume();
    assert.equal(app.phase(), 'Idle');
    assert.deepEqual(app.state.pending.refresh, { reason: 'resumed', sha: undefined });
    assert.equal(refreshTo(app, C2)?.revision, C2);
  });

  it('a manual rollback pins the app: new commits wait until resume drops the pin', () => {
    const app = deployedApp(C1);
    run(app, refreshTo(app, C2) as OperationRequest, results.succeeded(C2));

    const id = app.queueRollback(app.rollbackTarget({ historyId: 1 }));
    assert.equal(app.state.pinnedRevision, C1);
    assert.equal(app.phase(), 'Pinned');
    assert.deepEqual(app.state.pending.manual, [{ kind: 'rollback', revision: C1, id }]);
    app.state.pending.manual.shift();
    run(
      app,
      { revision: C1, initiatedBy: 'rollback', prune: true, dryRun: false, reason: 'manual rollback' },
      results.succeeded(C1),
      id,
    );
    assert.equal(app.state.deployedRevision, C1);
    assert.equal(app.state.sync, 'Synced', 'synced with the pin, not with the branch');

    assert.equal(refreshTo(app, C3), undefined, 'a new commit is not deployed while pinned');
    assert.equal(app.state.sync, 'Synced');
    assert.equal(app.autoSyncEnabled(), false);

    app.resume();
    assert.equal(app.state.pinnedRevision, undefined);
    assert.equal(app.phase(), 'Idle');
    assert.equal(app.hasWork(), true);
    assert.deepEqual(refreshTo(app, C3), {
      revision: C3,
      initiatedBy: 'auto-sync',
      prune: true,
      dryRun: false,
      reason: 'new commit',
    });
  });
});

describe('ApplicationEntity: drift', () => {
  it('with selfHeal, re-syncs the deployed revision and is Synced again once it succeeded', () => {
    const app = deployedApp(C1);
    app.noteDrift({ drifted: true, changedObjects: 3, health: 'Degraded', healthMessage: 'web: 0/2 ready' });
    assert.equal(app.hasWork(), true);
    const drift = app.state.pending.drift;
    app.state.pending.drift = undefined;
    const op = app.onDrift(drift!);
    assert.deepEqual(op, {
      revision: C1,
      initiatedBy: 'self-heal',
      prune: true,
      dryRun: false,
      reason: 'self-heal, 3 changed',
    });
    assert.equal(app.state.drifted, true);
    assert.equal(app.state.sync, 'OutOfSync');
    assert.equal(app.state.health, 'Degraded');
    assert.equal(app.state.healthMessage, 'web: 0/2 ready');

    run(app, op!, results.succeeded(C1));
    assert.equal(app.state.drifted, false);
    assert.equal(app.state.sync, 'Synced');
    assert.equal(app.state.health, 'Healthy');
  });

  it('without selfHeal, only marks the app OutOfSync; a clean report makes it Synced again', () => {
    const app = deployedApp(C1, (s) => {
      s.syncPolicy.automated = { prune: false, selfHeal: false, allowEmpty: false };
    });
    assert.equal(app.onDrift({ drifted: true, changedObjects: 1 }), undefined);
    assert.equal(app.state.sync, 'OutOfSync');
    assert.equal(app.state.health, 'Healthy', 'a report without health leaves it alone');
    assert.equal(app.onDrift({ drifted: false, changedObjects: 0, health: 'Healthy' }), undefined);
    assert.equal(app.state.sync, 'Synced');
  });

  it('does not self-heal while paused or before anything was deployed', () => {
    const paused = deployedApp(C1);
    paused.pause();
    assert.equal(paused.onDrift({ drifted: true, changedObjects: 1 }), undefined);
    const fresh = new ApplicationEntity(spec(), initialState());
    assert.equal(fresh.onDrift({ drifted: true, changedObjects: 1 }), undefined);
  });
});

describe('ApplicationEntity: recording outcomes', () => {
  it('records successes and failures in history, health, resources and counters', () => {
    const app = deployedApp(C1);
    assert.deepEqual(app.state.history, [
      {
        id: 1,
        revision: C1,
        deployedAt: 'at-6331',
        outcome: 'Succeeded',
        initiatedBy: 'auto-sync',
        durationMs: 1500,
        message: 'healthy',
        rolledBackTo: undefined,
      },
    ]);
    assert.equal(app.state.manifestKey, 'key-6331');
    assert.equal(app.operation, undefined);
    assert.deepEqual(app.state.lastOperation, {
      id: 1,
      workflowId: 'app/shop/op-1',
      revision: C1,
      phase: 'Succeeded',
      initiatedBy: 'auto-sync',
      step: 'done',
      message: 'healthy',
    });

    run(app, refreshTo(app, C2) as OperationRequest, results.rolledBack(C2, C1));
    assert.equal(app.state.consecutiveFailures, 1);
    assert.equal(app.state.history[1]?.outcome, 'RolledBack');
    assert.equal(app.state.history[1]?.rolledBackTo, C1);
    assert.equal(app.state.lastHealthyRevision, C1);

    // The operator retries the same commit and it fails again: a second failure, the same head.
    app.forgive(C2);
    run(
      app,
      { revision: C2, initiatedBy: 'operator', prune: true, dryRun: false, reason: 'operator sync' },
      results.failed(C2),
    );
    app.requestRefresh('periodic check');
    refreshTo(app, C2);
    assert.equal(app.state.consecutiveFailures, 2);
    assert.equal(
      app.state.deployedRevision,
      C1,
      'a failure without a running revision leaves the deployed one',
    );
    assert.equal(app.state.manifestKey, 'key-6331', 'a failed revision does not become the drift-scan key');
    assert.equal(app.state.health, 'Degraded');
    assert.equal(app.state.healthMessage, 'crash-looping');
    assert.deepEqual(app.state.resources, deployment('Degraded'));
    assert.deepEqual(app.state.badRevisions, [C2]);

    // A new commit earns a fresh start.
    assert.ok(refreshTo(app, C3));
    assert.equal(app.state.consecutiveFailures, 0);
  });

  it('a superseded operation is neither history nor a failure; a dry run changes only the last operation', () => {
    const app = deployedApp(C1);
    const before = structuredClone(app.state);
    run(app, refreshTo(app, C2) as OperationRequest, results.superseded(C2));
    assert.deepEqual(app.state.history, before.history);
    assert.deepEqual(app.state.badRevisions, []);
    assert.equal(app.state.consecutiveFailures, 0);
    assert.equal(app.state.deployedRevision, C1);
    assert.deepEqual(
      app.state.resources,
      before.resources,
      'no resources in the result: the last known ones stay',
    );

    const dry = run(
      app,
      { revision: C3, initiatedBy: 'operator', prune: false, dryRun: true, reason: 'operator sync' },
      { ...results.succeeded(C3), runningRevision: undefined, message: 'dry run: 1 configured, 0 to prune' },
    );
    assert.equal(app.state.history.length, 1);
    assert.equal(app.state.deployedRevision, C1);
    assert.equal(app.state.lastHealthyRevision, C1);
    assert.deepEqual(app.state.lastOperation, {
      ...dry,
      phase: 'Succeeded',
      step: 'done',
      message: 'dry run: 1 configured, 0 to prune',
    });
  });

  it(`keeps the last ${HISTORY_LIMIT} history entries`, () => {
    const app = deployedApp(C1);
    for (let i = 0; i < HISTORY_LIMIT + 4; i++) {
      const revision = sha(`r${i}`);
      run(
        app,
        { revision, initiatedBy: 'operator', prune: false, dryRun: false, reason: 'operator sync' },
        results.succeeded(revision),
      );
    }
    assert.equal(app.state.history.length, HISTORY_LIMIT);
    assert.equal(app.state.history[0]?.id, 6);
    assert.equal(app.state.history.at(-1)?.id, HISTORY_LIMIT + 5);
  });
});

describe('ApplicationEntity: status', () => {
  it('reports spec, revisions, operation and history as the status query returns them', () => {
    const app = deployedApp(C1);
    run(app, refreshTo(app, C2) as OperationRequest, results.rolledBack(C2, C1));
    const op: OperationState = {
      id: 3,
      workflowId: 'app/shop/op-3',
      revision: C3,
      phase: 'Running',
      initiatedBy: 'auto-sync',
      step: 'starting',
    };
    app.operation = op;
    assert.equal(app.phase(), 'Syncing');
    const status = app.status();
    assert.deepEqual(status, {
      name: 'shop',
      cluster: 'prod',
      namespace: 'shop',
      repoURL: 'https://git.example.test/shop.git',
      path: 'deploy',
      targetRevision: 'main',
      headRevision: C2,
      deployedRevision: C1,
      lastHealthyRevision: C1,
      sync: 'OutOfSync',
      health: 'Healthy',
      healthMessage: undefined,
      paused: false,
      pinnedRevision: undefined,
      badRevisions: [C2],
      operation: op,
      lastOperation: {
        id: 2,
        workflowId: 'app/shop/op-2',
        revision: C2,
        phase: 'Failed',
        initiatedBy: 'auto-sync',
        step: 'done',
        message: results.rolledBack(C2, C1).message,
      },
      resources: deployment('Healthy'),
      history: app.state.history,
      consecutiveFailures: 1,
      conditions: [
        { type: 'SyncError', message: results.rolledBack(C2, C1).message, revision: C2, since: NOW_ISO },
      ],
      stoppedRevision: undefined,
    });
    assert.deepEqual(
      status.history.map((h) => [h.id, h.revision, h.outcome]),
      [
        [1, C1, 'Succeeded'],
        [2, C2, 'RolledBack'],
      ],
    );

    status.history.pop();
    status.badRevisions.pop();
    status.conditions.pop();
    assert.equal(app.state.history.length, 2, 'the status holds copies of the lists');
    assert.deepEqual(app.state.badRevisions, [C2]);
    assert.equal(app.status().conditions.length, 1);
  });

  it('is Unknown before the first head is known', () => {
    const status = new ApplicationEntity(spec(), initialState()).status();
    assert.equal(status.sync, 'Unknown');
    assert.equal(status.health, 'Unknown');
    assert.deepEqual([status.history, status.badRevisions, status.consecutiveFailures], [[], [], 0]);
    assert.deepEqual(status.conditions, []);
    assert.equal(status.stoppedRevision, undefined);
  });
});

/** The sync workflow's input for an operation the entity asked for, as OperationRunner builds it. */
function inputFor(app: ApplicationEntity, request: OperationRequest): SyncWorkflowInput {
  return {
    app: app.spec.name,
    spec: app.spec,
    revision: request.revision,
    initiatedBy: request.initiatedBy,
    prune: request.prune,
    dryRun: request.dryRun,
    lastHealthyRevision: app.state.lastHealthyRevision,
  };
}

/** Asks the entity for the new head's auto-sync, which it must want to run. */
function autoSync(app: ApplicationEntity, head: string): OperationRequest {
  const request = refreshTo(app, head);
  assert.ok(request, `auto-sync deploys ${head.slice(0, 7)}`);
  return request;
}

const operatorSync = (revision: string): OperationRequest => ({
  revision,
  initiatedBy: 'operator',
  prune: true,
  dryRun: false,
  reason: 'operator sync',
});

const conditionTypes = (app: ApplicationEntity) => app.status().conditions.map((c) => c.type);

describe('ApplicationEntity: an operation an operator terminated', () => {
  it('is not a bad revision, keeps the observed health, and is not started again by auto-sync', () => {
    const app = deployedApp(C1);
    const request = autoSync(app, C2);
    run(
      app,
      request,
      terminatedResult(inputFor(app, request), { step: 'dry-run', touchedCluster: false, applied: false }),
    );

    const status = app.status();
    assert.equal(status.stoppedRevision, C2);
    assert.deepEqual(status.badRevisions, []);
    assert.equal(status.consecutiveFailures, 0);
    assert.equal(status.deployedRevision, C1);
    assert.equal(status.sync, 'OutOfSync');
    assert.equal(status.health, 'Healthy', 'a terminated operation observed no health');
    assert.equal(status.history.at(-1)?.outcome, 'Terminated');
    assert.match(status.lastOperation?.message ?? '', /^terminated by an operator during "dry-run"/);
    assert.deepEqual(conditionTypes(app), [], 'terminating is no sync error');

    app.requestRefresh('periodic check');
    assert.equal(refreshTo(app, C2), undefined, 'auto-sync leaves the stopped revision alone');
    assert.equal(app.status().stoppedRevision, C2);
  });

  it('a new commit is deployed again, and clears the stop', () => {
    const app = deployedApp(C1);
    const request = autoSync(app, C2);
    run(
      app,
      request,
      terminatedResult(inputFor(app, request), { step: 'render', touchedCluster: false, applied: false }),
    );
    assert.equal(autoSync(app, C3).revision, C3);
    assert.equal(app.status().stoppedRevision, undefined);
  });

  it('an explicit sync of the stopped revision clears the stop', () => {
    const app = deployedApp(C1);
    const request = autoSync(app, C2);
    run(
      app,
      request,
      terminatedResult(inputFor(app, request), { step: 'render', touchedCluster: false, applied: false }),
    );
    app.forgive(C3);
    assert.equal(app.status().stoppedRevision, C2, 'forgiving another revision does not clear it');
    // OperationRunner forgives the head of an operator's (non dry-run) sync before running it.
    app.forgive(C2);
    assert.equal(app.status().stoppedRevision, undefined);
    run(app, operatorSync(C2), results.succeeded(C2));
    assert.equal(app.status().deployedRevision, C2);
    assert.equal(app.status().sync, 'Synced');
  });

  it('stopped after every wave was applied: the revision runs, Synced, with the health last observed', () => {
    const app = deployedApp(C1);
    const request = autoSync(app, C2);
    run(
      app,
      request,
      terminatedResult(inputFor(app, request), {
        step: 'wait healthy and prune',
        touchedCluster: true,
        applied: true,
      }),
    );
    const status = app.status();
    assert.equal(status.deployedRevision, C2);
    assert.equal(status.sync, 'Synced');
    assert.equal(status.health, 'Healthy');
    assert.equal(status.stoppedRevision, C2);
    assert.deepEqual(status.badRevisions, []);
  });

  it('keeps the cancel-request notice it answered; any later operation clears it', () => {
    const app = deployedApp(C1);
    const request = autoSync(app, C2);
    app.setCondition(
      'CancelRequested',
      'a cancellation of this app was requested; operation #2 was cancelled instead',
    );
    run(
      app,
      request,
      terminatedResult(inputFor(app, request), { step: 'render', touchedCluster: false, applied: false }),
    );
    assert.deepEqual(conditionTypes(app), ['CancelRequested']);
    run(app, autoSync(app, C3), results.succeeded(C3));
    assert.deepEqual(conditionTypes(app), []);
  });
});

describe('ApplicationEntity: a revision rejected before it reached the cluster', () => {
  const renderFailed = () =>
    failedDeployment(
      new ActivityFailure(
        'Activity task failed',
        'renderManifests',
        '3',
        'NON_RETRYABLE_FAILURE',
        undefined,
        ApplicationFailure.nonRetryable(
          'deploy/values.yaml:7: mapping values are not allowed here',
          'ManifestInvalid',
        ),
      ),
      false,
    );

  it('keeps the observed health and shows a SyncError naming the cause', () => {
    const app = deployedApp(C1);
    const request = autoSync(app, C2);
    run(app, request, failedResult(inputFor(app, request), renderFailed()));

    const status = app.status();
    assert.equal(status.health, 'Healthy', 'the live objects were not touched');
    assert.equal(status.healthMessage, undefined);
    assert.equal(status.deployedRevision, C1);
    assert.equal(status.sync, 'OutOfSync');
    assert.deepEqual(status.badRevisions, [C2]);
    assert.deepEqual(status.conditions, [
      {
        type: 'SyncError',
        message: `revision ${C2.slice(0, 7)} failed: ManifestInvalid: deploy/values.yaml:7: mapping values are not allowed here`,
        revision: C2,
        since: NOW_ISO,
      },
    ]);
  });

  it('a dry-run rejection after a health change keeps the health the drift scan observed', () => {
    const app = deployedApp(C1);
    app.onDrift({ drifted: false, changedObjects: 0, health: 'Degraded', healthMessage: 'web: 1/2 ready' });
    const request = autoSync(app, C2);
    const dryRunRejected = failedDeployment(
      ApplicationFailure.nonRetryable('Deployment web: spec.replicas: Invalid value: -1', 'ApplyRejected'),
      false,
    );
    run(app, request, failedResult(inputFor(app, request), dryRunRejected));
    assert.equal(app.status().health, 'Degraded');
    assert.equal(app.status().healthMessage, 'web: 1/2 ready');
    assert.match(app.status().conditions[0]?.message ?? '', /ApplyRejected: Deployment web: spec\.replicas/);
  });

  it('the SyncError keeps when it first appeared, takes the latest message, and a later success clears it', () => {
    const app = deployedApp(C1);
    const first = autoSync(app, C2);
    run(app, first, failedResult(inputFor(app, first), renderFailed()));
    mock.timers.tick(60_000);
    const second = autoSync(app, C3);
    run(app, second, failedResult(inputFor(app, second), renderFailed()));
    assert.deepEqual(
      app.status().conditions.map((c) => [c.type, c.revision, c.since, c.message.slice(0, 16)]),
      [['SyncError', C3, NOW_ISO, `revision ${C3.slice(0, 7)}`]],
    );

    run(app, autoSync(app, C4), results.succeeded(C4));
    assert.deepEqual(app.status().conditions, []);
    assert.equal(app.status().health, 'Healthy');
  });

  it('a dry run neither sets nor clears a SyncError', () => {
    const app = deployedApp(C1);
    const request = autoSync(app, C2);
    run(app, request, failedResult(inputFor(app, request), renderFailed()));
    run(
      app,
      { revision: C3, initiatedBy: 'operator', prune: false, dryRun: true, reason: 'operator sync' },
      { ...results.succeeded(C3), runningRevision: undefined, touchedCluster: false },
    );
    assert.deepEqual(conditionTypes(app), ['SyncError']);
  });
});

describe('ApplicationEntity: a revision applied in full that did not become healthy', () => {
  const noRollback = (s: AppSpec) => {
    s.rollback.automatic = false;
  };
  const waited = (health: 'Degraded' | 'Progressing', message: string) =>
    waitedDeployment(
      {
        health,
        message,
        timedOut: health === 'Progressing',
        resources: [{ group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web', health }],
        finishedAt: 'T2',
      },
      'key-c2',
      '2m',
    );

  it('without a rollback is Synced and Degraded, marked bad, with a SyncError', () => {
    const app = deployedApp(C1, noRollback);
    const request = autoSync(app, C2);
    run(app, request, failedResult(inputFor(app, request), waited('Degraded', 'web: CrashLoopBackOff')));

    const status = app.status();
    assert.equal(status.deployedRevision, C2);
    assert.equal(status.sync, 'Synced');
    assert.equal(status.health, 'Degraded');
    assert.equal(status.healthMessage, 'web: CrashLoopBackOff');
    assert.deepEqual(
      status.resources.map((r) => [r.kind, r.name, r.health]),
      [['Deployment', 'web', 'Degraded']],
    );
    assert.deepEqual(status.badRevisions, [C2]);
    assert.equal(status.lastHealthyRevision, C1);
    assert.deepEqual(conditionTypes(app), ['SyncError']);
    app.requestRefresh('periodic check');
    assert.equal(refreshTo(app, C2), undefined, 'nothing to deploy: the head is what runs');
  });

  it('when the health wait timed out, is Synced and Progressing', () => {
    const app = deployedApp(C1, noRollback);
    const request = autoSync(app, C2);
    run(app, request, failedResult(inputFor(app, request), waited('Progressing', '1 of 3 ready')));
    assert.equal(app.status().deployedRevision, C2);
    assert.equal(app.status().sync, 'Synced');
    assert.equal(app.status().health, 'Progressing');
  });

  it('rolled back: the last healthy revision runs again, Synced to it only once the head is back there', () => {
    const app = deployedApp(C1);
    const request = autoSync(app, C2);
    const input = inputFor(app, request);
    run(
      app,
      request,
      rolledBackResult(
        input,
        waited('Degraded', 'web: CrashLoopBackOff'),
        C1,
        waitedDeployment(
          { health: 'Healthy', resources: [], timedOut: false, finishedAt: 'T3' },
          'key-c1',
          '2m',
        ),
      ),
    );
    assert.equal(app.status().deployedRevision, C1);
    assert.equal(app.status().sync, 'OutOfSync');
    assert.equal(app.status().health, 'Healthy');
  });
});

describe('ApplicationEntity: a superseded operation', () => {
  it('after its revision was applied, that revision runs until the newer commit is deployed', () => {
    const app = deployedApp(C1);
    run(app, autoSync(app, C2), supersededResult(C2, { applied: true, manifestKey: 'key-c2' }));
    assert.equal(app.status().deployedRevision, C2);
    assert.equal(app.status().health, 'Progressing');
    assert.deepEqual(app.status().badRevisions, []);
    assert.equal(app.status().history.length, 1, 'not in history');
    assert.equal(autoSync(app, C3).revision, C3);
    assert.equal(app.status().sync, 'OutOfSync');
  });

  it('before its revision was applied, leaves the running revision and its health alone', () => {
    const app = deployedApp(C1);
    run(app, autoSync(app, C2), supersededResult(C2, { applied: false, manifestKey: 'key-c2' }));
    assert.equal(app.status().deployedRevision, C1);
    assert.equal(app.status().health, 'Healthy');
  });
});

describe('ApplicationEntity: conditions', () => {
  it('SyncWarning lists what the last sync could not honour; a sync without warnings clears it', () => {
    const app = deployedApp(C1);
    run(app, autoSync(app, C2), {
      ...results.succeeded(C2),
      warnings: ['Deployment web: Replace=true is not supported', 'Service web: unknown hook type Skip'],
    });
    assert.deepEqual(app.status().conditions, [
      {
        type: 'SyncWarning',
        message: 'Deployment web: Replace=true is not supported; Service web: unknown hook type Skip',
        revision: C2,
        since: NOW_ISO,
      },
    ]);
    run(app, autoSync(app, C3), results.succeeded(C3));
    assert.deepEqual(app.status().conditions, []);
  });

  it('AgentUnavailable is cleared once an operation finishes, a dry run included', () => {
    const app = deployedApp(C1);
    app.setCondition('AgentUnavailable', 'waiting for the agent of cluster "prod"');
    assert.deepEqual(app.status().conditions, [
      {
        type: 'AgentUnavailable',
        message: 'waiting for the agent of cluster "prod"',
        revision: undefined,
        since: NOW_ISO,
      },
    ]);
    run(
      app,
      { revision: C1, initiatedBy: 'operator', prune: false, dryRun: true, reason: 'operator sync' },
      { ...results.succeeded(C1), runningRevision: undefined, touchedCluster: false },
    );
    assert.deepEqual(app.status().conditions, []);
  });

  it('state carried from older workflow code, without conditions, reports none and can set them', () => {
    const carried: CarriedState = { ...initialState() };
    delete carried.conditions;
    const app = new ApplicationEntity(spec(), carried);
    assert.deepEqual(app.status().conditions, []);
    app.clearCondition('SyncError');
    app.setCondition('AgentUnavailable', 'no agent');
    assert.deepEqual(conditionTypes(app), ['AgentUnavailable']);
  });
});

/** How an activity's failure of Mooring error `type` reaches the sync workflow. */
const activityFailed = (type: string, message: string): ActivityFailure =>
  new ActivityFailure(
    'Activity task failed',
    'applyStep',
    '4',
    'MAXIMUM_ATTEMPTS_REACHED',
    undefined,
    ApplicationFailure.create({ type, message }),
  );
const gitUnreachable = () =>
  failedDeployment(activityFailed('Unreachable', 'git.example.test: connection refused'), false);
const apiUnavailable = () =>
  failedDeployment(activityFailed('ApplyFailed', 'HTTP 503 from the API server'), true);
const healthyAgain = (key: string) =>
  waitedDeployment({ health: 'Healthy', resources: [], timedOut: false, finishedAt: 'T3' }, key, '2m');
const unhealthy = (key: string) =>
  waitedDeployment(
    {
      health: 'Degraded',
      message: 'web: CrashLoopBackOff',
      resources: [],
      timedOut: false,
      finishedAt: 'T2',
    },
    key,
    '2m',
  );
const SECOND = 1000;

describe('ApplicationEntity: an automatic operation the environment failed', () => {
  it('Git unreachable: Failed but not bad, tried again after 15 s, and the retry deploys the same head', () => {
    const app = deployedApp(C1);
    const request = autoSync(app, C2);
    const result = failedResult(inputFor(app, request), gitUnreachable());
    run(app, request, result);

    const status = app.status();
    assert.equal(result.outcome, 'Failed');
    assert.deepEqual(status.badRevisions, [], 'the commit is not to blame');
    assert.equal(status.consecutiveFailures, 1);
    assert.equal(status.deployedRevision, C1);
    assert.equal(status.health, 'Healthy', 'nothing was written');
    assert.deepEqual(conditionTypes(app), ['SyncError']);
    assert.equal(app.retryDelayMs(request, result), 15 * SECOND);

    // The runner's timer asks for a refresh; the same head is deployed again.
    app.requestRefresh('retry after: Unreachable');
    assert.deepEqual(refreshTo(app, C2), { ...request, reason: 'new commit' });
  });

  it('the API failing mid-apply: RolledBack but not bad, tried again', () => {
    const app = deployedApp(C1);
    const request = autoSync(app, C2);
    const result = rolledBackResult(inputFor(app, request), apiUnavailable(), C1, healthyAgain('key-c1'));
    run(app, request, result);
    assert.equal(result.outcome, 'RolledBack');
    assert.deepEqual(app.status().badRevisions, []);
    assert.equal(app.status().deployedRevision, C1);
    assert.equal(app.retryDelayMs(request, result), 15 * SECOND);
    app.requestRefresh('retry after: ApplyFailed');
    assert.equal(refreshTo(app, C2)?.revision, C2);
  });

  it('waits 15 s, doubling per consecutive failure, at most 5 minutes', () => {
    const app = deployedApp(C1);
    const delays: (number | undefined)[] = [];
    for (let attempt = 1; attempt <= 8; attempt += 1) {
      const request = autoSync(app, C2);
      const result = failedResult(inputFor(app, request), gitUnreachable());
      run(app, request, result);
      assert.equal(app.state.consecutiveFailures, attempt);
      delays.push(app.retryDelayMs(request, result));
      app.requestRefresh('retry after: Unreachable');
    }
    assert.deepEqual(
      delays.map((ms) => (ms ?? 0) / SECOND),
      [15, 30, 60, 120, 240, 300, 300, 300],
    );
    const request = autoSync(app, C2);
    const result = failedResult(inputFor(app, request), gitUnreachable());
    run(app, request, result);
    app.state.consecutiveFailures = 1_000;
    assert.equal(app.retryDelayMs(request, result), 300 * SECOND, 'capped however long it fails');
  });

  it('a new commit or a success starts the schedule again', () => {
    const app = deployedApp(C1);
    const failTwice = (head: string) => {
      for (let i = 0; i < 2; i += 1) {
        const request = autoSync(app, head);
        run(app, request, failedResult(inputFor(app, request), gitUnreachable()));
      }
    };
    failTwice(C2);
    assert.equal(app.state.consecutiveFailures, 2);

    const onNewCommit = autoSync(app, C3);
    assert.equal(app.state.consecutiveFailures, 0, 'a new commit earns a fresh start');
    const failed = failedResult(inputFor(app, onNewCommit), gitUnreachable());
    run(app, onNewCommit, failed);
    assert.equal(app.retryDelayMs(onNewCommit, failed), 15 * SECOND);

    failTwice(C3);
    run(app, autoSync(app, C3), results.succeeded(C3));
    assert.equal(app.state.consecutiveFailures, 0);
    const next = autoSync(app, C4);
    const again = failedResult(inputFor(app, next), gitUnreachable());
    run(app, next, again);
    assert.equal(app.retryDelayMs(next, again), 15 * SECOND);
  });

  it('a self-heal the environment failed is left to the next drift report, which self-heals again', () => {
    const app = deployedApp(C1);
    const request = app.onDrift({ drifted: true, changedObjects: 1 });
    assert.equal(request?.initiatedBy, 'self-heal');
    const result = failedResult(inputFor(app, request!), apiUnavailable());
    run(app, request!, result);
    assert.equal(result.badRevision, false);
    assert.equal(app.retryDelayMs(request!, result), undefined, 'a refresh would not re-apply what runs');
    assert.deepEqual(app.status().badRevisions, []);
    assert.equal(app.onDrift({ drifted: true, changedObjects: 1 })?.revision, C1);
  });

  it('nothing is tried again after an operator operation, a dry run, a bad revision or an operation that did not fail', () => {
    const app = deployedApp(C1);
    const request = autoSync(app, C2);
    const input = inputFor(app, request);
    const envFailed = failedResult(input, gitUnreachable());
    run(app, request, envFailed);
    assert.ok(app.retryDelayMs(request, envFailed), 'the reference case is retried');

    const notRetried: [string, OperationRequest, SyncWorkflowResult][] = [
      ['operator sync', operatorSync(C2), envFailed],
      [
        'manual rollback',
        { ...operatorSync(C1), initiatedBy: 'rollback', reason: 'manual rollback' },
        envFailed,
      ],
      ['dry run', { ...request, dryRun: true }, envFailed],
      [
        'bad revision, Failed',
        request,
        failedResult(input, failedDeployment(activityFailed('ManifestInvalid', 'bad YAML'), false)),
      ],
      [
        'bad revision, RolledBack',
        request,
        rolledBackResult(input, unhealthy('key-c2'), C1, healthyAgain('key-c1')),
      ],
      ['Succeeded', request, results.succeeded(C2)],
      ['Superseded', request, supersededResult(C2, { applied: false })],
      [
        'Terminated',
        request,
        terminatedResult(input, { step: 'render', touchedCluster: false, applied: false }),
      ],
    ];
    for (const [what, req, result] of notRetried)
      assert.equal(app.retryDelayMs(req, result), undefined, what);
  });
});

describe('ApplicationEntity: the drift-scan manifests follow the running revision', () => {
  const noRollback = (s: AppSpec) => {
    s.rollback.automatic = false;
  };
  type Case = [
    what: string,
    change: ((s: AppSpec) => void) | undefined,
    result: (input: SyncWorkflowInput) => SyncWorkflowResult,
    deployed: string,
    manifestKey: string,
  ];
  const rendered = (deployment: ReturnType<typeof failedDeployment>) => ({
    ...deployment,
    manifestKey: 'key-c2',
  });
  const cases: Case[] = [
    ['Succeeded', undefined, () => results.succeeded(C2), C2, 'key-6332'],
    [
      'RolledBack: the manifests of the rollback',
      undefined,
      (input) => rolledBackResult(input, unhealthy('key-c2'), C1, healthyAgain('key-c1-again')),
      C1,
      'key-c1-again',
    ],
    [
      'Failed after every wave was applied',
      noRollback,
      (input) => failedResult(input, unhealthy('key-c2')),
      C2,
      'key-c2',
    ],
    [
      'Terminated after every wave was applied',
      undefined,
      (input) =>
        terminatedResult(input, {
          step: 'wait healthy',
          touchedCluster: true,
          applied: true,
          manifestKey: 'key-c2',
        }),
      C2,
      'key-c2',
    ],
    [
      'Superseded after every wave was applied',
      undefined,
      () => supersededResult(C2, { applied: true, manifestKey: 'key-c2' }),
      C2,
      'key-c2',
    ],
    [
      'a revision rejected before it reached the cluster',
      undefined,
      (input) =>
        failedResult(
          input,
          rendered(failedDeployment(activityFailed('ApplyRejected', 'field is immutable'), false)),
        ),
      C1,
      'key-6331',
    ],
    [
      'Failed in the middle of its waves',
      noRollback,
      (input) =>
        failedResult(
          input,
          rendered(failedDeployment(activityFailed('ApplyRejected', 'wave 2 rejected'), true)),
        ),
      C1,
      'key-6331',
    ],
    [
      'Terminated before its waves were all applied',
      undefined,
      (input) =>
        terminatedResult(input, {
          step: 'apply Sync wave 1',
          touchedCluster: true,
          applied: false,
          manifestKey: 'key-c2',
        }),
      C1,
      'key-6331',
    ],
    [
      'Superseded before its waves were all applied',
      undefined,
      () => supersededResult(C2, { applied: false, manifestKey: 'key-c2' }),
      C1,
      'key-6331',
    ],
  ];

  for (const [what, change, result, deployed, manifestKey] of cases)
    it(`${what}: runs ${deployed === C2 ? 'the new revision' : 'the revision it had'}, with its manifests`, () => {
      const app = deployedApp(C1, change);
      assert.equal(app.state.manifestKey, 'key-6331');
      const request = autoSync(app, C2);
      run(app, request, result(inputFor(app, request)));
      assert.equal(app.status().deployedRevision, deployed);
      assert.equal(app.state.manifestKey, manifestKey);
    });

  it('a dry run moves neither the running revision nor its manifests', () => {
    const app = deployedApp(C1);
    run(
      app,
      { ...operatorSync(C2), dryRun: true },
      { ...results.succeeded(C2), runningRevision: undefined, touchedCluster: false },
    );
    assert.equal(app.state.deployedRevision, C1);
    assert.equal(app.state.manifestKey, 'key-6331');
  });
});

describe('ApplicationEntity: self-heal leaves a bad or stopped revision alone', () => {
  const drifted = {
    drifted: true,
    changedObjects: 2,
    health: 'Degraded' as const,
    healthMessage: 'web: 0/2',
  };

  it('a revision that failed after every wave was applied runs, but is not re-applied', () => {
    const app = deployedApp(C1, (s) => {
      s.rollback.automatic = false;
    });
    const request = autoSync(app, C2);
    run(app, request, failedResult(inputFor(app, request), unhealthy('key-c2')));
    assert.equal(app.state.deployedRevision, C2);
    assert.deepEqual(app.state.badRevisions, [C2]);

    assert.equal(app.onDrift(drifted), undefined);
    assert.equal(app.state.drifted, true, 'the report still updates the status');
    assert.equal(app.state.sync, 'OutOfSync');
    assert.equal(app.state.healthMessage, 'web: 0/2');

    // Once the operator deployed it successfully it is no longer bad: self-heal applies it again.
    app.forgive(C2);
    run(app, operatorSync(C2), results.succeeded(C2));
    assert.equal(app.onDrift(drifted)?.revision, C2);
  });

  it('a revision an operator stopped after it was applied is not re-applied until it is synced again', () => {
    const app = deployedApp(C1);
    const request = autoSync(app, C2);
    run(
      app,
      request,
      terminatedResult(inputFor(app, request), {
        step: 'wait healthy and prune',
        touchedCluster: true,
        applied: true,
        manifestKey: 'key-c2',
      }),
    );
    assert.equal(app.state.deployedRevision, C2);
    assert.equal(app.state.stoppedRevision, C2);
    assert.equal(app.onDrift(drifted), undefined);
    assert.equal(app.state.sync, 'OutOfSync');

    app.forgive(C2);
    assert.deepEqual(app.onDrift(drifted), {
      revision: C2,
      initiatedBy: 'self-heal',
      prune: true,
      dryRun: false,
      reason: 'self-heal, 2 changed',
    });
  });

  it('after a rollback the revision that runs is the healthy one, which self-heal re-applies', () => {
    const app = deployedApp(C1);
    const request = autoSync(app, C2);
    run(
      app,
      request,
      rolledBackResult(inputFor(app, request), unhealthy('key-c2'), C1, healthyAgain('key-c1')),
    );
    assert.deepEqual(app.state.badRevisions, [C2]);
    assert.equal(app.onDrift(drifted)?.revision, C1);
  });
});
