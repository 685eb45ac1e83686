/** Reading an app's status for the `mooring app …` commands, and waiting for it to change. */
import { setTimeout as delay } from 'node:timers/promises';
import type { Client } from '@temporalio/client';
import { listApplications } from '../client/list-applications.js';
import { applicationWorkflowId } from '../contract/ids.js';
import { statusQuery, syncStepQuery } from '../contract/messages.js';
import type { AppStatus, SyncAccepted } from '../contract/messages.js';
import { formatDuration } from './format.js';

const QUERY_TIMEOUT_MS = 3000;

export const STALE_NOTE = 'note: no worker answered; this comes from search attributes and may be stale';

/** Live status from the workflow, or (no worker answering) the search attributes, marked stale. */
export async function readStatus(
  client: Client,
  name: string,
): Promise<{ status: AppStatus; stale: boolean }> {
  const handle = client.workflow.getHandle(applicationWorkflowId(name));
  try {
    const status = await Promise.race([
      handle.query(statusQuery),
      delay(QUERY_TIMEOUT_MS).then(() => {
        throw new Error('no worker answered');
      }),
    ]);
    if (status.operation) {
      // The running sync knows its own step; the app records only that it runs.
      const step = await client.workflow
        .getHandle(status.operation.workflowId)
        .query(syncStepQuery)
        .catch(() => undefined);
      if (step) status.operation = { ...status.operation, step };
    }
    return { status, stale: false };
  } catch (err) {
    const { WorkflowNotFoundError } = await import('@temporalio/client'); // loaded already: the client made the call
    if (err instanceof WorkflowNotFoundError)
      throw new Error(`Application "${name}" not found`, { cause: err });
    return { stale: true, status: await staleStatus(client, name, err) };
  }
}

/** The status as the search attributes record it, when no worker answers the query. */
async function staleStatus(client: Client, name: string, err: unknown): Promise<AppStatus> {
  const summary = (await listApplications(client, `WorkflowId = '${applicationWorkflowId(name)}'`))[0];
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
  client: Client,
  name: string,
  done: (s: AppStatus) => boolean,
  timeoutMs: number,
): Promise<AppStatus> {
  const deadline = Date.now() + timeoutMs;
  let lastLine = '';
  for (;;) {
    const { status } = await readStatus(client, name);
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
  client: Client,
  name: string,
  accepted: SyncAccepted,
  timeoutMs: number,
): Promise<AppStatus> {
  const status = await waitFor(
    client,
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
