/** `mooring app list`: every application, from Temporal visibility. */
import type { Command } from 'commander';
import { listApplications } from '../../../client/list-applications.js';
import { parseOutputFormat, renderAppList } from '../../render-status.js';
import type { RunWithClient } from './run.js';

export function registerListCommand(app: Command, run: RunWithClient): void {
  app
    .command('list')
    .description('List applications')
    .option('-o, --output <format>', 'wide | json | yaml')
    .action((opts: { output?: string }) =>
      run(async (client) => {
        const format = parseOutputFormat(opts.output, ['text', 'wide', 'json', 'yaml']);
        console.log(renderAppList(await listApplications(client), format));
      }),
    );
}
