/**
 * The JSON body of a generic webhook: a fixed, versioned shape (`schemaVersion`), so a receiver can
 * parse it without knowing the template; the rendered title and text ride along. Fields the event
 * does not have are absent. The event must be scrubbed (`scrubEvent`).
 */
import type { NotificationTrigger } from '../../config/notifications-types.js';
import type { NotificationEvent } from './notification-event.js';
import type { RenderedNotification } from './render-notification.js';

/** The version of the webhook body; bumped only on an incompatible change. */
export const WEBHOOK_SCHEMA_VERSION = 1;

/** The JSON posted to a generic webhook. */
export interface WebhookPayload extends Omit<NotificationEvent, 'trigger'> {
  schemaVersion: typeof WEBHOOK_SCHEMA_VERSION;
  /** The delivery id, also in `X-Mooring-Delivery`: the same on every retry. */
  id: string;
  service: string;
  recipient?: string;
  trigger: NotificationTrigger;
  title: string;
  text: string;
}

/** Identity of one delivery. */
export interface WebhookDelivery {
  deliveryId: string;
  service: string;
  recipient?: string;
}

/** The webhook body of a notification. */
export function webhookPayload(
  event: NotificationEvent,
  rendered: RenderedNotification,
  delivery: WebhookDelivery,
): WebhookPayload {
  const payload: WebhookPayload = {
    schemaVersion: WEBHOOK_SCHEMA_VERSION,
    id: delivery.deliveryId,
    service: delivery.service,
    ...event,
    title: rendered.title,
    text: rendered.text,
  };
  if (delivery.recipient !== undefined) payload.recipient = delivery.recipient;
  return payload;
}
