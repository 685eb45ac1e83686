/**
 * The shape of notifications: the triggers Mooring fires, an app's subscriptions (names only: a
 * service and its recipients), and the worker's notifications file after loading (services with
 * their URLs and secrets, templates). The app side never holds a URL or a secret.
 */

/**
 * Every trigger a subscription may name. Argo CD's catalog names where Mooring has the event
 * (`on-deployed` fires with `on-sync-succeeded`: a Mooring sync succeeds only once Healthy), plus
 * Mooring's own `on-rolled-back` and `on-drift-detected`.
 */
export const NOTIFICATION_TRIGGERS = [
  'on-sync-succeeded',
  'on-sync-failed',
  'on-rolled-back',
  'on-drift-detected',
  'on-health-degraded',
  'on-deployed',
  'on-sync-status-unknown',
  'on-created',
  'on-deleted',
] as const;

export type NotificationTrigger = (typeof NOTIFICATION_TRIGGERS)[number];

/** True when `text` is a trigger Mooring fires. */
export function isNotificationTrigger(text: string): text is NotificationTrigger {
  return (NOTIFICATION_TRIGGERS as readonly string[]).includes(text);
}

/**
 * The triggers of a subscription that names none (Argo CD's `subscribe.<service>` annotation,
 * which Argo CD resolves through `defaultTriggers`).
 */
export const DEFAULT_SUBSCRIPTION_TRIGGERS: readonly NotificationTrigger[] = [
  'on-sync-succeeded',
  'on-sync-failed',
  'on-rolled-back',
  'on-health-degraded',
];

/** One subscription of an app: on `trigger`, tell `service` (configured on the worker) `recipients`. */
export interface Subscription {
  trigger: NotificationTrigger;
  /** A service name of the worker's notifications file (`slack`, a webhook's name). */
  service: string;
  /** Slack channels; webhooks receive them in the body. Empty: the service's default. */
  recipients: string[];
}

/** `spec.notifications` of an app. */
export interface AppNotifications {
  subscriptions: Subscription[];
}

/** One HTTP header sent with every POST of a webhook; the value is read from a file when secret. */
export interface WebhookHeader {
  name: string;
  value: string;
  /** Read from a file (`valueFile`): masked wherever it could show. */
  secret: boolean;
}

/** A generic webhook (Argo CD `service.webhook.<name>`): a JSON POST, optionally HMAC-signed. */
export interface WebhookService {
  type: 'webhook';
  name: string;
  url: string;
  /** HMAC-SHA256 key for `X-Mooring-Signature-256`; absent: unsigned. */
  hmacSecret?: string;
  headers: WebhookHeader[];
}

/** A Slack-compatible incoming webhook (Argo CD `service.slack`); recipients are channels. */
export interface SlackService {
  type: 'slack';
  name: string;
  url: string;
  username?: string;
  iconEmoji?: string;
}

export type NotificationService = WebhookService | SlackService;

/** A message template: Go-template text over the event (see docs/NOTIFICATIONS.md). */
export interface NotificationTemplate {
  title: string;
  message: string;
}

/** The worker's notifications file after loading. Holds secrets: never logged, never sent to Temporal. */
export interface NotificationsConfig {
  /** The file it came from, for messages. */
  source: string;
  /** Per-POST timeout in milliseconds. */
  timeoutMs: number;
  services: NotificationService[];
  /** Templates by name. */
  templates: Record<string, NotificationTemplate>;
  /** The template name each trigger uses; unset triggers use the built-in default. */
  triggers: Partial<Record<NotificationTrigger, string>>;
}
