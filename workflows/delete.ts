/**
 * `mooring app delete --cascade`: after the app's entity workflow is stopped, delete every live
 * object tracked as the app's, in reverse apply order, on the app's cluster.
 */
import type { CascadeDeleteInput } from '../contract/workflows.js';
import { proxyActivities } from '@temporalio/workflow';
import type { ClusterActivities, PruneResult } from '../contract/activities.js';
import { cascadeDeleteProfile } from './activity-profiles.js';

export async function cascadeDeleteWorkflow(input: CascadeDeleteInput): Promise<PruneResult> {
  const cluster = proxyActivities<ClusterActivities>(cascadeDeleteProfile(input.cluster));
  return await cluster.deleteApplicationResources({ app: input.app, propagation: 'foreground' });
}
