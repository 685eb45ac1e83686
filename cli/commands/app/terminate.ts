/**
 * `mooring app terminate NAME`: stop the running operation where it is. Nothing is rolled back and
 * the revision is not marked bad; auto-sync leaves it alone until a new commit or `app sync`.
 */
import type { Command } from 'commander';
import { readStatus } from '../../app-status.js';
import type { RunWithClient } from './run.js';

export function registerTerminateCommand(app: Command, run: RunWithClient): void {
  app
    .command('terminate <name>')
    .description('Stop the running operation where it is (no rollback; the commit is not marked bad)')
    .action((name: string) =>
      run(async (client, reader) => {
        const { status } = await readStatus(reader, name);
        if (!status.operation) return console.log(`${name}: no operation is running`);
        await client.workflow.getHandle(status.operation.workflowId).cancel();
        console.log(`${name}: cancel requested for operation #${status.operation.id}`);
      }),
    );
}
