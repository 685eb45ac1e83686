/**
 * How the workflows call activities: task queue, timeouts and retry policy per kind of call, in one
 * place. Plain data built from the spec; the workflows turn them into proxies. Typed errors that
 * their classes mark permanent (`contract/errors.ts`) are never retried.
 */
import type { ActivityOptions } from '@temporalio/workflow';
import type { AppSpec } from '../config/types.js';
import { parseDuration } from '../config/duration.js';
import { NON_RETRYABLE_ERRORS } from '../contract/errors.js';
import { clusterTaskQueue } from '../contract/ids.js';

/** How much longer than the health timeout the health-wait activity may run before Temporal stops it. */
export const ROLLOUT_MARGIN_MS = 30_000;

/**
 * How long a call waits for an agent to pick it up before the workflow says the agent is missing
 * (and asks again): a cluster's work never waits silently for an agent that is gone.
 */
export const AGENT_PICKUP_TIMEOUT = '30s';

/**
 * Every activity heartbeats at least every 2 s (the worker wraps them: `workers/liveness.ts`), so
 * a worker killed mid-call is noticed within this time and the call retried on another worker.
 */
export const LIVENESS_TIMEOUT = '8s';

/** The three kinds of call one sync operation makes, all on the app's cluster queue. */
export interface SyncProfiles {
  /** Render, app-of-apps registration, dry-run: short calls, 8 attempts (about 50 s: a Git or API outage that short passes within the operation). */
  quick: ActivityOptions;
  /** Apply steps, prune, SyncFail hooks: the spec's `syncPolicy.retry` (backoff, limit). */
  apply: ActivityOptions;
  /** The health wait: bounded by `rollback.healthTimeout`, heartbeating, cancellable. */
  healthWait: ActivityOptions;
  /** `rollback.healthTimeout` in milliseconds, handed to the activities that wait. */
  healthTimeoutMs: number;
}

export function syncProfiles(spec: AppSpec): SyncProfiles {
  const taskQueue = clusterTaskQueue(spec.destination.cluster);
  const nonRetryableErrorTypes = [...NON_RETRYABLE_ERRORS];
  const retry = spec.syncPolicy.retry;
  const healthTimeoutMs = parseDuration(spec.rollback.healthTimeout);
  return {
    quick: {
      taskQueue,
      scheduleToStartTimeout: AGENT_PICKUP_TIMEOUT,
      startToCloseTimeout: '2m',
      heartbeatTimeout: LIVENESS_TIMEOUT,
      retry: { initialInterval: '500ms', maximumInterval: '20s', maximumAttempts: 8, nonRetryableErrorTypes },
    },
    apply: {
      taskQueue,
      scheduleToStartTimeout: AGENT_PICKUP_TIMEOUT,
      startToCloseTimeout: '10m',
      heartbeatTimeout: LIVENESS_TIMEOUT,
      retry: {
        initialInterval: retry?.backoff.duration ?? '1s',
        backoffCoefficient: retry?.backoff.factor ?? 2,
        maximumInterval: retry?.backoff.maxDuration ?? '1m',
        maximumAttempts: (retry?.limit ?? 4) + 1,
        nonRetryableErrorTypes,
      },
    },
    healthWait: {
      taskQueue,
      scheduleToStartTimeout: AGENT_PICKUP_TIMEOUT,
      startToCloseTimeout: healthTimeoutMs + ROLLOUT_MARGIN_MS,
      heartbeatTimeout: LIVENESS_TIMEOUT,
      cancellationType: 'TRY_CANCEL',
      retry: { initialInterval: '1s', maximumAttempts: 3, nonRetryableErrorTypes },
    },
    healthTimeoutMs,
  };
}

/** The application workflow's `resolveRevision` calls (a refresh, an operator's sync to a revision). */
export function resolverProfile(cluster: string): ActivityOptions {
  return {
    taskQueue: clusterTaskQueue(cluster),
    scheduleToStartTimeout: AGENT_PICKUP_TIMEOUT,
    startToCloseTimeout: '1m',
    heartbeatTimeout: LIVENESS_TIMEOUT,
    retry: {
      initialInterval: '1s',
      maximumInterval: '30s',
      maximumAttempts: 5,
      nonRetryableErrorTypes: [...NON_RETRYABLE_ERRORS],
    },
  };
}

/** `checkSyncWindow` on the app's agent: quick, a few attempts (the gate decides what a failure means). */
export function syncWindowProfile(cluster: string): ActivityOptions {
  return {
    taskQueue: clusterTaskQueue(cluster),
    scheduleToStartTimeout: AGENT_PICKUP_TIMEOUT,
    startToCloseTimeout: '30s',
    retry: { initialInterval: '1s', maximumAttempts: 3, nonRetryableErrorTypes: [...NON_RETRYABLE_ERRORS] },
  };
}

