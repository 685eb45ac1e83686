/** `mooring app list`: every application, from Temporal visibility. */
import type { Command } from 'commander';
import { listApplications } from '../../../client/list-applications.js';
import { parseOutputFormat, renderAppList } from '../../render-status.js';
import type { RunWithReader } from './run.js';

export function registerListCommand(app: Command, read: RunWithReader): void {
  app
    .command('list')
    .description('List applications')
    .option('-o, --output <format>', 'wide | json | yaml')
    .action((opts: { output?: string }) =>
      read(async (reader) => {
        const format = parseOutputFormat(opts.output, ['text', 'wide', 'json', 'yaml']);
        console.log(renderAppList(await listApplications(reader), format));
      }),
    );
}
