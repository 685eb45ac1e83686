/**
 * The contract of the `deliverNotification` activity, for the workflows that call it and the
 * worker that serves it: input (an event and names, never a URL or a secret), result, failure types
 * and the activity options (plain data, workflow-safe).
 *
 * How a workflow fires it without ever blocking or failing a sync: compute the targets with
 * `matchSubscriptions(event, spec.notifications?.subscriptions ?? [])`, then for each target call
 * the proxied activity inside `CancellationScope.nonCancellable`, keep the promise in a set of
 * pending deliveries, attach a `.catch` that only logs (a receiver that is down or refuses is the
 * receiver's problem), and do not await it on the sync path. Fire from the long-lived application
 * workflow (a workflow that completes abandons its pending activities, so not from the sync child),
 * and settle the pending set (`Promise.allSettled`) before continue-as-new.
 */
import type { NotificationEvent } from './notification-event.js';
import type { NotificationTarget } from './match-subscriptions.js';

/** Input of `deliverNotification`: one event to one target. */
export interface DeliverNotificationInput extends NotificationTarget {
  event: NotificationEvent;
}

/** Result of `deliverNotification`. */
export interface DeliverNotificationResult {
  /** The `X-Mooring-Delivery` id: the same on every attempt of this call. */
  deliveryId: string;
  service: string;
  recipient?: string;
  /** The receiver's HTTP status (2xx). */
  status: number;
  /** The attempt that delivered (1 = first). */
  attempt: number;
  /** Why the configured template was not used (the built-in one was). */
  templateError?: string;
}

/** The notification activities a worker serves. */
export interface NotifyActivities {
  deliverNotification(input: DeliverNotificationInput): Promise<DeliverNotificationResult>;
}

/** ApplicationFailure types thrown by `deliverNotification`. */
export const NOTIFY_FAILURE_TYPES = {
  /** The receiver refused the request (a 4xx other than 408 and 429, or a redirect): not retried. */
  rejected: 'NotificationRejected',
  /** The service is not configured on this worker: not retried. */
  unknownService: 'NotificationServiceUnknown',
  /** The receiver failed or was unreachable (5xx, 408, 429, network, timeout): retried. */
  failed: 'NotificationFailed',
} as const;

type Duration = `${number}${'ms' | 's' | 'm' | 'h'}`;

/** The options a workflow proxies `deliverNotification` with (assignable to Temporal's ActivityOptions). */
export interface NotifyActivityOptions {
  taskQueue?: string;
  startToCloseTimeout: Duration;
  scheduleToCloseTimeout: Duration;
  retry: {
    initialInterval: Duration;
    backoffCoefficient: number;
    maximumInterval: Duration;
    maximumAttempts: number;
    nonRetryableErrorTypes: string[];
  };
}

/**
 * Retries 1 s, 2 s, 4 s, ... up to 1 min apart, 10 attempts, all within 15 min; each attempt ends
 * within 30 s (the POST's own timeout is at most 25 s). A `Retry-After` of the receiver overrides
 * the next interval (capped at 1 min).
 */
export const NOTIFY_ACTIVITY_OPTIONS: Readonly<NotifyActivityOptions> = Object.freeze({
  startToCloseTimeout: '30s',
  scheduleToCloseTimeout: '15m',
  retry: Object.freeze({
    initialInterval: '1s',
    backoffCoefficient: 2,
    maximumInterval: '1m',
    maximumAttempts: 10,
    nonRetryableErrorTypes: [NOTIFY_FAILURE_TYPES.rejected, NOTIFY_FAILURE_TYPES.unknownService],
  }),
});

/**
 * The activity options of `deliverNotification` on `taskQueue` (the queue of the worker holding
 * the notifications file; default: the calling workflow's own queue).
 */
export function notifyActivityOptions(taskQueue?: string): NotifyActivityOptions {
  const options: NotifyActivityOptions = {
    ...NOTIFY_ACTIVITY_OPTIONS,
    retry: {
      ...NOTIFY_ACTIVITY_OPTIONS.retry,
      nonRetryableErrorTypes: [...NOTIFY_ACTIVITY_OPTIONS.retry.nonRetryableErrorTypes],
    },
  };
  if (taskQueue !== undefined) options.taskQueue = taskQueue;
  return options;
}
