/**
 * Notifications, pure: the event model, which subscriptions an event reaches, the rendering of
 * templates, scrubbing, and the Slack and webhook payloads. Never sends anything, never reads the
 * worker's notifications file and never sees a receiver's URL or key except as values to mask.
 * Deterministic and free of Node built-ins: workflows import it (matching, activity options).
 *
 * Order of one delivery: matchSubscriptions (workflow) → deliverNotification (activity:
 * resolve the service on the worker → renderNotification over scrubEvent → slackPayload or
 * webhookPayload → sign and POST).
 */
export type { NotificationEvent, NotificationTrigger } from './notification-event.js';
export { firedTriggers, matchSubscriptions, type NotificationTarget } from './match-subscriptions.js';
export { DEFAULT_TEMPLATES } from './default-templates.js';
export { templateData, SHORT_REVISION_LENGTH, type TemplateData } from './template-data.js';
export { scrubEvent, MAX_EVENT_MESSAGE } from './scrub-event.js';
export {
  renderNotification,
  templateProblem,
  MAX_TEXT_LENGTH,
  MAX_TITLE_LENGTH,
  type RenderedNotification,
  type RenderNotificationOptions,
} from './render-notification.js';
export { slackEscape, slackPayload, SLACK_COLORS, type SlackPayload } from './slack-payload.js';
export { webhookPayload, WEBHOOK_SCHEMA_VERSION, type WebhookPayload } from './webhook-payload.js';
export {
  notifyActivityOptions,
  NOTIFY_ACTIVITY_OPTIONS,
  NOTIFY_FAILURE_TYPES,
  type DeliverNotificationInput,
  type DeliverNotificationResult,
  type NotifyActivities,
  type NotifyActivityOptions,
} from './notify-activity.js';
