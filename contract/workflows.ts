/**
 * Inputs and results of the workflows clients start or read: what the application workflow hands
 * its sync children, what `mooring app diff`, `app delete --cascade` and the listing of a
 * repository's directories (`app apply`) get back, and what the scheduled fleet workflows report.
 */
import type { AppSpec } from '../config/types.js';
import type { DiffApplicationResult, ListRepoDirectoriesResult, PlanInput } from './activities.js';
import type { HealthStatusCode } from './kube-object.js';
import type { Initiator, InitiatorIdentity, OperationPhase, ResourceState } from './messages.js';

export interface SyncWorkflowInput {
  app: string;
  spec: AppSpec;
  /** Full commit SHA to deploy. */
  revision: string;
  initiatedBy: Initiator;
  initiator?: InitiatorIdentity;
  prune: boolean;
  dryRun: boolean;
  /** Where to go back to when `revision` does not become healthy. */
  lastHealthyRevision?: string;
}

export type SyncWorkflowOutcome = 'Succeeded' | 'Failed' | 'RolledBack' | 'Superseded' | 'Terminated';

export interface SyncWorkflowResult {
  outcome: SyncWorkflowOutcome;
  phase: OperationPhase;
  revision: string;
  /** The revision running when the operation ended (the rollback target after a rollback). */
  runningRevision?: string;
  rolledBackTo?: string;
  message: string;
  /** Why the revision was rejected: the commit should not be auto-synced again. */
  badRevision: boolean;
  health: HealthStatusCode;
  healthMessage?: string;
  resources: ResourceState[];
  manifestKey?: string;
  finishedAt?: string;
  /**
   * False when the operation wrote nothing to the cluster (render or dry-run rejected the
   * revision): its `health` is then not an observation and the app keeps the one it had.
   * Absent in results of older workflow code, which always observed.
   */
  touchedCluster?: boolean;
  /** Options or annotations the sync could not honour, one message each (shown as SyncWarning). */
  warnings?: string[];
}

export interface DiffWorkflowInput {
  spec: AppSpec;
  /** Branch, tag or SHA; the spec's targetRevision when absent. */
  revision?: string;
}

export interface DiffWorkflowResult extends DiffApplicationResult {
  revision: string;
}

export interface ListRepoDirectoriesWorkflowInput {
  /** The agent that reads the repository (it holds the Git credentials). */
  cluster: string;
  repoURL: string;
  /** Branch, tag or SHA; `HEAD` when empty. */
  revision: string;
}

export type ListRepoDirectoriesWorkflowResult = ListRepoDirectoriesResult;

export interface CascadeDeleteInput {
  app: string;
  cluster: string;
  /**
   * The plan the app last deployed (its manifest key, from the app's memo, and spec settings):
   * where the delete hooks come from. Absent from older clients: the agent then uses its own record.
   */
  plan?: PlanInput;
}

/** Input of `notifyDeletedWorkflow`: the deleted app's last spec and who deleted it. */
export interface NotifyDeletedInput {
  spec: AppSpec;
  initiator?: InitiatorIdentity;
  /** What was deleted with it, e.g. "12 objects deleted" or "objects left in the cluster". */
  message: string;
}

/** Input of the git-poll workflow; the schedule passes its own period. */
export interface GitPollInput {
  /**
   * The schedule's period: the run checks only the apps whose `syncPolicy.interval` elapsed during
   * the last tick. Absent (a run started by hand): every app is checked.
   */
  tick?: string;
}

export interface GitPollResult {
  apps: number;
  /** Apps due for a check in this run (their interval elapsed). */
  due?: number;
  remoteChecks: number;
  refreshed: string[];
  /** Apps whose commit moved without touching their sources: not refreshed (their render would not change). */
  unchanged?: string[];
  errors: string[];
}

/** Input of the drift-watch workflow: one per cluster (and workflow task queue). */
export interface DriftWatchInput {
  cluster: string;
}

export interface DriftScanResult {
  scanned: number;
  drifted: string[];
  healthChanged: string[];
  errors: string[];
}

export interface AutoscaleResult {
  evaluated: number;
  /** Apps sent an evaluation. */
  signalled: string[];
  /** Apps whose recommendation equals their replicas, with nothing pending: not signalled. */
  unchanged: string[];
  errors: string[];
}
