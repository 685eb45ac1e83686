/**
 * The activity contract between workflows and workers: each activity interface declared once, with
 * its inputs and results. They are small JSON: rendered manifests stay in the agent's manifest store
 * and travel as keys; a diff comes back as masked text bounded in size. They never contain Secret
 * values.
 */
import type { AppSource, AppSpec, AutoscalingPolicy, IgnoreDifference } from '../config/types.js';
import { joinRevisions, splitRevisions } from './revision.js';
import type { HealthStatusCode } from './kube-object.js';
import type { ObjectRef } from './object-ref.js';

export type SyncPhaseName = 'PreSync' | 'Sync' | 'PostSync';

export type ChangeAction = 'created' | 'configured' | 'unchanged' | 'deleted' | 'skipped';

export interface ChangeEntry extends ObjectRef {
  action: ChangeAction;
  reason?: string;
}

/** Input of `resolveRevision`. Credentials never travel here; a URL's userinfo is ignored. */
export interface ResolveRevisionInput {
  repoURL: string;
  /**
   * Branch, tag, full or abbreviated commit SHA, a semver range of tags, or `HEAD` (also when
   * empty); with `chart`, a chart version or semver range.
   */
  targetRevision: string;
  /**
   * A Helm chart in the chart repository or OCI registry `repoURL` (absent for a Git source): the
   * revision is then the chart's pin `<version>@sha256:<digest>`, never a commit.
   */
  chart?: string;
  /**
   * An app with several sources: each is resolved (`targetRevision` then holds one revision per
   * source, joined by ","), and the result's `sha` is the app's revision (contract/revision.ts).
   * `repoURL` and `chart` above are the first source's.
   */
  sources?: SourceLocation[];
  /**
   * Also answer the app's sync windows, as `checkSyncWindow` would (since 0.16.0): an app's first
   * auto-sync needs both, and one call is one activity and one workflow task fewer. An older agent
   * ignores it and its result has no `syncWindow`; the workflow then asks `checkSyncWindow`.
   */
  syncWindow?: CheckSyncWindowInput;
}

/** Where one source of an app with several lives. */
export interface SourceLocation {
  repoURL: string;
  chart?: string;
}

/** Result of `resolveRevision`. */
export interface ResolveRevisionResult {
  /**
   * The full commit SHA, present in the agent's mirror; for a chart source the pin
   * `<version>@sha256:<digest>`, which plays the part of a SHA everywhere a revision is recorded.
   */
  sha: string;
  /** When `targetRevision` is a semver constraint (`^1.2.0`): the tag it chose, e.g. `v1.2.3`. */
  tag?: string;
  /** The sync windows' answer, when the input asked for it. */
  syncWindow?: SyncWindowAnswer;
}

/** Input of `checkRemote`. */
export interface CheckRemoteInput extends ResolveRevisionInput {
  /** The commit the caller last saw for this revision. */
  knownSha?: string;
}

/** Result of `checkRemote`. */
export interface CheckRemoteResult {
  /** The commit the revision names on the remote now (a chart source: the pin it selects now). */
  sha: string;
  /** True when `sha` differs from `knownSha`, or when no `knownSha` was given. */
  moved: boolean;
}

/** Input of `affectedAppPaths`. */
export interface AffectedAppPathsInput {
  repoURL: string;
  /** The commit the apps last saw (full SHA). */
  from: string;
  /** The new commit (full SHA). */
  to: string;
  /** The apps' directories in the repository. */
  paths: string[];
}

/** Result of `affectedAppPaths`. */
export interface AffectedAppPathsResult {
  /** The subset of `paths` whose sources (directory, kustomize references, chart dependencies) changed. */
  affected: string[];
  /** How many files differ between the two commits. */
  changedFiles: number;
}

/** Input of `awaitLiveChanges`. */
export interface AwaitLiveChangesInput {
  /** The manifests the cluster's apps last applied: the agent watches every kind they hold. */
  manifestKeys: string[];
  /** Longest wait for a change; the activity then returns an empty list. */
  maxWaitMs: number;
}

