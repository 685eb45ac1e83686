/**
 * Registers an application: starts its entity workflow, or updates the spec of the running one
 * (update-with-start, so it is one idempotent call). Used by `mooring app apply` and by
 * app-of-apps syncs.
 */
import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import type { Client } from '@temporalio/client';
import type { AppSpec } from '../config/types.js';
import { setSpecUpdate } from '../contract/messages.js';
import { applicationWorkflowId, DEFAULT_TASK_QUEUE, WORKFLOW_TYPES } from '../contract/ids.js';
import { searchAttributes } from '../contract/search-attributes.js';

export type ApplyOutcome = 'created' | 'configured' | 'unchanged';

/** Memo key naming the app of apps that created an app (absent for apps an operator applied). */
export const CREATED_BY_MEMO = 'createdBy';

/** The app of apps that created the running app `name`, `null` when an operator did, undefined when it does not run. */
export async function creatorOf(client: Client, name: string): Promise<string | null | undefined> {
  // Only "no such app" means absent: any other failure (permission, outage) must not let an app
  // of apps overwrite an app it cannot see the creator of.
  const description = await client.workflow
    .getHandle(applicationWorkflowId(name))
    .describe()
    .catch((err: unknown) => {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw err;
    });
  if (description?.status.name !== 'RUNNING') return undefined;
  const creator = description.memo?.[CREATED_BY_MEMO];
  return typeof creator === 'string' ? creator : null;
}

/** How many times a spec update whose answer timed out is asked again. */
const UPDATE_ATTEMPTS = 5;

export async function applySpec(
  client: Client,
  spec: AppSpec,
  taskQueue = DEFAULT_TASK_QUEUE,
  /** The app of apps registering this app; recorded in the memo when the app is created. */
  createdBy?: string,
): Promise<ApplyOutcome> {
  const workflowId = applicationWorkflowId(spec.name);
  const initiator = createdBy === undefined ? client.options.identity : `app:${createdBy}`;
  const startOperation = () =>
    new WithStartWorkflowOperation(WORKFLOW_TYPES.application, {
      workflowId,
      taskQueue,
      args: [{ spec, initiator }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      ...(createdBy === undefined ? {} : { memo: { [CREATED_BY_MEMO]: createdBy } }),
      staticSummary: `application ${spec.name} ← ${spec.source.repoURL.replace(/\/\/[^@/]*@/, '//')} ${spec.source.path}@${spec.source.targetRevision}`,
      typedSearchAttributes: searchAttributes({
        MooringApp: spec.name,
        MooringCluster: spec.destination.cluster,
        MooringSyncStatus: 'Unknown',
        MooringHealth: 'Unknown',
        MooringPhase: 'Idle',
      }),
    });
  // The call returns once the app's workflow has run the update. When its worker is busy (a fleet
  // registering hundreds of apps) the server may give up waiting first; the update is idempotent
  // (the same spec again changes nothing), so it is asked again, a bounded number of times.
  for (let attempt = 1; ; attempt++) {
    try {
      const { changed, created } = await client.workflow.executeUpdateWithStart(setSpecUpdate, {
        args: [spec, { initiator }],
        startWorkflowOperation: startOperation(),
      });
      // A worker older than 0.8.0 does not say `created`: an app it creates reads as unchanged.
      if (created === true) return 'created';
      return changed ? 'configured' : 'unchanged';
    } catch (err) {
      if (!(err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) || attempt >= UPDATE_ATTEMPTS) throw err;
    }
  }
}
