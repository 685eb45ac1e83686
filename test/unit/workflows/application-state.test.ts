/**
 * The application entity without Temporal: what a refresh, a drift report or an operator's request
 * turns into, and how finished operations are recorded. Each test plays the workflow's part (run
 * the operation the entity asks for, hand back a result) through the entity's public methods.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AppSpec } from '../../../config/types.js';
import type { OperationState, ResourceState } from '../../../contract/messages.js';
import type { SyncWorkflowResult } from '../../../contract/workflows.js';
import { ApplicationEntity, HISTORY_LIMIT, initialState } from '../../../workflows/application-state.js';
import type { OperationRequest } from '../../../workflows/application-state.js';
import { appSpec } from './_spec.js';

/** A distinct 40-hex SHA per label. */
function sha(label: string): string {
  let hex = '';
  for (const ch of label) hex += ch.charCodeAt(0).toString(16).padStart(2, '0');
  return `${hex}${'0'.repeat(40)}`.slice(0, 40);
}
const [C1, C2, C3, C4] = [sha('c1'), sha('c2'), sha('c3'), sha('c4')];

const spec = appSpec;

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
      s.syncPolicy.automated = { prune: false, selfHeal: false };
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
    assert.equal(app.state.history.length, 2, 'the status holds copies of the lists');
    assert.deepEqual(app.state.badRevisions, [C2]);
  });

  it('is Unknown before the first head is known', () => {
    const status = new ApplicationEntity(spec(), initialState()).status();
    assert.equal(status.sync, 'Unknown');
    assert.equal(status.health, 'Unknown');
    assert.deepEqual([status.history, status.badRevisions, status.consecutiveFailures], [[], [], 0]);
  });
});
