/**
 * How the application workflow turns pending work into operations, one at a time: manual requests
 * first (FIFO), then a refresh, then a drift report. Each operation is a `syncWorkflow` child,
 * watched for a newer commit while an auto-sync runs, and recorded in the entity when it ends.
 */
import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  proxyActivities,
  patched,
  proxySinks,
  sleep,
  startChild,
} from '@temporalio/workflow';
import type { ChildWorkflowHandle } from '@temporalio/workflow';
import { revisionQueryOf } from '../contract/activities.js';
import type { CheckSyncWindowInput, ClusterActivities, SyncWindowAnswer } from '../contract/activities.js';
import { splitRevisions } from '../contract/revision.js';
import { syncWorkflowId } from '../contract/ids.js';
import { MOORING_INITIATORS, supersedeSignal } from '../contract/messages.js';
import type { DriftInput, OperationState } from '../contract/messages.js';
import { searchAttributes } from '../contract/search-attributes.js';
import type { MooringSinks } from '../contract/sinks.js';
import type { SyncWorkflowResult } from '../contract/workflows.js';
import { resolverProfile } from './activity-profiles.js';
import type { ApplicationEntity, ManualOperation, OperationRequest } from './application-state.js';
import type { Visibility } from './application-visibility.js';
import { workflowNow } from './clock.js';
import { PATCHES } from './patches.js';
import type { Notifier } from './notifier.js';
import type { SyncWindowGate, WindowCheck } from './sync-window-gate.js';
import type { NotificationTrigger } from '../core/notify/index.js';
import { PERIODIC_CHECK } from './application-state.js';
import { agentMissingMessage, isAgentMissing } from './agent-wait.js';
import { missingResult, short } from './sync-results.js';
import { syncWorkflow } from './sync.js';

/** The trigger each recorded outcome fires (`on-rolled-back` also reaches `on-sync-failed` subscribers). */
const OUTCOME_TRIGGERS: Partial<Record<SyncWorkflowResult['outcome'], NotificationTrigger>> = {
  Succeeded: 'on-sync-succeeded',
  Failed: 'on-sync-failed',
  RolledBack: 'on-rolled-back',
};

export class OperationRunner {
  readonly #app: ApplicationEntity;
  readonly #visibility: Visibility;
  readonly #metrics = proxySinks<MooringSinks>().metrics;
  readonly #notifier: Notifier;
  readonly #windows: SyncWindowGate;
  #retryArmed = false;

  constructor(app: ApplicationEntity, visibility: Visibility, notifier: Notifier, windows: SyncWindowGate) {
    this.#app = app;
    this.#visibility = visibility;
    this.#notifier = notifier;
    this.#windows = windows;
  }

  /**
   * A cancel request on the app workflow: the running operation is cancelled (it ends Terminated,
   * recorded as usual) and the status says what happened instead of the app stopping.
   */
  stopForCancelRequest(): void {
    const app = this.#app;
    const op = app.operation;
    // This runs in the cancelled root scope: the request must be made from a scope that is not.
    if (op)
      void CancellationScope.nonCancellable(() => getExternalWorkflowHandle(op.workflowId).cancel()).catch(
        () => undefined, // the operation may end before the request lands
      );
    app.setCondition(
      'CancelRequested',
      `a cancellation of this app's workflow was requested (Web UI or API): an application is not stopped that way. ` +
        (op ? `Its running operation #${op.id} was cancelled instead. ` : 'No operation was running. ') +
        'Use `mooring app pause` to stop automatic syncs, `mooring app delete` to remove the app',
    );
  }

