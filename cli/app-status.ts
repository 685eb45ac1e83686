/** Reading an app's status for the `mooring app …` commands, and waiting for it to change. */
import { setTimeout as delay } from 'node:timers/promises';
import { listApplications } from '../client/list-applications.js';
import { WorkflowNotFound } from '../client/workflow-reader.js';
import type { WorkflowReader } from '../client/workflow-reader.js';
import { applicationWorkflowId } from '../contract/ids.js';
import { statusQuery, syncStepQuery } from '../contract/messages.js';
import type { AppStatus, SyncAccepted } from '../contract/messages.js';
import { formatDuration } from './format.js';

const QUERY_TIMEOUT_MS = 3000;

export const STALE_NOTE = 'note: no worker answered; this comes from search attributes and may be stale';

/** Live status from the workflow, or (no worker answering) the search attributes, marked stale. */
export async function readStatus(
  reader: WorkflowReader,
  name: string,
): Promise<{ status: AppStatus; stale: boolean }> {
  try {
    const status = await reader.query<AppStatus>(
      applicationWorkflowId(name),
      statusQuery.name,
      QUERY_TIMEOUT_MS,
    );
    if (status.operation) {
      // The running sync knows its own step; the app records only that it runs.
      const step = await reader
        .query<string>(status.operation.workflowId, syncStepQuery.name, QUERY_TIMEOUT_MS)
        .catch(() => undefined);
      if (step) status.operation = { ...status.operation, step };
    }
    return { status, stale: false };
  } catch (err) {
    if (err instanceof WorkflowNotFound) throw new Error(`Application "${name}" not found`, { cause: err });
    return { stale: true, status: await staleStatus(reader, name, err) };
  }
}

/** The status as the search attributes record it, when no worker answers the query. */
async function staleStatus(reader: WorkflowReader, name: string, err: unknown): Promise<AppStatus> {
  const summary = (await listApplications(reader, `WorkflowId = '${applicationWorkflowId(name)}'`))[0];
  if (!summary) throw new Error(`Application "${name}" not found`, { cause: err });
  return {
    name,
    cluster: summary.cluster,
    namespace: summary.namespace,
    repoURL: summary.repoURL,
    path: '',
    targetRevision: summary.targetRevision,
    headRevision: summary.headRevision,
    deployedRevision: summary.deployedRevision,
    sync: (summary.sync ?? 'Unknown') as AppStatus['sync'],
    health: (summary.health ?? 'Unknown') as AppStatus['health'],
    paused: false,
    badRevisions: [],
    resources: [],
    history: [],
    consecutiveFailures: 0,
    conditions: [],
  };
}

/** Polls status until `done` says so; prints each new operation step. */
export async function waitFor(
  reader: WorkflowReader,
  name: string,
  done: (s: AppStatus) => boolean,
  timeoutMs: number,
): Promise<AppStatus> {
  const deadline = Date.now() + timeoutMs;
  let lastLine = '';
  for (;;) {
    const { status } = await readStatus(reader, name);
    const line = status.operation
      ? `  #${status.operation.id} ${status.operation.step}`
      : `  ${status.sync} / ${status.health}`;
    if (line !== lastLine) {
      // On a terminal the step line updates in place; in logs and pipes each change is a line.
      if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`);
      else console.error(line);
    }
    lastLine = line;
    const finished = done(status);
    if (process.stderr.isTTY && finished) process.stderr.write('\n');
    if (finished) return status;
    if (Date.now() > deadline)
      throw new Error(
        `Timed out after ${formatDuration(timeoutMs)}: ${status.name} is ${status.sync} and ${status.health}`,
      );
    await delay(500);
  }
}

/** Waits until the accepted operation is recorded, prints its outcome; exit code 1 unless it succeeded. */
export async function waitForOperation(
  reader: WorkflowReader,
  name: string,
  accepted: SyncAccepted,
  timeoutMs: number,
): Promise<AppStatus> {
  const status = await waitFor(
    reader,
    name,
    (s) => s.lastOperation?.id === accepted.operationId && s.operation?.id !== accepted.operationId,
    timeoutMs,
  );
  const entry = status.history.find((h) => h.id === accepted.operationId);
  console.log(
    `operation #${accepted.operationId}: ${entry?.outcome ?? status.lastOperation?.phase}${status.lastOperation?.message ? ` - ${status.lastOperation.message}` : ''}`,
  );
  if (entry && entry.outcome !== 'Succeeded') process.exitCode = 1;
  return status;
}