/** Result of `awaitLiveChanges`. */
export interface AwaitLiveChangesResult {
  /** Apps whose managed objects someone other than Mooring changed or deleted (candidates: not yet compared). */
  apps: string[];
  /** How many kinds the agent watches. */
  watchedKinds: number;
  /** Manifest keys this agent does not hold (their kinds are watched once an agent holding them runs the watch). */
  missingManifests: number;
}

/** Input of `renderManifests`: small, no secrets, safe in Temporal history. */
export interface RenderManifestsInput {
  appName: string;
  repoURL: string;
  /** Full commit SHA, already resolved; with `chart`, the chart's pin `<version>@sha256:<digest>`. */
  revision: string;
  /** Directory inside the repository, relative to its root ("" for a chart source). */
  path: string;
  /** A Helm chart in the chart repository or OCI registry `repoURL`, rendered instead of a checkout. */
  chart?: string;
  /**
   * An app with several sources: each rendered at its own revision, `$<ref>/...` value files read
   * from the source of that ref, and the objects deployed together. `revision` is then the app's
   * (each source's, joined by ","); the fields above are the first source's.
   */
  sources?: RenderSource[];
  /** Destination namespace (Helm's `--namespace`). */
  namespace: string;
  helm?: AppSource['helm'];
  kustomize?: AppSource['kustomize'];
  directory?: AppSource['directory'];
}

/** One source of an app with several, at its resolved revision. */
export interface RenderSource {
  repoURL: string;
  /** Full commit SHA, or a chart's pin. */
  revision: string;
  /** Directory inside the repository ("" for a chart or a ref-only source). */
  path: string;
  chart?: string;
  /** The name other sources' `$<ref>/...` value files use for this one. */
  ref?: string;
  helm?: AppSource['helm'];
  kustomize?: AppSource['kustomize'];
  directory?: AppSource['directory'];
}

/** Result of `renderManifests`: a key into the agent's manifest store plus counts, never the objects. */
export interface RenderManifestsResult {
  manifestKey: string;
  objectCount: number;
  /** Object count per kind, e.g. `{ Deployment: 1, Service: 1 }`. */
  kinds: Record<string, number>;
  /** Objects that run as sync hooks (Mooring or Argo CD hook annotation). */
  hookCount: number;
}

/** What every cluster-side step needs to rebuild the same plan from the same manifests. */
export interface PlanInput {
  app: string;
  manifestKey: string;
  namespace: string;
  syncOptions: string[];
  ignoreDifferences: IgnoreDifference[];
  /**
   * How these manifests were rendered. An agent that does not hold them (a second replica, a new
   * pod, a wiped disk) renders them again from this before the step: same SHA and source, same
   * key. Absent in calls scheduled before 0.3.0; then the step fails with ManifestsMissing.
   */
  source?: RenderManifestsInput;
  /**
   * The app's autoscaled workload (`spec.autoscaling`): its `spec.replicas` belongs to the field
   * manager `mooring-autoscaler`, so apply leaves it alone and diff and drift ignore it.
   */
  autoscaled?: AutoscaledTarget;
}

export interface AutoscaledTarget {
  /** `Kind/name`, in the app's namespace. */
  target: string;
  min: number;
  max: number;
}

/**
 * What `resolveRevision`/`checkRemote` ask about an app's sources: the repository, the revision
 * wanted (the app's own unless given) and, only when needed, the chart and the other sources (so
 * a Git source's input stays as recorded histories have it).
 */
export function revisionQueryOf(
  spec: { source: RevisionSource; sources?: readonly RevisionSource[] },
  targetRevision?: string,
): ResolveRevisionInput {
  const { source, sources } = spec;
  return {
    repoURL: source.repoURL,
    targetRevision: targetRevision ?? joinRevisions((sources ?? [source]).map((s) => s.targetRevision)),
    ...(source.chart !== undefined && { chart: source.chart }),
    ...(sources && { sources: sources.map(sourceLocation) }),
  };
}