/**
 * `registerChildApplications` (app of apps) on the workflow's own queue, served by the control
 * plane: short, retried like the sync's quick calls (a Temporal hiccup passes within the operation).
 */
export function controlQuickProfile(): ActivityOptions {
  return {
    startToCloseTimeout: '1m',
    heartbeatTimeout: LIVENESS_TIMEOUT,
    retry: {
      initialInterval: '500ms',
      maximumInterval: '20s',
      maximumAttempts: 8,
      nonRetryableErrorTypes: [...NON_RETRYABLE_ERRORS],
    },
  };
}

/** `listApplications` on the workflow queue, for the scheduled fleet workflows. */
export function fleetListProfile(): ActivityOptions {
  return { startToCloseTimeout: '1m', retry: { maximumAttempts: 3 } };
}

/** git-poll's `checkRemote` (ls-remote) for one repository and revision. */
export function remoteCheckProfile(cluster: string): ActivityOptions {
  return {
    taskQueue: clusterTaskQueue(cluster),
    scheduleToStartTimeout: AGENT_PICKUP_TIMEOUT,
    heartbeatTimeout: LIVENESS_TIMEOUT,
    startToCloseTimeout: '30s',
    retry: { maximumAttempts: 2, nonRetryableErrorTypes: [...NON_RETRYABLE_ERRORS] },
  };
}

/** drift-watch's `awaitLiveChanges`: a long wait on the agent, heartbeating, so a dead agent shows at once. */
export function liveWatchProfile(cluster: string, waitMs: number): ActivityOptions {
  return {
    taskQueue: clusterTaskQueue(cluster),
    scheduleToStartTimeout: AGENT_PICKUP_TIMEOUT,
    heartbeatTimeout: LIVENESS_TIMEOUT,
    startToCloseTimeout: waitMs + 60_000,
    retry: { initialInterval: '1s', maximumAttempts: 2, nonRetryableErrorTypes: [...NON_RETRYABLE_ERRORS] },
  };
}

/** drift-scan's `detectDrift` for one app. */
export function driftCheckProfile(cluster: string): ActivityOptions {
  return {
    taskQueue: clusterTaskQueue(cluster),
    scheduleToStartTimeout: AGENT_PICKUP_TIMEOUT,
    heartbeatTimeout: LIVENESS_TIMEOUT,
    startToCloseTimeout: '2m',
    retry: { maximumAttempts: 2, nonRetryableErrorTypes: [...NON_RETRYABLE_ERRORS] },
  };
}

/**
 * drift-scan's `detectDriftBatch` for up to 50 apps: as long as the apps take (each heartbeat is an
 * app checked), retried once on another agent replica when the agent dies.
 */
export function driftBatchProfile(cluster: string): ActivityOptions {
  return {
    taskQueue: clusterTaskQueue(cluster),
    scheduleToStartTimeout: AGENT_PICKUP_TIMEOUT,
    heartbeatTimeout: LIVENESS_TIMEOUT,
    startToCloseTimeout: '20m',
    retry: { maximumAttempts: 2, nonRetryableErrorTypes: [...NON_RETRYABLE_ERRORS] },
  };
}

/** `app delete --cascade`: deleting every tracked object of the app. */
export function cascadeDeleteProfile(cluster: string): ActivityOptions {
  return {
    taskQueue: clusterTaskQueue(cluster),
    scheduleToStartTimeout: AGENT_PICKUP_TIMEOUT,
    heartbeatTimeout: LIVENESS_TIMEOUT,
    startToCloseTimeout: '5m',
    retry: { maximumAttempts: 5, nonRetryableErrorTypes: [...NON_RETRYABLE_ERRORS] },
  };
}

/**
 * Prometheus and scale calls on a cluster's agent (autoscale, the app's scaler, analysis): short,
 * two attempts. A failed measurement changes nothing; the next period tries again.
 */
export function metricsProfile(cluster: string): ActivityOptions {
  return {
    taskQueue: clusterTaskQueue(cluster),
    scheduleToStartTimeout: AGENT_PICKUP_TIMEOUT,
    heartbeatTimeout: LIVENESS_TIMEOUT,
    startToCloseTimeout: '30s',
    retry: { initialInterval: '1s', maximumAttempts: 2, nonRetryableErrorTypes: [...NON_RETRYABLE_ERRORS] },
  };
}
