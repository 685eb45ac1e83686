/**
 * The activity contract between workflows and workers: names, inputs and results. Inputs and
 * results are small JSON (rendered manifests and diffs stay in the worker's manifest store and
 * travel as keys), and never contain Secret values.
 */
import type { AppSource, IgnoreDifference } from '../config/types.js';
import type { HealthStatusCode } from './kube-object.js';
import type { ObjectRef } from './object-ref.js';

export type SyncPhaseName = 'PreSync' | 'Sync' | 'PostSync';

export type ChangeAction = 'created' | 'configured' | 'unchanged' | 'deleted' | 'skipped';

export interface ChangeEntry extends ObjectRef {
  action: ChangeAction;
  reason?: string;
}

export interface ResolveRevisionInput {
  repoURL: string;
  targetRevision: string;
}

export interface CheckRemoteInput extends ResolveRevisionInput {
  knownSha?: string;
}

export interface RenderManifestsInput {
  appName: string;
  repoURL: string;
  /** A full commit SHA. */
  revision: string;
  path: string;
  namespace: string;
  helm?: AppSource['helm'];
  kustomize?: AppSource['kustomize'];
  directory?: AppSource['directory'];
}

export interface RenderManifestsResult {
  manifestKey: string;
  objectCount: number;
  kinds: Record<string, number>;
  hookCount: number;
}

/** What every cluster-side step needs to rebuild the same plan from the same manifests. */
export interface PlanInput {
  app: string;
  manifestKey: string;
  namespace: string;
  syncOptions: string[];
  ignoreDifferences: IgnoreDifference[];
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
  hasSyncFailHooks: boolean;
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
  /** @default 'foreground' */
  propagation?: 'foreground' | 'background' | 'orphan';
  dryRun?: boolean;
}

export interface PruneResult {
  changes: ChangeEntry[];
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

export interface RunSyncFailHooksInput extends PlanInput {
  waitTimeoutMs: number;
}

/** Activities that run on a cluster's task queue (`mooring-cluster-<name>`). */
export interface ClusterActivities {
  resolveRevision(input: ResolveRevisionInput): Promise<{ sha: string }>;
  checkRemote(input: CheckRemoteInput): Promise<{ sha: string; moved: boolean }>;
  renderManifests(input: RenderManifestsInput): Promise<RenderManifestsResult>;
  prepareSync(input: PlanInput): Promise<PrepareSyncResult>;
  applyStep(input: ApplyStepInput): Promise<ApplyStepResult>;
  pruneOrphans(input: PruneInput): Promise<PruneResult>;
  waitHealthy(input: WaitHealthyInput): Promise<WaitHealthyResult>;
  detectDrift(input: PlanInput): Promise<DetectDriftResult>;
  runSyncFailHooks(input: RunSyncFailHooksInput): Promise<ApplyStepResult>;
  /** Per-object diff of the desired state against the cluster (server-side dry run); writes nothing. */
  diffApplication(input: PlanInput): Promise<DiffApplicationResult>;
  /** `app delete --cascade`: deletes every live object tracked as the app's (not `Delete=false` ones). */
  deleteApplicationResources(input: DeleteApplicationInput): Promise<PruneResult>;
}

export interface ApplicationSummary {
  name: string;
  workflowId: string;
  cluster: string;
  repoURL: string;
  targetRevision: string;
  headRevision?: string;
  deployedRevision?: string;
  manifestKey?: string;
  namespace: string;
  syncOptions: string[];
  ignoreDifferences: IgnoreDifference[];
  sync?: string;
  health?: string;
  /** The app's last drift report found differences. */
  drifted?: boolean;
}

export interface OperationRecord {
  app: string;
  outcome: 'Succeeded' | 'Failed' | 'RolledBack' | 'Superseded';
  initiatedBy: string;
  durationMs: number;
  drift?: boolean;
}

/** Activities that talk to Temporal itself; they run on the workflow task queue. */
export interface ControlActivities {
  listApplications(): Promise<ApplicationSummary[]>;
}

/** Result of `diffApplication`: counts here, the full per-object diff in the worker's diff store. */
export interface DiffApplicationResult {
  summary: Record<'create' | 'update' | 'delete' | 'unchanged', number>;
  manifestKey: string;
  /** Key of the stored diff (`readStoredDiff` in activities/cluster/diff-store.ts); Secret values masked. */
  diffKey: string;
  /** Ignore rules that could not be honoured. */
  warnings: string[];
}

export interface RegisterApplicationsInput {
  app: string;
  manifestKey: string;
  revision: string;
}

export interface RegisterApplicationsResult {
  registered: { name: string; outcome: 'created' | 'configured' | 'unchanged' }[];
  warnings: string[];
}

/** App of apps: registers the Applications an app renders. On the cluster's queue (needs the manifest store). */
export interface AppOfAppsActivities {
  registerApplications(input: RegisterApplicationsInput): Promise<RegisterApplicationsResult>;
}

export interface DeleteApplicationInput {
  app: string;
  /** @default 'foreground' */
  propagation?: 'foreground' | 'background' | 'orphan';
}
