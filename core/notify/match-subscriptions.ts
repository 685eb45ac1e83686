/**
 * Which receivers an event goes to: the app's subscriptions whose trigger the event fires, one
 * target per (service, recipient), each at most once. Pure and deterministic (workflow code calls
 * it); it never knows whether a service exists: the worker that delivers decides that.
 *
 * Aliases (`firedTriggers`): a sync that succeeded also fires Argo CD's `on-deployed` (Mooring
 * reports success only once the app is Healthy); a rollback also fires `on-sync-failed` (the new
 * revision failed to deploy), so an imported Argo CD subscription hears of it.
 */
import type { NotificationTrigger, Subscription } from '../../config/notifications-types.js';
import type { NotificationEvent } from './notification-event.js';

/** One delivery to make: a service and, when the subscription named some, one recipient. */
export interface NotificationTarget {
  service: string;
  /** A Slack channel (or what the receiver makes of it); absent: the service's default. */
  recipient?: string;
}

const ALSO_FIRES: Readonly<Partial<Record<NotificationTrigger, readonly NotificationTrigger[]>>> = {
  'on-sync-succeeded': ['on-deployed'],
  'on-rolled-back': ['on-sync-failed'],
};

/** The triggers an event with `trigger` fires: itself first, then its aliases. */
export function firedTriggers(trigger: NotificationTrigger): NotificationTrigger[] {
  return [trigger, ...(ALSO_FIRES[trigger] ?? [])];
}

/**
 * The targets of `event` among `subscriptions`, in subscription order, without repeats.
 *
 * @example
 * matchSubscriptions({ app: 'web', trigger: 'on-rolled-back', time },
 *   [{ trigger: 'on-sync-failed', service: 'slack', recipients: ['ops'] }])
 * // [{ service: 'slack', recipient: 'ops' }]
 */
export function matchSubscriptions(
  event: Pick<NotificationEvent, 'trigger'>,
  subscriptions: readonly Subscription[],
): NotificationTarget[] {
  const fired = firedTriggers(event.trigger);
  const seen = new Set<string>();
  const targets: NotificationTarget[] = [];
  for (const sub of subscriptions) {
    if (!fired.includes(sub.trigger)) continue;
    const recipients: (string | undefined)[] = sub.recipients.length > 0 ? sub.recipients : [undefined];
    for (const recipient of recipients) {
      const key = JSON.stringify([sub.service, recipient ?? null]);
      if (seen.has(key)) continue;
      seen.add(key);
      targets.push(recipient === undefined ? { service: sub.service } : { service: sub.service, recipient });
    }
  }
  return targets;
}
