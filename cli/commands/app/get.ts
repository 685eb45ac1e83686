/** `mooring app get NAME`: status, resources and last operation. */
import type { Command } from 'commander';
import { readStatus, STALE_NOTE } from '../../app-status.js';
import { parseOutputFormat, renderStatus } from '../../render-status.js';
import type { RunWithReader } from './run.js';

export function registerGetCommand(app: Command, read: RunWithReader): void {
  app
    .command('get <name>')
    .description('Show status, resources, last operation')
    .option('-o, --output <format>', 'json | yaml')
    .action((name: string, opts: { output?: string }) =>
      read(async (reader) => {
        const format = parseOutputFormat(opts.output, ['text', 'json', 'yaml']);
        const { status, stale } = await readStatus(reader, name);
        console.log(renderStatus(status, format));
        if (stale) console.error(STALE_NOTE);
      }),
    );
}
