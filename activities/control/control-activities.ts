/** Activities that talk to Temporal itself; on the workflow queue. */
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { ControlActivities } from '../../contract/activities.js';
import type { DriftWatchInput } from '../../contract/workflows.js';
import { driftWatchWorkflowId, WORKFLOW_TYPES } from '../../contract/ids.js';
import { registerChildApplications } from './register-child-applications.js';
import { sdkFleetIndex } from './fleet-index.js';
import type { FleetIndex } from './fleet-index.js';

export function createControlActivities(deps: {
  client: Client;
  taskQueue: string;
  /** The worker's index of the apps on `taskQueue` (shared with its `/metrics`). @default one of its own */
  fleet?: FleetIndex;
}): ControlActivities {
  const fleet = deps.fleet ?? sdkFleetIndex(deps.client, deps.taskQueue);
  return {
    async listApplications(filter) {
      return await fleet.select(filter);
    },
    async listApplicationPage(input) {
      return await fleet.page(input);
    },
    async registerChildApplications(input) {
      return await registerChildApplications(deps.client, deps.taskQueue, input);
    },
    async ensureDriftWatches({ clusters }) {
      return { started: await ensureDriftWatches(deps.client, deps.taskQueue, clusters) };
    },
  };
}

/** Starts the drift-watch workflow of each cluster unless one is running; returns the clusters started. */
export async function ensureDriftWatches(
  client: Client,
  taskQueue: string,
  clusters: readonly string[],
): Promise<string[]> {
  const started: string[] = [];
  for (const cluster of new Set(clusters)) {
    const input: DriftWatchInput = { cluster };
    try {
      await client.workflow.start(WORKFLOW_TYPES.driftWatch, {
        workflowId: driftWatchWorkflowId(cluster, taskQueue),
        taskQueue,
        args: [input],
        staticSummary: `watch-based drift detection on cluster ${cluster}`,
      });
      started.push(cluster);
    } catch (err) {
      if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    }
  }
  return started;
}
