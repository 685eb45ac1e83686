/** `mooring app get NAME`: status, resources and last operation. */
import type { Command } from 'commander';
import { readStatus, STALE_NOTE } from '../../app-status.js';
import { parseOutputFormat, renderStatus } from '../../render-status.js';
import type { RunWithClient } from './run.js';

export function registerGetCommand(app: Command, run: RunWithClient): void {
  app
    .command('get <name>')
    .description('Show status, resources, last operation')
    .option('-o, --output <format>', 'json | yaml')
    .action((name: string, opts: { output?: string }) =>
      run(async (client) => {
        const format = parseOutputFormat(opts.output, ['text', 'json', 'yaml']);
        const { status, stale } = await readStatus(client, name);
        console.log(renderStatus(status, format));
        if (stale) console.error(STALE_NOTE);
      }),
    );
}
