/** `mooring app scale NAME REPLICAS`: set an autoscaled app's replicas now, within its min and max. */
import type { Command } from 'commander';
import { applicationWorkflowId } from '../../../contract/ids.js';
import { scaleUpdate } from '../../../contract/messages.js';
import type { RunWithClient } from './run.js';

export function registerScaleCommand(app: Command, run: RunWithClient): void {
  app
    .command('scale <name> <replicas>')
    .description(
      "Scale an autoscaled app's target now (bounded to spec.autoscaling min/max; the autoscaler continues from there)",
    )
    .option('--reason <text>', 'recorded with the decision in the app status')
    .action((name: string, replicas: string, opts: { reason?: string }) =>
      run(async (client) => {
        if (!/^\d+$/.test(replicas))
          throw new Error(`REPLICAS must be a whole number ≥ 0: got "${replicas}"`);
        const accepted = await client.workflow
          .getHandle(applicationWorkflowId(name))
          .executeUpdate(scaleUpdate, { args: [{ replicas: Number(replicas), reason: opts.reason }] });
        console.log(
          `${name}: scaling to ${accepted.replicas}${accepted.bounded ? ` (bounded from ${replicas} to the autoscaling min/max)` : ''}`,
        );
      }),
    );
}
