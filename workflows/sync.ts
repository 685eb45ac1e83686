/**
 * One deployment operation (child of the application workflow), as a runbook:
 * render → dry-run everything → apply phases and waves → prune → wait healthy, and, when the new
 * revision does not become healthy, the same pipeline again for the last healthy revision.
 * No Kubernetes detail lives here; every side effect is an activity on the cluster's queue.
 * How each call is retried lives in `activity-profiles.ts`, what it reports in `sync-results.ts`.
 */
import { autoscaledTarget, renderInputOf } from '../contract/activities.js';
import type { SyncWorkflowInput, SyncWorkflowResult } from '../contract/workflows.js';
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ActivityInterfaceFor } from '@temporalio/workflow';
import type {
  AppOfAppsActivities,
  ClusterActivities,
  ControlActivities,
  LegacyAppOfAppsActivities,
  PlanInput,
  PrepareSyncResult,
  PruneInput,
  PruneResult,
  RenderAndPrepareInput,
  RenderAndPrepareResult,
  RenderManifestsInput,
  RenderManifestsResult,
  WaitHealthyResult,
} from '../contract/activities.js';
import { agentStatusSignal, supersedeSignal, syncStepQuery } from '../contract/messages.js';
import { searchAttributes } from '../contract/search-attributes.js';
import { controlQuickProfile, syncProfiles } from './activity-profiles.js';
import type { SyncProfiles } from './activity-profiles.js';
import { untilAgentAnswers } from './agent-wait.js';
import { PATCHES } from './patches.js';
import { runAnalysis } from './sync-analysis.js';
import type { AnalysisPolicy } from '../config/types.js';
import {
  dryRunDeployment,
  failedDeployment,
  failedResult,
  rollbackFailedResult,
  failureMessage,
  rolledBackResult,
  short,
  succeededResult,
  supersededResult,
  terminatedResult,
  waitedDeployment,
} from './sync-results.js';
import type { Deployment } from './sync-results.js';
import type { StopPoint } from './sync-results.js';

