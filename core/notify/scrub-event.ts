/**
 * An event made safe to send: every text field through `scrubText` (userinfo of URLs, token
 * parameters, known secret values, random-looking tokens masked) and the message cut to
 * `MAX_EVENT_MESSAGE` characters. Receivers are outside the trust boundary: nothing the workflow
 * put in the event reaches them unscrubbed.
 */
import { scrubText } from '../scrub/scrub-text.js';
import type { NotificationEvent } from './notification-event.js';

/** The longest event message sent, in characters. */
export const MAX_EVENT_MESSAGE = 2000;

/** `event` with its text fields scrubbed; `secretValues` are masked wherever they appear. */
export function scrubEvent(
  event: NotificationEvent,
  secretValues: readonly string[] = [],
): NotificationEvent {
  const scrub = (text: string): string => scrubText(text, { secretValues });
  const out: NotificationEvent = { ...event };
  for (const key of [
    'message',
    'initiator',
    'repoURL',
    'phase',
    'targetRevision',
    'cluster',
    'namespace',
  ] as const) {
    const value = event[key];
    if (value !== undefined) out[key] = scrub(value);
  }
  if (out.message !== undefined && out.message.length > MAX_EVENT_MESSAGE)
    out.message = `${out.message.slice(0, MAX_EVENT_MESSAGE - 1)}…`;
  return out;
}
