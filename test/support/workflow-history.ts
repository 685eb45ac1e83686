/**
 * Reading a workflow's event history in end-to-end tests: how many events an operation cost, and
 * whether the workflow has handled every signal it received (so "nothing happened" is observable
 * without sleeping).
 */
import type { Client } from '@temporalio/client';
import { waitFor } from './wait.js';

/** Number of events in a workflow's history (closed or running). */
export async function countEvents(client: Client, workflowId: string, runId?: string): Promise<number> {
  const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
  return history.events?.length ?? 0;
}

/**
 * Waits until the workflow has completed a workflow task after its last signal and its last
 * activity result, and runs no activity and no child: it decided everything it will decide.
 */
export async function waitQuiescent(client: Client, workflowId: string, timeoutMs = 30_000): Promise<void> {
  const handle = client.workflow.getHandle(workflowId);
  await waitFor(
    `${workflowId} to handle its signals and go idle`,
    async () => {
      const events = (await handle.fetchHistory()).events ?? [];
      let lastInput = -1;
      let lastTaskDone = -1;
      let openChildren = 0;
      events.forEach((e, i) => {
        if (
          e.workflowExecutionSignaledEventAttributes ||
          e.activityTaskCompletedEventAttributes ||
          e.activityTaskFailedEventAttributes ||
          e.childWorkflowExecutionCompletedEventAttributes ||
          e.childWorkflowExecutionFailedEventAttributes
        )
          lastInput = i;
        if (e.workflowTaskCompletedEventAttributes) lastTaskDone = i;
        if (e.startChildWorkflowExecutionInitiatedEventAttributes) openChildren += 1;
        if (
          e.childWorkflowExecutionCompletedEventAttributes ||
          e.childWorkflowExecutionFailedEventAttributes ||
          e.childWorkflowExecutionTerminatedEventAttributes ||
          e.childWorkflowExecutionCanceledEventAttributes ||
          e.childWorkflowExecutionTimedOutEventAttributes ||
          e.startChildWorkflowExecutionFailedEventAttributes
        )
          openChildren -= 1;
      });
      const description = await handle.describe();
      const pending = description.raw.pendingActivities?.length ?? 0;
      return lastTaskDone > lastInput && pending === 0 && openChildren === 0 ? true : undefined;
    },
    { timeoutMs },
  );
}
