/**
 * The directories of a repository for ApplicationSet git generators, read by the agent of a
 * cluster (it holds the Git credentials) through `listRepoDirectoriesWorkflow`: the CLI never
 * clones a repository.
 */
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { listRepoDirectoriesWorkflowId, WORKFLOW_TYPES } from '../contract/ids.js';
import { redactUrl } from '../core/git/redact.js';
import type {
  ListRepoDirectoriesWorkflowInput,
  ListRepoDirectoriesWorkflowResult,
} from '../contract/workflows.js';
import type { ListDirectories } from './load-specs.js';

type ListRepoDirectoriesWorkflow = (
  input: ListRepoDirectoriesWorkflowInput,
) => Promise<ListRepoDirectoriesWorkflowResult>;

/** The innermost message of a failure chain (WorkflowFailedError → ActivityFailure → ApplicationFailure). */
function rootMessage(err: unknown): string {
  let current: unknown = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

/**
 * A `listDirectories` for `loadSpecs` that starts one workflow per repository and revision on
 * `taskQueue` (the control plane's), whose activity runs on the agent of `cluster`.
 */
export function repoDirectoryLister(
  client: Client,
  where: { taskQueue: string; cluster: string },
): ListDirectories {
  return async (repoURL, revision) => {
    const repo = redactUrl(repoURL);
    try {
      const result = await client.workflow.execute<ListRepoDirectoriesWorkflow>(
        WORKFLOW_TYPES.listRepoDirectories,
        {
          taskQueue: where.taskQueue,
          workflowId: listRepoDirectoriesWorkflowId(
            where.cluster,
            `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
          ),
          args: [{ cluster: where.cluster, repoURL, revision }],
          staticSummary: `list the directories of ${repo} ${revision} for an ApplicationSet git generator`,
          workflowExecutionTimeout: '15m',
        },
      );
      return result.directories;
    } catch (err) {
      throw new Error(
        `Cannot list the directories of ${repo} at ${revision} on the agent of cluster "${where.cluster}": ${rootMessage(err)}`,
        { cause: err },
      );
    }
  };
}
