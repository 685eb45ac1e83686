/**
 * The names client, workflows and workers agree on: task queues, workflow ids, workflow types and
 * schedule ids. Each is defined here once; nothing else spells them.
 */

/** The control plane's workflow task queue (workflows and control activities). */
export const DEFAULT_TASK_QUEUE = 'mooring';

/** Task queue of the agent that owns a cluster's credentials. */
export function clusterTaskQueue(cluster: string): string {
  return `mooring-cluster-${cluster}`;
}

/** The application entity workflow: one per app, forever. */
export function applicationWorkflowId(app: string): string {
  return `app/${app}`;
}

/** One deployment operation of an app; `seq` is the operation id shown in its history. */
export function syncWorkflowId(app: string, seq: number): string {
  return `app/${app}/op-${seq}`;
}

/** A one-off `mooring app diff`; `nonce` keeps concurrent diffs apart. */
export function diffWorkflowId(app: string, nonce: string): string {
  return `app/${app}/diff-${nonce}`;
}

/** `mooring app delete --cascade`: at most one per app at a time. */
export function cascadeDeleteWorkflowId(app: string): string {
  return `app/${app}/delete`;
}

/** The notifications of an app's deletion (`mooring app delete`), sent after its workflow ended. */
export function deletedNotificationWorkflowId(app: string): string {
  return `app/${app}/deleted`;
}

/**
 * `mooring app apply` listing a repository's directories for ApplicationSet git generators, on
 * `cluster`'s agent (which holds the Git credentials); `nonce` keeps concurrent listings apart.
 */
export function listRepoDirectoriesWorkflowId(cluster: string, nonce: string): string {
  return `repo-directories/${cluster}/${nonce}`;
}

/**
 * The watch-based drift detector of one cluster, for the apps of one workflow task queue (a test's
 * own queue gets its own watcher).
 */
export function driftWatchWorkflowId(cluster: string, taskQueue: string): string {
  return taskQueue === DEFAULT_TASK_QUEUE ? `drift-watch/${cluster}` : `drift-watch/${cluster}@${taskQueue}`;
}

/** Workflow type names, for clients that start workflows by name (schedules, the CLI). */
export const WORKFLOW_TYPES = {
  application: 'applicationWorkflow',
  sync: 'syncWorkflow',
  gitPoll: 'gitPollWorkflow',
  driftScan: 'driftScanWorkflow',
  driftWatch: 'driftWatchWorkflow',
  autoscale: 'autoscaleWorkflow',
  diff: 'diffWorkflow',
  cascadeDelete: 'cascadeDeleteWorkflow',
  notifyDeleted: 'notifyDeletedWorkflow',
  listRepoDirectories: 'listRepoDirectoriesWorkflow',
} as const;

/** Ids of the schedules the worker keeps. */
export const SCHEDULE_IDS = {
  gitPoll: 'git-poll',
  driftScan: 'drift-scan',
  autoscale: 'autoscale',
} as const;
