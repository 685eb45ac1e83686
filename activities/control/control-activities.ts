/** Activities that talk to Temporal itself or to the worker's own metrics; on the `mooring` queue. */
import type { Client } from '@temporalio/client';
import type { ControlActivities, OperationRecord } from '../contracts.js';
import { applicationsOnQueue, listApplications } from './list-applications.js';

export interface OperationObserver {
  (record: OperationRecord): void;
}

export function createControlActivities(deps: { client: Client; taskQueue: string; onOperation?: OperationObserver }): ControlActivities {
  return {
    async listApplications() {
      return await listApplications(deps.client, applicationsOnQueue(deps.taskQueue));
    },
    async recordOperation(record) {
      deps.onOperation?.(record);
    },
  };
}
