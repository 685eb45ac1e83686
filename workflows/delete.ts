/**
 * `mooring app delete --cascade`: after the app's entity workflow is stopped, run the app's
 * PreDelete hooks (each must succeed, or nothing is deleted and the failure names the hook), delete
 * every live object tracked as the app's, in reverse apply order, on the app's cluster, then run its
 * PostDelete hooks once those objects are gone (Argo CD semantics).
 */
import type { CascadeDeleteInput } from '../contract/workflows.js';
import { patched, proxyActivities } from '@temporalio/workflow';
import type { ClusterActivities, PruneResult } from '../contract/activities.js';
import { cascadeDeleteProfile } from './activity-profiles.js';
import { PATCHES } from './patches.js';

/** How long each delete hook (and, for PostDelete, the deletion before it) may take: within the profile's 5 m. */
const DELETE_HOOK_TIMEOUT_MS = 4 * 60_000;

export async function cascadeDeleteWorkflow(input: CascadeDeleteInput): Promise<PruneResult> {
  const cluster = proxyActivities<ClusterActivities>(cascadeDeleteProfile(input.cluster));
  const deleteResources = () =>
    cluster.deleteApplicationResources({ app: input.app, propagation: 'foreground' });
  if (!patched(PATCHES.deleteHooks)) return await deleteResources();
  const hooks = (phase: 'PreDelete' | 'PostDelete') =>
    cluster.runDeleteHooks({ app: input.app, plan: input.plan, phase, timeoutMs: DELETE_HOOK_TIMEOUT_MS });
  const before = await hooks('PreDelete');
  const deleted = await deleteResources();
  const after = await hooks('PostDelete');
  return { ...deleted, changes: [...before.changes, ...deleted.changes, ...after.changes] };
}
