/** The WorkflowReader of a process that already holds an SDK client. */
import { setTimeout as delay } from 'node:timers/promises';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import { QueryUnanswered, WorkflowNotFound } from './workflow-reader.js';
import type { ListedWorkflow, WorkflowReader } from './workflow-reader.js';

export function sdkWorkflowReader(client: Client): WorkflowReader {
  return {
    async *list(query: string): AsyncIterable<ListedWorkflow> {
      for await (const wf of client.workflow.list({ query })) {
        const keywords: Record<string, string> = {};
        for (const [name, value] of Object.entries(wf.searchAttributes ?? {}))
          if (Array.isArray(value) && typeof value[0] === 'string') keywords[name] = value[0];
        yield { workflowId: wf.workflowId, memo: wf.memo ?? {}, keywords };
      }
    },

    async query<T>(workflowId: string, queryType: string, timeoutMs: number): Promise<T> {
      const timer = new AbortController();
      try {
        return await Promise.race([
          client.workflow.getHandle(workflowId).query<T>(queryType),
          delay(timeoutMs, undefined, { signal: timer.signal }).then(() => {
            throw new QueryUnanswered(`no worker answered the ${queryType} query of ${workflowId}`);
          }),
        ]);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError)
          throw new WorkflowNotFound(`workflow ${workflowId} not found`, { cause: err });
        throw err;
      } finally {
        timer.abort();
      }
    },
  };
}
