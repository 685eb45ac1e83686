/**
 * The application entity's state and the decisions on it: what a refresh, a drift report or an
 * operator's request turns into, and how an operation's result is recorded. Pure and
 * deterministic: the workflow feeds it messages and results, and runs the operations it asks for.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { AppSpec } from '../config/types.js';
import type { HealthStatusCode, SyncStatusCode } from '../contract/kube-object.js';
import type {
  AppCondition,
  AppConditionType,
  AppStatus,
  DriftInput,
  HistoryEntry,
  Initiator,
  InitiatorIdentity,
  OperationState,
  ResourceState,
  RollbackRequest,
  SyncRequest,
} from '../contract/messages.js';
import type { SyncWorkflowResult } from '../contract/workflows.js';
import { isChartRevision, isRecordedRevision, parseChartRevision } from '../contract/revision.js';
import { isoTime, workflowNow } from './clock.js';
import { autoscalingStatus } from './application-autoscaler.js';
import type { AutoscalerState } from './application-autoscaler.js';
import type { SyncWindowState } from './sync-window-gate.js';

/** First wait before an automatic operation that failed for an environment reason is tried again. */
const RETRY_BASE_MS = 15_000;
/** The longest wait between such attempts. */
const RETRY_MAX_MS = 5 * 60_000;

/** How many history entries an app keeps (Argo CD keeps 10 by default). */
export const HISTORY_LIMIT = 25;
const FULL_SHA = /^[0-9a-f]{40}$/;

/** State carried across continue-as-new. */
export interface CarriedState {
  seq: number;
  history: HistoryEntry[];
  badRevisions: string[];
  consecutiveFailures: number;
  headRevision?: string;
  deployedRevision?: string;
  lastHealthyRevision?: string;
  manifestKey?: string;
  paused: boolean;
  pinnedRevision?: string;
  sync: SyncStatusCode;
  /** The last drift report found live objects that differ from the deployed revision. */
  drifted: boolean;
  health: HealthStatusCode;
  healthMessage?: string;
  resources: ResourceState[];
  lastOperation?: OperationState;
  /** Workflow time (ms) the last operation that could touch the cluster ended; absent before 0.15.0. */
  operationEndedAt?: number;
  pending: PendingWork;
  /** Absent in state carried by older workflow code. */
  conditions?: AppCondition[];
  /** The revision of the last operation an operator terminated: auto-sync leaves it alone. */
  stoppedRevision?: string;
  /** `spec.autoscaling`: replicas, remembered recommendations and decisions. */
  autoscaler?: AutoscalerState;
  /** The agent's last sync-window answer for automatic syncs. */
  syncWindow?: SyncWindowState;
}

export type ManualOperation =
  | { kind: 'sync'; request: SyncRequest; id: number }
  | {
      kind: 'rollback';
      revision: string;
      id: number;
      initiator?: InitiatorIdentity;
      overrideSyncWindows?: boolean;
    };

export interface PendingWork {
  manual: ManualOperation[];
  refresh?: { sha?: string; reason: string; initiator?: InitiatorIdentity };
  drift?: DriftInput;
}

/** An operation the workflow must run as a sync child. */
export interface OperationRequest {
  revision: string;
  initiatedBy: Initiator;
  initiator?: InitiatorIdentity;
  /** An operator's sync or rollback that overrode the sync windows blocking it. */
  syncWindowOverride?: boolean;
  prune: boolean;
  dryRun: boolean;
  reason: string;
}

export function initialState(initiator?: InitiatorIdentity): CarriedState {
  return {
    seq: 0,
    history: [],
    badRevisions: [],
    consecutiveFailures: 0,
    paused: false,
    sync: 'Unknown',
    drifted: false,
    health: 'Unknown',
    resources: [],
    pending: {
      manual: [],
      refresh: { reason: 'first start', ...(initiator !== undefined && { initiator }) },
    },
    conditions: [],
  };
}

/** The reason of the app's own safety refresh (every 10 minutes). */
export const PERIODIC_CHECK = 'periodic check';

export class ApplicationEntity {
  spec: AppSpec;
  readonly state: CarriedState;
  operation: OperationState | undefined;

  constructor(spec: AppSpec, state: CarriedState) {
    this.spec = spec;
    this.state = state;
  }