/** What resolving a source's revision needs of it. */
type RevisionSource = Pick<AppSource, 'repoURL' | 'targetRevision' | 'chart'>;

function sourceLocation(source: RevisionSource): SourceLocation {
  return { repoURL: source.repoURL, ...(source.chart !== undefined && { chart: source.chart }) };
}

/**
 * The render of `spec`'s sources at `revision` (a resolved SHA or chart pin; for several sources,
 * theirs joined). A revision that does not name one per source leaves the extra sources without
 * one, which the render refuses.
 */
export function renderInputOf(spec: AppSpec, revision: string, appName = spec.name): RenderManifestsInput {
  const { source, sources } = spec;
  const revisions = splitRevisions(revision);
  return {
    appName,
    repoURL: source.repoURL,
    revision,
    path: source.path,
    namespace: spec.destination.namespace,
    helm: source.helm,
    kustomize: source.kustomize,
    directory: source.directory,
    ...(source.chart !== undefined && { chart: source.chart }),
    ...(sources && { sources: sources.map((s, i) => renderSourceOf(s, revisions[i] ?? '')) }),
  };
}

function renderSourceOf(source: AppSource, revision: string): RenderSource {
  return {
    repoURL: source.repoURL,
    revision,
    path: source.path,
    ...(source.chart !== undefined && { chart: source.chart }),
    ...(source.ref !== undefined && { ref: source.ref }),
    ...(source.helm && { helm: source.helm }),
    ...(source.kustomize && { kustomize: source.kustomize }),
    ...(source.directory && { directory: source.directory }),
  };
}

/** A plan's `autoscaled` for an app's autoscaling policy (undefined without one). */
export function autoscaledTarget(policy: AutoscalingPolicy | undefined): AutoscaledTarget | undefined {
  return policy && { target: policy.target, min: policy.min, max: policy.max };
}

export interface MeasureAutoscalingInput {
  app: string;
  namespace: string;
  target: string;
  query: string;
}

export interface MeasureAutoscalingResult {
  currentReplicas?: number;
  value?: number;
  /** Why nothing could be measured; the autoscaler then changes nothing. */
  problem?: string;
}

export interface ScaleTargetInput {
  app: string;
  namespace: string;
  target: string;
  replicas: number;
}

export interface ScaleTargetResult {
  previousReplicas?: number;
  replicas: number;
}

export interface QueryMetricInput {
  app: string;
  /** For messages: the analysis check. */
  check: string;
  query: string;
}

export type QueryMetricResult = { value: number } | { noData: string };

/**
 * Prometheus-backed calls on a cluster's agent: the agent queries its own Prometheus
 * (`MOORING_PROMETHEUS_URL`), never an address from a spec.
 */
export interface MetricsActivities {
  /** The autoscaled target's replicas and the policy's query value. */
  measureAutoscaling(input: MeasureAutoscalingInput): Promise<MeasureAutoscalingResult>;
  /** Server-side apply of the target's `spec.replicas` under the field manager `mooring-autoscaler`. */
  scaleTarget(input: ScaleTargetInput): Promise<ScaleTargetResult>;
  /** One analysis measurement. */
  queryMetric(input: QueryMetricInput): Promise<QueryMetricResult>;
}

export interface PlannedStep {
  phase: SyncPhaseName;
  wave: number;
  objects: number;
  hooks: number;
}

export interface PrepareSyncResult {
  steps: PlannedStep[];
  /** Counts by action the apply would take: created, configured, unchanged. */
  changes: Record<'created' | 'configured' | 'unchanged', number>;
  /** Tracked live objects that are no longer desired (prune candidates). */
  orphans: number;
  /**
   * Tracked live objects no longer desired that prune would keep and report (Prune=false and the
   * like). Always set by current workers; absent in results recorded by older ones.
   */
  keptOrphans?: number;
  hasSyncFailHooks: boolean;
  /**
   * Options the sync cannot honour, one message per object and option, naming both (unknown items
   * of `argocd.argoproj.io/sync-options`, ignore rules RespectIgnoreDifferences cannot keep).
   * Always set by current workers; absent in results recorded by older ones.
   */
  warnings?: string[];
}

