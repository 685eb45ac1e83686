/**
 * One deployment operation (child of the application workflow), as a runbook:
 * render → dry-run everything → apply phases and waves → prune → wait healthy, and, when the new
 * revision does not become healthy, the same pipeline again for the last healthy revision.
 * No Kubernetes detail lives here; every side effect is an activity on the cluster's queue.
 */
import type { SyncWorkflowInput, SyncWorkflowOutcome, SyncWorkflowResult } from '../contract/workflows.js';
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { ActivityOptions } from '@temporalio/workflow';
import type { AppOfAppsActivities, ClusterActivities, PlanInput, ResourceHealth } from '../contract/activities.js';
import type { HealthStatusCode } from '../contract/kube-object.js';
import { NON_RETRYABLE_ERRORS } from '../contract/errors.js';
import { parseDuration } from '../config/duration.js';
import { supersedeSignal, syncStepQuery } from '../contract/messages.js';
import { clusterTaskQueue } from '../contract/ids.js';
import type { ResourceState } from '../contract/messages.js';
import { searchAttributes } from '../contract/search-attributes.js';


const ROLLOUT_MARGIN_MS = 30_000;

export async function syncWorkflow(input: SyncWorkflowInput): Promise<SyncWorkflowResult> {
  const { spec } = input;
  let step = 'starting';
  let superseded = false;
  // Only the new revision's health wait can be superseded; a rollback always runs to its end.
  const healthWait = new CancellationScope();
  setHandler(supersedeSignal, () => {
    superseded = true;
    healthWait.cancel();
  });

  const taskQueue = clusterTaskQueue(spec.destination.cluster);
  const nonRetryableErrorTypes = [...NON_RETRYABLE_ERRORS];
  const quickOptions: ActivityOptions = {
    taskQueue,
    startToCloseTimeout: '2m',
    retry: { initialInterval: '500ms', maximumInterval: '20s', maximumAttempts: 5, nonRetryableErrorTypes },
  };
  const quick = proxyActivities<ClusterActivities & AppOfAppsActivities>(quickOptions);
  const retry = spec.syncPolicy.retry;
  const applyOptions: ActivityOptions = {
    taskQueue,
    startToCloseTimeout: '10m',
    heartbeatTimeout: '30s',
    retry: {
      initialInterval: retry?.backoff.duration ?? '1s',
      backoffCoefficient: retry?.backoff.factor ?? 2,
      maximumInterval: retry?.backoff.maxDuration ?? '1m',
      maximumAttempts: (retry?.limit ?? 4) + 1,
      nonRetryableErrorTypes,
    },
  };
  const apply = proxyActivities<ClusterActivities>(applyOptions);
  const healthTimeoutMs = parseDuration(spec.rollback.healthTimeout);
  const wait = proxyActivities<ClusterActivities>({
    taskQueue,
    startToCloseTimeout: healthTimeoutMs + ROLLOUT_MARGIN_MS,
    heartbeatTimeout: '5s',
    cancellationType: 'TRY_CANCEL',
    retry: { initialInterval: '1s', maximumAttempts: 3, nonRetryableErrorTypes },
  });

  // The step is answered by a query (the CLI and UI ask for it); only the final outcome is written
  // to the MooringPhase search attribute, so a routine sync stays within its history budget.
  const setStep = (next: string): void => {
    step = next;
  };
  const finish = (outcome: SyncWorkflowOutcome): void => {
    step = 'done';
    upsertSearchAttributes(searchAttributes({ MooringPhase: outcome }));
  };
  setHandler(syncStepQuery, () => step);

  interface Deployed {
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

  /** The whole pipeline for one revision. Never throws for failures a rollback can answer. */
  async function deploy(revision: string, purpose: 'deploy' | 'rollback'): Promise<Deployed> {
    const label = purpose === 'rollback' ? ` (rollback to ${short(revision)})` : '';
    let touchedCluster = false;
    try {
      setStep(`render${label}`);
      const rendered = await quick.renderManifests.executeWithOptions({ ...quickOptions, summary: `render ${spec.source.path}@${short(revision)}` }, [{
        appName: input.app,
        repoURL: spec.source.repoURL,
        revision,
        path: spec.source.path,
        namespace: spec.destination.namespace,
        helm: spec.source.helm,
        kustomize: spec.source.kustomize,
        directory: spec.source.directory,
      }]);
      if ((rendered.kinds.Application ?? 0) + (rendered.kinds.ApplicationSet ?? 0) > 0 && !input.dryRun) {
        // App of apps: child Applications become Mooring apps of their own instead of cluster objects.
        setStep(`register child applications${label}`);
        await quick.registerApplications({ app: input.app, manifestKey: rendered.manifestKey, revision });
      }
      const plan: PlanInput = {
        app: input.app,
        manifestKey: rendered.manifestKey,
        namespace: spec.destination.namespace,
        syncOptions: spec.syncPolicy.syncOptions,
        ignoreDifferences: spec.ignoreDifferences,
      };
      setStep(`dry-run${label}`);
      const prepared = await quick.prepareSync.executeWithOptions({ ...quickOptions, summary: `dry-run ${rendered.objectCount} objects` }, [plan]);
      if (input.dryRun) {
        return { ok: true, message: `dry run: ${describeChanges(prepared.changes)}, ${prepared.orphans} to prune`, health: 'Unknown', resources: [], manifestKey: rendered.manifestKey, touchedCluster };
      }
      touchedCluster = true;
      // Like Argo CD, each wave must be healthy before the next starts; the last one is awaited below.
      for (const [i, planned] of prepared.steps.entries()) {
        setStep(`apply ${planned.phase} wave ${planned.wave}${label}`);
        const waitHealthy = i < prepared.steps.length - 1;
        await apply.applyStep.executeWithOptions({ ...applyOptions, summary: `apply ${planned.phase} wave ${planned.wave}: ${planned.objects} objects, ${planned.hooks} hooks` }, [{ ...plan, phase: planned.phase, wave: planned.wave, waitHealthy, waitTimeoutMs: healthTimeoutMs }]);
      }
      // Prune runs while the desired objects roll out: it only touches objects no longer desired.
      const pruning = input.prune || purpose === 'rollback' ? apply.pruneOrphans({ ...plan, propagation: 'foreground' }) : undefined;
      pruning?.catch(() => undefined); // awaited below; this keeps a superseded wait from leaving it unhandled
      setStep(`wait healthy${pruning ? ' and prune' : ''}${label}`);
      const waitCall = () => wait.waitHealthy({ ...plan, timeoutMs: healthTimeoutMs });
      const waited = purpose === 'deploy' ? await healthWait.run(waitCall) : await waitCall();
      await pruning;
      const ok = waited.health === 'Healthy';
      if (!ok && prepared.hasSyncFailHooks) {
        setStep(`SyncFail hooks${label}`);
        await apply.runSyncFailHooks({ ...plan, waitTimeoutMs: healthTimeoutMs });
      }
      return {
        ok,
        message: ok ? 'healthy' : waited.timedOut ? `not healthy within ${spec.rollback.healthTimeout}: ${waited.message ?? waited.health}` : `${waited.health}: ${waited.message ?? ''}`.trim(),
        health: waited.health,
        healthMessage: waited.message,
        resources: waited.resources,
        manifestKey: rendered.manifestKey,
        finishedAt: waited.finishedAt,
        touchedCluster,
      };
    } catch (err) {
      if (isCancellation(err) && superseded) throw err;
      return { ok: false, message: failureMessage(err), health: 'Degraded', healthMessage: failureMessage(err), resources: [], touchedCluster };
    }
  }

  let first: Deployed;
  try {
    first = await deploy(input.revision, 'deploy');
  } catch (err) {
    if (!superseded) throw err;
    finish('Superseded');
    return supersededResult(input.revision);
  }
  // A wait that ended healthy just as the newer commit arrived still counts as a success.
  if (superseded && !first.ok) {
    finish('Superseded');
    return supersededResult(input.revision);
  }
  if (first.ok) {
    finish('Succeeded');
    return { outcome: 'Succeeded', phase: 'Succeeded', revision: input.revision, runningRevision: input.dryRun ? undefined : input.revision, message: first.message, badRevision: false, health: first.health, healthMessage: first.healthMessage, resources: toStates(first.resources), manifestKey: first.manifestKey, finishedAt: first.finishedAt };
  }

  const failedMessage = `revision ${short(input.revision)} failed: ${first.message}`;
  const target = input.lastHealthyRevision;
  const canRollBack = spec.rollback.automatic && first.touchedCluster && target !== undefined && target !== input.revision;
  if (!canRollBack) {
    finish('Failed');
    const why = first.touchedCluster && spec.rollback.automatic ? '; no earlier healthy revision to roll back to' : '';
    return { outcome: 'Failed', phase: 'Failed', revision: input.revision, message: failedMessage + why, badRevision: true, health: first.health, healthMessage: first.healthMessage, resources: toStates(first.resources), manifestKey: first.manifestKey };
  }

  // Rollback runs to completion even if the operation is cancelled meanwhile.
  const back = await CancellationScope.nonCancellable(() => deploy(target, 'rollback'));
  if (back.ok) {
    finish('RolledBack');
    return { outcome: 'RolledBack', phase: 'Failed', revision: input.revision, runningRevision: target, rolledBackTo: target, message: `${failedMessage}; rolled back to ${short(target)}, which is healthy`, badRevision: true, health: back.health, healthMessage: back.healthMessage, resources: toStates(back.resources), manifestKey: back.manifestKey, finishedAt: back.finishedAt };
  }
  finish('Failed');
  return { outcome: 'Failed', phase: 'Failed', revision: input.revision, message: `${failedMessage}; rollback to ${short(target)} also failed: ${back.message}`, badRevision: true, health: 'Degraded', healthMessage: back.message, resources: toStates(back.resources) };
}

function supersededResult(revision: string): SyncWorkflowResult {
  return { outcome: 'Superseded', phase: 'Failed', revision, message: 'superseded by a newer commit during the health wait', badRevision: false, health: 'Progressing', resources: [] };
}

function toStates(resources: ResourceHealth[]): ResourceState[] {
  return resources.map((r) => ({ kind: r.kind, namespace: r.namespace, name: r.name, health: r.health, message: r.message }));
}

function describeChanges(changes: Record<string, number>): string {
  return Object.entries(changes).map(([k, v]) => `${v} ${k}`).join(', ');
}

export function short(sha: string): string {
  return sha.slice(0, 7);
}

function failureMessage(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return failureMessage(err.cause);
  if (err instanceof ApplicationFailure) return `${err.type ?? 'Error'}: ${err.message}`;
  if (err instanceof Error) return err.message;
  return String(err);
}
