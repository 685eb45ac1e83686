/** Activities that talk to Temporal itself; on the workflow queue. */
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { ControlActivities } from '../../contract/activities.js';
import type { DriftWatchInput } from '../../contract/workflows.js';
import { driftWatchWorkflowId, WORKFLOW_TYPES } from '../../contract/ids.js';
import { applicationsOnQueue, listApplications } from '../../client/list-applications.js';
import { sdkWorkflowReader } from '../../client/sdk-workflow-reader.js';
import { registerChildApplications } from './register-child-applications.js';
import { keptByFilter } from '../../core/fleet/application-filter.js';

export function createControlActivities(deps: { client: Client; taskQueue: string }): ControlActivities {
  return {
    async listApplications(filter) {
      const apps = await listApplications(
        sdkWorkflowReader(deps.client),
        applicationsOnQueue(deps.taskQueue, filter),
      );
      return apps.filter((app) => keptByFilter(app, filter));
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
