/** `mooring app rollback NAME [REVISION|ID]`: roll back and pin the app there until resume. */
import type { WorkflowReader } from '../../../client/workflow-reader.js';
import type { Command } from 'commander';
import { parseDuration } from '../../../config/duration.js';
import { applicationWorkflowId } from '../../../contract/ids.js';
import { rollbackUpdate } from '../../../contract/messages.js';
import { readStatus, waitForOperation } from '../../app-status.js';
import type { RunWithClient } from './run.js';

type RollbackRequest = { historyId?: number; toRevision?: string };

/** A history id or revision as given, or (none given) the last healthy revision before the deployed one. */
async function rollbackRequest(
  reader: WorkflowReader,
  name: string,
  target: string | undefined,
): Promise<RollbackRequest> {
  if (target !== undefined)
    return /^\d+$/.test(target) ? { historyId: Number(target) } : { toRevision: target };
  const { status } = await readStatus(reader, name);
  const previous = [...status.history]
    .reverse()
    .find((h) => h.outcome === 'Succeeded' && h.revision !== status.deployedRevision);
  if (!previous) throw new Error(`Application "${name}" has no earlier healthy revision to roll back to`);
  return { historyId: previous.id };
}

export function registerRollbackCommand(app: Command, run: RunWithClient): void {
  app
    .command('rollback <name> [revisionOrId]')
    .description('Roll back to a history id or revision and pin the app there until resume')
    .option('--wait', 'wait for the rollback to finish')
    .option(
      '--override-sync-windows',
      'emergency: roll back even where a sync window forbids it (recorded in history)',
    )
    .option('--timeout <duration>', 'with --wait', '10m')
    .action(
      (
        name: string,
        target: string | undefined,
        opts: { wait?: boolean; timeout: string; overrideSyncWindows?: boolean },
      ) =>
        run(async (client, reader) => {
          const request = await rollbackRequest(reader, name, target);
          const accepted = await client.workflow
            .getHandle(applicationWorkflowId(name))
            .executeUpdate(rollbackUpdate, {
              args: [
                {
                  ...request,
                  ...(opts.overrideSyncWindows && { overrideSyncWindows: true }),
                  initiator: client.options.identity,
                },
              ],
            });
          console.log(
            `rollback operation #${accepted.operationId} accepted; ${name} is pinned until "mooring app resume ${name}"`,
          );
          if (opts.wait) await waitForOperation(reader, name, accepted, parseDuration(opts.timeout));
        }),
    );
}