/**
 * Input of `renderAndPrepare`: a plan whose manifests are not rendered yet. `source` is required
 * (it is what gets rendered); the manifest key is the render's.
 */
export type RenderAndPrepareInput = Omit<PlanInput, 'manifestKey' | 'source'> & {
  source: RenderManifestsInput;
};

/** Result of `renderAndPrepare`: what `renderManifests` and then `prepareSync` would have returned. */
export interface RenderAndPrepareResult {
  rendered: RenderManifestsResult;
  prepared: PrepareSyncResult;
}

export interface ApplyStepInput extends PlanInput {
  phase: SyncPhaseName;
  wave: number;
  /** Hooks always run to completion; with `waitHealthy` the step's other objects must become healthy too (sync waves). */
  waitHealthy: boolean;
  waitTimeoutMs: number;
}

export interface ApplyStepResult {
  changes: ChangeEntry[];
}

export interface PruneInput extends PlanInput {
  /** @default the app's `PrunePropagationPolicy` sync option, else 'foreground' */
  propagation?: 'foreground' | 'background' | 'orphan';
  dryRun?: boolean;
  /**
   * `early` prunes every orphan except those marked `PruneLast=true` (none at all with the app
   * option `PruneLast=true`) and counts the rest in `deferred`; `last`, called after the health
   * wait when `deferred > 0`, prunes exactly those.
   * @default 'early'
   */
  stage?: 'early' | 'last';
}

export interface PruneResult {
  changes: ChangeEntry[];
  /**
   * Orphans left for the `last` stage (0 from the `last` stage and from a cascade delete). Always
   * set by current workers; absent in results recorded by older ones.
   */
  deferred?: number;
}

export interface ResourceHealth extends ObjectRef {
  health: HealthStatusCode;
  message?: string;
}

export interface WaitHealthyInput extends PlanInput {
  timeoutMs: number;
}

export interface WaitHealthyResult {
  /** Healthy, or why the wait ended: Degraded (failed fast), Progressing (timed out), Missing. */
  health: HealthStatusCode;
  message?: string;
  resources: ResourceHealth[];
  timedOut: boolean;
  finishedAt: string;
}

export interface DetectDriftResult {
  drifted: boolean;
  changedObjects: number;
  changes: ChangeEntry[];
  health: HealthStatusCode;
  healthMessage?: string;
}

/** What drift-scan needs of one app's drift: `DetectDriftResult` without the per-object list. */
export type DriftSummary = Omit<DetectDriftResult, 'changes'>;

/** Most apps in one `detectDriftBatch` call (the agent refuses more). */
export const MAX_DRIFT_BATCH = 200;

/** Input of `detectDriftBatch`: apps of one cluster, each as `detectDrift` takes it. */
export interface DetectDriftBatchInput {
  apps: PlanInput[];
}

/** One app's outcome in a batch, in input order: its drift, or why it could not be checked. */
export type DriftBatchEntry = { drift: DriftSummary } | { error: string };

export interface DetectDriftBatchResult {
  results: DriftBatchEntry[];
}

export interface RunSyncFailHooksInput extends PlanInput {
  waitTimeoutMs: number;
}

/** Input of `listRepoDirectories` (ApplicationSet git directory generators). No credentials. */
export interface ListRepoDirectoriesInput {
  repoURL: string;
  /** Branch, tag or SHA; `HEAD` when empty. */
  revision: string;
}

/** Result of `listRepoDirectories`: at most 10,000 directories, or the activity fails. */
export interface ListRepoDirectoriesResult {
  /** The commit that was read. */
  sha: string;
  /** Every directory except hidden ones ("/"-separated, relative to the root), sorted. */
  directories: string[];
}

