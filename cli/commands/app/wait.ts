/** `mooring app wait NAME`: wait until the app is healthy and/or synced. */
import type { Command } from 'commander';
import { parseDuration } from '../../../config/duration.js';
import type { AppStatus } from '../../../contract/messages.js';
import { waitFor } from '../../app-status.js';
import { shortSha } from '../../format.js';
import type { RunWithClient } from './run.js';

interface WaitOptions {
  health?: boolean;
  sync?: boolean;
  timeout: string;
}

/** Idle, and Healthy and/or Synced as asked (both when neither flag is given). */
function settled(opts: WaitOptions): (s: AppStatus) => boolean {
  const both = !opts.health && !opts.sync;
  return (s) =>
    !s.operation &&
    (!(opts.health || both) || s.health === 'Healthy') &&
    (!(opts.sync || both) || s.sync === 'Synced');
}

export function registerWaitCommand(app: Command, run: RunWithClient): void {
  app
    .command('wait <name>')
    .description('Wait until the app is healthy and/or synced')
    .option('--health', 'wait for Healthy')
    .option('--sync', 'wait for Synced')
    .option('--timeout <duration>', 'give up after', '5m')
    .action((name: string, opts: WaitOptions) =>
      run(async (_client, reader) => {
        const status = await waitFor(reader, name, settled(opts), parseDuration(opts.timeout));
        console.log(`${name}: ${status.sync} / ${status.health} at ${shortSha(status.deployedRevision)}`);
      }),
    );
}
