/** `mooring app sync NAME`: start a sync operation now. */
import type { Command } from 'commander';
import { parseDuration } from '../../../config/duration.js';
import { applicationWorkflowId } from '../../../contract/ids.js';
import { syncUpdate } from '../../../contract/messages.js';
import { waitForOperation } from '../../app-status.js';
import type { RunWithClient } from './run.js';

interface SyncOptions {
  revision?: string;
  prune?: boolean;
  dryRun?: boolean;
  overrideSyncWindows?: boolean;
  wait?: boolean;
  timeout: string;
}

export function registerSyncCommand(app: Command, run: RunWithClient): void {
  app
    .command('sync <name>')
    .description('Sync now (to the target revision or --revision)')
    .option(
      '--revision <rev>',
      'branch, tag, SHA or chart version (several sources: one each, joined by ",")',
    )
    .option('--prune', 'delete objects no longer in Git')
    .option('--dry-run', 'plan only')
    .option(
      '--override-sync-windows',
      'emergency: sync even where a sync window forbids it (recorded in history)',
    )
    .option('--wait', 'wait for the operation to finish')
    .option('--timeout <duration>', 'with --wait', '10m')
    .action((name: string, opts: SyncOptions) =>
      run(async (client, reader) => {
        const accepted = await client.workflow
          .getHandle(applicationWorkflowId(name))
          .executeUpdate(syncUpdate, {
            args: [
              {
                revision: opts.revision,
                prune: opts.prune,
                dryRun: opts.dryRun,
                ...(opts.overrideSyncWindows && { overrideSyncWindows: true }),
                initiator: client.options.identity,
              },
            ],
          });
        console.log(`sync operation #${accepted.operationId} accepted (${accepted.workflowId})`);
        if (opts.wait) await waitForOperation(reader, name, accepted, parseDuration(opts.timeout));
      }),
    );
}
