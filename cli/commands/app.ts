/** `mooring app …`: manage applications through their entity workflows. */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { loadApplications } from '../../config/load-applications.js';
import { ClusterRegistry } from '../../config/cluster-registry.js';
import { RepoCache } from '../../activities/git/repo-cache.js';
import type { AppSpec } from '../../config/types.js';
import { parseDuration } from '../../config/duration.js';
import { listApplications } from '../../client/list-applications.js';
import { applySpec } from '../../client/apply-spec.js';
import { formatDiff, readStoredDiff } from '../../activities/cluster/diff-store.js';
import { diffWorkflow } from '../../workflows/diff.js';
import { cascadeDeleteWorkflow } from '../../workflows/delete.js';
import { syncStepQuery } from '../../contract/messages.js';

export { applySpec };
import { pauseUpdate, resumeUpdate, rollbackUpdate, specQuery, statusQuery, syncUpdate } from '../../contract/messages.js';
import { applicationWorkflowId } from '../../contract/ids.js';
import type { AppStatus, SyncAccepted } from '../../contract/messages.js';
import { withClient } from '../connection.js';
import { formatDuration, shortSha } from '../format.js';
import { parseOutputFormat, renderAppList, renderHistory, renderStatus } from '../render-status.js';

const QUERY_TIMEOUT_MS = 3000;

async function specFiles(path: string): Promise<string[]> {
  if (!(await stat(path)).isDirectory()) return [path];
  const entries = await readdir(path, { recursive: true });
  return entries.filter((e) => /\.(ya?ml|json)$/.test(e)).sort().map((e) => join(path, e));
}

/** Directories of a repository at a revision, for ApplicationSet git generators (read-only clone). */
async function listRepoDirectories(repoURL: string, revision: string): Promise<string[]> {
  const cache = new RepoCache();
  const { sha } = await cache.resolve(repoURL, revision);
  const root = await cache.checkout(repoURL, sha);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => relative(root, join(e.parentPath, e.name))).filter((d) => !d.split('/').some((p) => p.startsWith('.'))).sort();
}

/** Reads every Application / ApplicationSet in a file or directory; warnings go to stderr. */
export async function loadSpecs(path: string): Promise<AppSpec[]> {
  const registry = await ClusterRegistry.load();
  const apps: AppSpec[] = [];
  for (const file of await specFiles(path)) {
    const result = await loadApplications(await readFile(file, 'utf8'), file, {
      clusterByServer: (server) => registry.byServer(server),
      clusters: () => registry.list(),
      listDirectories: listRepoDirectories,
    });
    for (const w of result.warnings) console.error(`warning: ${w.message}`);
    apps.push(...result.apps);
  }
  return apps;
}

/** Live status from the workflow, or (no worker answering) the search attributes, marked stale. */
export async function readStatus(client: Client, name: string): Promise<{ status: AppStatus; stale: boolean }> {
  const handle = client.workflow.getHandle(applicationWorkflowId(name));
  try {
    const status = await Promise.race([
      handle.query(statusQuery),
      delay(QUERY_TIMEOUT_MS).then(() => { throw new Error('no worker answered'); }),
    ]);
    if (status.operation) {
      // The running sync knows its own step; the app records only that it runs.
      const step = await client.workflow.getHandle(status.operation.workflowId).query(syncStepQuery).catch(() => undefined);
      if (step) status.operation = { ...status.operation, step };
    }
    return { status, stale: false };
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) throw new Error(`Application "${name}" not found`, { cause: err });
    const summary = (await listApplications(client, `WorkflowId = '${applicationWorkflowId(name)}'`))[0];
    if (!summary) throw new Error(`Application "${name}" not found`, { cause: err });
    return {
      stale: true,
      status: {
        name, cluster: summary.cluster, namespace: summary.namespace, repoURL: summary.repoURL, path: '', targetRevision: summary.targetRevision,
        headRevision: summary.headRevision, deployedRevision: summary.deployedRevision, sync: (summary.sync ?? 'Unknown') as AppStatus['sync'],
        health: (summary.health ?? 'Unknown') as AppStatus['health'], paused: false, badRevisions: [], resources: [], history: [], consecutiveFailures: 0,
      },
    };
  }
}

const STALE_NOTE = 'note: no worker answered; this comes from search attributes and may be stale';

