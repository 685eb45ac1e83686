/**
 * The message of each trigger when the worker's notifications file names no template for it.
 * Written in the template syntax users write (docs/NOTIFICATIONS.md), so they can start from them.
 */
import type { NotificationTemplate, NotificationTrigger } from '../../config/notifications-types.js';

const NAME = '{{.app.metadata.name}}';
const REVISION = '{{.event.shortRevision | default "unknown"}}';
const BY = 'Initiated by {{.event.initiator | default "unknown"}}.';
const DETAILS = '{{.event.message | default "no details"}}';

const synced: NotificationTemplate = {
  title: `${NAME} synced`,
  message: `Application ${NAME} synced revision ${REVISION} and is {{.event.health | default "Healthy"}}. ${BY}`,
};

/** The built-in template of every trigger. */
export const DEFAULT_TEMPLATES: Readonly<Record<NotificationTrigger, NotificationTemplate>> = {
  'on-sync-succeeded': synced,
  'on-deployed': { ...synced, title: `${NAME} deployed` },
  'on-sync-failed': {
    title: `${NAME} sync failed`,
    message: `Sync of application ${NAME} to revision ${REVISION} failed: ${DETAILS}. ${BY}`,
  },
  'on-rolled-back': {
    title: `${NAME} rolled back`,
    message:
      `Application ${NAME}: revision ${REVISION} failed and was rolled back to ` +
      `{{.event.shortPreviousRevision | default "the last healthy revision"}}: ${DETAILS}. ${BY}`,
  },
  'on-drift-detected': {
    title: `${NAME} drifted`,
    message: `Live objects of application ${NAME} differ from revision ${REVISION}: {{.event.message | default "drift detected"}}.`,
  },
  'on-health-degraded': {
    title: `${NAME} is {{.event.health | default "Degraded"}}`,
    message: `Application ${NAME} (revision ${REVISION}) is {{.event.health | default "Degraded"}}: ${DETAILS}.`,
  },
  'on-sync-status-unknown': {
    title: `${NAME} sync status unknown`,
    message: `Mooring cannot tell whether application ${NAME} is in sync: ${DETAILS}.`,
  },
  'on-created': { title: `${NAME} created`, message: `Application ${NAME} was created. ${BY}` },
  'on-deleted': { title: `${NAME} deleted`, message: `Application ${NAME} was deleted. ${BY}` },
};
