/**
 * The application entity workflow (`app/<name>`): one per app, forever. It owns the app's state,
 * turns messages into at most one running operation (a `syncWorkflow` child), records every
 * outcome, keeps search attributes and UI details current, and continues-as-new when the server
 * suggests it and no operation runs.
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  proxyActivities,
  proxySinks,
  setCurrentDetails,
  setHandler,
  sleep,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ChildWorkflowHandle } from '@temporalio/workflow';
import type { AppSpec } from '../config/types.js';
import type { ClusterActivities } from '../contract/activities.js';
import type { MooringSinks } from '../contract/sinks.js';
import { NON_RETRYABLE_ERRORS } from '../contract/errors.js';
import { ApplicationEntity, initialState } from './application-state.js';
import type { CarriedState, OperationRequest } from './application-state.js';
import { workflowNow } from './clock.js';
import { renderDetails } from './details.js';
import { driftDetectedSignal, pauseSignal, pauseUpdate, refreshSignal, resumeSignal, resumeUpdate, rollbackSignal, rollbackUpdate, setSpecUpdate, specQuery, statusQuery, supersedeSignal, syncUpdate } from '../contract/messages.js';
import { clusterTaskQueue, syncWorkflowId } from '../contract/ids.js';
import type { OperationState } from '../contract/messages.js';
import { searchAttributes } from '../contract/search-attributes.js';
import { short, syncWorkflow } from './sync.js';
import type { SyncWorkflowResult } from '../contract/workflows.js';

export interface ApplicationWorkflowInput {
  spec: AppSpec;
  /** Present after continue-as-new. */
  carried?: CarriedState;
}

/** With no message at all, the app still checks its source this often. */
const SAFETY_REFRESH = '10m';

