/**
 * `mooring app delete --cascade`: after the app's entity workflow is stopped, delete every live
 * object tracked as the app's, in reverse apply order, on the app's cluster.
 */
import type { CascadeDeleteInput } from '../contract/workflows.js';
import { proxyActivities } from '@temporalio/workflow';
import type { ClusterActivities, PruneResult } from '../contract/activities.js';
import { NON_RETRYABLE_ERRORS } from '../contract/errors.js';
import { clusterTaskQueue } from '../contract/ids.js';

export async function cascadeDeleteWorkflow(input: CascadeDeleteInput): Promise<PruneResult> {
  const cluster = proxyActivities<ClusterActivities>({
    taskQueue: clusterTaskQueue(input.cluster),
    startToCloseTimeout: '5m',
    retry: { maximumAttempts: 5, nonRetryableErrorTypes: [...NON_RETRYABLE_ERRORS] },
  });
  return await cluster.deleteApplicationResources({ app: input.app, propagation: 'foreground' });
}
