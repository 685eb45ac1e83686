/**
 * The activities of one cluster's agent: Git, render, and the cluster verbs of a sync. Each is an
 * adapter: it rebuilds the plan from the manifest store, calls a manager verb, heartbeats while it
 * waits, and returns a small JSON result. Secret values never leave this process.
 */
import { setMaxListeners } from 'node:events';
import { Context } from '@temporalio/activity';
import { heartbeatWithProgress } from '../heartbeat.js';
import type { Logger } from 'pino';
import type {
  DeleteApplicationInput,
  ApplyStepInput,
  ChangeEntry,
  ClusterActivities,
  DetectDriftResult,
  MetricsActivities,
  DiffApplicationResult,
  PlanInput,
  PrepareSyncResult,
  RenderAndPrepareResult,
  PruneInput,
  RenderManifestsInput,
  RenderManifestsResult,
  ResolveRevisionInput,
  RunDeleteHooksInput,
  RunSyncFailHooksInput,
  WaitHealthyInput,
} from '../../contract/activities.js';
import {
  HealthDegraded,
  ManifestsMissing,
  PolicyViolation,
  RevisionNotFound,
} from '../../contract/errors.js';
import { createGitActivities } from '../git/git-activities.js';
import { RepoCache } from '../git/repo-cache.js';
import { verifyCommitSignature } from '../git/verify-commit.js';
import { aggregateHealth, assessHealth } from '../../core/health/index.js';
import { createRenderActivities } from '../render/render-activity.js';
import { defaultChartSource, type ChartSource } from '../render/chart-source/chart-source.js';
import { formatChartRevision, joinRevisions, splitRevisions } from '../../contract/revision.js';
import { ManifestStore } from '../render/manifest-store.js';
import { formatRef, refOf, refKey } from '../../contract/object-ref.js';
import type { KubeObject } from '../../contract/kube-object.js';
import { isHook } from '../../core/sync/hooks.js';
import { KubeClient } from './kube-client.js';
import {
  appliedPlanOf,
  forgetAppliedPlan,
  labelledObjects,
  loadPlan,
  recordAppliedPlan,
} from './load-plan.js';
import type { LoadedPlan } from './load-plan.js';
import { applyAll, defaultApplyOptions, FIELD_MANAGER, type AppliedObject } from './manager-apply.js';
import { SettledWrites } from './settled-writes.js';
import { createLiveWatchActivities } from './live-watch-activity.js';
import { AUTOSCALER_FIELD_MANAGER } from '../../core/autoscale/target.js';
import { deleteAll, waitForDeletion } from './manager-delete.js';
import { runHooks } from './manager-hooks.js';
import { likelyKindsOf, listTracked, noteWrittenKinds } from './manager-inventory.js';
import { observeHealth, waitForSet, type Observation } from './manager-wait.js';
import { waitEstablished } from './manager-crds.js';
import { countActions, diffApp, diffAppWithLive, diffObjectsOf } from './manager-diff.js';
import { detectDriftBatch } from './drift-batch.js';
import { assertNotShared } from './manager-shared.js';
import { onceReader, syncNamespacesReader, type LiveReader } from './live-reader.js';
import { dryRunPlan, namespacesInSync } from './manager-dry-run.js';
import { PredictionCache } from './prediction-cache.js';
import { diffDir, formatDiffCapped, MAX_DIFF_TEXT_BYTES, storeDiff } from './diff-store.js';
import type { DiffAction } from '../../core/diff/diff.js';
import { pruneStage, selectPrunable } from '../../core/sync/prune.js';
import { syncOptions, unrecognizedOptionWarnings } from '../../core/sync/sync-options.js';
import { applyStrategy } from '../../core/sync/apply-strategy.js';
import { appSyncOptions } from '../../core/sync/app-sync-options.js';
import { respectIgnoredFields } from '../../core/sync/respect-ignore.js';
import type { AgentPolicy } from '../../core/policy/project.js';
import { PolicyGuard } from './policy-guard.js';
import { answerSyncWindow, createSyncWindowActivities } from '../control/sync-window-activity.js';
import { assertRenderedFor, recordRenderedFor } from './render-provenance.js';
import { createMetricsActivities, ignoreRulesOf, leaveReplicasToAutoscaler } from './autoscale-activities.js';
import type { PrometheusClient } from '../metrics/prometheus-client.js';