  /** Handles the next piece of pending work: a manual request, else a refresh, else a drift report. */
  async handleNext(): Promise<void> {
    const pending = this.#app.state.pending;
    const manual = pending.manual.shift();
    if (manual) return this.#runManual(manual);
    if (pending.refresh) {
      const refresh = pending.refresh;
      pending.refresh = undefined;
      // A first deployment of an auto-synced app will ask its windows: the resolve answers them too.
      const firstAutoSync = this.#app.state.deployedRevision === undefined && this.#app.autoSyncEnabled();
      const askWithResolve =
        firstAutoSync && this.#resolves(refresh.sha) ? this.#windows.askWithResolve() : undefined;
      let windowCheck = firstAutoSync && !askWithResolve ? this.#windows.checkAhead() : undefined;
      const { head, syncWindow } = await this.#resolveHead(refresh.sha, askWithResolve);
      windowCheck ??= this.#windows.answeredWithResolve(syncWindow);
      if (head && refresh.reason === PERIODIC_CHECK && !(await this.#sourcesChanged(head))) return;
      const op = head ? this.#app.onHeadResolved(head, refresh.reason, refresh.initiator) : undefined;
      // run() publishes the new state with the operation; the main loop otherwise
      if (op) await this.#run(op, undefined, windowCheck);
      return;
    }
    if (pending.drift) {
      const drift = pending.drift;
      pending.drift = undefined;
      const stale = drift.manifestKey !== undefined && drift.manifestKey !== this.#app.state.manifestKey;
      if (stale && patched(PATCHES.ignoreStaleDrift)) return;
      if (this.#checkedBeforeLastOperationEnded(drift) && patched(PATCHES.ignoreDriftBeforeOperationEnd))
        return;
      const before = { drifted: this.#app.state.drifted, health: this.#app.state.health };
      const op = this.#app.onDrift(drift);
      this.#notifyDrift(before, drift);
      if (op) await this.#run(op);
    }
  }

  #checkedBeforeLastOperationEnded(drift: DriftInput): boolean {
    const ended = this.#app.state.operationEndedAt;
    // A signal is input from outside: a checkedAfter that is not a number is not a time.
    return typeof drift.checkedAfter === 'number' && ended !== undefined && drift.checkedAfter < ended;
  }

  /** An operator's rollback or sync, with the operation id its update already returned. */
  async #runManual(manual: ManualOperation): Promise<void> {
    const app = this.#app;
    const override =
      manual.kind === 'rollback' ? manual.overrideSyncWindows : manual.request.overrideSyncWindows;
    const dryRun = manual.kind === 'sync' && manual.request.dryRun === true;
    if (!override && !dryRun) {
      const refused = await this.#windows.refusesManual();
      if (refused) return this.#recordRefused(manual, refused);
    }
    const overridden = override === true && { syncWindowOverride: true };
    if (manual.kind === 'rollback') {
      app.forgive(manual.revision);
      return this.#run(
        {
          revision: manual.revision,
          initiatedBy: 'rollback',
          ...(manual.initiator !== undefined && { initiator: manual.initiator }),
          ...overridden,
          prune: true,
          dryRun: false,
          reason: override ? 'manual rollback, sync windows overridden' : 'manual rollback',
        },
        manual.id,
      );
    }
    const head = manual.request.revision
      ? await this.#resolveRevisionOrRecord(manual.request.revision, manual.id)
      : (await this.#resolveHead()).head;
    if (!head) return;
    if (!manual.request.revision) app.noteHead(head); // a sync to the target revision also refreshes it
    if (!manual.request.dryRun) app.forgive(head);
    return this.#run(
      {
        revision: head,
        initiatedBy: 'operator',
        ...(manual.request.initiator !== undefined && { initiator: manual.request.initiator }),
        ...overridden,
        prune: manual.request.prune ?? app.spec.syncPolicy.automated?.prune ?? false,
        dryRun: manual.request.dryRun ?? false,
        reason: override ? 'operator sync, sync windows overridden' : 'operator sync',
      },
      manual.id,
    );
  }

  /** Runs one operation as a sync child, then records its outcome, publishes it and counts it. */
  async #run(request: OperationRequest, id?: number, windowCheck?: WindowCheck): Promise<void> {
    const app = this.#app;
    const automatic = request.initiatedBy === 'auto-sync' || request.initiatedBy === 'self-heal';
    if (automatic && !(await this.#windows.allowsAutomatic(windowCheck))) return;
    id ??= app.nextOperationId();
    const workflowId = syncWorkflowId(app.spec.name, id);
    const op: OperationState = {
      id,
      workflowId,
      revision: request.revision,
      phase: 'Running',
      initiatedBy: request.initiatedBy,
      ...(request.initiator !== undefined && { initiator: request.initiator }),
      step: 'starting',
    };
    app.operation = op;
    this.#visibility.publish();
    const startedAt = workflowNow();
    const child = await this.#startSync(workflowId, request);
    const outcome = await this.#awaitOutcome(child, request);
    const durationMs = workflowNow() - startedAt;
    const previousRevision = app.state.deployedRevision;
    app.record(op, request, outcome, durationMs);
    this.#notifyOutcome(op, request, outcome, previousRevision);
    this.#retryLater(request, outcome);
    this.#visibility.publish();
    this.#metrics.operationFinished({
      app: app.spec.name,
      outcome: outcome.outcome,
      initiatedBy: request.initiatedBy,
      durationMs,
    });
  }

