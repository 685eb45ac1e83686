/**
 * The title and text of a notification: the configured template of the trigger (else the
 * built-in one) rendered with the Go-template subset of config/go-template.ts over
 * `templateData(scrubEvent(event))`. A template that fails at send time falls back to the built-in
 * one (a notification is never lost to a template), and says so in `templateError`. The result is
 * scrubbed once more and bounded in length.
 */
import type { NotificationTemplate } from '../../config/notifications-types.js';
import { renderGoTemplate, TemplateError } from '../../config/go-template.js';
import { scrubText } from '../scrub/scrub-text.js';
import { DEFAULT_TEMPLATES } from './default-templates.js';
import type { NotificationEvent } from './notification-event.js';
import { scrubEvent } from './scrub-event.js';
import { templateData } from './template-data.js';

/** The longest title and text sent, in characters. */
export const MAX_TITLE_LENGTH = 250;
export const MAX_TEXT_LENGTH = 4000;

/** Options of `renderNotification`. */
export interface RenderNotificationOptions {
  /** Applied to every value from the event (Slack's escaping). @default identity */
  escape?: (text: string) => string;
  /** Values masked wherever they appear (the service's URL and keys). @default [] */
  secretValues?: readonly string[];
}

/** A rendered notification. */
export interface RenderedNotification {
  title: string;
  text: string;
  /** Why the configured template could not be used (the built-in one was). */
  templateError?: string;
}

/** An event with every field set, to check templates when the file is loaded. */
const SAMPLE_EVENT: NotificationEvent = {
  app: 'guestbook',
  trigger: 'on-sync-failed',
  time: '2026-01-01T00:00:00.000Z',
  revision: '0123456789abcdef0123456789abcdef01234567',
  previousRevision: 'fedcba9876543210fedcba9876543210fedcba98',
  phase: 'Failed',
  message: 'Deployment/guestbook/web did not become healthy',
  health: 'Degraded',
  operationId: 7,
  initiator: 'user:alice',
  cluster: 'local',
  namespace: 'guestbook',
  repoURL: 'https://git.example.com/apps.git',
  targetRevision: 'main',
};

/** Renders the notification of `event` with `template` (undefined: the trigger's built-in template). */
export function renderNotification(
  event: NotificationEvent,
  template: NotificationTemplate | undefined,
  options: RenderNotificationOptions = {},
): RenderedNotification {
  const secretValues = options.secretValues ?? [];
  const data = templateData(scrubEvent(event, secretValues), options.escape);
  const fallback = DEFAULT_TEMPLATES[event.trigger];
  let title: string;
  let text: string;
  let templateError: string | undefined;
  try {
    ({ title, text } = renderTemplate(template ?? fallback, data));
  } catch (err) {
    if (!(err instanceof TemplateError) || template === undefined) throw err;
    templateError = err.message;
    ({ title, text } = renderTemplate(fallback, data));
  }
  const clean = (value: string, max: number): string => {
    const scrubbed = scrubText(value, { secretValues });
    return scrubbed.length > max ? `${scrubbed.slice(0, max - 1)}…` : scrubbed;
  };
  const rendered: RenderedNotification = {
    title: clean(title, MAX_TITLE_LENGTH),
    text: clean(text, MAX_TEXT_LENGTH),
  };
  if (templateError !== undefined) rendered.templateError = clean(templateError, MAX_TITLE_LENGTH);
  return rendered;
}

/** Why `template` cannot be rendered (unsupported syntax, an unknown field), or undefined. */
export function templateProblem(template: NotificationTemplate): string | undefined {
  try {
    renderTemplate(template, templateData(SAMPLE_EVENT));
    return undefined;
  } catch (err) {
    if (err instanceof TemplateError) return `cannot be rendered: ${err.message}`;
    throw err;
  }
}

function renderTemplate(template: NotificationTemplate, data: unknown): { title: string; text: string } {
  return { title: renderGoTemplate(template.title, data), text: renderGoTemplate(template.message, data) };
}
