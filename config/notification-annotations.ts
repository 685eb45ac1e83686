/**
 * Argo CD notification subscriptions written as Application annotations, read into Mooring
 * subscriptions: `notifications.argoproj.io/subscribe.<trigger>.<service>: <recipients>` (recipients
 * separated by ";", as Argo CD does) and `notifications.argoproj.io/subscribe.<service>` (the
 * default triggers). Decides which annotations are understood; anything else under the prefix is a
 * problem the importer reports as a warning, never a silent drop. Annotations of other tools are
 * not looked at.
 */
import {
  DEFAULT_SUBSCRIPTION_TRIGGERS,
  isNotificationTrigger,
  type NotificationTrigger,
  type Subscription,
} from './notifications-types.js';
import { SERVICE_NAME_PATTERN } from './notifications-schema.js';

/** The annotation prefix of Argo CD notification subscriptions. */
export const SUBSCRIBE_ANNOTATION_PREFIX = 'notifications.argoproj.io/subscribe.';
/** Argo CD's YAML form of subscriptions, which Mooring does not read. */
export const SUBSCRIPTIONS_ANNOTATION = 'notifications.argoproj.io/subscriptions';

/** An annotation that was not understood, and why. */
export interface AnnotationProblem {
  annotation: string;
  problem: string;
}

/** The subscriptions found in annotations and the annotations that were not understood. */
export interface AnnotationSubscriptions {
  subscriptions: Subscription[];
  problems: AnnotationProblem[];
}

const RECIPIENT = /^[^\s\p{Cc}]{1,253}$/u;

/**
 * Reads the Argo CD subscription annotations of an Application's `metadata.annotations`.
 *
 * @example
 * subscriptionsFromAnnotations({ 'notifications.argoproj.io/subscribe.on-sync-succeeded.slack': 'a;b' })
 * // { subscriptions: [{ trigger: 'on-sync-succeeded', service: 'slack', recipients: ['a', 'b'] }], problems: [] }
 */
export function subscriptionsFromAnnotations(
  annotations: Readonly<Record<string, string>> | undefined,
): AnnotationSubscriptions {
  const subscriptions: Subscription[] = [];
  const problems: AnnotationProblem[] = [];
  for (const [annotation, value] of Object.entries(annotations ?? {})) {
    if (annotation === SUBSCRIPTIONS_ANNOTATION) {
      problems.push({
        annotation,
        problem:
          'the YAML form of subscriptions is not supported by Mooring: write one notifications.argoproj.io/subscribe.<trigger>.<service> annotation per subscription; ignored',
      });
      continue;
    }
    if (!annotation.startsWith(SUBSCRIBE_ANNOTATION_PREFIX)) continue;
    const parts = annotation.slice(SUBSCRIBE_ANNOTATION_PREFIX.length).split('.');
    const [first = '', second] = parts;
    const service = second ?? first;
    const triggerText = second === undefined ? undefined : first;
    const problem =
      parts.length > 2
        ? 'must be subscribe.<trigger>.<service> or subscribe.<service>'
        : !new RegExp(SERVICE_NAME_PATTERN).test(service) || service.length > 63
          ? `"${service}" is not a service name (letters, digits, "-" and "_")`
          : triggerText !== undefined && !isNotificationTrigger(triggerText)
            ? `trigger "${triggerText}" is not fired by Mooring (it fires ${DEFAULT_SUBSCRIPTION_TRIGGERS.join(', ')}, on-drift-detected, on-deployed, on-sync-status-unknown, on-created and on-deleted)`
            : undefined;
    if (problem) {
      problems.push({ annotation, problem: `${problem}; ignored` });
      continue;
    }
    const recipients = splitRecipients(value);
    const bad = recipients.find((r) => !RECIPIENT.test(r));
    if (bad !== undefined) {
      problems.push({
        annotation,
        problem: `recipient ${JSON.stringify(bad.slice(0, 60))} holds blanks or control characters; ignored`,
      });
      continue;
    }
    const triggers: readonly NotificationTrigger[] =
      triggerText === undefined ? DEFAULT_SUBSCRIPTION_TRIGGERS : [triggerText as NotificationTrigger];
    for (const trigger of triggers) subscriptions.push({ trigger, service, recipients });
  }
  return { subscriptions, problems };
}

/** `a; b;;c` → `['a', 'b', 'c']`. */
function splitRecipients(value: string): string[] {
  return value
    .split(';')
    .map((r) => r.trim())
    .filter((r) => r !== '');
}