/** Activities that run on a cluster's task queue (`mooring-cluster-<name>`). */
export interface ClusterActivities {
  resolveRevision(input: ResolveRevisionInput): Promise<ResolveRevisionResult>;
  checkRemote(input: CheckRemoteInput): Promise<CheckRemoteResult>;
  /** Which app directories a commit touched: git-poll refreshes only those apps of a monorepo. */
  affectedAppPaths(input: AffectedAppPathsInput): Promise<AffectedAppPathsResult>;
  renderManifests(input: RenderManifestsInput): Promise<RenderManifestsResult>;
  prepareSync(input: PlanInput): Promise<PrepareSyncResult>;
  /**
   * `renderManifests` then `prepareSync` in one call: a sync's first step, one activity and one
   * workflow task fewer. Agents older than 0.14.0 lack it; the sync workflow then makes the two calls.
   */
  renderAndPrepare(input: RenderAndPrepareInput): Promise<RenderAndPrepareResult>;
  applyStep(input: ApplyStepInput): Promise<ApplyStepResult>;
  pruneOrphans(input: PruneInput): Promise<PruneResult>;
  waitHealthy(input: WaitHealthyInput): Promise<WaitHealthyResult>;
  detectDrift(input: PlanInput): Promise<DetectDriftResult>;
  /**
   * drift-scan's check of many apps in one call: `detectDrift` for each, a few at a time; an app
   * that cannot be checked gets its error, the others their drift.
   */
  detectDriftBatch(input: DetectDriftBatchInput): Promise<DetectDriftBatchResult>;
  /**
   * Waits (heartbeating) until the agent's watch on managed objects sees changes not made by
   * Mooring, debounced, and returns their apps; drift-watch then runs `detectDrift` on them.
   */
  awaitLiveChanges(input: AwaitLiveChangesInput): Promise<AwaitLiveChangesResult>;
  runSyncFailHooks(input: RunSyncFailHooksInput): Promise<ApplyStepResult>;
  /** Per-object diff of the desired state against the cluster (server-side dry run); writes nothing. */
  diffApplication(input: PlanInput): Promise<DiffApplicationResult>;
  /** `app delete --cascade`: deletes every live object tracked as the app's (not `Delete=false` ones). */
  deleteApplicationResources(input: DeleteApplicationInput): Promise<PruneResult>;
  /**
   * `app delete --cascade`: runs the app's PreDelete hooks (before anything is deleted; a failed hook
   * fails with HookFailed naming it) or PostDelete hooks (after the deleted objects are gone), from
   * the manifests the app last applied on this worker. Delete policies are honoured.
   */
  runDeleteHooks(input: RunDeleteHooksInput): Promise<ApplyStepResult>;
  /** The directories of a repository at a revision, for ApplicationSet git generators (`app apply`). */
  listRepoDirectories(input: ListRepoDirectoriesInput): Promise<ListRepoDirectoriesResult>;
}

export interface ApplicationSummary {
  name: string;
  workflowId: string;
  cluster: string;
  repoURL: string;
  targetRevision: string;
  /** The Helm chart of a chart source (absent for a Git source). */
  chart?: string;
  /** Every source of an app with several (the fields above are the first one's). */
  sources?: SourceSummary[];
  headRevision?: string;
  deployedRevision?: string;
  manifestKey?: string;
  /** Directory of the app in its repository. */
  path?: string;
  /** `spec.syncPolicy.interval`: how often git-poll checks the app's repository. */
  interval?: string;
  namespace: string;
  syncOptions: string[];
  ignoreDifferences: IgnoreDifference[];
  sync?: string;
  health?: string;
  /** The app's last drift report found differences. */
  drifted?: boolean;
  /** `spec.autoscaling` and where the app's autoscaler stands. */
  autoscaling?: AutoscalingSummary;
}

/** One source of an app with several, as the fleet workflows and the webhook see it. */
export interface SourceSummary {
  repoURL: string;
  targetRevision: string;
  path: string;
  chart?: string;
}

export interface AutoscalingSummary {
  policy: AutoscalingPolicy;
  /** The target's replicas as the app last knew them. */
  replicas?: number;
  /** The app remembers recommendations a stabilization window holds: it must hear every evaluation. */
  pending: boolean;
  /** What keeps the autoscaler from measuring, as the app reports it (AutoscalingUnavailable). */
  problem?: string;
}