  hasWork(): boolean {
    const p = this.state.pending;
    return p.manual.length > 0 || p.refresh !== undefined || p.drift !== undefined;
  }

  /** Auto-sync may deploy new commits: automated, not paused, not pinned by a manual rollback. */
  autoSyncEnabled(): boolean {
    return (
      this.spec.syncPolicy.automated !== undefined &&
      !this.state.paused &&
      this.state.pinnedRevision === undefined
    );
  }

  /** Several refreshes before the loop looks are one; the newest says why and who. */
  requestRefresh(reason: string, sha?: string, initiator?: InitiatorIdentity): void {
    const pending = this.state.pending.refresh;
    const who = initiator ?? pending?.initiator;
    this.state.pending.refresh = {
      reason,
      sha: sha ?? pending?.sha,
      ...(who !== undefined && { initiator: who }),
    };
  }

  nextOperationId(): number {
    this.state.seq += 1;
    return this.state.seq;
  }

  queueSync(request: SyncRequest): number {
    const id = this.nextOperationId();
    this.state.pending.manual.push({ kind: 'sync', request, id });
    return id;
  }

  /** Validates a rollback request and returns the full SHA it designates; throws for bad input. */
  rollbackTarget(request: RollbackRequest): string {
    if (request.historyId !== undefined) {
      const entry = this.state.history.find((h) => h.id === request.historyId);
      if (!entry)
        throw ApplicationFailure.nonRetryable(
          `History id ${request.historyId} does not exist: known ids are ${this.state.history.map((h) => h.id).join(', ') || 'none'}`,
          'InvalidRollback',
        );
      return entry.outcome === 'RolledBack' && entry.rolledBackTo ? entry.rolledBackTo : entry.revision;
    }
    const given = request.toRevision?.trim() ?? '';
    const wanted = given.toLowerCase();
    if (!wanted)
      throw ApplicationFailure.nonRetryable('A rollback needs toRevision or historyId', 'InvalidRollback');
    const healthy = [
      ...new Set(this.state.history.filter((h) => h.outcome === 'Succeeded').map((h) => h.revision)),
    ];
    // A chart's version names its pin exactly ("1.2.3" is not a prefix match of "1.2.30@...").
    const byVersion = healthy.filter((r) => parseChartRevision(r)?.version.toLowerCase() === wanted);
    const known =
      byVersion.length > 0 ? byVersion : healthy.filter((r) => r.toLowerCase().startsWith(wanted));
    if (known.length > 1)
      throw ApplicationFailure.nonRetryable(
        `Revision "${given}" is ambiguous: it matches ${known.map((r) => (isChartRevision(r) ? r : r.slice(0, 12))).join(', ')}; give more characters`,
        'InvalidRollback',
      );
    if (known[0] !== undefined) return known[0];
    if (FULL_SHA.test(wanted)) return wanted;
    if (isRecordedRevision(given)) return given;
    throw ApplicationFailure.nonRetryable(
      `Revision "${given}" is not in this app's history of healthy deployments: give a full SHA, a chart pin (<version>@sha256:<digest>), one of them per source joined by "," for several sources, or a history id`,
      'InvalidRollback',
    );
  }

  queueRollback(revision: string, initiator?: InitiatorIdentity, overrideSyncWindows?: boolean): number {
    const id = this.nextOperationId();
    this.state.pinnedRevision = revision;
    this.state.pending.manual.push({
      kind: 'rollback',
      revision,
      id,
      ...(initiator !== undefined && { initiator }),
      ...(overrideSyncWindows === true && { overrideSyncWindows }),
    });
    return id;
  }

  pause(): void {
    this.state.paused = true;
  }

  resume(): void {
    this.state.paused = false;
    this.state.pinnedRevision = undefined;
    this.requestRefresh('resumed');
  }

  noteDrift(drift: DriftInput): void {
    this.state.pending.drift = drift;
  }

  /** Records the commit the target revision points to now. */
  noteHead(sha: string): void {
    if (sha === this.state.headRevision) return;
    this.state.headRevision = sha;
    this.state.stoppedRevision = undefined;
    this.state.consecutiveFailures = 0; // a new commit earns a fresh start
    this.#updateSyncStatus();
  }

