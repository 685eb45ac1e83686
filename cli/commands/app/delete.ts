/** `mooring app delete NAME [--cascade]`: stop managing the app; with --cascade delete its objects. */
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Command } from 'commander';
import type { AppSpec } from '../../../config/types.js';
import type { PlanInput, PruneResult } from '../../../contract/activities.js';
import {
  applicationWorkflowId,
  cascadeDeleteWorkflowId,
  deletedNotificationWorkflowId,
  WORKFLOW_TYPES,
} from '../../../contract/ids.js';
import { searchAttributes } from '../../../contract/search-attributes.js';
import { matchSubscriptions } from '../../../core/notify/match-subscriptions.js';
import { specQuery } from '../../../contract/messages.js';
import { formatRef } from '../../../contract/object-ref.js';
import type { CascadeDeleteInput, NotifyDeletedInput } from '../../../contract/workflows.js';
import type { RunWithClient } from './run.js';

type CascadeDeleteWorkflow = (input: CascadeDeleteInput) => Promise<PruneResult>;

/** Runs `cascadeDeleteWorkflow` on the app's worker and prints each object it deleted or skipped. */
async function cascadeDelete(
  client: Client,
  name: string,
  taskQueue: string,
  spec: AppSpec,
  manifestKey: string | undefined,
): Promise<number> {
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
  const deleted = result.changes.filter((c) => c.action === 'deleted').length;
  console.log(`application.mooring.dev/${name} deleted with ${deleted} objects`);
  return deleted;
}

/**
 * Starts the `on-deleted` notifications the app's subscriptions ask for (none: nothing is
 * started). They run in a workflow of their own, with retries, after the app's has ended; the
 * command does not wait for them.
 */
async function notifyDeleted(
  client: Client,
  taskQueue: string,
  spec: AppSpec,
  message: string,
): Promise<void> {
  if (matchSubscriptions({ trigger: 'on-deleted' }, spec.notifications?.subscriptions ?? []).length === 0)
    return;
  const input: NotifyDeletedInput = { spec, initiator: client.options.identity, message };
  await client.workflow.start(WORKFLOW_TYPES.notifyDeleted, {
    taskQueue,
    workflowId: deletedNotificationWorkflowId(spec.name),
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
    staticSummary: `notify: ${spec.name} deleted`,
    typedSearchAttributes: searchAttributes({
      MooringApp: spec.name,
      MooringCluster: spec.destination.cluster,
    }),
  });
}

/** The app's spec, for its notifications; undefined (said on stderr) when its workflow cannot answer. */
async function specOf(handle: WorkflowHandle, name: string): Promise<AppSpec | undefined> {
  try {
    return await handle.query(specQuery);
  } catch (err) {
    console.error(
      `${name}: cannot read the app's spec (${err instanceof Error ? err.message : String(err)}); no on-deleted notification is sent`,
    );
    return undefined;
  }
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
          opts.cascade ? handle.query(specQuery) : specOf(handle, name),
        ]);
        await handle.terminate(`deleted with mooring app delete${opts.cascade ? ' --cascade' : ''}`);
        let message = 'objects left in the cluster';
        if (!opts.cascade || !spec) {
          console.log(`application.mooring.dev/${name} deleted (${message})`);
        } else {
          const deleted = await cascadeDelete(
            client,
            name,
            description.taskQueue,
            spec,
            deployedManifests(description.memo),
          );
          message = `${deleted} objects deleted`;
        }
        if (spec) await notifyDeleted(client, description.taskQueue, spec, message);
      }),
    );
}