export interface OperationRecord {
  app: string;
  outcome: 'Succeeded' | 'Failed' | 'RolledBack' | 'Superseded' | 'Terminated';
  initiatedBy: string;
  durationMs: number;
  drift?: boolean;
}

/** Activities that talk to Temporal itself; they run on the workflow task queue. */
/** Which apps `listApplications` returns (all of the worker's queue when empty). */
export interface ApplicationFilter {
  cluster?: string;
  /** App names (at most 100). */
  names?: string[];
  /**
   * Only the apps whose `syncPolicy.interval` is due in the git-poll tick ending at `tickEndMs`
   * (core/poll/poll-due.ts): filtered by the activity, so a run's history holds the few apps it
   * checks, not the whole fleet.
   */
  pollDue?: { tickEndMs: number; tickMs: number };
  /** Only the apps with `spec.autoscaling` (filtered by the activity, as `pollDue`). */
  autoscaled?: boolean;
  /**
   * Only the apps in part `index` of `count` (by a hash of the name): a fleet listed in parts keeps
   * each activity result far under Temporal's payload limit (2 MB; 1,000 apps are about 540 KB).
   */
  shard?: { index: number; count: number };
  /**
   * List the fleet again instead of trusting the worker's index (drift-watch, which lists every
   * few minutes and pauses a minute when it finds no deployed app: an index listed while an app's
   * workflow had not described itself yet hid that app for up to 10 s).
   */
  fresh?: boolean;
}

/** Most parts a listing may be split into. */
export const MAX_LISTING_SHARDS = 64;

/**
 * Most bytes of JSON one page of `listApplicationPage` holds: the SDK warns about an activity
 * result over 512 KB and Temporal refuses one over 2 MB, while 1,000 apps are about 540 KB.
 */
export const MAX_LISTING_PAGE_BYTES = 256 * 1024;

export interface ListApplicationPageInput {
  filter?: ApplicationFilter;
  /** The `next` of the previous page; absent for the first. */
  after?: string;
}

/** Apps by name, in order, after the cursor; a small selection is one page. */
export interface ApplicationPage {
  apps: ApplicationSummary[];
  /** The cursor of the next page; absent on the last. */
  next?: string;
}

export interface ControlActivities {
  listApplications(filter?: ApplicationFilter): Promise<ApplicationSummary[]>;
  /**
   * The apps `filter` selects, in pages of at most MAX_LISTING_PAGE_BYTES: a selection of any size
   * costs one activity while it is small and never outgrows Temporal's payload limit.
   */
  listApplicationPage(input: ListApplicationPageInput): Promise<ApplicationPage>;
  /** Starts the drift-watch workflow of each cluster that has none running; returns those it started. */
  ensureDriftWatches(input: { clusters: string[] }): Promise<{ started: string[] }>;
  /**
   * App of apps, control-plane half: registers the child apps an agent returned (`childApplications`).
   * The specs are untrusted input: each is validated again, and an app the parent did not create
   * is never overwritten.
   */
  registerChildApplications(input: RegisterChildApplicationsInput): Promise<RegisterChildApplicationsResult>;
}

/** Result of `diffApplication`: counts here, the full per-object diff in the worker's diff store. */
export interface DiffApplicationResult {
  summary: Record<'create' | 'update' | 'delete' | 'unchanged', number>;
  manifestKey: string;
  /** Key of the stored diff (`readStoredDiff` in activities/cluster/diff-store.ts); Secret values masked. */
  diffKey: string;
  /** Ignore rules that could not be honoured. */
  warnings: string[];
  /** The readable diff (Secret values masked), capped at 256 KiB; the stored diff has all of it. */
  text: string;
  /** True when `text` was cut at the cap (it then says how many changed objects it leaves out). */
  truncated: boolean;
}

/** Input of `childApplications` (and of the older `registerApplications`). */
export interface RegisterApplicationsInput {
  /** The app of apps. */
  app: string;
  manifestKey: string;
  /** The revision rendered, for messages. */
  revision: string;
}

