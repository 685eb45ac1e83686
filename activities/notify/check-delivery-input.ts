/**
 * The check of a `deliverNotification` input. It arrives through Temporal, so anyone able to start
 * a workflow could have written it: a malformed one is refused for good (non-retryable), before
 * any service is looked up.
 */
import { ApplicationFailure } from '@temporalio/common';
import { isNotificationTrigger } from '../../config/notifications-types.js';
import { NOTIFY_FAILURE_TYPES, type DeliverNotificationInput } from '../../core/notify/notify-activity.js';

const RECIPIENT = /^[^\s\p{Cc}]{1,253}$/u;

/** @throws {ApplicationFailure} non-retryable, of type NotificationRejected, saying what is wrong */
export function checkDeliveryInput(input: DeliverNotificationInput): void {
  const event = (input as Partial<DeliverNotificationInput> | undefined)?.event;
  const problem =
    typeof event !== 'object' || event === null
      ? 'has no event'
      : typeof event.app !== 'string' || event.app === '' || event.app.length > 253
        ? 'names no app'
        : typeof event.trigger !== 'string' || !isNotificationTrigger(event.trigger)
          ? 'names an unknown trigger'
          : typeof event.time !== 'string'
            ? 'has no time'
            : typeof input.service !== 'string'
              ? 'names no service'
              : input.recipient !== undefined &&
                  (typeof input.recipient !== 'string' || !RECIPIENT.test(input.recipient))
                ? 'has a recipient with blanks or control characters'
                : undefined;
  if (problem)
    throw ApplicationFailure.create({
      type: NOTIFY_FAILURE_TYPES.rejected,
      nonRetryable: true,
      message: `The notification input ${problem}`,
    });
}
