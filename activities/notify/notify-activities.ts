/**
 * The `deliverNotification` activity: resolves the service named in the input from this worker's
 * notifications file (the only place URLs and keys live), renders the notification, POSTs it
 * (Slack-compatible or generic JSON, HMAC-signed when a key is configured, `X-Mooring-Delivery` the
 * same on every attempt so a receiver can drop repeats) and classifies the outcome: delivered,
 * refused for good (non-retryable ApplicationFailure) or worth retrying (retryable, after the
 * receiver's `Retry-After` when it gave one). Messages, logs and results never hold a URL, a key
 * or more than a short scrubbed excerpt of a response.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { NotificationService, NotificationsConfig } from '../../config/notifications-types.js';
import {
  NOTIFY_FAILURE_TYPES,
  type DeliverNotificationInput,
  type DeliverNotificationResult,
  type NotifyActivities,
} from '../../core/notify/notify-activity.js';
import { renderNotification } from '../../core/notify/render-notification.js';
import { scrubEvent } from '../../core/notify/scrub-event.js';
import { slackEscape, slackPayload } from '../../core/notify/slack-payload.js';
import { webhookPayload } from '../../core/notify/webhook-payload.js';
import { signBody } from '../../core/webhook/signature.js';
import { checkDeliveryInput } from './check-delivery-input.js';
import { classifyResponse } from './classify-response.js';
import { PostError, postJson } from './post-json.js';
import { scrubbedExcerpt, serviceSecrets } from './service-secrets.js';

/** Headers Mooring sets on every POST. */
export const DELIVERY_HEADER = 'X-Mooring-Delivery';
export const SIGNATURE_HEADER = 'X-Mooring-Signature-256';
export const EVENT_HEADER = 'X-Mooring-Event';

/** The few log methods the activity uses (a pino logger fits). */
export interface NotifyLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

/** Options of `createNotifyActivities`. */
export interface NotifyActivitiesOptions {
  /** The worker's loaded notifications file; undefined: none configured (every delivery is refused). */
  config: NotificationsConfig | undefined;
  log?: NotifyLogger;
}

/** Builds the notification activities of a worker. */
export function createNotifyActivities(options: NotifyActivitiesOptions): NotifyActivities {
  const { config, log } = options;
  return {
    async deliverNotification(input: DeliverNotificationInput): Promise<DeliverNotificationResult> {
      checkDeliveryInput(input);
      const service = findService(config, input.service);
      const ctx = Context.current();
      const { workflowExecution, activityId, attempt } = ctx.info;
      const deliveryId = `${workflowExecution?.workflowId ?? 'none'}/${workflowExecution?.runId ?? 'none'}/${activityId}`;
      const secretValues = serviceSecrets(service);
      const what = `Notification ${input.event.trigger} of app "${input.event.app}" to service "${service.name}"${
        input.recipient === undefined ? '' : ` (recipient "${input.recipient}")`
      }`;
      const templateName = config?.triggers[input.event.trigger];
      const template = templateName === undefined ? undefined : config?.templates[templateName];
      const slack = service.type === 'slack';
      const rendered = renderNotification(input.event, template, {
        escape: slack ? slackEscape : undefined,
        secretValues,
      });
      const event = scrubEvent(input.event, secretValues);
      const payload = slack
        ? slackPayload(rendered, event, {
            channel: input.recipient,
            username: service.username,
            iconEmoji: service.iconEmoji,
          })
        : webhookPayload(event, rendered, { deliveryId, service: service.name, recipient: input.recipient });
      const body = JSON.stringify(payload);
      const headers: Record<string, string> = {};
      if (service.type === 'webhook') for (const h of service.headers) headers[h.name] = h.value;
      headers['user-agent'] = 'mooring-notifications';
      headers[DELIVERY_HEADER] = deliveryId;
      headers[EVENT_HEADER] = input.event.trigger;
      if (service.type === 'webhook' && service.hmacSecret !== undefined)
        headers[SIGNATURE_HEADER] = signBody(Buffer.from(body, 'utf8'), service.hmacSecret);
      const fields = {
        app: input.event.app,
        trigger: input.event.trigger,
        service: service.name,
        deliveryId,
        attempt,
      };
      let answer;
      try {
        answer = await postJson(service.url, body, {
          headers,
          timeoutMs: config?.timeoutMs ?? 10_000,
          signal: ctx.cancellationSignal,
        });
      } catch (err) {
        if (!(err instanceof PostError)) throw err;
        log?.warn({ ...fields, problem: err.message }, 'notification not delivered');
        throw ApplicationFailure.create({
          type: NOTIFY_FAILURE_TYPES.failed,
          message: `${what} not delivered: ${err.message}`,
        });
      }
      const excerpt = scrubbedExcerpt(answer.excerpt, secretValues);
      const verdict = classifyResponse(answer.status, answer.retryAfter, Date.now());
      if (verdict.outcome === 'delivered') {
        log?.info({ ...fields, status: answer.status }, 'notification delivered');
        const result: DeliverNotificationResult = {
          deliveryId,
          service: service.name,
          status: answer.status,
          attempt,
        };
        if (input.recipient !== undefined) result.recipient = input.recipient;
        if (rendered.templateError !== undefined) result.templateError = rendered.templateError;
        return result;
      }
      log?.warn({ ...fields, status: answer.status, response: excerpt }, 'notification not delivered');
      const said = `HTTP ${answer.status}${excerpt ? `: ${excerpt}` : ''}`;
      if (verdict.outcome === 'refused')
        throw ApplicationFailure.create({
          type: NOTIFY_FAILURE_TYPES.rejected,
          nonRetryable: true,
          message: `${what} refused by the receiver (not retried): ${said}${
            answer.status >= 300 && answer.status < 400
              ? ' (redirects are not followed: configure the final URL)'
              : ''
          }`,
        });
      throw ApplicationFailure.create({
        type: NOTIFY_FAILURE_TYPES.failed,
        message: `${what} failed, will retry: ${said}`,
        nextRetryDelay: verdict.retryAfterMs,
      });
    },
  };
}

function findService(config: NotificationsConfig | undefined, name: string): NotificationService {
  const service = config?.services.find((s) => s.name === name);
  if (service) return service;
  const shown = JSON.stringify(name.slice(0, 63));
  throw ApplicationFailure.create({
    type: NOTIFY_FAILURE_TYPES.unknownService,
    nonRetryable: true,
    message: config
      ? `Service ${shown} is not configured in this worker's notifications file (${config.source}): configured services are ${
          config.services.map((s) => `"${s.name}"`).join(', ') || 'none'
        }`
      : `Service ${shown} cannot be used: this worker has no notifications file (see docs/NOTIFICATIONS.md)`,
  });
}