  /** A refresh resolved the target revision to `sha`: what, if anything, to deploy. */
  onHeadResolved(sha: string, reason: string, initiator?: InitiatorIdentity): OperationRequest | undefined {
    this.noteHead(sha);
    this.#updateSyncStatus();
    const wanted = this.state.pinnedRevision ?? sha;
    if (wanted === this.state.deployedRevision) return undefined;
    if (!this.autoSyncEnabled() || this.state.badRevisions.includes(sha)) return undefined;
    if (sha === this.state.stoppedRevision) return undefined;
    return {
      revision: sha,
      initiatedBy: 'auto-sync',
      ...(initiator !== undefined && { initiator }),
      prune: this.spec.syncPolicy.automated?.prune ?? false,
      dryRun: false,
      reason: reason === 'first start' ? 'initial sync' : 'new commit',
    };
  }

  /** A drift report from drift-scan: update status, and self-heal when the policy says so. */
  onDrift(drift: DriftInput): OperationRequest | undefined {
    if (drift.health) {
      this.state.health = drift.health;
      this.state.healthMessage = drift.healthMessage;
    }
    this.state.drifted = drift.drifted;
    this.#updateSyncStatus();
    const automated = this.spec.syncPolicy.automated;
    const revision = this.state.deployedRevision;
    if (!drift.drifted || !automated?.selfHeal || this.state.paused || revision === undefined)
      return undefined;
    // A revision that failed or that an operator stopped is not re-applied by self-heal.
    if (this.state.badRevisions.includes(revision) || revision === this.state.stoppedRevision)
      return undefined;
    return {
      revision,
      initiatedBy: 'self-heal',
      ...(drift.initiator !== undefined && { initiator: drift.initiator }),
      prune: automated.prune,
      dryRun: false,
      reason: `self-heal, ${drift.changedObjects} changed`,
    };
  }

  /** Records a finished operation in history and status. */
  record(
    op: OperationState,
    request: OperationRequest,
    result: SyncWorkflowResult,
    durationMs: number,
  ): void {
    const s = this.state;
    this.operation = undefined;
    s.lastOperation = { ...op, phase: result.phase, step: 'done', message: result.message };
    this.clearCondition('AgentUnavailable');
    if (request.dryRun) return;
    s.operationEndedAt = workflowNow();
    this.#recordConditions(result);
    if (result.outcome !== 'Superseded') {
      s.history.push({
        id: op.id,
        revision: result.revision,
        deployedAt: result.finishedAt ?? '',
        outcome: result.outcome,
        initiatedBy: request.initiatedBy,
        ...(request.initiator !== undefined && { initiator: request.initiator }),
        ...(request.syncWindowOverride === true && { syncWindowOverride: true }),
        durationMs,
        message: result.message,
        rolledBackTo: result.rolledBackTo,
      });
      if (s.history.length > HISTORY_LIMIT) s.history.splice(0, s.history.length - HISTORY_LIMIT);
    }
    // A revision rejected before its first write says nothing about the live objects' health.
    if (result.touchedCluster !== false) {
      s.health = result.health;
      s.healthMessage = result.healthMessage;
    }
    if (result.resources.length > 0) s.resources = result.resources;
    // Drift is compared against what runs: the manifests follow the running revision.
    if (result.runningRevision) {
      s.deployedRevision = result.runningRevision;
      if (result.manifestKey) s.manifestKey = result.manifestKey;
    }
    switch (result.outcome) {
      case 'Succeeded':
        s.lastHealthyRevision = result.revision;
        s.badRevisions = s.badRevisions.filter((r) => r !== result.revision);
        s.consecutiveFailures = 0;
        break;
      case 'RolledBack':
      case 'Failed':
        if (result.badRevision && !s.badRevisions.includes(result.revision))
          s.badRevisions.push(result.revision);
        if (s.badRevisions.length > HISTORY_LIMIT) s.badRevisions.shift();
        s.consecutiveFailures += 1;
        break;
      case 'Terminated':
        s.stoppedRevision = result.revision;
        break;
      case 'Superseded':
        break;
    }
    if (result.outcome === 'Succeeded') s.drifted = false;
    this.#updateSyncStatus();
  }

