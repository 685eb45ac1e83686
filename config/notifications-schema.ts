/**
 * JSON Schemas (ajv) of notifications: the worker's `mooring.dev/v1` NotificationsConfig file, one
 * schema per service type (checked per entry of `spec.services`, whose keys carry the type), and
 * an app's `spec.notifications` (names only).
 */
import { NOTIFICATION_TRIGGERS } from './notifications-types.js';

/** A service name: Argo CD's `service.<type>.<name>` suffix, or the type itself. */
export const SERVICE_NAME_PATTERN = '^[A-Za-z0-9]([-A-Za-z0-9_]*[A-Za-z0-9])?$';
/** The key of a service in `spec.services`: `slack`, `slack.<name>` or `webhook.<name>`. */
export const SERVICE_KEY_PATTERN = /^(slack|webhook)(?:\.(.+))?$/;

const SERVICE_NAME = {
  type: 'string',
  maxLength: 63,
  pattern: SERVICE_NAME_PATTERN,
  description: 'a service name (letters, digits, "-" and "_", at most 63 characters)',
};
const TEMPLATE_NAME = {
  ...SERVICE_NAME,
  description: 'a template name (letters, digits, "-" and "_", at most 63 characters)',
};
/** A Slack channel or another receiver's recipient: printable, no blanks, at most 253 characters. */
const RECIPIENT = {
  type: 'string',
  minLength: 1,
  maxLength: 253,
  pattern: '^[^\\s\\u0000-\\u001f\\u007f]+$',
  description: 'a recipient such as a Slack channel name (no blanks or control characters)',
};
const file = { type: 'string', minLength: 1, maxLength: 4096 };
const closed = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  additionalProperties: false,
  properties,
  ...extra,
});

/** `spec.services.slack[.<name>]`: the incoming webhook URL is a credential, so only a file names it. */
export const SLACK_SERVICE_SCHEMA = closed(
  {
    urlFile: file,
    username: { type: 'string', minLength: 1, maxLength: 80 },
    iconEmoji: {
      type: 'string',
      pattern: '^:[-a-z0-9_+]+:$',
      description: 'an emoji code such as ":rocket:"',
    },
  },
  { required: ['urlFile'] },
);

/** `spec.services.webhook.<name>`: exactly one of url and urlFile (checked by the loader). */
export const WEBHOOK_SERVICE_SCHEMA = closed({
  url: { type: 'string', minLength: 1, maxLength: 2048 },
  urlFile: file,
  hmacSecretFile: file,
  headers: {
    type: 'array',
    default: [],
    maxItems: 20,
    items: closed(
      {
        name: {
          type: 'string',
          pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$",
          description: 'an HTTP header name',
        },
        value: { type: 'string', maxLength: 1024, pattern: '^[^\\r\\n]*$', description: 'one line of text' },
        valueFile: file,
      },
      { required: ['name'] },
    ),
  },
});

const template = closed(
  {
    title: { type: 'string', maxLength: 1024, default: '' },
    message: { type: 'string', minLength: 1, maxLength: 16 * 1024 },
  },
  { required: ['message'] },
);

/** The NotificationsConfig document; each `services` entry is checked by its type's schema. */
export const NOTIFICATIONS_CONFIG_SCHEMA = closed(
  {
    apiVersion: { const: 'mooring.dev/v1' },
    kind: { const: 'NotificationsConfig' },
    metadata: { type: 'object' },
    spec: closed(
      {
        timeout: {
          type: 'string',
          pattern: '^(?:[0-9]+(?:\\.[0-9]+)?(?:ms|s|m|h))+$',
          description: 'a duration like "10s"',
          durationRange: { min: '100ms', max: '25s' },
          default: '10s',
        },
        services: {
          type: 'object',
          default: {},
          maxProperties: 100,
          additionalProperties: { type: 'object' },
        },
        templates: {
          type: 'object',
          default: {},
          maxProperties: 200,
          propertyNames: TEMPLATE_NAME,
          additionalProperties: template,
        },
        triggers: closed(
          Object.fromEntries(
            NOTIFICATION_TRIGGERS.map((t) => [
              t,
              closed({ template: TEMPLATE_NAME }, { required: ['template'] }),
            ]),
          ),
          { default: {} },
        ),
      },
      { default: {} },
    ),
  },
  { required: ['apiVersion', 'kind', 'spec'] },
);

/** An app's `spec.notifications` (native). */
export const APP_NOTIFICATIONS_SCHEMA = closed(
  {
    subscriptions: {
      type: 'array',
      default: [],
      maxItems: 100,
      items: closed(
        {
          trigger: { enum: [...NOTIFICATION_TRIGGERS] },
          service: SERVICE_NAME,
          recipients: { type: 'array', default: [], maxItems: 50, items: RECIPIENT },
        },
        { required: ['trigger', 'service'] },
      ),
    },
  },
  { required: ['subscriptions'] },
);
