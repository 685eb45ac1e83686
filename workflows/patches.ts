/**
 * The `patched()` ids of workflow changes that alter the commands a running workflow issues (see
 * docs/VERSIONING.md). A workflow started before a change replays its recorded history with the
 * old branch; new ones take the new branch. Ids are never reused or renamed.
 */
export const PATCHES = {
  /** A cancelled (terminated) sync stops where it is: no rollback, nothing marked bad. */
  terminateLeavesCluster: 'terminate-leaves-cluster-as-is',
  /** An automatic sync whose render is empty while prune would delete every tracked object is refused. */
  refuseEmptyPrune: 'refuse-empty-render-with-prune',
  /** SyncFail hooks run after any failure once the cluster was written (apply, hook or health). */
  syncFailAfterAnyFailure: 'syncfail-hooks-after-any-failure',
  /** Objects marked PruneLast (or every orphan, with the app option) are pruned after the health wait. */
  pruneLast: 'prune-last-stage',
  /** A cluster step that finds its rendered manifests gone (a wiped or new agent disk) renders again. */
  rerenderMissingManifests: 'rerender-missing-manifests',
  /** An automatic operation that failed because of the environment is tried again after a backoff. */
  retryAfterEnvironmentFailure: 'retry-after-environment-failure',
  /** A cascade delete runs the app's PreDelete hooks first and its PostDelete hooks last. */
  deleteHooks: 'pre-post-delete-hooks',
  /** A sync child that waits for a missing agent tells its app, so the app's status names it. */
  agentStatusToApp: 'agent-status-to-app',
  /**
   * App of apps in two calls: the agent returns the child specs (`childApplications`, cluster
   * queue), the control plane registers them (`registerChildApplications`, workflow queue), instead
   * of the agent registering them with a Temporal client (`registerApplications`).
   */
  childAppsOnControlPlane: 'child-apps-on-control-plane',
  /** A revision that became Healthy is gated by `spec.analysis` (bake time, PromQL checks) before it succeeds. */
  metricAnalysis: 'metric-analysis',
  /** The app's memo carries `syncPolicy.interval`, which git-poll honours. */
  pollInterval: 'poll-interval-in-memo',
  /** git-poll checks only due apps and refreshes only those whose sources a new commit touched. */
  pollChangedPaths: 'poll-changed-paths',
  /** drift-scan starts the drift-watch workflow of each cluster that has apps and no watcher. */
  driftWatch: 'drift-scan-starts-drift-watch',
  /** The periodic check deploys a new head only when it touched the app's sources (as git-poll). */
  periodicCheckPaths: 'periodic-check-changed-paths',
  /**
   * The app's own safety refresh runs hourly, not every 10 minutes: git-poll and webhooks find
   * commits, drift-watch finds drift and degraded health; at 1,000 apps the 10-minute check alone
   * woke 1.7 workflows a second.
   */
  hourlySafetyRefresh: 'hourly-safety-refresh',
  /** git-poll asks `listApplications` for the due apps only, instead of the whole fleet each tick. */
  pollDueOnActivity: 'poll-due-on-activity',
  /** autoscale asks `listApplications` for the autoscaled apps only, instead of the whole fleet every 30 s. */
  autoscaledOnActivity: 'autoscaled-on-activity',
  /** Automatic operations wait for the project's sync windows; manual ones are checked unless overridden. */
  syncWindows: 'sync-windows',
  /** Operations, drift and degraded health notify the app's subscriptions (spec.notifications). */
  notifications: 'notifications',
  /** A drift report on other manifests than the app's current ones (listed before its last sync) is ignored. */
  ignoreStaleDrift: 'ignore-stale-drift',
  /**
   * A drift report asked for before the app's last operation ended is ignored too: it may have read
   * that operation's rollout half-way, and its health (Progressing) would outlive the operation's
   * Healthy until the next drift-scan.
   */
  ignoreDriftBeforeOperationEnd: 'ignore-drift-before-operation-end',
  /** drift-scan checks each cluster's apps in batches (`detectDriftBatch`), not with one activity per app. */
  driftScanBatches: 'drift-scan-batches',
  /**
   * drift-scan and drift-watch list the fleet in parts (`shard`): one listing of 1,000 apps is about
   * 540 KB, and Temporal refuses an activity result over 2 MB.
   */
  fleetListingShards: 'fleet-listing-shards',
  /**
   * git-poll and autoscale list their apps in pages under 256 KB (`listApplicationPage`): a run
   * started by hand lists the whole fleet, which past about 3,700 apps outgrew Temporal's 2 MB.
   */
  pagedFleetListing: 'paged-fleet-listing',
  /**
   * A sync whose dry run found no tracked object left to prune or to report kept runs no prune
   * beside its health wait: one activity, one workflow task and an inventory listing fewer for a
   * first sync and for most routine ones.
   */
  skipPruneWithoutOrphans: 'skip-prune-without-orphans',
  /**
   * An app's first auto-sync asks its sync windows beside the resolve of its head, not after it:
   * one workflow task fewer per registering app, and its first sync starts one round trip sooner.
   */
  windowCheckBesideResolve: 'window-check-beside-resolve',
  /**
   * A sync renders and dry-runs in one call to the agent (`renderAndPrepare`), before an app of
   * apps' children are registered: one activity and one workflow task fewer per sync.
   */
  renderWithDryRun: 'render-with-dry-run',
  /**
   * An app's first auto-sync has its sync windows answered by the resolve of its head (one
   * `resolveRevision` call), not by a `checkSyncWindow` beside it: one activity and one workflow
   * task fewer per registering app. An agent older than 0.16.0 ignores the question, and the
   * windows are then asked apart.
   */
  windowCheckInResolve: 'window-check-in-resolve',
} as const;
