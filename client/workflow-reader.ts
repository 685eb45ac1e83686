/**
 * What reading Mooring's workflows needs from Temporal: list executions from visibility and ask a
 * workflow a query. Two implementations: the SDK client's (workers, and CLI commands that also
 * write) in sdk-workflow-reader.ts, and the CLI's quick read path (client/temporal-read), which
 * answers `app get` and `app list` without loading the SDK.
 */

/** One execution as visibility lists it: its memo (decoded) and its Keyword search attributes. */
export interface ListedWorkflow {
  workflowId: string;
  memo: Record<string, unknown>;
  keywords: Record<string, string>;
}

export interface WorkflowReader {
  /** Every execution matching a visibility query, page by page. */
  list(query: string): AsyncIterable<ListedWorkflow>;
  /**
   * A query's answer. Throws WorkflowNotFound when there is no such workflow, and
   * QueryUnanswered when no worker answered within `timeoutMs`.
   */
  query<T>(workflowId: string, queryType: string, timeoutMs: number): Promise<T>;
}

export class WorkflowNotFound extends Error {
  override name = 'WorkflowNotFound';
}

export class QueryUnanswered extends Error {
  override name = 'QueryUnanswered';
}
