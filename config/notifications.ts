/**
 * The worker's notifications file: one `mooring.dev/v1` NotificationsConfig naming the receivers
 * (Argo CD's `service.slack`, `service.slack.<name>`, `service.webhook.<name>`), the templates and
 * which template each trigger uses. URLs of Slack webhooks and HMAC keys are credentials: they are
 * read from files next to it (a mounted Secret), never written in the file or an app's spec, and
 * never quoted in an error. An app only names a service; it can never make a worker call a URL.
 *
 * Pure: file contents come from the injected `readText`; templates are checked by the injected
 * `templateProblem` (core/notify renders them).
 */
import { parseDuration } from './duration.js';
import { readNotificationService } from './notification-services.js';
import { NOTIFICATIONS_CONFIG_SCHEMA } from './notifications-schema.js';
import type {
  NotificationService,
  NotificationsConfig,
  NotificationTemplate,
  NotificationTrigger,
} from './notifications-types.js';
import { checkSchema } from './schema-check.js';
import { readSpecDocuments } from './spec-document.js';
import type { SpecWarning } from './spec-error.js';

/** The kind of the document. */
export const NOTIFICATIONS_KIND = 'NotificationsConfig';

/** A notifications file after loading, with its warnings. */
export interface LoadedNotifications {
  config: NotificationsConfig;
  warnings: SpecWarning[];
}

/** Options of `parseNotificationsConfig`. */
export interface NotificationsParseOptions {
  /** Reads a secret file (URL, HMAC key, header value); relative paths resolve from the config file's folder. */
  readText: (path: string) => string;
  /** Why a template cannot be rendered, or undefined; absent: templates are not checked. */
  templateProblem?: (template: NotificationTemplate) => string | undefined;
}

type RawSpec = {
  timeout: string;
  services: Record<string, Record<string, unknown>>;
  templates: Record<string, NotificationTemplate>;
  triggers: Partial<Record<NotificationTrigger, { template: string }>>;
};

/**
 * Parses a notifications file's text. Throws a SpecError naming the file, line and field of the
 * first problem; a secret's value never appears in it.
 */
export function parseNotificationsConfig(
  text: string,
  file: string,
  options: NotificationsParseOptions,
): LoadedNotifications {
  const docs = readSpecDocuments(text, file);
  const [doc, extra] = docs;
  if (!doc)
    throw new TypeError(`${file}: holds no document: expected one mooring.dev/v1 ${NOTIFICATIONS_KIND}`);
  if (extra) throw extra.error([], `a notifications file holds one ${NOTIFICATIONS_KIND} document`);
  checkSchema(doc, NOTIFICATIONS_CONFIG_SCHEMA, doc.value);
  const spec = (doc.value as { spec: RawSpec }).spec;
  const warnings: SpecWarning[] = [];
  const services: NotificationService[] = [];
  for (const [key, value] of Object.entries(spec.services)) {
    const service = readNotificationService(doc, key, value, options.readText, warnings);
    const twin = services.find((s) => s.name === service.name);
    if (twin)
      throw doc.error(
        ['spec', 'services', key],
        `declares service "${service.name}" a second time (the ${twin.type} service has that name)`,
      );
    services.push(service);
  }
  for (const [name, template] of Object.entries(spec.templates)) {
    const problem = options.templateProblem?.(template);
    if (problem) throw doc.error(['spec', 'templates', name], problem);
  }
  const triggers: Partial<Record<NotificationTrigger, string>> = {};
  for (const [trigger, use] of Object.entries(spec.triggers) as [
    NotificationTrigger,
    { template: string },
  ][]) {
    if (!Object.hasOwn(spec.templates, use.template))
      throw doc.error(
        ['spec', 'triggers', trigger, 'template'],
        `names no template of spec.templates: current value is "${use.template}"`,
      );
    triggers[trigger] = use.template;
  }
  return {
    config: {
      source: file,
      timeoutMs: parseDuration(spec.timeout),
      services,
      templates: spec.templates,
      triggers,
    },
    warnings,
  };
}
