/**
 * Scripted stand-ins for the cluster and control activities: the workflow tests decide what the
 * remote head is, how each revision's health wait ends, what a drift scan finds and which calls
 * fail with which error, and read back every call (and attempt) the workflows made. No cluster,
 * no Git.
 */
import { keptByFilter } from '../../../core/fleet/application-filter.js';
import { pageAfter } from '../../../core/fleet/application-page.js';
import { MAX_LISTING_PAGE_BYTES } from '../../../contract/activities.js';
import { Context } from '@temporalio/activity';
import type { DeliverNotificationInput, NotifyActivities } from '../../../core/notify/index.js';
import type { AppSpec } from '../../../config/types.js';
import type {
  AppOfAppsActivities,
  ApplicationFilter,
  CheckSyncWindowInput,
  CheckSyncWindowResult,
  SyncWindowActivities,
  ApplicationSummary,
  ClusterActivities,
  ControlActivities,
  DetectDriftResult,
  ResourceHealth,
  WaitHealthyResult,
} from '../../../contract/activities.js';
import type { HealthStatusCode } from '../../../contract/kube-object.js';

/**
 * How a revision's health wait ends: `Healthy`, `Degraded` (fails fast), `timeout` (not healthy
 * within healthTimeout), or `block` (heartbeats until the workflow cancels the wait or the test
 * changes the revision's script).
 */
export type HealthScript = 'Healthy' | 'Degraded' | 'timeout' | 'block';

export interface StubCall {
  activity: string;
  app?: string;
  revision?: string;
  input: unknown;
  /** Temporal's attempt number of the call: 1, then 2, … as the retry policy retries it. */
  attempt: number;
  /** The task queue the call ran on (the cluster's, or the workflow queue for control activities). */
  taskQueue: string;
}

/** A scripted activity failure: which calls throw, and what. */
export interface FailureScript {
  /** Only calls for this revision; every call of the activity when absent. */
  revision?: string;
  /** The error each failing call throws, made anew per call, e.g. `() => new ApplyFailed('…')`. */
  error: () => Error;
  /** How many matching calls throw before the activity behaves as scripted again. @default Infinity */
  times?: number;
}