export interface ClusterActivitiesOptions {
  cluster: string;
  kubeconfig?: string;
  /** What this agent may do, from its own policy file: never taken from an activity input. */
  policy: AgentPolicy;
  log?: Logger;
  metrics?: {
    k8sRequests: { inc(labels: { verb: string; code: string }): void };
    gitRequestDuration: { observe(labels: { op: string }, seconds: number): void };
  };
  /** The agent's Prometheus, for autoscaling and analysis queries; absent: every measurement says so. */
  prometheus?: PrometheusClient;
  /** Injected for tests and benchmarks; built from the defaults otherwise. */
  repoCache?: RepoCache;
  store?: ManifestStore;
  /** Charts of chart sources (repositories, OCI registries). @default defaultChartSource() */
  charts?: ChartSource;
}

/** How a diff action reads in a drift report. */
const DRIFT_CHANGE: Record<DiffAction, Pick<ChangeEntry, 'action' | 'reason'>> = {
  unchanged: { action: 'unchanged' },
  create: { action: 'created', reason: 'missing from the cluster' },
  update: { action: 'configured', reason: 'differs from Git' },
  delete: { action: 'deleted', reason: 'not in Git (requires pruning)' },
};

/**
 * One key of a Secret, decoded (`helm.valuesFrom`); undefined when the Secret or the key is absent.
 * The render has already checked that `namespace` is a destination of the app's project.
 */
async function readSecretKey(
  client: KubeClient,
  namespace: string,
  name: string,
  key: string,
): Promise<string | undefined> {
  const secret = (await client.get({ apiVersion: 'v1', kind: 'Secret', namespace, name })) as
    (KubeObject & { data?: Record<string, string> }) | undefined;
  const value = secret?.data?.[key];
  return value === undefined ? undefined : Buffer.from(value, 'base64').toString('utf8');
}

/** Heartbeat and cancellation when running as an activity; no-ops when called directly (bench). */
function activityContext(): { heartbeat: (details?: unknown) => void; signal?: AbortSignal } {
  try {
    const ctx = Context.current();
    // One activity runs many API requests in parallel, each listening on this signal.
    setMaxListeners(256, ctx.cancellationSignal);
    return { heartbeat: (d) => heartbeatWithProgress(ctx, d), signal: ctx.cancellationSignal };
  } catch {
    return { heartbeat: () => undefined };
  }
}

