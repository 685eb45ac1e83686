/**
 * The directories of a repository at a revision, for the ApplicationSet git generators of
 * `mooring app apply`: the Git read runs on the agent of `input.cluster`, which holds the Git
 * credentials, so the CLI never clones anything. Writes nothing; the listing comes back bounded
 * (see `listRepoDirectories` in activities/git/git-activities.ts).
 */
import { proxyActivities } from '@temporalio/workflow';
import type { ClusterActivities } from '../contract/activities.js';
import { NON_RETRYABLE_ERRORS } from '../contract/errors.js';
import { clusterTaskQueue } from '../contract/ids.js';
import type {
  ListRepoDirectoriesWorkflowInput,
  ListRepoDirectoriesWorkflowResult,
} from '../contract/workflows.js';

export async function listRepoDirectoriesWorkflow(
  input: ListRepoDirectoriesWorkflowInput,
): Promise<ListRepoDirectoriesWorkflowResult> {
  const cluster = proxyActivities<ClusterActivities>({
    taskQueue: clusterTaskQueue(input.cluster),
    // A first clone of a large repository may take the whole git fetch timeout (5 min).
    startToCloseTimeout: '6m',
    // An operator waits for this: give up rather than wait for an agent that never comes.
    scheduleToCloseTimeout: '10m',
    retry: { maximumAttempts: 3, nonRetryableErrorTypes: [...NON_RETRYABLE_ERRORS] },
  });
  return await cluster.listRepoDirectories({ repoURL: input.repoURL, revision: input.revision });
}
