/**
 * Every message the application and sync workflows understand, with its input and result types.
 * Shared by the workflows, the worker, the CLI and the tests, so a wire name is written only here.
 */
import { defineQuery, defineSignal, defineUpdate } from './definitions.js';
import type { AppSpec } from '../config/types.js';
import type { HealthStatusCode, SyncStatusCode } from './kube-object.js';

export type OperationPhase = 'Running' | 'Succeeded' | 'Failed' | 'Error' | 'Terminating';
/** `Terminated`: an operator stopped the operation; nothing was rolled back and no commit was marked bad. */
export type SyncOutcome = 'Succeeded' | 'Failed' | 'RolledBack' | 'Terminated';
export type Initiator = 'auto-sync' | 'self-heal' | 'operator' | 'rollback';

/**
 * Who or what started an operation, beside its kind (`Initiator`), as Argo CD's
 * `operation.initiatedBy.username`: `user:<name>` for the CLI (the token's subject, else the OS
 * user and host), `webhook:<provider>:<sender>`, `schedule:git-poll`, `schedule:drift-scan`,
 * `mooring:drift-watch`, `mooring:periodic-check`, `mooring:health-check` (an automatic rollback).
 * Asserted by the caller; who may send a message at all is the Temporal server's authorization.
 */
export type InitiatorIdentity = string;

/** The identities Mooring's own workflows act under. */
export const MOORING_INITIATORS = {
  gitPoll: 'schedule:git-poll',
  driftScan: 'schedule:drift-scan',
  driftWatch: 'mooring:drift-watch',
  periodicCheck: 'mooring:periodic-check',
  retry: 'mooring:retry',
} as const;

/** The part of a message that says who sent it. */
export interface Initiated {
  initiator?: InitiatorIdentity;
}

export interface HistoryEntry {
  id: number;
  revision: string;
  deployedAt: string;
  outcome: SyncOutcome;
  initiatedBy: Initiator;
  /** Absent in entries recorded before 0.6.0. */
  initiator?: InitiatorIdentity;
  /** The operator overrode the sync windows that blocked this operation. */
  syncWindowOverride?: boolean;
  durationMs: number;
  message?: string;
  /** For RolledBack: the revision the app was returned to. */
  rolledBackTo?: string;
}

export interface ResourceState {
  kind: string;
  namespace: string;
  name: string;
  health: HealthStatusCode;
  message?: string;
}

export interface OperationState {
  id: number;
  workflowId: string;
  revision: string;
  phase: OperationPhase;
  initiatedBy: Initiator;
  initiator?: InitiatorIdentity;
  step: string;
  message?: string;
}

/**
 * Something the operator should know that health and sync status do not say, as Argo CD's
 * application conditions: `SyncError` (the last operation failed; the message names the file,
 * object and field), `SyncWarning` (an option or annotation the sync ignored or could not honour),
 * `AgentUnavailable` (no agent polls the cluster's task queue), `CancelRequested` (someone asked
 * Temporal to cancel the app's workflow; what Mooring did instead), `AutoscalingUnavailable` (the
 * autoscaler cannot measure: Prometheus down, the query has no data; replicas are left alone),
 * `SyncWindowBlocked` (a sync window of the app's project holds auto-sync back; until when).
 */
export type AppConditionType =
  | 'SyncError'
  | 'SyncWarning'
  | 'AgentUnavailable'
  | 'CancelRequested'
  | 'AutoscalingUnavailable'
  | 'SyncWindowBlocked';

export interface AppCondition {
  type: AppConditionType;
  message: string;
  /** The revision the condition is about, when there is one. */
  revision?: string;
  /** When the condition was first seen (workflow time, ISO 8601). */
  since: string;
}

export interface AppStatus {
  name: string;
  cluster: string;
  namespace: string;
  repoURL: string;
  path: string;
  targetRevision: string;
  /** The Helm chart of a chart source (its revisions are pins `<version>@sha256:<digest>`). */
  chart?: string;
  /** Every source of an app with several; its revisions list theirs, joined by ",". */
  sources?: { repoURL: string; targetRevision: string; path: string; chart?: string; ref?: string }[];
  /** Commit the target revision resolves to now. */
  headRevision?: string;
  /** Commit currently deployed (last sync that left the app running that revision). */
  deployedRevision?: string;
  /** Last revision that became Healthy; the automatic rollback target. */
  lastHealthyRevision?: string;
  sync: SyncStatusCode;
  health: HealthStatusCode;
  healthMessage?: string;
  paused: boolean;
  /** Set by a manual rollback: the app stays on this revision until `resume`. */
  pinnedRevision?: string;
  badRevisions: string[];
  operation?: OperationState;
  lastOperation?: OperationState;
  resources: ResourceState[];
  history: HistoryEntry[];
  consecutiveFailures: number;
  conditions: AppCondition[];
  /**
   * A revision whose operation an operator terminated: auto-sync does not start it again (a new
   * commit or an explicit sync does), and it is not marked bad.
   */
  stoppedRevision?: string;
  /** Present when the spec has `autoscaling`. */
  autoscaling?: AutoscalingStatus;
}

