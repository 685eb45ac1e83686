/**
 * One deployment operation (child of the application workflow), as a runbook:
 * render → dry-run everything → apply phases and waves → prune → wait healthy, and, when the new
 * revision does not become healthy, the same pipeline again for the last healthy revision.
 * No Kubernetes detail lives here; every side effect is an activity on the cluster's queue.
 * How each call is retried lives in `activity-profiles.ts`, what it reports in `sync-results.ts`.
 */
import type { SyncWorkflowInput, SyncWorkflowResult } from '../contract/workflows.js';
import {
  CancellationScope,
  isCancellation,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
} from '@temporalio/workflow';
import type { ActivityInterfaceFor } from '@temporalio/workflow';
import type {
  AppOfAppsActivities,
  ClusterActivities,
  PlanInput,
  PrepareSyncResult,
  RenderManifestsResult,
  WaitHealthyResult,
} from '../contract/activities.js';
import { supersedeSignal, syncStepQuery } from '../contract/messages.js';
import { searchAttributes } from '../contract/search-attributes.js';
import { syncProfiles } from './activity-profiles.js';
import type { SyncProfiles } from './activity-profiles.js';
import {
  dryRunDeployment,
  failedDeployment,
  failedResult,
  rollbackFailedResult,
  rolledBackResult,
  short,
  succeededResult,
  supersededResult,
  waitedDeployment,
} from './sync-results.js';
import type { Deployment } from './sync-results.js';

export async function syncWorkflow(input: SyncWorkflowInput): Promise<SyncWorkflowResult> {
  const operation = new SyncOperation(input);
  let first: Deployment;
  try {
    first = await operation.deploy(input.revision, 'deploy');
  } catch (err) {
    if (!operation.superseded) throw err;
    return operation.finish(supersededResult(input.revision));
  }
  // A wait that ended healthy just as the newer commit arrived still counts as a success.
  if (operation.superseded && !first.ok) return operation.finish(supersededResult(input.revision));
  if (first.ok) return operation.finish(succeededResult(input, first));

  const target = rollbackTarget(input, first);
  if (target === undefined) return operation.finish(failedResult(input, first));
  // Rollback runs to completion even if the operation is cancelled meanwhile.
  const back = await CancellationScope.nonCancellable(() => operation.deploy(target, 'rollback'));
  return operation.finish(
    back.ok ? rolledBackResult(input, first, target, back) : rollbackFailedResult(input, first, target, back),
  );
}

/** Where an automatic rollback goes: the last healthy revision, when the failed one wrote to the cluster. */
function rollbackTarget(input: SyncWorkflowInput, first: Deployment): string | undefined {
  const target = input.lastHealthyRevision;
  const canRollBack =
    input.spec.rollback.automatic &&
    first.touchedCluster &&
    target !== undefined &&
    target !== input.revision;
  return canRollBack ? target : undefined;
}

type Purpose = 'deploy' | 'rollback';

/** One revision's way through the pipeline. */
interface Pass {
  revision: string;
  purpose: Purpose;
  /** Appended to every step name: empty for the new revision, ` (rollback to abc1234)` for a rollback. */
  label: string;
  /** Set once the first write to the cluster starts. */
  touchedCluster: boolean;
}

/** App of apps: child Applications become Mooring apps of their own instead of cluster objects. */
function hasChildApplications(rendered: RenderManifestsResult): boolean {
  return (rendered.kinds.Application ?? 0) + (rendered.kinds.ApplicationSet ?? 0) > 0;
}

/** The operation's handlers, activity proxies and steps; `deploy` runs the pipeline for one revision. */
class SyncOperation {
  superseded = false;
  readonly #input: SyncWorkflowInput;
  readonly #profiles: SyncProfiles;
  /** Only the new revision's health wait can be superseded; a rollback always runs to its end. */
  readonly #healthWait = new CancellationScope();
  readonly #quick: ActivityInterfaceFor<ClusterActivities & AppOfAppsActivities>;
  readonly #apply: ActivityInterfaceFor<ClusterActivities>;
  readonly #wait: ActivityInterfaceFor<ClusterActivities>;
  #step = 'starting';