  /** Synced when the wanted revision is deployed and the last drift scan found no difference. */
  #updateSyncStatus(): void {
    const s = this.state;
    const wanted = s.pinnedRevision ?? s.headRevision;
    if (wanted === undefined || s.deployedRevision === undefined)
      s.sync = s.headRevision ? 'OutOfSync' : 'Unknown';
    else s.sync = wanted === s.deployedRevision && !s.drifted ? 'Synced' : 'OutOfSync';
  }

  /** An explicit sync or rollback of a bad or stopped revision clears its mark: the operator asked for it. */
  forgive(revision: string): void {
    this.state.badRevisions = this.state.badRevisions.filter((r) => r !== revision);
    if (this.state.stoppedRevision === revision) this.state.stoppedRevision = undefined;
  }

  /**
   * After an automatic operation failed for a reason outside the revision (Git or the API
   * unreachable, an agent gone), how long to wait before trying it again: 15 s doubling per
   * consecutive failure, at most 5 min. Undefined when nothing is to be retried.
   */
  retryDelayMs(request: OperationRequest, result: SyncWorkflowResult): number | undefined {
    const automatic = request.initiatedBy === 'auto-sync' || request.initiatedBy === 'self-heal';
    const failed = result.outcome === 'Failed' || result.outcome === 'RolledBack';
    if (!automatic || !failed || result.badRevision || request.dryRun) return undefined;
    // A refresh only deploys what does not run yet; a revision that runs is the drift scan's to heal.
    if (this.state.deployedRevision === result.revision) return undefined;
    const attempts = Math.max(1, this.state.consecutiveFailures);
    return Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(attempts - 1, 10));
  }

  /** Sets (or updates the message of) a condition; `since` stays from when it first appeared. */
  setCondition(type: AppConditionType, message: string, revision?: string): void {
    const conditions = (this.state.conditions ??= []);
    const existing = conditions.find((c) => c.type === type);
    if (existing) Object.assign(existing, { message, revision });
    else conditions.push({ type, message, revision, since: isoTime(workflowNow()) });
  }

  clearCondition(type: AppConditionType): void {
    if (this.state.conditions) this.state.conditions = this.state.conditions.filter((c) => c.type !== type);
  }

  /** SyncError while the last operation failed; SyncWarning for what the last sync could not honour. */
  #recordConditions(result: SyncWorkflowResult): void {
    if (result.outcome !== 'Terminated') this.clearCondition('CancelRequested');
    if (result.outcome === 'Failed' || result.outcome === 'RolledBack')
      this.setCondition('SyncError', result.message, result.revision);
    else if (result.outcome === 'Succeeded') this.clearCondition('SyncError');
    const warnings = result.warnings ?? [];
    if (warnings.length > 0) this.setCondition('SyncWarning', warnings.join('; '), result.revision);
    else this.clearCondition('SyncWarning');
  }

  status(): AppStatus {
    const s = this.state;
    return {
      name: this.spec.name,
      cluster: this.spec.destination.cluster,
      namespace: this.spec.destination.namespace,
      repoURL: this.spec.source.repoURL,
      path: this.spec.source.path,
      targetRevision: this.spec.source.targetRevision,
      ...(this.spec.source.chart !== undefined && { chart: this.spec.source.chart }),
      ...(this.spec.sources && {
        sources: this.spec.sources.map(({ repoURL, targetRevision, path, chart, ref }) => ({
          repoURL,
          targetRevision,
          path,
          ...(chart !== undefined && { chart }),
          ...(ref !== undefined && { ref }),
        })),
      }),
      headRevision: s.headRevision,
      deployedRevision: s.deployedRevision,
      lastHealthyRevision: s.lastHealthyRevision,
      sync: s.sync,
      health: s.health,
      healthMessage: s.healthMessage,
      paused: s.paused,
      pinnedRevision: s.pinnedRevision,
      badRevisions: [...s.badRevisions],
      operation: this.operation,
      lastOperation: s.lastOperation,
      resources: s.resources,
      history: [...s.history],
      consecutiveFailures: s.consecutiveFailures,
      conditions: [...(s.conditions ?? [])],
      stoppedRevision: s.stoppedRevision,
      ...(this.spec.autoscaling && { autoscaling: autoscalingStatus(this.spec.autoscaling, s.autoscaler) }),
    };
  }

  /** The phase shown in the `MooringPhase` search attribute. */
  phase(): string {
    if (this.operation) return 'Syncing';
    if (this.state.pinnedRevision) return 'Pinned';
    if (this.state.paused) return 'Paused';
    return 'Idle';
  }
}
