/** `mooring app terminate NAME`: cancel the running operation. */
import type { Command } from 'commander';
import { readStatus } from '../../app-status.js';
import type { RunWithClient } from './run.js';

export function registerTerminateCommand(app: Command, run: RunWithClient): void {
  app
    .command('terminate <name>')
    .description('Cancel the running operation')
    .action((name: string) =>
      run(async (client) => {
        const { status } = await readStatus(client, name);
        if (!status.operation) return console.log(`${name}: no operation is running`);
        await client.workflow.getHandle(status.operation.workflowId).cancel();
        console.log(`${name}: cancel requested for operation #${status.operation.id}`);
      }),
    );
}