  constructor(input: SyncWorkflowInput) {
    this.#input = input;
    setHandler(supersedeSignal, () => {
      this.superseded = true;
      this.#healthWait.cancel();
    });
    this.#profiles = syncProfiles(input.spec);
    this.#quick = proxyActivities<ClusterActivities & AppOfAppsActivities>(this.#profiles.quick);
    this.#apply = proxyActivities<ClusterActivities>(this.#profiles.apply);
    this.#wait = proxyActivities<ClusterActivities>(this.#profiles.healthWait);
    // The step is answered by a query (the CLI and UI ask for it); only the final outcome is written
    // to the MooringPhase search attribute, so a routine sync stays within its history budget.
    setHandler(syncStepQuery, () => this.#step);
  }

  /** The whole pipeline for one revision. Never throws for failures a rollback can answer. */
  async deploy(revision: string, purpose: Purpose): Promise<Deployment> {
    const pass: Pass = {
      revision,
      purpose,
      label: purpose === 'rollback' ? ` (rollback to ${short(revision)})` : '',
      touchedCluster: false,
    };
    try {
      const rendered = await this.#render(pass);
      if (hasChildApplications(rendered) && !this.#input.dryRun)
        await this.#registerChildApplications(pass, rendered);
      const plan = this.#plan(rendered.manifestKey);
      const prepared = await this.#dryRun(pass, plan, rendered);
      if (this.#input.dryRun) return dryRunDeployment(prepared, rendered.manifestKey);
      pass.touchedCluster = true;
      await this.#applyWaves(pass, plan, prepared);
      const waited = await this.#waitHealthyBesidePrune(pass, plan);
      if (waited.health !== 'Healthy' && prepared.hasSyncFailHooks) await this.#runSyncFailHooks(pass, plan);
      return waitedDeployment(waited, rendered.manifestKey, this.#input.spec.rollback.healthTimeout);
    } catch (err) {
      if (isCancellation(err) && this.superseded) throw err;
      return failedDeployment(err, pass.touchedCluster);
    }
  }

  /** Ends the operation: the outcome goes to the MooringPhase search attribute. */
  finish(result: SyncWorkflowResult): SyncWorkflowResult {
    this.#step = 'done';
    upsertSearchAttributes(searchAttributes({ MooringPhase: result.outcome }));
    return result;
  }

  async #render(pass: Pass): Promise<RenderManifestsResult> {
    const { app, spec } = this.#input;
    this.#step = `render${pass.label}`;
    return await this.#quick.renderManifests.executeWithOptions(
      { ...this.#profiles.quick, summary: `render ${spec.source.path}@${short(pass.revision)}` },
      [
        {
          appName: app,
          repoURL: spec.source.repoURL,
          revision: pass.revision,
          path: spec.source.path,
          namespace: spec.destination.namespace,
          helm: spec.source.helm,
          kustomize: spec.source.kustomize,
          directory: spec.source.directory,
        },
      ],
    );
  }

  async #registerChildApplications(pass: Pass, rendered: RenderManifestsResult): Promise<void> {
    this.#step = `register child applications${pass.label}`;
    await this.#quick.registerApplications({
      app: this.#input.app,
      manifestKey: rendered.manifestKey,
      revision: pass.revision,
    });
  }

  /** What every cluster-side step gets to rebuild the same plan from the rendered manifests. */
  #plan(manifestKey: string): PlanInput {
    const { app, spec } = this.#input;
    return {
      app,
      manifestKey,
      namespace: spec.destination.namespace,
      syncOptions: spec.syncPolicy.syncOptions,
      ignoreDifferences: spec.ignoreDifferences,
    };
  }

  /** Server-side dry-run of every object: nothing is written if any is rejected. */
  async #dryRun(pass: Pass, plan: PlanInput, rendered: RenderManifestsResult): Promise<PrepareSyncResult> {
    this.#step = `dry-run${pass.label}`;
    return await this.#quick.prepareSync.executeWithOptions(
      { ...this.#profiles.quick, summary: `dry-run ${rendered.objectCount} objects` },
      [plan],
    );
  }

  /** Like Argo CD, each wave must be healthy before the next starts; the last one is the health wait's. */
  async #applyWaves(pass: Pass, plan: PlanInput, prepared: PrepareSyncResult): Promise<void> {
    const { healthTimeoutMs } = this.#profiles;
    for (const [i, planned] of prepared.steps.entries()) {
      this.#step = `apply ${planned.phase} wave ${planned.wave}${pass.label}`;
      const waitHealthy = i < prepared.steps.length - 1;
      await this.#apply.applyStep.executeWithOptions(
        {
          ...this.#profiles.apply,
          summary: `apply ${planned.phase} wave ${planned.wave}: ${planned.objects} objects, ${planned.hooks} hooks`,
        },
        [{ ...plan, phase: planned.phase, wave: planned.wave, waitHealthy, waitTimeoutMs: healthTimeoutMs }],
      );
    }
  }

  /** Prune runs while the desired objects roll out: it only touches objects no longer desired. */
  async #waitHealthyBesidePrune(pass: Pass, plan: PlanInput): Promise<WaitHealthyResult> {
    const pruning =
      this.#input.prune || pass.purpose === 'rollback'
        ? this.#apply.pruneOrphans({ ...plan, propagation: 'foreground' })
        : undefined;
    pruning?.catch(() => undefined); // awaited below; this keeps a superseded wait from leaving it unhandled
    this.#step = `wait healthy${pruning ? ' and prune' : ''}${pass.label}`;
    const waitCall = () => this.#wait.waitHealthy({ ...plan, timeoutMs: this.#profiles.healthTimeoutMs });
    const waited = pass.purpose === 'deploy' ? await this.#healthWait.run(waitCall) : await waitCall();
    await pruning;
    return waited;
  }

  async #runSyncFailHooks(pass: Pass, plan: PlanInput): Promise<void> {
    this.#step = `SyncFail hooks${pass.label}`;
    await this.#apply.runSyncFailHooks({ ...plan, waitTimeoutMs: this.#profiles.healthTimeoutMs });
  }
}