/** Runs `work` while heartbeating every 2 s (for waits that report no progress of their own). */
async function heartbeating<T>(
  heartbeat: (details?: unknown) => void,
  details: unknown,
  work: () => Promise<T>,
): Promise<T> {
  heartbeat(details);
  const timer = setInterval(() => heartbeat(details), 2_000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}

export async function createClusterActivities(options: ClusterActivitiesOptions): Promise<{
  activities: ClusterActivities & MetricsActivities;
  client: KubeClient;
  guard: PolicyGuard;
  close: () => void;
}> {
  const client = await KubeClient.fromKubeconfig({
    path: options.kubeconfig,
    observer: (verb, code) => options.metrics?.k8sRequests.inc({ verb, code: String(code) }),
  });
  const allowedSchemes = options.policy.settings.allowedRepoSchemes;
  const repoCache = options.repoCache ?? new RepoCache({ allowedSchemes });
  const store = options.store ?? new ManifestStore();
  const predictions = new PredictionCache();
  const settledWrites = new SettledWrites();
  const observed = (obj: KubeObject) => settledWrites.observed(obj);
  const noteWritten = (applied: readonly AppliedObject[]) => {
    for (const { result } of applied) settledWrites.note(result);
    return applied;
  };
  const guard = new PolicyGuard(options.policy, {
    name: options.cluster,
    server: client.server.href.replace(/\/$/, ''),
  });
  const git = createGitActivities({ cache: repoCache, allowedSchemes });
  const syncWindows = createSyncWindowActivities({ guard });
  const charts = options.charts ?? defaultChartSource();
  const render = createRenderActivities({
    store,
    charts,
    checkout: (url, sha) => repoCache.checkout(url, sha),
    renderPolicyFor: (app) => guard.renderPolicy(app),
    readSecretValue: (namespace, name, key) => readSecretKey(client, namespace, name, key),
  });
  const timed = <T>(op: string, run: () => Promise<T>): Promise<T> => {
    const started = performance.now();
    return run().finally(() =>
      options.metrics?.gitRequestDuration.observe({ op }, (performance.now() - started) / 1000),
    );
  };

  /** The pin a chart source's targetRevision selects now, `<version>@sha256:<digest>`. */
  async function resolveChart(source: {
    repoURL: string;
    chart: string;
    targetRevision: string;
  }): Promise<string> {
    const pin = await timed('chart-resolve', () => charts.resolve(source, activityContext().signal));
    return formatChartRevision(pin);
  }

  /**
   * Runs `resolve` for the source of `input`, or for each of its sources (in order, each with its
   * part of `targetRevision`), after checking that some project of this agent takes the repository.
   */
  async function eachSource<T>(
    input: ResolveRevisionInput,
    resolve: (source: { repoURL: string; targetRevision: string; chart?: string }) => Promise<T>,
  ): Promise<T[]> {
    const sources = input.sources ?? [input];
    const targets = input.sources ? splitRevisions(input.targetRevision) : [input.targetRevision];
    if (targets.length !== sources.length)
      throw new RevisionNotFound(
        `Revision "${input.targetRevision}" names ${targets.length} revisions for an app with ${sources.length} sources: give one per source, in the order of spec.sources, joined by ","`,
      );
    for (const source of sources) guard.assertRepoKnown(source.repoURL);
    const results: T[] = [];
    for (const [i, source] of sources.entries())
      results.push(
        await resolve({
          repoURL: source.repoURL,
          targetRevision: targets[i] ?? '',
          ...(source.chart !== undefined && { chart: source.chart }),
        }),
      );
    return results;
  }

  /** Renders an app's source at a SHA into the store, after the project's and signature checks. */
  async function renderManifests(input: RenderManifestsInput): Promise<RenderManifestsResult> {
    const sources = input.sources ?? [input];
    for (const source of sources) guard.assertSource(input.appName, source.repoURL);
    guard.assertDestination(input.appName, input.namespace);
    const keys = guard.signatureKeys(input.appName);
    if (keys.gpgPublicKeys.length > 0 || keys.sshAllowedSigners.length > 0) {
      const { signal } = activityContext();
      for (const source of sources) {
        if (source.chart !== undefined) throw unsignableChart(input.appName, source.chart);
        await verifyCommitSignature(repoCache, {
          repoURL: source.repoURL,
          sha: source.revision,
          keys,
          signal,
        });
      }
    }
    const rendered = await render.renderManifests(input);
    await recordRenderedFor(store.dir, rendered.manifestKey, input.appName);
    return rendered;
  }

  /** The plan of `input`, refused as a whole when any object breaks the app's project. */
  async function planFor(input: PlanInput): Promise<LoadedPlan> {
    guard.assertDestination(input.app, input.namespace);
    await renderIfMissing(input);
    await assertRenderedFor(store.dir, input.manifestKey, input.app);
    const loaded = await loadPlan(client, store, input);
    const { plan } = loaded;
    guard.assertObjects(
      input.app,
      [
        ...loaded.objects,
        ...plan.syncFailHooks,
        ...plan.deleteHooks.PreDelete,
        ...plan.deleteHooks.PostDelete,
      ],
      plan.createNamespace,
    );
    return loaded;
  }

  /**
   * Rendered manifests are a cache: an agent that lacks them (a second replica, a new pod, a
   * wiped disk) renders them from the plan's source, through the same checks as any render.
   */
  async function renderIfMissing(input: PlanInput): Promise<void> {
    if (!input.source || (await store.has(input.manifestKey))) return;
    if (input.source.appName !== input.app)
      throw new ManifestsMissing(
        `Rendered manifests ${input.manifestKey.slice(0, 12)} of app ${input.app} are not on this agent, and the plan's source names app ${input.source.appName}; the sync must render again`,
      );
    const rendered = await renderManifests(input.source);
    if (rendered.manifestKey !== input.manifestKey)
      throw new ManifestsMissing(
        `Rendered manifests ${input.manifestKey.slice(0, 12)} of app ${input.app} are not on this agent, and rendering ${input.source.revision.slice(0, 7)} again gave ${rendered.manifestKey.slice(0, 12)}; the sync must render again`,
      );
  }

  /**
   * Refuses to write objects another app tracks, unless the app opts in with
   * `AllowSharedResource=true`: an app never silently takes over (and later prunes) another's objects.
   */
  async function assertOwnership(
    input: PlanInput,
    objects: readonly KubeObject[],
    signal: AbortSignal | undefined,
    read: LiveReader,
  ) {
    if (appSyncOptions(input.syncOptions).allowSharedResource) return;
    await assertNotShared(client, input.app, objects, { signal, read });
  }

  function stepObjects(loaded: LoadedPlan, phase: string, wave: number): KubeObject[] {
    return (
      loaded.plan.phases.find((p) => p.phase === phase)?.waves.find((w) => w.wave === wave)?.objects ?? []
    );
  }

  /** Tracked live objects that are no longer desired (the kinds listed: see ListTrackedOptions). */
  async function orphansOf(
    input: PlanInput,
    loaded: LoadedPlan,
    signal?: AbortSignal,
    absentNamespaces?: ReadonlySet<string>,
  ) {
    const desired = new Set(loaded.objects.map((o) => refKey(refOf(o))));
    const likelyKinds = likelyKindsOf(labelledObjects(loaded));
    return selectPrunable(
      input.app,
      await listTracked(client, input.app, { signal, likelyKinds, absentNamespaces }),
      desired,
    );
  }

  /**
   * `ApplyOutOfSyncOnly=true`: the objects whose diff (ignoreDifferences honoured) is empty are
   * not applied; each is reported `skipped`. Without the option every object is applied.
   */
  async function outOfSyncOnly(
    input: PlanInput,
    loaded: LoadedPlan,
    objects: KubeObject[],
    signal?: AbortSignal,
  ): Promise<{ apply: KubeObject[]; inSync: ChangeEntry[] }> {
    if (!appSyncOptions(input.syncOptions).applyOutOfSyncOnly || objects.length === 0)
      return { apply: objects, inSync: [] };
    const diffs = await diffObjectsOf(client, loaded, objects, ignoreRulesOf(input), {
      signal,
      predictions,
    });
    const synced = new Set(diffs.filter((d) => d.action === 'unchanged').map((d) => refKey(d.ref)));
    return {
      apply: objects.filter((o) => !synced.has(refKey(refOf(o)))),
      inSync: objects
        .filter((o) => synced.has(refKey(refOf(o))))
        .map((o): ChangeEntry => ({
          ...refOf(o),
          action: 'skipped',
          reason: 'in sync (ApplyOutOfSyncOnly=true)',
        })),
    };
  }

  /** `RespectIgnoreDifferences=true`: each existing object is applied with its ignored fields' live values. */
  async function withIgnoredLiveValues(
    input: PlanInput,
    objects: KubeObject[],
    signal?: AbortSignal,
  ): Promise<KubeObject[]> {
    if (!appSyncOptions(input.syncOptions).respectIgnoreDifferences || input.ignoreDifferences.length === 0)
      return objects;
    return await Promise.all(
      objects.map(async (obj) => {
        const live = await client.get(
          {
            apiVersion: obj.apiVersion,
            kind: obj.kind,
            namespace: obj.metadata.namespace,
            name: obj.metadata.name ?? '',
          },
          signal,
        );
        return live ? respectIgnoredFields(obj, live, input.ignoreDifferences).object : obj;
      }),
    );
  }

  /** Objects a cascade delete is still removing: tracked, deletable, or already terminating. */
  async function stillDeleting(app: string, signal?: AbortSignal): Promise<KubeObject[]> {
    const tracked = await listTracked(client, app, { signal });
    const deletable = selectPrunable(
      app,
      tracked.filter((o) => syncOptions(o).delete === 'allowed'),
      new Set(),
    ).prune;
    return [...deletable, ...tracked.filter((o) => o.metadata.deletionTimestamp && !deletable.includes(o))];
  }

  const live = createLiveWatchActivities({
    client,
    store,
    ownManagers: [FIELD_MANAGER, AUTOSCALER_FIELD_MANAGER],
    context: activityContext,
    onError: (kind, error) =>
      options.log?.warn(
        { kind, err: error instanceof Error ? error.message : String(error) },
        'watch of managed objects failed; retrying',
      ),
  });

  const activities: ClusterActivities & MetricsActivities = {
    awaitLiveChanges: (input) => live.awaitLiveChanges(input),
    ...createMetricsActivities({
      client,
      guard,
      prometheus: options.prometheus,
      signal: () => activityContext().signal,
    }),
    resolveRevision: async (input) => {
      const resolved = await eachSource(input, async (source) =>
        source.chart === undefined
          ? await timed('resolve', () => git.resolveRevision(source))
          : { sha: await resolveChart({ ...source, chart: source.chart }) },
      );
      const [only] = resolved;
      const result = only && !input.sources ? only : { sha: joinRevisions(resolved.map((r) => r.sha)) };
      if (!input.syncWindow) return result;
      return { ...result, syncWindow: await answerSyncWindow(syncWindows, input.syncWindow) };
    },
    checkRemote: async (input) => {
      const shas = await eachSource(input, async (source) => {
        if (source.chart !== undefined) return await resolveChart({ ...source, chart: source.chart });
        return (await timed('ls-remote', () => git.checkRemote(source))).sha;
      });
      const sha = joinRevisions(shas);
      return { sha, moved: sha !== input.knownSha };
    },
    affectedAppPaths: async (input) => {
      guard.assertRepoKnown(input.repoURL);
      return await timed('changed-paths', () => git.affectedAppPaths(input));
    },
    listRepoDirectories: async (input) => {
      guard.assertRepoKnown(input.repoURL);
      return await timed('list-directories', () => git.listRepoDirectories(input));
    },
    renderManifests,

    async renderAndPrepare(input): Promise<RenderAndPrepareResult> {
      const rendered = await renderManifests(input.source);
      const prepared = await activities.prepareSync({ ...input, manifestKey: rendered.manifestKey });
      return { rendered, prepared };
    },

    async prepareSync(input): Promise<PrepareSyncResult> {
      const { signal } = activityContext();
      const loaded = await planFor(input);
      const opts = appSyncOptions(input.syncOptions);
      const read = onceReader(client, signal);
      const created = namespacesInSync(loaded);
      const live = syncNamespacesReader(read, created);
      await assertOwnership(
        input,
        loaded.objects.filter((o) => !isHook(o) && o !== loaded.plan.createNamespace),
        signal,
        live.read,
      );
      const changes = await dryRunPlan(client, loaded, { signal, syncOptions: opts, read });
      const absent = new Set<string>();
      for (const ns of created) if (await live.isAbsent(ns)) absent.add(ns);
      const orphans = await orphansOf(input, loaded, signal, absent);
      const deleteHooks = [...loaded.plan.deleteHooks.PreDelete, ...loaded.plan.deleteHooks.PostDelete];
      const warnings = [
        ...unrecognizedOptionWarnings([...loaded.objects, ...loaded.plan.syncFailHooks, ...deleteHooks]),
        ...(opts.respectIgnoreDifferences
          ? loaded.resources.flatMap((o) => respectIgnoredFields(o, o, input.ignoreDifferences).warnings)
          : []),
      ];
      return {
        steps: loaded.plan.phases.flatMap((p) =>
          p.waves.map((w) => ({
            phase: p.phase,
            wave: w.wave,
            objects: w.objects.filter((o) => !isHook(o)).length,
            hooks: w.objects.filter(isHook).length,
          })),
        ),
        changes,
        orphans: orphans.prune.length,
        keptOrphans: orphans.skipped.length,
        hasSyncFailHooks: loaded.plan.syncFailHooks.length > 0,
        warnings: [...new Set(warnings)],
      };
    },

    async applyStep(input: ApplyStepInput) {
      const { heartbeat, signal } = activityContext();
      const loaded = await planFor(input);
      await recordAppliedPlan(store, input);
      const opts = appSyncOptions(input.syncOptions);
      const objects = stepObjects(loaded, input.phase, input.wave);
      const crds = objects.filter((o) => o.kind === 'CustomResourceDefinition');
      const resources = objects.filter((o) => !isHook(o) && !crds.includes(o));
      const changes: ChangeEntry[] = [];
      const read = onceReader(client, signal);
      // Read as the step found things before writing: nothing exists yet in a namespace it creates.
      // A server-side apply then creates without reading first (an object a controller made in the
      // new namespace meanwhile, its `default` ServiceAccount, is applied onto all the same); the
      // other strategies create or patch by what they read, so they read after the namespace exists.
      const beforeWrites = syncNamespacesReader(read, namespacesInSync(loaded));
      const strategyOf = (o: KubeObject) => applyStrategy(o, opts);
      const applyOptions = {
        ...defaultApplyOptions(),
        strategyOf,
        read: (o: KubeObject) => (strategyOf(o).mode === 'server-side' ? beforeWrites.read(o) : read(o)),
        predictions,
        signal,
      };
      heartbeat({ step: `${input.phase}/${input.wave}`, objects: objects.length });
      noteWrittenKinds(
        client,
        input.app,
        objects.filter((o) => o !== loaded.plan.createNamespace),
      );
      await assertOwnership(
        input,
        [...crds, ...resources].filter((o) => o !== loaded.plan.createNamespace),
        signal,
        beforeWrites.read,
      );
      const { apply, inSync } = await outOfSyncOnly(input, loaded, [...crds, ...resources], signal);
      changes.push(...inSync);
      const leftToAutoscaler = await leaveReplicasToAutoscaler(
        client,
        input,
        await withIgnoredLiveValues(input, apply, signal),
        signal,
      );
      const toApply = leftToAutoscaler.objects;
      const applyCrds = toApply.filter((o) => o.kind === 'CustomResourceDefinition');
      if (applyCrds.length > 0) {
        changes.push(...noteWritten(await applyAll(client, applyCrds, applyOptions)).map((a) => a.change));
      }
      if (crds.length > 0) await waitEstablished(client, crds, { timeoutMs: 60_000, signal });
      changes.push(
        ...noteWritten(
          await applyAll(
            client,
            toApply.filter((o) => !applyCrds.includes(o)),
            applyOptions,
          ),
        ).map((a) => a.change),
      );
      await leftToAutoscaler.claim();
      const hooks = objects.filter(isHook);
      if (hooks.length > 0) {
        changes.push(
          ...(await runHooks(client, hooks, {
            timeoutMs: input.waitTimeoutMs,
            signal,
            onProgress: (m) => heartbeat(m),
          })),
        );
      }
      if (input.waitHealthy && resources.length > 0) {
        const waited = await waitForSet(client, resources, {
          timeoutMs: input.waitTimeoutMs,
          signal,
          observed,
          changes: live.changes,
          onProgress: (h) => heartbeat({ health: h }),
        });
        if (waited.health !== 'Healthy' && waited.health !== 'Suspended') {
          throw new HealthDegraded(
            `Wave ${input.wave} of ${input.phase} did not become healthy: ${waited.message ?? waited.health}`,
          );
        }
      }
      return { changes };
    },

    async pruneOrphans(input: PruneInput) {
      const { signal } = activityContext();
      const loaded = await planFor(input);
      const selection = await orphansOf(input, loaded, signal);
      const opts = appSyncOptions(input.syncOptions);
      const stage = input.stage ?? 'early';
      const staged = pruneStage(selection.prune, { stage, appPruneLast: opts.pruneLast });
      const permitted = guard.deletable(input.app, staged.now);
      const deleted = await deleteAll(client, permitted.allowed, {
        propagation: input.propagation ?? opts.prunePropagationPolicy,
        dryRun: input.dryRun,
        signal,
      });
      // Kept objects are reported once, by the early stage.
      const skipped = [...(stage === 'early' ? selection.skipped : []), ...permitted.refused].map(
        (s): ChangeEntry => ({ ...refOf(s.obj), action: 'skipped', reason: s.reason }),
      );
      if (deleted.length > 0)
        options.log?.info(
          { app: input.app, stage, pruned: deleted.map((d) => formatRef(d)) },
          'pruned objects',
        );
      return { changes: [...deleted, ...skipped], deferred: staged.deferred.length };
    },

    async deleteApplicationResources(input: DeleteApplicationInput) {
      const { signal } = activityContext();
      const tracked = await listTracked(client, input.app, { signal });
      const kept = tracked.filter((o) => syncOptions(o).delete !== 'allowed');
      const selection = selectPrunable(
        input.app,
        tracked.filter((o) => !kept.includes(o)),
        new Set(),
      );
      const permitted = guard.deletable(input.app, selection.prune);
      const deleted = await deleteAll(client, permitted.allowed, {
        propagation: input.propagation ?? 'foreground',
        signal,
      });
      const skipped = [
        ...kept.map((o): ChangeEntry => ({ ...refOf(o), action: 'skipped', reason: 'Delete=false' })),
        ...[...selection.skipped, ...permitted.refused].map((s): ChangeEntry => ({
          ...refOf(s.obj),
          action: 'skipped',
          reason: s.reason,
        })),
      ];
      options.log?.info({ app: input.app, deleted: deleted.length }, 'deleted application resources');
      return { changes: [...deleted, ...skipped], deferred: 0 };
    },

    async runDeleteHooks(input: RunDeleteHooksInput) {
      const { heartbeat, signal } = activityContext();
      const recorded = input.plan ?? (await appliedPlanOf(store, input.app));
      if (!recorded) {
        options.log?.info(
          { app: input.app, phase: input.phase },
          'no applied plan recorded: no delete hooks',
        );
        return { changes: [] };
      }
      const hooks = (await planFor(recorded)).plan.deleteHooks[input.phase];
      const changes = await heartbeating(heartbeat, { phase: input.phase, hooks: hooks.length }, async () => {
        if (input.phase === 'PostDelete' && hooks.length > 0) {
          const pending = await stillDeleting(input.app, signal);
          await waitForDeletion(client, pending, { timeoutMs: input.timeoutMs, signal });
        }
        return await runHooks(client, hooks, {
          timeoutMs: input.timeoutMs,
          signal,
          onProgress: (m) => heartbeat(m),
        });
      });
      if (input.phase === 'PostDelete') await forgetAppliedPlan(store, input.app);
      return { changes };
    },

    async waitHealthy(input: WaitHealthyInput) {
      const { heartbeat, signal } = activityContext();
      const loaded = await planFor(input);
      const waited = await waitForSet(client, loaded.resources, {
        timeoutMs: input.timeoutMs,
        signal,
        observed,
        changes: live.changes,
        onProgress: (health, resources) =>
          heartbeat({ health, notHealthy: resources.filter((r) => r.health !== 'Healthy').length }),
      });
      return { ...waited, finishedAt: new Date().toISOString() };
    },

    async detectDrift(input): Promise<DetectDriftResult> {
      const { signal } = activityContext();
      const loaded = await planFor(input);
      const { diffs, live } = await diffAppWithLive(client, loaded, ignoreRulesOf(input), input.app, {
        signal,
        predictions,
      });
      // The health of what the diff read, without reading it again (a fleet's drift-scan read each
      // object twice); only objects it found missing are asked for again.
      const read = new Map<number, Observation>();
      live.forEach((obj, i) => {
        if (obj) read.set(i, { live: obj, result: assessHealth(obj) });
      });
      const observed = await observeHealth(client, loaded.resources, signal, read);
      const changes = diffs
        .filter((d) => d.action !== 'unchanged')
        .map((d): ChangeEntry => ({ ...d.ref, ...DRIFT_CHANGE[d.action] }));
      const health = aggregateHealth(observed.results);
      const unhealthy = observed.resources.find((r) => r.health === health && health !== 'Healthy');
      return {
        drifted: changes.length > 0,
        changedObjects: changes.length,
        changes,
        health,
        healthMessage: unhealthy
          ? `${formatRef(unhealthy)}: ${unhealthy.message ?? unhealthy.health}`
          : undefined,
      };
    },

    detectDriftBatch: (input) =>
      detectDriftBatch(input, (app) => activities.detectDrift(app), activityContext()),

    async diffApplication(input: PlanInput): Promise<DiffApplicationResult> {
      const { signal } = activityContext();
      const diffs = await diffApp(client, await planFor(input), ignoreRulesOf(input), input.app, {
        signal,
        predictions,
      });
      const summary = countActions(diffs);
      const warnings = [...new Set(diffs.flatMap((d) => d.warnings))];
      const objects = diffs
        .filter((d) => d.action !== 'unchanged')
        .map((d) => ({ ...d.ref, action: d.action, diff: d.diff }));
      const stored = {
        app: input.app,
        manifestKey: input.manifestKey,
        objects,
        unchanged: summary.unchanged,
        warnings,
      };
      const diffKey = await storeDiff(diffDir(store.dir), stored);
      // The text travels back through Temporal (for `mooring app diff`), so it is capped.
      const { text, truncated } = formatDiffCapped(stored, MAX_DIFF_TEXT_BYTES);
      return { summary, manifestKey: input.manifestKey, diffKey, warnings, text, truncated };
    },

    async runSyncFailHooks(input: RunSyncFailHooksInput) {
      const { heartbeat, signal } = activityContext();
      const loaded = await planFor(input);
      noteWrittenKinds(client, input.app, loaded.plan.syncFailHooks);
      const changes = await runHooks(client, loaded.plan.syncFailHooks, {
        timeoutMs: input.waitTimeoutMs,
        signal,
        onProgress: (m) => heartbeat(m),
      });
      return { changes };
    },
  };
  return {
    activities,
    client,
    guard,
    close: () => {
      live.close();
      client.close();
    },
  };
}

/**
 * A project that requires signed commits cannot take a chart from a repository or registry: there
 * is no commit to verify (Argo CD skips the check for Helm sources; Mooring refuses instead).
 */
function unsignableChart(app: string, chart: string): PolicyViolation {
  return new PolicyViolation(
    `Refused: app ${app}'s project requires signed commits (signatureKeys), and chart "${chart}" comes from a chart repository or registry, which has no commit signature to verify; keep the chart in a Git repository whose commits are signed, or move the app to a project without signatureKeys`,
  );
}