export async function applicationWorkflow(input: ApplicationWorkflowInput): Promise<void> {
  const app = new ApplicationEntity(input.spec, input.carried ?? initialState());
  const resolver = () => proxyActivities<ClusterActivities>({
    taskQueue: clusterTaskQueue(app.spec.destination.cluster),
    startToCloseTimeout: '1m',
    retry: { initialInterval: '1s', maximumInterval: '30s', maximumAttempts: 5, nonRetryableErrorTypes: [...NON_RETRYABLE_ERRORS] },
  });

  const { metrics } = proxySinks<MooringSinks>();

  // ---- handlers: registered before the first await --------------------------------------------
  setHandler(statusQuery, () => app.status());
  setHandler(specQuery, () => app.spec);
  setHandler(refreshSignal, (input) => app.requestRefresh(input?.reason ?? 'refresh', input?.sha));
  setHandler(driftDetectedSignal, (drift) => app.noteDrift(drift));
  setHandler(pauseSignal, () => app.pause());
  setHandler(resumeSignal, () => app.resume());
  setHandler(rollbackSignal, (request) => {
    try {
      app.queueRollback(app.rollbackTarget(request));
    } catch {
      // A signal has no caller to answer; the rejected request is visible in the signal's event.
    }
  });
  setHandler(syncUpdate, (request) => {
    const id = app.queueSync(request);
    return { operationId: id, workflowId: syncWorkflowId(app.spec.name, id) };
  });
  setHandler(rollbackUpdate, (request) => {
    const id = app.queueRollback(app.rollbackTarget(request));
    return { operationId: id, workflowId: syncWorkflowId(app.spec.name, id) };
  }, { validator: (request) => void app.rollbackTarget(request) });
  setHandler(setSpecUpdate, (spec) => {
    const changed = JSON.stringify(spec) !== JSON.stringify(app.spec);
    app.spec = spec;
    if (changed) app.requestRefresh('spec changed');
    return { changed };
  }, {
    validator: (spec) => {
      if (spec.name !== app.spec.name) throw ApplicationFailure.nonRetryable(`Spec name "${spec.name}" does not match app "${app.spec.name}"`, 'InvalidSpec');
    },
  });
  setHandler(pauseUpdate, () => {
    app.pause();
    publish();
    return app.status();
  });
  setHandler(resumeUpdate, () => {
    app.resume();
    publish();
    return app.status();
  });

  // ---- visibility -------------------------------------------------------------------------------
  let published = '';
  function publish(): void {
    const s = app.state;
    const attrs = {
      MooringApp: app.spec.name,
      MooringCluster: app.spec.destination.cluster,
      MooringSyncStatus: s.sync,
      MooringHealth: s.health,
      MooringRevision: s.deployedRevision ?? '',
      MooringPhase: app.phase(),
    };
    const memo = {
      repoURL: app.spec.source.repoURL,
      targetRevision: app.spec.source.targetRevision,
      path: app.spec.source.path,
      namespace: app.spec.destination.namespace,
      headRevision: s.headRevision ?? '',
      manifestKey: s.manifestKey ?? '',
      drifted: s.drifted,
      syncOptions: app.spec.syncPolicy.syncOptions,
      ignoreDifferences: app.spec.ignoreDifferences,
    };
    const fingerprint = JSON.stringify([attrs, memo]);
    setCurrentDetails(renderDetails(app.status()));
    if (fingerprint === published) return;
    published = fingerprint;
    upsertSearchAttributes(searchAttributes(attrs));
    upsertMemo({ app: memo });
  }

  // ---- operations -------------------------------------------------------------------------------
  async function resolveHead(sha?: string): Promise<string | undefined> {
    if (sha) return sha;
    try {
      return (await resolver().resolveRevision({ repoURL: app.spec.source.repoURL, targetRevision: app.spec.source.targetRevision })).sha;
    } catch (err) {
      app.state.healthMessage = `cannot resolve ${app.spec.source.targetRevision}: ${err instanceof Error ? (err.cause as Error | undefined)?.message ?? err.message : String(err)}`;
      return undefined;
    }
  }

  async function run(request: OperationRequest, id = app.nextOperationId()): Promise<void> {
    const workflowId = syncWorkflowId(app.spec.name, id);
    const op: OperationState = { id, workflowId, revision: request.revision, phase: 'Running', initiatedBy: request.initiatedBy, step: 'starting' };
    app.operation = op;
    publish();
    const startedAt = workflowNow();
    const child: ChildWorkflowHandle<typeof syncWorkflow> = await startChild(syncWorkflow, {
      workflowId,
      args: [{
        app: app.spec.name,
        spec: app.spec,
        revision: request.revision,
        initiatedBy: request.initiatedBy,
        prune: request.prune,
        dryRun: request.dryRun,
        lastHealthyRevision: app.state.lastHealthyRevision,
      }],
      staticSummary: `sync ${app.spec.name} → ${short(request.revision)} (${request.reason})`,
      typedSearchAttributes: searchAttributes({ MooringApp: app.spec.name, MooringCluster: app.spec.destination.cluster, MooringRevision: request.revision, MooringPhase: 'Running' }),
      parentClosePolicy: 'REQUEST_CANCEL',
    });
    let done = false;
    let result: SyncWorkflowResult | undefined;
    const finished = child.result().then((r) => { result = r; }).finally(() => { done = true; });
    let superseded = false;
    while (!done) {
      await condition(() => done || (!superseded && request.initiatedBy === 'auto-sync' && app.state.pending.refresh !== undefined));
      if (done || superseded) continue;
      // A refresh while an auto-sync runs: if the branch moved, the running revision is obsolete.
      const refresh = app.state.pending.refresh;
      const head = await resolveHead(refresh?.sha);
      if (done) continue; // the operation ended meanwhile: the main loop handles the refresh
      if (head && head !== request.revision && app.autoSyncEnabled() && !app.state.badRevisions.includes(head)) {
        superseded = true;
        app.requestRefresh('new commit', head);
        await child.signal(supersedeSignal).catch(() => undefined); // it may end before the signal lands
      } else if (app.state.pending.refresh === refresh) {
        app.state.pending.refresh = undefined;
      }
    }
    await finished.catch(() => undefined);
    const outcome: SyncWorkflowResult = result ?? {
      outcome: 'Failed', phase: 'Error', revision: request.revision, message: 'the sync operation ended without a result (terminated or cancelled)', badRevision: false, health: 'Unknown', resources: [],
    };
    const durationMs = workflowNow() - startedAt;
    app.record(op, request, outcome, durationMs);
    publish();
    metrics.operationFinished({ app: app.spec.name, outcome: outcome.outcome, initiatedBy: request.initiatedBy, durationMs });
  }

  async function handleNext(): Promise<void> {
    const pending = app.state.pending;
    const manual = pending.manual.shift();
    if (manual) {
      if (manual.kind === 'rollback') {
        app.forgive(manual.revision);
        return run({ revision: manual.revision, initiatedBy: 'rollback', prune: true, dryRun: false, reason: 'manual rollback' }, manual.id);
      }
      const head = manual.request.revision
        ? await resolveRevisionOrRecord(manual.request.revision, manual.id)
        : await resolveHead();
      if (!head) return;
      if (!manual.request.revision) app.noteHead(head); // a sync to the target revision also refreshes it
      if (!manual.request.dryRun) app.forgive(head);
      return run({ revision: head, initiatedBy: 'operator', prune: manual.request.prune ?? app.spec.syncPolicy.automated?.prune ?? false, dryRun: manual.request.dryRun ?? false, reason: 'operator sync' }, manual.id);
    }
    if (pending.refresh) {
      const refresh = pending.refresh;
      pending.refresh = undefined;
      const head = await resolveHead(refresh.sha);
      const op = head ? app.onHeadResolved(head, refresh.reason) : undefined;
      if (op) await run(op); // run() publishes the new state with the operation; the main loop otherwise
      return;
    }
    if (pending.drift) {
      const drift = pending.drift;
      pending.drift = undefined;
      const op = app.onDrift(drift);
      if (op) await run(op);
    }
  }

  async function resolveRevisionOrRecord(revision: string, id: number): Promise<string | undefined> {
    try {
      return (await resolver().resolveRevision({ repoURL: app.spec.source.repoURL, targetRevision: revision })).sha;
    } catch (err) {
      app.state.lastOperation = { id, workflowId: syncWorkflowId(app.spec.name, id), revision, phase: 'Error', initiatedBy: 'operator', step: 'resolve', message: err instanceof Error ? err.message : String(err) };
      return undefined;
    }
  }

  // ---- main loop ----------------------------------------------------------------------------------
  // One long-lived safety timer, re-armed when it fires, rather than a timeout on every wait: a
  // timer per loop would add a start and a cancel event to every operation's history.
  let safetyDue = false;
  const armSafetyTimer = (): void => {
    void sleep(SAFETY_REFRESH).then(() => {
      safetyDue = true;
      armSafetyTimer();
    });
  };
  armSafetyTimer();

  publish();
  for (;;) {
    await condition(() => app.hasWork() || safetyDue || workflowInfo().continueAsNewSuggested);
    if (safetyDue) {
      safetyDue = false;
      app.requestRefresh('periodic check');
    }
    if (workflowInfo().continueAsNewSuggested && app.state.pending.manual.length === 0) {
      await condition(allHandlersFinished);
      await continueAsNew<typeof applicationWorkflow>({ spec: app.spec, carried: app.state });
    }
    await handleNext();
    publish();
  }
}
