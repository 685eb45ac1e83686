/**
 * What happened to an app, as the notification layer sees it: one plain, small, serialisable
 * record built by the workflow from its own state (workflow time, never a clock read here) and
 * handed to the delivery activity. It holds no URL, secret or manifest.
 */
import type { NotificationTrigger } from '../../config/notifications-types.js';
import type { HealthStatusCode } from '../../contract/kube-object.js';

export type { NotificationTrigger } from '../../config/notifications-types.js';

/** One notification event. Optional fields are absent when the workflow does not know them. */
export interface NotificationEvent {
  /** The application name. */
  app: string;
  /** What happened (the trigger the event fires; see `firedTriggers` for the aliases). */
  trigger: NotificationTrigger;
  /** When it happened, ISO 8601 (workflow time). */
  time: string;
  /** The revision (full commit SHA) deployed, attempted or found drifted. */
  revision?: string;
  /** The revision live before the operation (for a rollback: the one returned to). */
  previousRevision?: string;
  /** The operation phase (`Succeeded`, `Failed`, `Error`, ...). */
  phase?: string;
  /** A short description: the failure cause, the drifted objects. Scrubbed before it is sent. */
  message?: string;
  health?: HealthStatusCode;
  /** The operation's id within the app (history id). */
  operationId?: number;
  /** Who started the operation (`user:alice`, `schedule:git-poll`, ...). */
  initiator?: string;
  cluster?: string;
  namespace?: string;
  repoURL?: string;
  targetRevision?: string;
}
