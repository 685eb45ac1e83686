/**
 * A Mooring worker running the workflow code of an earlier release, for upgrade tests: the
 * release's commit checked out with `git worktree add` into a temporary directory, its workflows
 * bundled, and a worker that serves the app's workflow queue with that bundle and the cluster queue
 * with the current activities (activity names and inputs are kept compatible across releases; the
 * workflow code is what an upgrade replaces under running workflows).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createClusterActivities } from '../../../activities/cluster/cluster-activities.js';
import { createAppOfAppsActivities } from '../../../activities/control/app-of-apps-activity.js';
import { localPolicy } from '../../support/policy.js';
import { createControlActivities } from '../../../activities/control/control-activities.js';
import { clusterTaskQueue } from '../../../contract/ids.js';
import { createSyncWindowActivities } from '../../../activities/control/sync-window-activity.js';
import { createNotifyActivities } from '../../../activities/notify/index.js';
import { withLivenessHeartbeats } from '../../../workers/liveness.js';
import { WORKFLOWS_ENTRY } from '../../../workers/workflow-bundle.js';
import { kubeconfigPath, projectRoot, temporalAddress } from '../../support/stack.js';
import { NO_METRICS_SINKS } from './workflow-env.js';

const execFileAsync = promisify(execFile);

/** A release's source tree in a temporary git worktree. */
export interface ReleaseCheckout {
  dir: string;
  commit: string;
  /** Removes the worktree (and its directory). */
  remove(): Promise<void>;
}

async function git(args: string[]): Promise<string> {
  try {
    return (await execFileAsync('git', args, { cwd: projectRoot })).stdout.trim();
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`git ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`, { cause: err });
  }
}

/**
 * Checks `commit` out into /tmp/mooring-prev-XXXXXX (detached; the project checkout is not
 * touched) with the project's node_modules linked in, so the release bundles with the same SDK.
 */
export async function checkoutRelease(commit: string): Promise<ReleaseCheckout> {
  const dir = await mkdtemp(join(tmpdir(), 'mooring-prev-'));
  try {
    await git(['worktree', 'add', '--detach', '--quiet', dir, commit]);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(
      `Cannot check out release ${commit.slice(0, 7)}: is the commit in this clone (a shallow CI clone needs the full history)?`,
      { cause: err },
    );
  }
  await symlink(join(projectRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return {
    dir,
    commit,
    async remove() {
      await git(['worktree', 'remove', '--force', dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
      await git(['worktree', 'prune']);
    },
  };
}

const noop = (): void => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

/** The workflow bundle of a checked-out release, built from its own workflow entry point. */
export async function bundleRelease(checkout: ReleaseCheckout): Promise<WorkflowBundleWithSourceMap> {
  return await bundleWorkflowCode({
    workflowsPath: join(checkout.dir, relative(projectRoot, WORKFLOWS_ENTRY)),
    logger: quietLogger,
  });
}

export interface ReleaseWorkerOptions {
  workflowBundle: WorkflowBundleWithSourceMap;
  /** The app's workflow task queue. */
  taskQueue: string;
  /** The app's cluster: the worker also serves `clusterTaskQueue(cluster)`. */
  cluster: string;
  /** Worker identity, written into the history events of the tasks it completes. */
  identity: string;
}

/** A running release worker. */
export interface ReleaseWorker {
  /** Graceful shutdown, as on SIGTERM: resolves once both workers have stopped. Idempotent. */
  shutdown(): Promise<void>;
  /** Why the worker stopped without `shutdown`; undefined while it runs. */
  exitReason(): string | undefined;
}

/** Starts a worker with a given workflow bundle and the current workflow, cluster and control activities. */
export async function startReleaseWorker(options: ReleaseWorkerOptions): Promise<ReleaseWorker> {
  const { taskQueue, cluster, identity } = options;
  const connection = await NativeConnection.connect({ address: temporalAddress() });
  const clientConnection = await Connection.connect({ address: temporalAddress() });
  const client = new Client({ connection: clientConnection });
  const clusterActivities = await createClusterActivities({
    cluster,
    kubeconfig: kubeconfigPath(),
    policy: localPolicy(),
  });
  const workers = [
    await Worker.create({
      connection,
      identity,
      taskQueue: clusterTaskQueue(cluster),
      activities: withLivenessHeartbeats({
        ...clusterActivities.activities,
        ...createAppOfAppsActivities({ client, taskQueue, guard: clusterActivities.guard }),
        ...createSyncWindowActivities({ guard: clusterActivities.guard }),
      }),
    }),
    await Worker.create({
      connection,
      identity,
      taskQueue,
      workflowBundle: options.workflowBundle,
      activities: withLivenessHeartbeats({
        ...createControlActivities({ client, taskQueue }),
        ...createNotifyActivities({ config: undefined }),
      }),
      sinks: NO_METRICS_SINKS,
    }),
  ];
  let stopping = false;
  let failure: string | undefined;
  const running = Promise.all(workers.map((w) => w.run())).then(
    () => {
      if (!stopping) failure = `the release worker ${identity} stopped on its own`;
    },
    (err: unknown) => {
      failure = `the release worker ${identity} failed: ${err instanceof Error ? err.message : String(err)}`;
    },
  );
  let stopped: Promise<void> | undefined;
  return {
    shutdown() {
      stopped ??= (async () => {
        stopping = true;
        for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
        await running;
        clusterActivities.close();
        await clientConnection.close();
        await connection.close();
      })();
      return stopped;
    },
    exitReason: () => failure,
  };
}
