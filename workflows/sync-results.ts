/**
 * What a sync operation reports: the outcome of deploying one revision (`Deployment`) and the
 * `SyncWorkflowResult` the application workflow records (Succeeded, Failed, RolledBack, Superseded),
 * with their messages. Pure functions of the pipeline's results.
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { PrepareSyncResult, ResourceHealth, WaitHealthyResult } from '../contract/activities.js';
import type { HealthStatusCode } from '../contract/kube-object.js';
import type { ResourceState } from '../contract/messages.js';
import type { SyncWorkflowInput, SyncWorkflowResult } from '../contract/workflows.js';

/** How deploying one revision (or rolling back to it) ended. */
export interface Deployment {
  ok: boolean;
  message: string;
  health: HealthStatusCode;
  healthMessage?: string;
  resources: ResourceHealth[];
  manifestKey?: string;
  finishedAt?: string;
  /** False when nothing was written to the cluster (render or dry-run rejected the revision). */
  touchedCluster: boolean;
}

/** A dry run ends after the server-side dry-run: what would change, nothing written. */
export function dryRunDeployment(prepared: PrepareSyncResult, manifestKey: string): Deployment {
  return {
    ok: true,
    message: `dry run: ${describeChanges(prepared.changes)}, ${prepared.orphans} to prune`,
    health: 'Unknown',
    resources: [],
    manifestKey,
    touchedCluster: false,
  };
}

/** The revision was applied; the health wait decides. */
export function waitedDeployment(
  waited: WaitHealthyResult,
  manifestKey: string,
  healthTimeout: string,
): Deployment {
  const ok = waited.health === 'Healthy';
  return {
    ok,
    message: ok
      ? 'healthy'
      : waited.timedOut
        ? `not healthy within ${healthTimeout}: ${waited.message ?? waited.health}`
        : `${waited.health}: ${waited.message ?? ''}`.trim(),
    health: waited.health,
    healthMessage: waited.message,
    resources: waited.resources,
    manifestKey,
    finishedAt: waited.finishedAt,
    touchedCluster: true,
  };
}

/** A step failed for good (its retries exhausted, or a non-retryable error). */
export function failedDeployment(err: unknown, touchedCluster: boolean): Deployment {
  return {
    ok: false,
    message: failureMessage(err),
    health: 'Degraded',
    healthMessage: failureMessage(err),
    resources: [],
    touchedCluster,
  };
}

export function succeededResult(input: SyncWorkflowInput, deployed: Deployment): SyncWorkflowResult {
  return {
    outcome: 'Succeeded',
    phase: 'Succeeded',
    revision: input.revision,
    runningRevision: input.dryRun ? undefined : input.revision,
    message: deployed.message,
    badRevision: false,
    health: deployed.health,
    healthMessage: deployed.healthMessage,
    resources: toStates(deployed.resources),
    manifestKey: deployed.manifestKey,
    finishedAt: deployed.finishedAt,
  };
}

/** The new revision failed and no rollback was attempted. */
export function failedResult(input: SyncWorkflowInput, first: Deployment): SyncWorkflowResult {
  const why =
    first.touchedCluster && input.spec.rollback.automatic
      ? '; no earlier healthy revision to roll back to'
      : '';
  return {
    outcome: 'Failed',
    phase: 'Failed',
    revision: input.revision,
    message: failedMessage(input, first) + why,
    badRevision: true,
    health: first.health,
    healthMessage: first.healthMessage,
    resources: toStates(first.resources),
    manifestKey: first.manifestKey,
  };
}

/** The new revision failed and the rollback to `target` became healthy. */
export function rolledBackResult(
  input: SyncWorkflowInput,
  first: Deployment,
  target: string,
  back: Deployment,
): SyncWorkflowResult {
  return {
    outcome: 'RolledBack',
    phase: 'Failed',
    revision: input.revision,
    runningRevision: target,
    rolledBackTo: target,
    message: `${failedMessage(input, first)}; rolled back to ${short(target)}, which is healthy`,
    badRevision: true,
    health: back.health,
    healthMessage: back.healthMessage,
    resources: toStates(back.resources),
    manifestKey: back.manifestKey,
    finishedAt: back.finishedAt,
  };
}

/** The new revision failed and so did the rollback to `target`. */
export function rollbackFailedResult(
  input: SyncWorkflowInput,
  first: Deployment,
  target: string,
  back: Deployment,
): SyncWorkflowResult {
  return {
    outcome: 'Failed',
    phase: 'Failed',
    revision: input.revision,
    message: `${failedMessage(input, first)}; rollback to ${short(target)} also failed: ${back.message}`,
    badRevision: true,
    health: 'Degraded',
    healthMessage: back.message,
    resources: toStates(back.resources),
  };
}

export function supersededResult(revision: string): SyncWorkflowResult {
  return {
    outcome: 'Superseded',
    phase: 'Failed',
    revision,
    message: 'superseded by a newer commit during the health wait',
    badRevision: false,
    health: 'Progressing',
    resources: [],
  };
}

/** What the application workflow records when its sync child ended without a result. */
export function missingResult(revision: string): SyncWorkflowResult {
  return {
    outcome: 'Failed',
    phase: 'Error',
    revision,
    message: 'the sync operation ended without a result (terminated or cancelled)',
    badRevision: false,
    health: 'Unknown',
    resources: [],
  };
}

function failedMessage(input: SyncWorkflowInput, first: Deployment): string {
  return `revision ${short(input.revision)} failed: ${first.message}`;
}

export function toStates(resources: ResourceHealth[]): ResourceState[] {
  return resources.map((r) => ({
    kind: r.kind,
    namespace: r.namespace,
    name: r.name,
    health: r.health,
    message: r.message,
  }));
}

export function describeChanges(changes: Record<string, number>): string {
  return Object.entries(changes)
    .map(([k, v]) => `${v} ${k}`)
    .join(', ');
}

export function short(sha: string): string {
  return sha.slice(0, 7);
}

export function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return failureMessage(err.cause);
  if (err instanceof ApplicationFailure) return `${err.type ?? 'Error'}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}