export async function syncWorkflow(input: SyncWorkflowInput): Promise<SyncWorkflowResult> {
  const operation = new SyncOperation(input);
  let first: Deployment;
  try {
    first = await operation.deploy(input.revision, 'deploy');
    if (first.ok && operation.needsAnalysis()) first = await operation.analyze(first);
  } catch (err) {
    if (operation.superseded) return operation.finish(supersededResult(input.revision, operation.current));
    if (operation.stopped) return operation.finish(terminatedResult(input, operation.stopped));
    throw err;
  }
  // A wait that ended healthy just as the newer commit arrived still counts as a success.
  if (operation.superseded && !first.ok) return operation.finish(supersededResult(input.revision, first));
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
type PropagationPolicy = NonNullable<PruneInput['propagation']>;

/** One revision's way through the pipeline. */
interface Pass {
  revision: string;
  purpose: Purpose;
  /** Appended to every step name: empty for the new revision, ` (rollback to abc1234)` for a rollback. */
  label: string;
  /** Set once the first write to the cluster starts. */
  touchedCluster: boolean;
  /** Set once every wave is applied: the live objects are this revision's, healthy or not. */
  applied: boolean;
  /** The rendered manifests, once rendered. */
  manifestKey?: string;
}

/** The app's `PrunePropagationPolicy` sync option; foreground, as in Argo CD, when absent. */
function prunePropagation(input: SyncWorkflowInput): PropagationPolicy {
  for (const option of input.spec.syncPolicy.syncOptions) {
    const [key, value] = option.split('=', 2);
    if (key === 'PrunePropagationPolicy' && (value === 'background' || value === 'orphan')) return value;
  }
  return 'foreground';
}

/** The agent's manifest store no longer holds the rendered revision. */
function isManifestsMissing(err: unknown): boolean {
  return (
    err instanceof ActivityFailure &&
    err.cause instanceof ApplicationFailure &&
    err.cause.type === 'ManifestsMissing'
  );
}

/** The failure type of a call the agent's worker does not know (the Temporal SDK's). */
const UNKNOWN_ACTIVITY = 'NotFoundError';

function isUnknownActivity(err: unknown): boolean {
  return (
    err instanceof ActivityFailure &&
    err.cause instanceof ApplicationFailure &&
    err.cause.type === UNKNOWN_ACTIVITY
  );
}

/** App of apps: child Applications become Mooring apps of their own instead of cluster objects. */
function hasChildApplications(rendered: RenderManifestsResult): boolean {
  return (rendered.kinds.Application ?? 0) + (rendered.kinds.ApplicationSet ?? 0) > 0;
}

/** The operation's handlers, activity proxies and steps; `deploy` runs the pipeline for one revision. */
class SyncOperation {
  superseded = false;
  /** Set when an operator cancelled (terminated) the operation. */
  stopped: StopPoint | undefined;
  /** The pass running now: how far the revision got. */
  current: Pass | undefined;
  readonly #input: SyncWorkflowInput;
  readonly #profiles: SyncProfiles;
  /** Only the new revision's health wait can be superseded; a rollback always runs to its end. */
  readonly #healthWait = new CancellationScope();
  readonly #quick: ActivityInterfaceFor<ClusterActivities & AppOfAppsActivities & LegacyAppOfAppsActivities>;
  /** Calls served by the control plane, on the workflow's own queue. */
  readonly #control: ActivityInterfaceFor<ControlActivities>;
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
    this.#quick = proxyActivities<ClusterActivities & AppOfAppsActivities & LegacyAppOfAppsActivities>(
      this.#profiles.quick,
    );
    this.#control = proxyActivities<ControlActivities>(controlQuickProfile());
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
      applied: false,
    };
    this.current = pass;
    let plan: PlanInput | undefined;
    let prepared: PrepareSyncResult | undefined;
    try {
      const { rendered, prepared: checked } = await this.#renderAndDryRun(pass);
      prepared = checked;
      pass.manifestKey = rendered.manifestKey;
      plan = this.#plan(rendered.manifestKey, pass.revision);
      if (this.#input.dryRun) return dryRunDeployment(prepared, rendered.manifestKey);
      this.#refuseEmptyPrune(rendered, prepared);
      pass.touchedCluster = true;
      await this.#applyWaves(pass, plan, prepared);
      pass.applied = true;
      const waited = await this.#waitHealthyBesidePrune(pass, plan, prepared);
      if (waited.health !== 'Healthy' && prepared.hasSyncFailHooks) await this.#runSyncFailHooks(pass, plan);
      return {
        ...waitedDeployment(waited, rendered.manifestKey, this.#input.spec.rollback.healthTimeout),
        warnings: prepared.warnings,
      };
    } catch (err) {
      if (isCancellation(err)) {
        if (this.superseded) throw err;
        if (patched(PATCHES.terminateLeavesCluster)) {
          this.stopped = {
            step: this.#step,
            touchedCluster: pass.touchedCluster,
            applied: pass.applied,
            manifestKey: pass.manifestKey,
          };
          throw err;
        }
      }
      const failed: Deployment = {
        ...failedDeployment(err, pass.touchedCluster, pass.applied, prepared?.warnings),
        manifestKey: pass.manifestKey,
      };
      if (plan && prepared?.hasSyncFailHooks && pass.touchedCluster && !pass.applied)
        return await this.#syncFailAfterError(pass, plan, failed);
      return failed;
    }
  }

  /**
   * `spec.analysis` gates a new revision: not a dry run, not a superseded operation, and not a
   * revision that already proved itself (self-heal re-applying it, a manual rollback to it), as
   * Argo Rollouts and Flagger analyse new revisions only.
   */
  needsAnalysis(): boolean {
    const { spec, dryRun, initiatedBy, revision, lastHealthyRevision } = this.#input;
    const newRevision =
      initiatedBy !== 'self-heal' && initiatedBy !== 'rollback' && revision !== lastHealthyRevision;
    return (
      !dryRun &&
      !this.superseded &&
      newRevision &&
      spec.analysis !== undefined &&
      patched(PATCHES.metricAnalysis)
    );
  }

  /**
   * The metric analysis of a revision that became Healthy: passed (or inconclusive with
   * `inconclusive: Accept`) keeps it; otherwise it fails like a health check, so it is rolled
   * back and marked bad. A newer commit supersedes it as it supersedes the health wait.
   */
  async analyze(deployed: Deployment): Promise<Deployment> {
    const { app, spec } = this.#input;
    const policy = spec.analysis as AnalysisPolicy;
    try {
      const verdict = await this.#healthWait.run(() =>
        runAnalysis({
          app,
          cluster: spec.destination.cluster,
          policy,
          onStep: (step) => {
            this.#step = step;
          },
        }),
      );
      const accepted =
        verdict.phase === 'Passed' || (verdict.phase === 'Inconclusive' && policy.inconclusive === 'Accept');
      if (accepted) return { ...deployed, message: `${deployed.message}; ${verdict.message}` };
      return { ...deployed, ok: false, revisionFault: true, message: verdict.message };
    } catch (err) {
      if (isCancellation(err) && !this.superseded)
        this.stopped = {
          step: this.#step,
          touchedCluster: true,
          applied: true,
          manifestKey: deployed.manifestKey,
        };
      throw err;
    }
  }

  /**
   * As in Argo CD, an automatic sync with prune does not apply an empty render over a live app:
   * an empty render is far more often a broken path or generator than an intent.
   */
  #refuseEmptyPrune(rendered: RenderManifestsResult, prepared: PrepareSyncResult): void {
    const { prune, initiatedBy, spec } = this.#input;
    const automatic = initiatedBy === 'auto-sync' || initiatedBy === 'self-heal';
    if (rendered.objectCount > 0 || prepared.orphans === 0 || !prune || !automatic) return;
    if (spec.syncPolicy.automated?.allowEmpty || !patched(PATCHES.refuseEmptyPrune)) return;
    throw ApplicationFailure.create({
      type: 'EmptyRender', // contract/errors.ts: EmptyRender
      nonRetryable: true,
      message:
        `${spec.source.path}@${short(this.#input.revision)} rendered no objects, and pruning would delete all ` +
        `${prepared.orphans} objects of the app; nothing was changed. Fix the source, or set ` +
        'spec.syncPolicy.automated.allowEmpty: true to let an automatic sync empty the app',
    });
  }

  /** SyncFail hooks after an apply or hook failure (the health path runs them itself). */
  async #syncFailAfterError(pass: Pass, plan: PlanInput, failed: Deployment): Promise<Deployment> {
    if (!patched(PATCHES.syncFailAfterAnyFailure)) return failed;
    try {
      await this.#runSyncFailHooks(pass, plan);
      return { ...failed, message: `${failed.message}; SyncFail hooks ran` };
    } catch (hookErr) {
      if (isCancellation(hookErr)) throw hookErr;
      return {
        ...failed,
        message: `${failed.message}; SyncFail hooks failed too: ${failureMessage(hookErr)}`,
      };
    }
  }

  /** Ends the operation: the outcome goes to the MooringPhase search attribute. */
  finish(result: SyncWorkflowResult): SyncWorkflowResult {
    this.#step = 'done';
    upsertSearchAttributes(searchAttributes({ MooringPhase: result.outcome }));
    return result;
  }

  /**
   * Render, register an app of apps' children (not in a dry run), and dry-run every object. Since
   * 0.14.0 the agent renders and dry-runs in one call, before any child is registered; an agent
   * older than that lacks the call, and then the sync makes the calls one by one as before.
   */
  async #renderAndDryRun(pass: Pass): Promise<RenderAndPrepareResult> {
    const together = patched(PATCHES.renderWithDryRun) ? await this.#renderWithDryRun(pass) : undefined;
    if (together) {
      await this.#registerChildApplications(pass, together.rendered);
      return together;
    }
    const rendered = await this.#render(pass);
    await this.#registerChildApplications(pass, rendered);
    pass.manifestKey = rendered.manifestKey;
    const prepared = await this.#dryRun(pass, this.#plan(rendered.manifestKey, pass.revision), rendered);
    return { rendered, prepared };
  }

  /** The agent's `renderAndPrepare`; undefined when the agent does not have it (older than 0.14.0). */
  async #renderWithDryRun(pass: Pass): Promise<RenderAndPrepareResult | undefined> {
    const { spec } = this.#input;
    const { quick } = this.#profiles;
    this.#step = `render and dry-run${pass.label}`;
    try {
      return await this.#onAgent(() =>
        this.#quick.renderAndPrepare.executeWithOptions(
          {
            ...quick,
            retry: {
              ...quick.retry,
              nonRetryableErrorTypes: [...(quick.retry?.nonRetryableErrorTypes ?? []), UNKNOWN_ACTIVITY],
            },
            summary: `render and dry-run ${spec.source.path}@${short(pass.revision)}`,
          },
          [this.#unrenderedPlan(pass.revision)],
        ),
      );
    } catch (err) {
      if (isUnknownActivity(err)) return undefined;
      throw err;
    }
  }

  async #render(pass: Pass): Promise<RenderManifestsResult> {
    const { spec } = this.#input;
    this.#step = `render${pass.label}`;
    return await this.#onAgent(() =>
      this.#quick.renderManifests.executeWithOptions(
        { ...this.#profiles.quick, summary: `render ${spec.source.path}@${short(pass.revision)}` },
        [this.#renderInput(pass.revision)],
      ),
    );
  }

  /** What renders this app at `revision`: the same input always gives the same manifest key. */
  #renderInput(revision: string): RenderManifestsInput {
    return renderInputOf(this.#input.spec, revision, this.#input.app);
  }

  /**
   * A cluster step on the agent. Rendered manifests are a cache, not state: when the agent's store
   * lost them (wiped disk, another agent replica), the revision is rendered again (same SHA, same
   * key) and the step runs once more, instead of failing the revision.
   */
  async #clusterStep<T>(pass: Pass, call: () => Promise<T>): Promise<T> {
    try {
      return await this.#onAgent(call);
    } catch (err) {
      if (!isManifestsMissing(err) || !patched(PATCHES.rerenderMissingManifests)) throw err;
      const step = this.#step;
      await this.#render(pass);
      this.#step = step;
      return await this.#onAgent(call);
    }
  }

  /**
   * Runs one activity call on the cluster's agent; while no agent picks it up, the step says so
   * (the CLI and the Web UI read it) and the call is made again.
   */
  async #onAgent<T>(call: () => Promise<T>): Promise<T> {
    const step = this.#step;
    // Calls run side by side (prune beside the health wait): only undo the step this call wrote.
    let written: string | undefined;
    try {
      return await untilAgentAnswers(this.#input.spec.destination.cluster, call, (message) => {
        if (written === undefined) this.#tellApp({ missing: true, message });
        written = `${step}: ${message}`;
        this.#step = written;
      });
    } finally {
      if (written !== undefined) {
        if (this.#step === written) this.#step = step;
        this.#tellApp({ missing: false });
      }
    }
  }

  /** The app's status shows a missing agent too (its own query cannot ask the child). */
  #tellApp(status: { missing: boolean; message?: string }): void {
    const parent = workflowInfo().parent;
    if (!parent || !patched(PATCHES.agentStatusToApp)) return;
    void CancellationScope.nonCancellable(() =>
      getExternalWorkflowHandle(parent.workflowId).signal(agentStatusSignal, status),
    ).catch(() => undefined); // the app may have moved on; the step query still says it
  }

  /**
   * The agent reads and checks the child specs (it has the manifests and the policy); the control
   * plane registers them (an agent's credential may not start workflows). Nothing to do for an app
   * without child Applications, or in a dry run.
   */
  async #registerChildApplications(pass: Pass, rendered: RenderManifestsResult): Promise<void> {
    if (!hasChildApplications(rendered) || this.#input.dryRun) return;
    this.#step = `register child applications${pass.label}`;
    const input = { app: this.#input.app, manifestKey: rendered.manifestKey, revision: pass.revision };
    if (!patched(PATCHES.childAppsOnControlPlane)) {
      await this.#onAgent(() => this.#quick.registerApplications(input));
      return;
    }
    this.#step = `read child applications${pass.label}`;
    const children = await this.#clusterStep(pass, () => this.#quick.childApplications(input));
    if (children.specs.length === 0) return;
    this.#step = `register ${children.specs.length} child applications${pass.label}`;
    await this.#control.registerChildApplications({
      parent: this.#input.app,
      revision: pass.revision,
      specs: children.specs,
    });
  }

  /** What every cluster-side step gets to rebuild the same plan from the rendered manifests. */
  #plan(manifestKey: string, revision: string): PlanInput {
    return { ...this.#unrenderedPlan(revision), manifestKey };
  }

  /** The plan before its render: what `renderAndPrepare` renders and checks. */
  #unrenderedPlan(revision: string): RenderAndPrepareInput {
    const { app, spec } = this.#input;
    return {
      app,
      namespace: spec.destination.namespace,
      syncOptions: spec.syncPolicy.syncOptions,
      ignoreDifferences: spec.ignoreDifferences,
      autoscaled: autoscaledTarget(spec.autoscaling),
      source: this.#renderInput(revision),
    };
  }

  /** Server-side dry-run of every object: nothing is written if any is rejected. */
  async #dryRun(pass: Pass, plan: PlanInput, rendered: RenderManifestsResult): Promise<PrepareSyncResult> {
    this.#step = `dry-run${pass.label}`;
    return await this.#clusterStep(pass, () =>
      this.#quick.prepareSync.executeWithOptions(
        { ...this.#profiles.quick, summary: `dry-run ${rendered.objectCount} objects` },
        [plan],
      ),
    );
  }

  /** Like Argo CD, each wave must be healthy before the next starts; the last one is the health wait's. */
  async #applyWaves(pass: Pass, plan: PlanInput, prepared: PrepareSyncResult): Promise<void> {
    const { healthTimeoutMs } = this.#profiles;
    for (const [i, planned] of prepared.steps.entries()) {
      this.#step = `apply ${planned.phase} wave ${planned.wave}${pass.label}`;
      const waitHealthy = i < prepared.steps.length - 1;
      await this.#clusterStep(pass, () =>
        this.#apply.applyStep.executeWithOptions(
          {
            ...this.#profiles.apply,
            summary: `apply ${planned.phase} wave ${planned.wave}: ${planned.objects} objects, ${planned.hooks} hooks`,
          },
          [
            {
              ...plan,
              phase: planned.phase,
              wave: planned.wave,
              waitHealthy,
              waitTimeoutMs: healthTimeoutMs,
            },
          ],
        ),
      );
    }
  }

  /**
   * Prune runs while the desired objects roll out: it only touches objects no longer desired.
   * Objects marked PruneLast (every orphan, with the app option) wait until the rest is healthy.
   */
  async #waitHealthyBesidePrune(
    pass: Pass,
    plan: PlanInput,
    prepared: PrepareSyncResult,
  ): Promise<WaitHealthyResult> {
    // The dry run listed the app's live objects a moment ago; with none left over, prune has
    // nothing to delete or report (an agent older than 0.12.0 does not say what it would keep).
    const nothingLeftOver =
      prepared.orphans === 0 && prepared.keptOrphans === 0 && patched(PATCHES.skipPruneWithoutOrphans);
    const prunes = (this.#input.prune || pass.purpose === 'rollback') && !nothingLeftOver;
    this.#step = `wait healthy${prunes ? ' and prune' : ''}${pass.label}`;
    const pruning: Promise<PruneResult> | undefined = prunes
      ? this.#clusterStep(pass, () =>
          this.#apply.pruneOrphans({ ...plan, propagation: prunePropagation(this.#input) }),
        )
      : undefined;
    pruning?.catch(() => undefined); // awaited below; this keeps a superseded wait from leaving it unhandled
    const waitCall = () =>
      this.#clusterStep(pass, () =>
        this.#wait.waitHealthy({ ...plan, timeoutMs: this.#profiles.healthTimeoutMs }),
      );
    const waited = pass.purpose === 'deploy' ? await this.#healthWait.run(waitCall) : await waitCall();
    const pruned = await pruning;
    const deferred = pruned?.deferred ?? 0;
    if (deferred > 0 && waited.health === 'Healthy' && patched(PATCHES.pruneLast)) {
      this.#step = `prune last: ${deferred} objects${pass.label}`;
      await this.#clusterStep(pass, () =>
        this.#apply.pruneOrphans({ ...plan, propagation: prunePropagation(this.#input), stage: 'last' }),
      );
    }
    return waited;
  }

  async #runSyncFailHooks(pass: Pass, plan: PlanInput): Promise<void> {
    this.#step = `SyncFail hooks${pass.label}`;
    await this.#clusterStep(pass, () =>
      this.#apply.runSyncFailHooks({ ...plan, waitTimeoutMs: this.#profiles.healthTimeoutMs }),
    );
  }
}
