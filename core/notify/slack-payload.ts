/**
 * The body of a POST to a Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat):
 * `text` (title in bold, then the message) for the notification itself, one attachment with a
 * colour by trigger and the event's fields, and `channel` when the subscription named a recipient
 * (honoured by legacy Slack webhooks and Mattermost; Slack app webhooks post to their own channel).
 * Values from the event are escaped (`&`, `<`, `>`), so a commit message cannot mention @channel or
 * forge a link.
 */
import type { NotificationTrigger } from '../../config/notifications-types.js';
import type { NotificationEvent } from './notification-event.js';
import type { RenderedNotification } from './render-notification.js';
import { SHORT_REVISION_LENGTH } from './template-data.js';

/** A Slack attachment field. */
export interface SlackField {
  title: string;
  value: string;
  short: boolean;
}

/** The JSON posted to a Slack incoming webhook. */
export interface SlackPayload {
  text: string;
  channel?: string;
  username?: string;
  icon_emoji?: string;
  attachments: { color: string; fallback: string; fields: SlackField[]; footer: string }[];
}

/** Options of `slackPayload`. */
export interface SlackPayloadOptions {
  channel?: string;
  username?: string;
  iconEmoji?: string;
}

const GOOD = '#18be52';
const DANGER = '#e96d76';
const WARNING = '#f4c030';

/** The attachment colour of each trigger. */
export const SLACK_COLORS: Readonly<Record<NotificationTrigger, string>> = {
  'on-sync-succeeded': GOOD,
  'on-deployed': GOOD,
  'on-created': GOOD,
  'on-sync-failed': DANGER,
  'on-rolled-back': DANGER,
  'on-health-degraded': DANGER,
  'on-drift-detected': WARNING,
  'on-sync-status-unknown': WARNING,
  'on-deleted': WARNING,
};

/** Slack's escaping of message text: `&`, `<` and `>` (which start links and mentions). */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * The Slack payload of a notification. `rendered` must come from `renderNotification` with
 * `escape: slackEscape`, and `event` must be scrubbed (`scrubEvent`).
 */
export function slackPayload(
  rendered: RenderedNotification,
  event: NotificationEvent,
  options: SlackPayloadOptions = {},
): SlackPayload {
  const fields: SlackField[] = [];
  const add = (title: string, value: string | number | undefined): void => {
    if (value !== undefined && value !== '')
      fields.push({ title, value: slackEscape(String(value)), short: true });
  };
  add('Application', event.app);
  add('Revision', event.revision?.slice(0, SHORT_REVISION_LENGTH));
  add('Health', event.health);
  add('Phase', event.phase);
  add('Initiator', event.initiator);
  add('Destination', event.cluster && event.namespace ? `${event.cluster}/${event.namespace}` : undefined);
  const text = rendered.title ? `*${rendered.title}*\n${rendered.text}` : rendered.text;
  const payload: SlackPayload = {
    text,
    attachments: [{ color: SLACK_COLORS[event.trigger], fallback: text, fields, footer: 'Mooring' }],
  };
  if (options.channel !== undefined) payload.channel = options.channel;
  if (options.username !== undefined) payload.username = options.username;
  if (options.iconEmoji !== undefined) payload.icon_emoji = options.iconEmoji;
  return payload;
}
