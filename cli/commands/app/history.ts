/** `mooring app history NAME`: the deployment history. */
import type { Command } from 'commander';
import { readStatus, STALE_NOTE } from '../../app-status.js';
import { parseOutputFormat, renderHistory } from '../../render-status.js';
import type { RunWithReader } from './run.js';

export function registerHistoryCommand(app: Command, read: RunWithReader): void {
  app
    .command('history <name>')
    .description('Deployment history')
    .option('-o, --output <format>', 'json | yaml')
    .action((name: string, opts: { output?: string }) =>
      read(async (reader) => {
        const format = parseOutputFormat(opts.output, ['text', 'json', 'yaml']);
        const { status, stale } = await readStatus(reader, name);
        console.log(renderHistory(status, format));
        if (stale) console.error(STALE_NOTE);
      }),
    );
}