  #startSync(
    workflowId: string,
    request: OperationRequest,
  ): Promise<ChildWorkflowHandle<typeof syncWorkflow>> {
    const app = this.#app;
    return startChild(syncWorkflow, {
      workflowId,
      args: [
        {
          app: app.spec.name,
          spec: app.spec,
          revision: request.revision,
          initiatedBy: request.initiatedBy,
          ...(request.initiator !== undefined && { initiator: request.initiator }),
          prune: request.prune,
          dryRun: request.dryRun,
          lastHealthyRevision: app.state.lastHealthyRevision,
        },
      ],
      staticSummary: `sync ${app.spec.name} → ${short(request.revision)} (${request.reason}${request.initiator ? `, by ${request.initiator}` : ''})`,
      typedSearchAttributes: searchAttributes({
        MooringApp: app.spec.name,
        MooringCluster: app.spec.destination.cluster,
        MooringRevision: request.revision,
        MooringPhase: 'Running',
      }),
      parentClosePolicy: 'REQUEST_CANCEL',
    });
  }

  /**
   * The child's result. While an auto-sync runs, a refresh whose head moved makes the running
   * revision obsolete: the child is sent `supersede` (it stops waiting for health) and the new
   * commit stays queued for the main loop.
   */
  async #awaitOutcome(
    child: ChildWorkflowHandle<typeof syncWorkflow>,
    request: OperationRequest,
  ): Promise<SyncWorkflowResult> {
    const app = this.#app;
    let done = false;
    let result: SyncWorkflowResult | undefined;
    const finished = child
      .result()
      .then((r) => {
        result = r;
      })
      .finally(() => {
        done = true;
      });
    let superseded = false;
    while (!done) {
      await condition(
        () =>
          done ||
          (!superseded && request.initiatedBy === 'auto-sync' && app.state.pending.refresh !== undefined),
      );
      if (done || superseded) continue;
      // A refresh while an auto-sync runs: if the branch moved, the running revision is obsolete.
      const refresh = app.state.pending.refresh;
      const { head } = await this.#resolveHead(refresh?.sha);
      if (done) continue; // the operation ended meanwhile: the main loop handles the refresh
      if (
        head &&
        head !== request.revision &&
        app.autoSyncEnabled() &&
        !app.state.badRevisions.includes(head)
      ) {
        superseded = true;
        app.requestRefresh('new commit', head, refresh?.initiator);
        await child.signal(supersedeSignal).catch(() => undefined); // it may end before the signal lands
      } else if (app.state.pending.refresh === refresh) {
        app.state.pending.refresh = undefined;
      }
    }
    await finished.catch(() => undefined);
    return result ?? missingResult(request.revision);
  }

  /** The notification an operation's outcome fires (a dry run, a superseded or stopped one: none). */
  #notifyOutcome(
    op: OperationState,
    request: OperationRequest,
    outcome: SyncWorkflowResult,
    previousRevision: string | undefined,
  ): void {
    if (request.dryRun) return;
    const trigger = OUTCOME_TRIGGERS[outcome.outcome];
    if (!trigger) return;
    this.#notifier.notify(trigger, {
      revision: outcome.revision,
      ...(outcome.rolledBackTo !== undefined
        ? { previousRevision: outcome.rolledBackTo }
        : previousRevision !== undefined && { previousRevision }),
      phase: outcome.phase,
      message: outcome.message,
      health: outcome.health,
      operationId: op.id,
      ...(request.initiator !== undefined && { initiator: request.initiator }),
    });
  }

  /** Drift newly found, and health turning Degraded, as a drift report says. */
  #notifyDrift(before: { drifted: boolean; health: string }, drift: DriftInput): void {
    const app = this.#app;
    if (drift.drifted && !before.drifted)
      this.#notifier.notify('on-drift-detected', {
        revision: app.state.deployedRevision,
        message: `${drift.changedObjects} object(s) differ from Git`,
        ...(drift.initiator !== undefined && { initiator: drift.initiator }),
      });
    if (drift.health === 'Degraded' && before.health !== 'Degraded')
      this.#notifier.notify('on-health-degraded', {
        revision: app.state.deployedRevision,
        health: 'Degraded',
        ...(drift.healthMessage !== undefined && { message: drift.healthMessage }),
      });
  }

  /** An operator's operation the sync windows refused: recorded as its last operation, nothing ran. */
  #recordRefused(manual: ManualOperation, message: string): void {
    const app = this.#app;
    const initiator = manual.kind === 'rollback' ? manual.initiator : manual.request.initiator;
    app.state.lastOperation = {
      id: manual.id,
      workflowId: syncWorkflowId(app.spec.name, manual.id),
      revision:
        manual.kind === 'rollback'
          ? manual.revision
          : (manual.request.revision ?? app.spec.source.targetRevision),
      phase: 'Error',
      initiatedBy: manual.kind === 'rollback' ? 'rollback' : 'operator',
      ...(initiator !== undefined && { initiator }),
      step: 'sync window',
      message,
    };
    if (manual.kind === 'rollback') app.state.pinnedRevision = undefined;
  }

  /**
   * An automatic operation that failed for an environment reason is not the revision's fault: a
   * durable timer asks for a refresh after a backoff, so the app converges once Git, the API or
   * the agent is back. One timer at a time; a newer refresh meanwhile makes it harmless.
   */
  #retryLater(request: OperationRequest, result: SyncWorkflowResult): void {
    const delayMs = this.#app.retryDelayMs(request, result);
    if (delayMs === undefined || this.#retryArmed || !patched(PATCHES.retryAfterEnvironmentFailure)) return;
    this.#retryArmed = true;
    const app = this.#app;
    const last = app.state.lastOperation;
    if (last) last.message = `${result.message}; trying again in ${Math.round(delayMs / 1000)} s`;
    void sleep(delayMs).then(() => {
      this.#retryArmed = false;
      app.requestRefresh(`retry after: ${result.message.slice(0, 120)}`, undefined, MOORING_INITIATORS.retry);
    });
  }

  /**
   * Whether the head must be asked of the agent: a webhook names no revision, git-poll the app's
   * whole one, and a commit of one of several sources is not one.
   */
  #resolves(sha: string | undefined): boolean {
    return !sha || splitRevisions(sha).length !== (this.#app.spec.sources?.length ?? 1);
  }

  /**
   * The commit the target revision points to (`sha` when a signal already told), and the sync
   * windows' answer when asked with it; no head when Git fails.
   */
  async #resolveHead(
    sha?: string,
    syncWindow?: CheckSyncWindowInput,
  ): Promise<{ head?: string; syncWindow?: SyncWindowAnswer }> {
    const app = this.#app;
    if (sha && !this.#resolves(sha)) return { head: sha };
    const calledAt = workflowNow();
    try {
      const query = revisionQueryOf(app.spec);
      const resolved = await this.#resolver().resolveRevision(syncWindow ? { ...query, syncWindow } : query);
      app.clearCondition('AgentUnavailable');
      return { head: resolved.sha, ...(resolved.syncWindow && { syncWindow: resolved.syncWindow }) };
    } catch (err) {
      if (isAgentMissing(err)) {
        app.setCondition('AgentUnavailable', agentMissingMessage(app.spec.destination.cluster, calledAt));
        return {};
      }
      app.state.healthMessage = `cannot resolve ${app.spec.source.targetRevision}: ${err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err)}`;
      return {};
    }
  }

  /** An operator's `sync --revision`: its SHA, or undefined with the failure recorded as the last operation. */
  async #resolveRevisionOrRecord(revision: string, id: number): Promise<string | undefined> {
    const app = this.#app;
    try {
      return (await this.#resolver().resolveRevision(revisionQueryOf(app.spec, revision))).sha;
    } catch (err) {
      app.state.lastOperation = {
        id,
        workflowId: syncWorkflowId(app.spec.name, id),
        revision,
        phase: 'Error',
        initiatedBy: 'operator',
        step: 'resolve',
        message: err instanceof Error ? err.message : String(err),
      };
      return undefined;
    }
  }

  /** Resolver calls follow the current spec's cluster (`setSpec` may change it). */
  /**
   * Whether the commit `head` changed the app's sources since the deployed revision. git-poll
   * leaves an app alone when a push to its monorepo did not touch its directory; the periodic
   * check must not deploy that commit behind its back. True when it cannot tell.
   */
  async #sourcesChanged(head: string): Promise<boolean> {
    const app = this.#app;
    const from = app.state.deployedRevision;
    const { path, chart } = app.spec.source;
    // A chart's pin is its whole content, and several sources move apart: a new revision is a change.
    if (!from || from === head || path === undefined || chart !== undefined || app.spec.sources) return true;
    if (!patched(PATCHES.periodicCheckPaths)) return true;
    try {
      const { affected } = await this.#resolver().affectedAppPaths({
        repoURL: app.spec.source.repoURL,
        from,
        to: head,
        paths: [path],
      });
      return affected.length > 0;
    } catch {
      return true;
    }
  }

  #resolver() {
    return proxyActivities<ClusterActivities>(resolverProfile(this.#app.spec.destination.cluster));
  }
}