/** A fake 40-hex commit SHA, distinct per label (also in its first 7 characters). */
export function sha(label: string): string {
  let hex = '';
  let h = 0x811c9dc5;
  for (let round = 0; hex.length < 40; round++) {
    for (const ch of `${round}:${label}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
    hex += h.toString(16).padStart(8, '0');
  }
  return hex.slice(0, 40);
}

/** A `checkSyncWindow` answer: no window applies, the sync may run. */
export function allowedSyncWindow(): CheckSyncWindowResult {
  return {
    allowed: true,
    reason: 'NoMatchingWindow',
    message: 'no sync window applies',
    project: 'default',
    matched: [],
    active: [],
    evaluatedAt: new Date().toISOString(),
  };
}

/** The mutable script plus the call log, shared by the stub activities and the test. */
export class ActivityScript {
  /** `repoURL@targetRevision` → the commit the branch points at now. */
  readonly heads = new Map<string, string>();
  /** Commit → how its health wait ends; `Healthy` when absent. */
  readonly health = new Map<string, HealthScript>();
  /** Commit → the prune candidates its dry run counts (none when absent). */
  readonly orphans = new Map<string, number>();
  /** App name → what detectDrift reports. */
  readonly drift = new Map<string, DetectDriftResult>();
  /** repoURL → what listRepoDirectories returns (no directories when absent). */
  readonly directories = new Map<string, string[]>();
  /** The app paths the next `affectedAppPaths` calls report as changed (every path when undefined). */
  changedPaths: string[] | undefined;
  /** What listApplications returns. */
  applications: ApplicationSummary[] = [];
  /** What checkSyncWindow answers (every sync allowed, no window, unless a test says otherwise). */
  syncWindow: (input: CheckSyncWindowInput) => CheckSyncWindowResult = () => allowedSyncWindow();
  /** Whether `resolveRevision` answers the sync windows it is asked (false: an agent older than 0.16.0). */
  windowsInResolve = true;
  /** The notifications delivered (`deliverNotification` on the workflow queue). */
  readonly notifications: DeliverNotificationInput[] = [];
  /** App of apps → the child specs its manifests hold (its render then counts Applications). */
  readonly children = new Map<string, AppSpec[]>();
  readonly calls: StubCall[] = [];
  /** Health waits that ended because the workflow cancelled them, by revision. */
  readonly cancelledWaits: string[] = [];
  readonly #failures: { activity: string; failure: FailureScript; thrown: number }[] = [];

  setHead(repoURL: string, commit: string, targetRevision = 'main'): void {
    this.heads.set(`${repoURL}@${targetRevision}`, commit);
  }

  /** Makes calls of `activity` (for `failure.revision`, when given) throw `failure.error()`. */
  fail(
    activity: keyof (ClusterActivities & AppOfAppsActivities & ControlActivities),
    failure: FailureScript,
  ): void {
    this.#failures.push({ activity, failure, thrown: 0 });
  }

  /** Throws the scripted failure of this call, if any; the call is logged before. */
  throwIfScripted(activity: string, revision: string | undefined): void {
    const scripted = this.#failures.find(
      (f) =>
        f.activity === activity &&
        (f.failure.revision === undefined || f.failure.revision === revision) &&
        f.thrown < (f.failure.times ?? Infinity),
    );
    if (!scripted) return;
    scripted.thrown += 1;
    throw scripted.failure.error();
  }

  /** Calls of one activity, optionally for one app only. */
  callsOf(
    activity:
      | keyof ClusterActivities
      | keyof AppOfAppsActivities
      | keyof ControlActivities
      | keyof SyncWindowActivities,
    app?: string,
  ): StubCall[] {
    return this.calls.filter((c) => c.activity === activity && (app === undefined || c.app === app));
  }

  /** The sync-window answers an app got: `checkSyncWindow` calls and resolves that answered them. */
  windowChecksOf(app: string): StubCall[] {
    return [...this.callsOf('checkSyncWindow', app), ...this.callsOf('resolveRevision', app)];
  }

  /** Revisions an app's pipeline rendered, in order: one entry per deploy or rollback attempt. */
  rendered(app: string): string[] {
    return this.callsOf('renderManifests', app).map((c) => c.revision ?? '');
  }
}

const MANIFEST_KEY = /^stub:(.+):([0-9a-f]{40})$/;

function fromKey(manifestKey: string): { app: string; revision: string } {
  const m = MANIFEST_KEY.exec(manifestKey);
  if (!m) throw new Error(`Manifest key "${manifestKey}" was not made by the stub renderManifests`);
  return { app: m[1] ?? '', revision: m[2] ?? '' };
}

/** Heartbeats while `blocked()`; rejects with CancelledFailure once a cancellation arrives. */
async function holdWhile(blocked: () => boolean): Promise<void> {
  const ctx = Context.current();
  while (blocked()) {
    ctx.heartbeat();
    await ctx.sleep(100);
  }
}

const NO_DRIFT: DetectDriftResult = { drifted: false, changedObjects: 0, changes: [], health: 'Healthy' };

/** Cluster activities (and app of apps' agent half) driven by `script`. */
export function stubClusterActivities(
  script: ActivityScript,
): ClusterActivities & AppOfAppsActivities & SyncWindowActivities {
  const log = (activity: string, input: unknown, app?: string, revision?: string): void => {
    script.calls.push({
      activity,
      app,
      revision,
      input,
      attempt: Context.current().info.attempt,
      taskQueue: Context.current().info.taskQueue,
    });
    script.throwIfScripted(activity, revision);
  };
  const head = (repoURL: string, targetRevision: string): string => {
    if (/^[0-9a-f]{40}$/.test(targetRevision)) return targetRevision;
    const commit = script.heads.get(`${repoURL}@${targetRevision}`);
    if (!commit) throw new Error(`No scripted head for ${repoURL}@${targetRevision}`);
    return commit;
  };
  const activities: ClusterActivities & AppOfAppsActivities & SyncWindowActivities = {
    async checkSyncWindow(input) {
      log('checkSyncWindow', input, input.app);
      return script.syncWindow(input);
    },
    async resolveRevision(input) {
      // Logged under the app only when it answers the app's windows too.
      const answers = input.syncWindow !== undefined && script.windowsInResolve;
      log('resolveRevision', input, answers ? input.syncWindow?.app : undefined);
      const sha = head(input.repoURL, input.targetRevision);
      if (!input.syncWindow || !answers) return { sha };
      return { sha, syncWindow: { answer: script.syncWindow(input.syncWindow) } };
    },
    async checkRemote(input) {
      log('checkRemote', input);
      const commit = head(input.repoURL, input.targetRevision);
      return { sha: commit, moved: commit !== input.knownSha };
    },
    async awaitLiveChanges(input) {
      log('awaitLiveChanges', input);
      // The stub cluster never changes: wait as a quiet watch would (bounded, for tests).
      await new Promise((resolve) => setTimeout(resolve, Math.min(input.maxWaitMs, 1000)));
      return { apps: [], watchedKinds: 0, missingManifests: 0 };
    },
    async affectedAppPaths(input) {
      log('affectedAppPaths', input);
      // The stub repository has no files: a scripted set of changed paths, else every path changed.
      const changed = script.changedPaths;
      return {
        affected: changed ? input.paths.filter((p) => changed.includes(p)) : input.paths,
        changedFiles: changed?.length ?? input.paths.length,
      };
    },
    async renderManifests(input) {
      log('renderManifests', input, input.appName, input.revision);
      const children = script.children.get(input.appName)?.length ?? 0;
      const kinds: Record<string, number> = { Deployment: 1 };
      if (children > 0) kinds.Application = children;
      return {
        manifestKey: `stub:${input.appName}:${input.revision}`,
        objectCount: 1 + children,
        kinds,
        hookCount: 0,
      };
    },
    async childApplications(input) {
      log('childApplications', input, input.app, fromKey(input.manifestKey).revision);
      return { specs: script.children.get(input.app) ?? [], warnings: [] };
    },
    // As the agent does: each half is logged (and fails as scripted) as its own call would be.
    async renderAndPrepare(input) {
      log('renderAndPrepare', input, input.app, input.source.revision);
      const rendered = await activities.renderManifests(input.source);
      const prepared = await activities.prepareSync({ ...input, manifestKey: rendered.manifestKey });
      return { rendered, prepared };
    },
    async prepareSync(input) {
      log('prepareSync', input, input.app, fromKey(input.manifestKey).revision);
      return {
        steps: [{ phase: 'Sync', wave: 0, objects: 1, hooks: 0 }],
        changes: { created: 0, configured: 1, unchanged: 0 },
        orphans: script.orphans.get(fromKey(input.manifestKey).revision) ?? 0,
        keptOrphans: 0,
        hasSyncFailHooks: false,
        warnings: [],
      };
    },
    async applyStep(input) {
      log('applyStep', input, input.app, fromKey(input.manifestKey).revision);
      return { changes: [] };
    },
    async pruneOrphans(input) {
      log('pruneOrphans', input, input.app, fromKey(input.manifestKey).revision);
      return { changes: [], deferred: 0 };
    },
    async waitHealthy(input): Promise<WaitHealthyResult> {
      const { app, revision } = fromKey(input.manifestKey);
      log('waitHealthy', input, app, revision);
      try {
        await holdWhile(() => script.health.get(revision) === 'block');
      } catch (err) {
        script.cancelledWaits.push(revision);
        throw err;
      }
      const behaviour = script.health.get(revision) ?? 'Healthy';
      const finishedAt = new Date().toISOString();
      const deployment = (health: HealthStatusCode): ResourceHealth[] => [
        { group: 'apps', kind: 'Deployment', namespace: input.namespace, name: app, health },
      ];
      switch (behaviour) {
        case 'Degraded':
          return {
            health: 'Degraded',
            message: `Deployment ${app}: pods crash-looping`,
            resources: deployment('Degraded'),
            timedOut: false,
            finishedAt,
          };
        case 'timeout':
          return {
            health: 'Progressing',
            message: `Deployment ${app}: 0 of 1 replicas available`,
            resources: deployment('Progressing'),
            timedOut: true,
            finishedAt,
          };
        default:
          return { health: 'Healthy', resources: deployment('Healthy'), timedOut: false, finishedAt };
      }
    },
    async detectDrift(input) {
      log('detectDrift', input, input.app);
      return script.drift.get(input.app) ?? NO_DRIFT;
    },
    async detectDriftBatch(input) {
      log('detectDriftBatch', input);
      // Each app is logged as a detectDrift call of its own; a scripted detectDrift failure is that app's error.
      return {
        results: input.apps.map((app) => {
          try {
            log('detectDrift', app, app.app, app.source?.revision);
          } catch (err) {
            return { error: err instanceof Error ? err.message : String(err) };
          }
          const { changes: _changes, ...drift } = script.drift.get(app.app) ?? NO_DRIFT;
          return { drift };
        }),
      };
    },
    async runSyncFailHooks(input) {
      log('runSyncFailHooks', input, input.app);
      return { changes: [] };
    },
    async diffApplication(input) {
      log('diffApplication', input, input.app);
      return {
        summary: { create: 0, update: 0, delete: 0, unchanged: 1 },
        manifestKey: input.manifestKey,
        diffKey: `stub-diff:${input.app}`,
        warnings: [],
        text: '0 to create, 0 to update, 0 to delete, 1 unchanged',
        truncated: false,
      };
    },
    async deleteApplicationResources(input) {
      log('deleteApplicationResources', input, input.app);
      return { changes: [] };
    },
    async runDeleteHooks(input) {
      log('runDeleteHooks', input, input.app);
      return { changes: [] };
    },
    async listRepoDirectories(input) {
      log('listRepoDirectories', input);
      return {
        sha: head(input.repoURL, input.revision || 'HEAD'),
        directories: script.directories.get(input.repoURL) ?? [],
      };
    },
  };
  return activities;
}

/** The apps of `script` that `filter` selects, as the fleet index would. */
function selected(script: ActivityScript, filter: ApplicationFilter | undefined): ApplicationSummary[] {
  return script.applications.filter(
    (a) => (filter?.names === undefined || filter.names.includes(a.name)) && keptByFilter(a, filter),
  );
}

/** Control activities driven by `script`. */
export function stubControlActivities(script: ActivityScript): ControlActivities & NotifyActivities {
  return {
    async listApplications(filter) {
      script.calls.push({
        activity: 'listApplications',
        input: filter,
        attempt: Context.current().info.attempt,
        taskQueue: Context.current().info.taskQueue,
      });
      return selected(script, filter);
    },
    async listApplicationPage(input) {
      script.calls.push({
        activity: 'listApplicationPage',
        input,
        attempt: Context.current().info.attempt,
        taskQueue: Context.current().info.taskQueue,
      });
      return pageAfter(selected(script, input.filter), input.after, MAX_LISTING_PAGE_BYTES);
    },
    async deliverNotification(input: DeliverNotificationInput) {
      script.notifications.push(input);
      return { deliveryId: 'stub', service: input.service, status: 200, attempt: 1 };
    },
    async ensureDriftWatches({ clusters }) {
      script.calls.push({
        activity: 'ensureDriftWatches',
        input: clusters,
        attempt: Context.current().info.attempt,
        taskQueue: Context.current().info.taskQueue,
      });
      return { started: [] };
    },
    async registerChildApplications(input) {
      script.calls.push({
        activity: 'registerChildApplications',
        app: input.parent,
        revision: input.revision,
        input,
        attempt: Context.current().info.attempt,
        taskQueue: Context.current().info.taskQueue,
      });
      script.throwIfScripted('registerChildApplications', input.revision);
      return { registered: input.specs.map((spec) => ({ name: spec.name, outcome: 'created' as const })) };
    },
  };
}