/** Who changed the replicas: the autoscale schedule or an operator (`scale` signal or update). */
export type ScaleInitiator = 'autoscaler' | 'operator';

/** One change of an autoscaled target's replicas, kept in the app's status (newest last). */
export interface ScaleDecision {
  at: string;
  from: number;
  to: number;
  initiatedBy: ScaleInitiator;
  /** The measured value (autoscaler decisions). */
  value?: number;
  reason: string;
}

export interface AutoscalingStatus {
  target: string;
  min: number;
  max: number;
  /** The replicas Mooring last set or measured on the target. */
  replicas?: number;
  /** The last measured value and when. */
  lastValue?: number;
  lastEvaluatedAt?: string;
  /** A change the stabilization windows hold back, in words. */
  waiting?: string;
  decisions: ScaleDecision[];
}

/** From the autoscale schedule: one evaluation of the app's policy. */
export interface AutoscaleEvaluation {
  /** The target's replicas when measured; absent when the target could not be read. */
  currentReplicas?: number;
  value?: number;
  /** The HPA-style recommendation for `value` (bounded, tolerance applied). */
  recommendation?: number;
  reason: string;
  /** Why nothing could be measured (Prometheus down, no data, target missing): nothing changes. */
  problem?: string;
}

export interface ScaleRequest {
  replicas: number;
  reason?: string;
}

export interface ScaleAccepted {
  /** The replicas that will be applied: the request bounded to the policy's [min, max]. */
  replicas: number;
  bounded: boolean;
}

export interface RefreshInput extends Initiated {
  /** The commit the caller saw (git-poll passes it); resolved by the workflow when absent. */
  sha?: string;
  reason?: string;
}

export interface DriftInput extends Initiated {
  /**
   * The manifests the report compared against (from 0.6.0). A report on other manifests than the
   * app's current ones is stale (a drift-scan that listed the app before its last sync): ignored.
   */
  manifestKey?: string;
  /**
   * The checker's workflow time (ms) just before it asked the agent (from 0.15.0): the live objects
   * were read after it. A report asked for before the app's last operation ended may have read the
   * operation's own rollout half-way: ignored.
   */
  checkedAfter?: number;
  drifted: boolean;
  changedObjects: number;
  health?: HealthStatusCode;
  healthMessage?: string;
}

/** An operator's emergency override of the sync windows, recorded in history with who asked. */
export interface SyncWindowOverride {
  overrideSyncWindows?: boolean;
}

export interface SyncRequest extends Initiated, SyncWindowOverride {
  /** A branch, tag or SHA; the spec's targetRevision when absent. */
  revision?: string;
  /** Overrides syncPolicy.automated.prune for this operation. */
  prune?: boolean;
  dryRun?: boolean;
}

export interface SyncAccepted {
  operationId: number;
  workflowId: string;
}

export interface RollbackRequest extends Initiated, SyncWindowOverride {
  /** A commit (full or short SHA) the app ran before. */
  toRevision?: string;
  /** An id from the app's history. */
  historyId?: number;
}

export const refreshSignal = defineSignal<[RefreshInput?]>('refresh');
export const driftDetectedSignal = defineSignal<[DriftInput]>('driftDetected');
/** From a sync child to its app: the cluster's agent is missing (`message` says since when), or back. */
export const agentStatusSignal = defineSignal<[{ missing: boolean; message?: string }]>('agentStatus');
export const rollbackSignal = defineSignal<[RollbackRequest]>('rollback');
export const pauseSignal = defineSignal('pause');
/** An operator's scale of the autoscaled target (Web UI "Send signal": `{"replicas": 3}`). */
export const scaleSignal = defineSignal<[ScaleRequest]>('scale');
/** The autoscale schedule's evaluation of the app's policy. */
export const autoscaleSignal = defineSignal<[AutoscaleEvaluation]>('autoscale');
export const resumeSignal = defineSignal('resume');

export const syncUpdate = defineUpdate<SyncAccepted, [SyncRequest]>('sync');
export const rollbackUpdate = defineUpdate<SyncAccepted, [RollbackRequest]>('rollback');
/**
 * The second argument (from 0.6.0) says who applied the spec; older clients send only the spec.
 * `created` (from 0.8.0; absent from older workers) is true for the update that created the app.
 */
export const setSpecUpdate = defineUpdate<{ changed: boolean; created?: boolean }, [AppSpec, Initiated]>(
  'setSpec',
);
export const pauseUpdate = defineUpdate<AppStatus, []>('pause');
export const resumeUpdate = defineUpdate<AppStatus, []>('resume');
/** `mooring app scale`: refused when the app has no `spec.autoscaling`; bounded to [min, max]. */
export const scaleUpdate = defineUpdate<ScaleAccepted, [ScaleRequest]>('scale');

export const statusQuery = defineQuery<AppStatus>('status');
export const specQuery = defineQuery<AppSpec>('spec');

/** Parent → sync child: a newer commit arrived; stop waiting for health and end the operation. */
export const supersedeSignal = defineSignal('supersede');
/** A sync child's current step (`render`, `apply Sync wave 0`, …), for the CLI and the Web UI. */
export const syncStepQuery = defineQuery<string>('step');