export type ChildApplicationsInput = RegisterApplicationsInput;

/** Result of `childApplications`: plain specs (never Secret values), checked against the agent's policy. */
export interface ChildApplicationsResult {
  specs: AppSpec[];
  /** What the Application and ApplicationSet objects hold that Mooring ignores, one message each. */
  warnings: string[];
}

/** How registering one child app went. */
export interface RegisteredApplication {
  name: string;
  outcome: 'created' | 'configured' | 'unchanged';
}

/** Input of `registerChildApplications`. */
export interface RegisterChildApplicationsInput {
  /** The app of apps: recorded as the creator of the apps it creates. */
  parent: string;
  /** The revision the specs were rendered from, for messages. */
  revision: string;
  /** What `childApplications` returned; validated again before use. */
  specs: AppSpec[];
}

export interface RegisterChildApplicationsResult {
  registered: RegisteredApplication[];
}

export interface RegisterApplicationsResult extends RegisterChildApplicationsResult {
  warnings: string[];
}

/**
 * App of apps, agent half: reads the Applications an app renders. On the cluster's queue (the
 * manifest store is there); needs no Temporal client.
 */
export interface AppOfAppsActivities {
  childApplications(input: ChildApplicationsInput): Promise<ChildApplicationsResult>;
}

/**
 * App of apps as syncs started before the `childAppsOnControlPlane` patch call it: read and register
 * in one call on the cluster's queue. Needs a Temporal client, so only a combined worker serves it.
 */
export interface LegacyAppOfAppsActivities {
  registerApplications(input: RegisterApplicationsInput): Promise<RegisterApplicationsResult>;
}

export interface DeleteApplicationInput {
  app: string;
  /** @default 'foreground' */
  propagation?: 'foreground' | 'background' | 'orphan';
}

/** Input of `runDeleteHooks`. */
export interface RunDeleteHooksInput {
  app: string;
  /** The app's last deployed plan; when absent, the plan this agent recorded at its last apply. */
  plan?: PlanInput;
  phase: 'PreDelete' | 'PostDelete';
  /** How long each hook (and, for PostDelete, the deletion before it) may take. */
  timeoutMs: number;
}

/**
 * Input of `checkSyncWindow`: sync windows, on the cluster's queue where the agent's policy is
 * (activities/control/sync-window-activity.ts), say whether the app may sync now and from when.
 */
export interface CheckSyncWindowInput {
  app: string;
  /** The app's destination namespace (windows may match it). */
  namespace: string;
  /** Auto-sync (new commit, self-heal) or a sync an operator asked for. */
  trigger: 'automatic' | 'manual';
}

/** Result of `checkSyncWindow`: the verdict, instants as ISO 8601 strings. */
export interface CheckSyncWindowResult {
  allowed: boolean;
  /** A code of core/policy/sync-windows.ts `SYNC_WINDOW_REASONS` (`DenyWindowActive`, ...). */
  reason: string;
  message: string;
  /** The app's project in the agent's policy. */
  project: string;
  /** The windows that apply to the app, and those of them active at `evaluatedAt`. */
  matched: string[];
  active: string[];
  /** When the agent evaluated the windows. */
  evaluatedAt: string;
  /** When blocked: the first instant the sync may run. */
  openAt?: string;
  /** When blocked and no opening was found within a year: blocked at least until then. */
  blockedAtLeastUntil?: string;
  /** When `allowed` next flips, if within a year. */
  nextChangeAt?: string;
}

/**
 * `checkSyncWindow`'s answer given inside another call: the verdict, or why there is none (a
 * failed check lets a sync through with a warning, so it does not fail the call it rides on).
 */
export interface SyncWindowAnswer {
  answer?: CheckSyncWindowResult;
  failure?: string;
}

/** The sync-window activities of an agent. */
export interface SyncWindowActivities {
  checkSyncWindow(input: CheckSyncWindowInput): Promise<CheckSyncWindowResult>;
}
