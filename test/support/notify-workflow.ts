/**
 * A tiny workflow for the notification tests: one `deliverNotification` call with Mooring's
 * notification activity options, `maximumAttempts` lowered where a test must see the last attempt.
 */
import { proxyActivities } from '@temporalio/workflow';
import {
  notifyActivityOptions,
  type DeliverNotificationInput,
  type DeliverNotificationResult,
  type NotifyActivities,
} from '../../core/notify/notify-activity.js';

export async function notifyTestWorkflow(
  input: DeliverNotificationInput,
  maximumAttempts?: number,
): Promise<DeliverNotificationResult> {
  const options = notifyActivityOptions();
  const { deliverNotification } = proxyActivities<NotifyActivities>({
    ...options,
    retry: { ...options.retry, maximumAttempts: maximumAttempts ?? options.retry.maximumAttempts },
  });
  return await deliverNotification(input);
}