/** Polls status until `done` says so; prints each new operation step. */
export async function waitFor(client: Client, name: string, done: (s: AppStatus) => boolean, timeoutMs: number): Promise<AppStatus> {
  const deadline = Date.now() + timeoutMs;
  let lastLine = '';
  for (;;) {
    const { status } = await readStatus(client, name);
    const line = status.operation ? `  #${status.operation.id} ${status.operation.step}` : `  ${status.sync} / ${status.health}`;
    if (line !== lastLine) {
      // On a terminal the step line updates in place; in logs and pipes each change is a line.
      if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K${line}`);
      else console.error(line);
    }
    lastLine = line;
    const finished = done(status);
    if (process.stderr.isTTY && finished) process.stderr.write('\n');
    if (finished) return status;
    if (Date.now() > deadline) throw new Error(`Timed out after ${formatDuration(timeoutMs)}: ${status.name} is ${status.sync} and ${status.health}`);
    await delay(500);
  }
}

async function waitForOperation(client: Client, name: string, accepted: SyncAccepted, timeoutMs: number): Promise<AppStatus> {
  const status = await waitFor(client, name, (s) => s.lastOperation?.id === accepted.operationId && s.operation?.id !== accepted.operationId, timeoutMs);
  const entry = status.history.find((h) => h.id === accepted.operationId);
  console.log(`operation #${accepted.operationId}: ${entry?.outcome ?? status.lastOperation?.phase}${status.lastOperation?.message ? ` - ${status.lastOperation.message}` : ''}`);
  if (entry && entry.outcome !== 'Succeeded') process.exitCode = 1;
  return status;
}

export function registerAppCommands(program: Command): void {
  const app = program.command('app').description('Manage applications');
  const run = (fn: (client: Client) => Promise<void>) => withClient(program, fn);

  app.command('apply').description('Create or update applications from a file or directory (idempotent)')
    .requiredOption('-f, --filename <path>', 'Application / ApplicationSet YAML file or directory')
    .option('--task-queue <name>', 'workflow task queue of the worker that manages the apps', 'mooring')
    .action((opts: { filename: string; taskQueue: string }) => run(async (client) => {
      for (const spec of await loadSpecs(opts.filename)) {
        console.log(`application.mooring.dev/${spec.name} ${await applySpec(client, spec, opts.taskQueue)}`);
      }
    }));

  app.command('list').description('List applications').option('-o, --output <format>', 'wide | json | yaml')
    .action((opts: { output?: string }) => run(async (client) => {
      const format = parseOutputFormat(opts.output, ['text', 'wide', 'json', 'yaml']);
      console.log(renderAppList(await listApplications(client), format));
    }));

  app.command('get <name>').description('Show status, resources, last operation').option('-o, --output <format>', 'json | yaml')
    .action((name: string, opts: { output?: string }) => run(async (client) => {
      const format = parseOutputFormat(opts.output, ['text', 'json', 'yaml']);
      const { status, stale } = await readStatus(client, name);
      console.log(renderStatus(status, format));
      if (stale) console.error(STALE_NOTE);
    }));

  app.command('history <name>').description('Deployment history').option('-o, --output <format>', 'json | yaml')
    .action((name: string, opts: { output?: string }) => run(async (client) => {
      const format = parseOutputFormat(opts.output, ['text', 'json', 'yaml']);
      const { status, stale } = await readStatus(client, name);
      console.log(renderHistory(status, format));
      if (stale) console.error(STALE_NOTE);
    }));

  app.command('sync <name>').description('Sync now (to the target revision or --revision)')
    .option('--revision <rev>', 'branch, tag or SHA').option('--prune', 'delete objects no longer in Git').option('--dry-run', 'plan only')
    .option('--wait', 'wait for the operation to finish').option('--timeout <duration>', 'with --wait', '10m')
    .action((name: string, opts: { revision?: string; prune?: boolean; dryRun?: boolean; wait?: boolean; timeout: string }) => run(async (client) => {
      const accepted = await client.workflow.getHandle(applicationWorkflowId(name)).executeUpdate(syncUpdate, { args: [{ revision: opts.revision, prune: opts.prune, dryRun: opts.dryRun }] });
      console.log(`sync operation #${accepted.operationId} accepted (${accepted.workflowId})`);
      if (opts.wait) await waitForOperation(client, name, accepted, parseDuration(opts.timeout));
    }));

  app.command('rollback <name> [revisionOrId]').description('Roll back to a history id or revision and pin the app there until resume')
    .option('--wait', 'wait for the rollback to finish').option('--timeout <duration>', 'with --wait', '10m')
    .action((name: string, target: string | undefined, opts: { wait?: boolean; timeout: string }) => run(async (client) => {
      let request: { historyId?: number; toRevision?: string };
      if (target === undefined) {
        const { status } = await readStatus(client, name);
        const previous = [...status.history].reverse().find((h) => h.outcome === 'Succeeded' && h.revision !== status.deployedRevision);
        if (!previous) throw new Error(`Application "${name}" has no earlier healthy revision to roll back to`);
        request = { historyId: previous.id };
      } else {
        request = /^\d+$/.test(target) ? { historyId: Number(target) } : { toRevision: target };
      }
      const accepted = await client.workflow.getHandle(applicationWorkflowId(name)).executeUpdate(rollbackUpdate, { args: [request] });
      console.log(`rollback operation #${accepted.operationId} accepted; ${name} is pinned until "mooring app resume ${name}"`);
      if (opts.wait) await waitForOperation(client, name, accepted, parseDuration(opts.timeout));
    }));

  for (const [verb, update, text] of [['pause', pauseUpdate, 'Stop auto-sync'], ['resume', resumeUpdate, 'Resume auto-sync and drop a rollback pin']] as const) {
    app.command(`${verb} <name>`).description(text).action((name: string) => run(async (client) => {
      const status = await client.workflow.getHandle(applicationWorkflowId(name)).executeUpdate(update);
      console.log(`${name}: ${status.paused ? 'paused' : 'auto-sync'}${status.pinnedRevision ? `, pinned to ${shortSha(status.pinnedRevision)}` : ''}`);
    }));
  }

  app.command('wait <name>').description('Wait until the app is healthy and/or synced')
    .option('--health', 'wait for Healthy').option('--sync', 'wait for Synced').option('--timeout <duration>', 'give up after', '5m')
    .action((name: string, opts: { health?: boolean; sync?: boolean; timeout: string }) => run(async (client) => {
      const both = !opts.health && !opts.sync;
      const status = await waitFor(client, name, (s) => !s.operation && (!(opts.health || both) || s.health === 'Healthy') && (!(opts.sync || both) || s.sync === 'Synced'), parseDuration(opts.timeout));
      console.log(`${name}: ${status.sync} / ${status.health} at ${shortSha(status.deployedRevision)}`);
    }));

  app.command('diff <name>').description('Compare Git (target revision or --revision) with the cluster; exit 0 no diff, 1 diff, 2 error')
    .option('--revision <rev>', 'branch, tag or SHA')
    .action((name: string, opts: { revision?: string }) => run(async (client) => {
      const handle = client.workflow.getHandle(applicationWorkflowId(name));
      const [description, spec] = await Promise.all([handle.describe(), handle.query(specQuery)]);
      const result = await client.workflow.execute(diffWorkflow, {
        taskQueue: description.taskQueue,
        workflowId: `app/${name}/diff-${Date.now().toString(36)}`,
        args: [{ spec, revision: opts.revision }],
        staticSummary: `diff ${name} ${opts.revision ?? spec.source.targetRevision}`,
      });
      const stored = await readStoredDiff(result.diffKey);
      const changed = result.summary.create + result.summary.update + result.summary.delete;
      if (stored) {
        const text = formatDiff(stored);
        if (text) console.log(text);
      }
      console.error(`${name} @ ${shortSha(result.revision)}: ${result.summary.create} to create, ${result.summary.update} to update, ${result.summary.delete} to delete, ${result.summary.unchanged} unchanged`);
      for (const w of result.warnings) console.error(`warning: ${w}`);
      if (!stored && changed > 0) console.error(`the full diff is on the agent's machine under its manifest store (diff ${result.diffKey.slice(0, 12)})`);
      process.exitCode = changed > 0 ? 1 : 0;
    }));

  app.command('terminate <name>').description('Cancel the running operation')
    .action((name: string) => run(async (client) => {
      const { status } = await readStatus(client, name);
      if (!status.operation) return console.log(`${name}: no operation is running`);
      await client.workflow.getHandle(status.operation.workflowId).cancel();
      console.log(`${name}: cancel requested for operation #${status.operation.id}`);
    }));

  app.command('delete <name>').description('Stop managing the app; with --cascade also delete its objects from the cluster')
    .option('--cascade', 'delete every object the app deployed (except Delete=false ones)')
    .action((name: string, opts: { cascade?: boolean }) => run(async (client) => {
      const handle = client.workflow.getHandle(applicationWorkflowId(name));
      const [description, spec] = await Promise.all([handle.describe(), opts.cascade ? handle.query(specQuery) : undefined]);
      await handle.terminate(`deleted with mooring app delete${opts.cascade ? ' --cascade' : ''}`);
      if (!opts.cascade || !spec) {
        console.log(`application.mooring.dev/${name} deleted (objects left in the cluster)`);
        return;
      }
      const result = await client.workflow.execute(cascadeDeleteWorkflow, {
        taskQueue: description.taskQueue,
        workflowId: `app/${name}/delete`,
        args: [{ app: name, cluster: spec.destination.cluster }],
        staticSummary: `delete the objects of ${name}`,
      });
      for (const c of result.changes) console.log(`${c.kind}/${c.namespace ? `${c.namespace}/` : ''}${c.name} ${c.action}${c.reason && c.action === 'skipped' ? ` (${c.reason})` : ''}`);
      console.log(`application.mooring.dev/${name} deleted with ${result.changes.filter((c) => c.action === 'deleted').length} objects`);
    }));
}
