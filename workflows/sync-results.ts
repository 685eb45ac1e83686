/**
 * What a sync operation reports: the outcome of deploying one revision (`Deployment`) and the
 * `SyncWorkflowResult` the application workflow records (Succeeded, Failed, RolledBack, Superseded),
 * with their messages. Pure functions of the pipeline's results.
 */
import { ActivityFailure, ApplicationFailure } from '@temporalio/workflow';
import type { PrepareSyncResult, ResourceHealth, WaitHealthyResult } from '../contract/activities.js';
import { REVISION_FAULTS } from '../contract/errors.js';
import { shortRevision } from '../contract/revision.js';
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
  /** Every wave was applied: the live objects are this revision's, whatever their health. */
  applied: boolean;
  /** Options or annotations the dry-run found it could not honour. */
  warnings?: string[];
  /**
   * The failure is the revision's own (bad content, rejected, unhealthy), not the environment's
   * (Git or the API unreachable, an agent gone): only then is the revision marked bad.
   */
  revisionFault?: boolean;
}

/** Where an operator's terminate stopped the operation. */
export interface StopPoint {
  step: string;
  touchedCluster: boolean;
  applied: boolean;
  manifestKey?: string;
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
    applied: false,
    warnings: prepared.warnings,
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
    revisionFault: !ok,
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
    applied: true,
  };
}

/**
 * A step failed for good (its retries exhausted, or a non-retryable error). Before the first
 * write the cluster is as it was: its health is not known from here (`Unknown`, and the result
 * says it did not touch the cluster, so the app keeps the health it observed).
 */
export function failedDeployment(
  err: unknown,
  touchedCluster: boolean,
  applied = false,
  warnings?: string[],
): Deployment {
  return {
    ok: false,
    revisionFault: isRevisionFault(err),
    message: failureMessage(err),
    health: touchedCluster ? 'Degraded' : 'Unknown',
    healthMessage: touchedCluster ? failureMessage(err) : undefined,
    resources: [],
    touchedCluster,
    applied,
    warnings,
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
    touchedCluster: deployed.touchedCluster,
    warnings: deployed.warnings,
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
    // Fully applied but unhealthy: the live objects are this revision's (Synced, Degraded).
    runningRevision: first.applied ? input.revision : undefined,
    message: failedMessage(input, first) + why,
    badRevision: first.revisionFault ?? true,
    health: first.health,
    healthMessage: first.healthMessage,
    resources: toStates(first.resources),
    manifestKey: first.manifestKey,
    touchedCluster: first.touchedCluster,
    warnings: first.warnings,
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
    badRevision: first.revisionFault ?? true,
    health: back.health,
    healthMessage: back.healthMessage,
    resources: toStates(back.resources),
    manifestKey: back.manifestKey,
    finishedAt: back.finishedAt,
    touchedCluster: true,
    warnings: first.warnings,
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
    runningRevision: back.applied ? target : undefined,
    manifestKey: back.applied ? back.manifestKey : undefined,
    message: `${failedMessage(input, first)}; rollback to ${short(target)} also failed: ${back.message}`,
    badRevision: first.revisionFault ?? true,
    health: 'Degraded',
    healthMessage: back.message,
    resources: toStates(back.resources),
    touchedCluster: true,
    warnings: first.warnings,
  };
}

/** A newer commit arrived; when this revision was already fully applied (its health wait ran), it runs. */
export function supersededResult(
  revision: string,
  reached: { applied: boolean; manifestKey?: string } | undefined,
): SyncWorkflowResult {
  const applied = reached?.applied ?? false;
  return {
    outcome: 'Superseded',
    phase: 'Failed',
    revision,
    runningRevision: applied ? revision : undefined,
    manifestKey: applied ? reached?.manifestKey : undefined,
    message: 'superseded by a newer commit during the health wait',
    badRevision: false,
    health: 'Progressing',
    resources: [],
    touchedCluster: applied,
  };
}

/**
 * An operator terminated the operation: nothing is rolled back and no commit is marked bad. The
 * cluster stays as the operation left it, which the message says.
 */
export function terminatedResult(input: SyncWorkflowInput, stop: StopPoint): SyncWorkflowResult {
  const left = stop.applied
    ? 'every object of this revision was applied'
    : stop.touchedCluster
      ? 'the cluster may hold part of this revision'
      : 'nothing had been written to the cluster';
  return {
    outcome: 'Terminated',
    phase: 'Failed',
    revision: input.revision,
    runningRevision: stop.applied ? input.revision : undefined,
    manifestKey: stop.applied ? stop.manifestKey : undefined,
    message: `terminated by an operator during "${stop.step}"; nothing was rolled back and ${left}. Run \`mooring app sync\` to deploy it again`,
    badRevision: false,
    health: 'Unknown',
    resources: [],
    touchedCluster: false,
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
    touchedCluster: false,
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

/** A revision as messages show it (a commit's first 7 characters, a chart pin's version and digest). */
export const short = shortRevision;

/** Whether a step's failure is the revision's own fault (`REVISION_FAULTS` in contract/errors.ts). */
export function isRevisionFault(err: unknown): boolean {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return cause instanceof ApplicationFailure && cause.type != null && REVISION_FAULTS.includes(cause.type);
}

export function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return failureMessage(err.cause);
  if (err instanceof ApplicationFailure) return `${err.type ?? 'Error'}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}
