/** `mooring app delete NAME [--cascade]`: stop managing the app; with --cascade delete its objects. */
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import type { AppSpec } from '../../../config/types.js';
import type { PlanInput, PruneResult } from '../../../contract/activities.js';
import { applicationWorkflowId, cascadeDeleteWorkflowId, WORKFLOW_TYPES } from '../../../contract/ids.js';
import { specQuery } from '../../../contract/messages.js';
import { formatRef } from '../../../contract/object-ref.js';
import type { CascadeDeleteInput } from '../../../contract/workflows.js';
import type { RunWithClient } from './run.js';

type CascadeDeleteWorkflow = (input: CascadeDeleteInput) => Promise<PruneResult>;

/** Runs `cascadeDeleteWorkflow` on the app's worker and prints each object it deleted or skipped. */
async function cascadeDelete(
  client: Client,
  name: string,
  taskQueue: string,
  spec: AppSpec,
  manifestKey: string | undefined,
): Promise<void> {
  const plan: PlanInput | undefined = manifestKey
    ? {
        app: name,
        manifestKey,
        namespace: spec.destination.namespace,
        syncOptions: spec.syncPolicy.syncOptions,
        ignoreDifferences: spec.ignoreDifferences,
      }
    : undefined;
  const result = await client.workflow.execute<CascadeDeleteWorkflow>(WORKFLOW_TYPES.cascadeDelete, {
    taskQueue,
    workflowId: cascadeDeleteWorkflowId(name),
    args: [{ app: name, cluster: spec.destination.cluster, plan }],
    staticSummary: `delete the objects of ${name}`,
  });
  for (const c of result.changes)
    console.log(`${formatRef(c)} ${c.action}${c.reason && c.action === 'skipped' ? ` (${c.reason})` : ''}`);
  console.log(
    `application.mooring.dev/${name} deleted with ${result.changes.filter((c) => c.action === 'deleted').length} objects`,
  );
}

/** The app's last deployed manifest key, as its workflow keeps it in the memo. */
function deployedManifests(memo: Record<string, unknown> | undefined): string | undefined {
  const app = memo?.app as { manifestKey?: unknown } | undefined;
  return typeof app?.manifestKey === 'string' && app.manifestKey !== '' ? app.manifestKey : undefined;
}

export function registerDeleteCommand(app: Command, run: RunWithClient): void {
  app
    .command('delete <name>')
    .description('Stop managing the app; with --cascade also delete its objects from the cluster')
    .option('--cascade', 'delete every object the app deployed (except Delete=false ones)')
    .action((name: string, opts: { cascade?: boolean }) =>
      run(async (client) => {
        const handle = client.workflow.getHandle(applicationWorkflowId(name));
        const [description, spec] = await Promise.all([
          handle.describe(),
          opts.cascade ? handle.query(specQuery) : undefined,
        ]);
        await handle.terminate(`deleted with mooring app delete${opts.cascade ? ' --cascade' : ''}`);
        if (!opts.cascade || !spec) {
          console.log(`application.mooring.dev/${name} deleted (objects left in the cluster)`);
          return;
        }
        await cascadeDelete(client, name, description.taskQueue, spec, deployedManifests(description.memo));
      }),
    );
}
