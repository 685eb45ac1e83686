/**
 * Registers an application: starts its entity workflow, or updates the spec of the running one
 * (update-with-start, so it is one idempotent call). Used by `mooring app apply` and by
 * app-of-apps syncs.
 */
import { WithStartWorkflowOperation } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import type { AppSpec } from '../config/types.js';
import { setSpecUpdate } from '../contract/messages.js';
import { applicationWorkflowId, DEFAULT_TASK_QUEUE, WORKFLOW_TYPES } from '../contract/ids.js';
import { searchAttributes } from '../contract/search-attributes.js';

export type ApplyOutcome = 'created' | 'configured' | 'unchanged';

export async function applySpec(
  client: Client,
  spec: AppSpec,
  taskQueue = DEFAULT_TASK_QUEUE,
): Promise<ApplyOutcome> {
  const workflowId = applicationWorkflowId(spec.name);
  const existed = await client.workflow
    .getHandle(workflowId)
    .describe()
    .then(
      (d) => d.status.name === 'RUNNING',
      () => false,
    );
  const start = new WithStartWorkflowOperation(WORKFLOW_TYPES.application, {
    workflowId,
    taskQueue,
    args: [{ spec }],
    workflowIdConflictPolicy: 'USE_EXISTING',
    staticSummary: `application ${spec.name} ← ${spec.source.repoURL.replace(/\/\/[^@/]*@/, '//')} ${spec.source.path}@${spec.source.targetRevision}`,
    typedSearchAttributes: searchAttributes({
      MooringApp: spec.name,
      MooringCluster: spec.destination.cluster,
      MooringSyncStatus: 'Unknown',
      MooringHealth: 'Unknown',
      MooringPhase: 'Idle',
    }),
  });
  const { changed } = await client.workflow.executeUpdateWithStart(setSpecUpdate, {
    args: [spec],
    startWorkflowOperation: start,
  });
  return existed ? (changed ? 'configured' : 'unchanged') : 'created';
}
