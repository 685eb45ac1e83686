/** Activities that talk to Temporal itself; on the workflow queue. */
import type { Client } from '@temporalio/client';
import type { ControlActivities } from '../../contract/activities.js';
import { applicationsOnQueue, listApplications } from '../../client/list-applications.js';
import { registerChildApplications } from './register-child-applications.js';

export function createControlActivities(deps: { client: Client; taskQueue: string }): ControlActivities {
  return {
    async listApplications() {
      return await listApplications(deps.client, applicationsOnQueue(deps.taskQueue));
    },
    async registerChildApplications(input) {
      return await registerChildApplications(deps.client, deps.taskQueue, input);
    },
  };
}
