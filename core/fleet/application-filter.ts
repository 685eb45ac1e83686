/**
 * What `listApplications` keeps of the listed apps beyond the visibility query (cluster and names
 * are part of the query): the apps due in a git-poll tick, the autoscaled apps. Pure; the control
 * activity and the workflow tests' stub share it.
 */
import type { ApplicationFilter, ApplicationSummary } from '../../contract/activities.js';
import { intervalMs, pollDue } from '../poll/poll-due.js';

/** True when `app` passes the parts of `filter` the activity applies. */
export function keptByFilter(app: ApplicationSummary, filter: ApplicationFilter | undefined): boolean {
  const due = filter?.pollDue;
  if (due && !pollDue(app.name, intervalMs(app.interval), due.tickEndMs, due.tickMs)) return false;
  return !filter?.autoscaled || app.autoscaling !== undefined;
}
