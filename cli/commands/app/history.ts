/** `mooring app history NAME`: the deployment history. */
import type { Command } from 'commander';
import { readStatus, STALE_NOTE } from '../../app-status.js';
import { parseOutputFormat, renderHistory } from '../../render-status.js';
import type { RunWithClient } from './run.js';

export function registerHistoryCommand(app: Command, run: RunWithClient): void {
  app
    .command('history <name>')
    .description('Deployment history')
    .option('-o, --output <format>', 'json | yaml')
    .action((name: string, opts: { output?: string }) =>
      run(async (client) => {
        const format = parseOutputFormat(opts.output, ['text', 'json', 'yaml']);
        const { status, stale } = await readStatus(client, name);
        console.log(renderHistory(status, format));
        if (stale) console.error(STALE_NOTE);
      }),
    );
}
