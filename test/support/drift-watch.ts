/** Watching a drift-watch workflow from tests and benches. */
import type { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { waitFor } from './wait.js';

/** How many `detectDrift` checks the watcher has scheduled so far. */
export async function driftChecks(client: Client, workflowId: string): Promise<number> {
  const { events } = await client.workflow.getHandle(workflowId).fetchHistory();
  return (events ?? []).filter(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'detectDrift',
  ).length;
}

/** Waits until the watcher's agent watches the app's kinds (its activity heartbeats "watching"). */
export async function waitWatching(client: Client, workflowId: string): Promise<void> {
  await waitFor(
    'the drift watch to watch the cluster',
    async () => {
      const { raw } = await client.workflow.getHandle(workflowId).describe();
      const pending = raw.pendingActivities?.find((a) => a.activityType?.name === 'awaitLiveChanges');
      const payload = pending?.heartbeatDetails?.payloads?.[0];
      const details = payload ? defaultPayloadConverter.fromPayload<{ phase?: string }>(payload) : undefined;
      return details?.phase === 'watching' ? true : undefined;
    },
    { timeoutMs: 60_000 },
  );
}
