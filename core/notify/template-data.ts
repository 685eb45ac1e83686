/**
 * The data a notification template sees: Argo CD's names where they exist (`.app.metadata.name`,
 * `.app.status.operationState.phase`, `.app.status.sync.revision`, ...) and Mooring's event under
 * `.event`. Every leaf is a string (empty when unknown), so a template never fails on a missing
 * field; `escape` (Slack's `&<>` escaping) is applied to every value taken from the event.
 */
import type { NotificationEvent } from './notification-event.js';

/** Characters of a commit SHA shown by `shortRevision`. */
export const SHORT_REVISION_LENGTH = 7;

/** The `.event` part of the template data. */
export interface EventTemplateData {
  trigger: string;
  time: string;
  revision: string;
  shortRevision: string;
  previousRevision: string;
  shortPreviousRevision: string;
  phase: string;
  message: string;
  health: string;
  operationId: string;
  initiator: string;
  cluster: string;
  namespace: string;
  repoURL: string;
  targetRevision: string;
}

/** What `{{ ... }}` refers to in a template. */
export interface TemplateData {
  app: {
    metadata: { name: string };
    spec: {
      destination: { name: string; namespace: string };
      source: { repoURL: string; targetRevision: string };
    };
    status: {
      sync: { revision: string };
      health: { status: string };
      operationState: {
        phase: string;
        message: string;
        finishedAt: string;
        syncResult: { revision: string };
        operation: { initiatedBy: { username: string } };
      };
    };
  };
  event: EventTemplateData;
  /** Argo CD's `.context`; Mooring has no UI URL to put there, so `argocdUrl` is empty. */
  context: { argocdUrl: string };
}

/** The template data of `event`, every value passed through `escape`. */
export function templateData(
  event: NotificationEvent,
  escape: (text: string) => string = (t) => t,
): TemplateData {
  const s = (value: string | number | undefined): string => escape(value === undefined ? '' : String(value));
  const e: EventTemplateData = {
    trigger: s(event.trigger),
    time: s(event.time),
    revision: s(event.revision),
    shortRevision: s(event.revision?.slice(0, SHORT_REVISION_LENGTH)),
    previousRevision: s(event.previousRevision),
    shortPreviousRevision: s(event.previousRevision?.slice(0, SHORT_REVISION_LENGTH)),
    phase: s(event.phase),
    message: s(event.message),
    health: s(event.health),
    operationId: s(event.operationId),
    initiator: s(event.initiator),
    cluster: s(event.cluster),
    namespace: s(event.namespace),
    repoURL: s(event.repoURL),
    targetRevision: s(event.targetRevision),
  };
  return {
    app: {
      metadata: { name: s(event.app) },
      spec: {
        destination: { name: e.cluster, namespace: e.namespace },
        source: { repoURL: e.repoURL, targetRevision: e.targetRevision },
      },
      status: {
        sync: { revision: e.revision },
        health: { status: e.health },
        operationState: {
          phase: e.phase,
          message: e.message,
          finishedAt: e.time,
          syncResult: { revision: e.revision },
          operation: { initiatedBy: { username: e.initiator } },
        },
      },
    },
    event: e,
    context: { argocdUrl: '' },
  };
}
