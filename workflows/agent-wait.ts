/**
 * A cluster's activities run on its agent. When no agent polls the cluster's task queue, an
 * activity times out waiting to start (`scheduleToStartTimeout` in `activity-profiles.ts`) instead
 * of waiting silently forever: the caller says who is missing and since when, and tries again, so
 * the work resumes as soon as the agent is back.
 */
import { ActivityFailure, TimeoutFailure } from '@temporalio/workflow';
import { clusterTaskQueue } from '../contract/ids.js';
import { isoTime, workflowNow } from './clock.js';

/** True for an activity that no worker picked up in time. */
export function isAgentMissing(err: unknown): boolean {
  return (
    err instanceof ActivityFailure &&
    err.cause instanceof TimeoutFailure &&
    err.cause.timeoutType === 'SCHEDULE_TO_START'
  );
}

/** What an operator reads while the agent is gone. */
export function agentMissingMessage(cluster: string, since: number): string {
  return (
    `waiting for the agent of cluster "${cluster}": nothing has polled task queue ` +
    `${clusterTaskQueue(cluster)} since ${isoTime(since)}; start \`mooring worker --agent --cluster ${cluster}\` next to that cluster`
  );
}

/**
 * Runs `call` until an agent picks it up. `onWaiting` gets the message each time the call timed
 * out unstarted; errors of a started call are the caller's.
 */
export async function untilAgentAnswers<T>(
  cluster: string,
  call: () => Promise<T>,
  onWaiting: (message: string) => void,
): Promise<T> {
  const since = workflowNow();
  for (;;) {
    try {
      return await call();
    } catch (err) {
      if (!isAgentMissing(err)) throw err;
      onWaiting(agentMissingMessage(cluster, since));
    }
  }
}
