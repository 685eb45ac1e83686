/**
 * Runs Mooring's real workflow code on a Temporal server with stub activities, each test file on
 * its own task queues, and drives application workflows the way the CLI does: `applySpec`
 * (update-with-start), then signals, updates and the status query. Cleans up what it started.
 */
import { Client, Connection } from '@temporalio/client';
import type { WorkflowHandle } from '@temporalio/client';
import { bundleWorkflowCode, NativeConnection, Worker } from '@temporalio/worker';
import type { InjectedSinks, WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { AppSpec } from '../../../config/types.js';
import { applySpec } from '../../../client/apply-spec.js';
import { createControlActivities } from '../../../activities/control/control-activities.js';
import { statusQuery } from '../../../contract/messages.js';
import { applicationWorkflowId, clusterTaskQueue } from '../../../contract/ids.js';
import type { AppStatus } from '../../../contract/messages.js';
import type { MooringSinks } from '../../../contract/sinks.js';
import { workflowBundleOptions } from '../../../workers/workflow-bundle.js';
import { uniqueSuffix } from '../../support/stack.js';
import { waitFor } from '../../support/wait.js';
import { eventTypes } from './history-json.js';
import { ActivityScript, stubClusterActivities, stubControlActivities } from './stub-activities.js';

const noop = (): void => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

const bundles = new Map<string, Promise<WorkflowBundleWithSourceMap>>();

/**
 * The current workflow code, bundled once per test process and set of workflow interceptor modules
 * (never the cached dist/ bundle).
 */
export function workflowBundle(
  interceptorModules: readonly string[] = [],
): Promise<WorkflowBundleWithSourceMap> {
  const key = interceptorModules.join('\n');
  let bundle = bundles.get(key);
  if (!bundle) {
    bundle = bundleWorkflowCode({
      ...workflowBundleOptions(),
      workflowInterceptorModules: [...interceptorModules],
      logger: quietLogger,
    });
    bundles.set(key, bundle);
  }
  return bundle;
}

/** The worker's metrics sink, discarding what it gets: tests and replays count no operations. */
export const NO_METRICS_SINKS = {
  metrics: {
    operationFinished: { fn: noop, callDuringReplay: false },
    autoscaleEvaluated: { fn: noop, callDuringReplay: false },
    scaled: { fn: noop, callDuringReplay: false },
    analysisFinished: { fn: noop, callDuringReplay: false },
  },
} satisfies InjectedSinks<MooringSinks>;

export interface WorkflowTestEnv {
  client: Client;
  /** Workflow task queue of this environment's worker. */
  taskQueue: string;
  /** Cluster name: its activities run on `mooring-cluster-<cluster>`. */
  cluster: string;
  script: ActivityScript;
  suffix: string;
  /** A valid spec for a new app `<prefix>-<suffix>`, auto-sync with automatic rollback. */
  spec(prefix: string, change?: (spec: AppSpec) => void): AppSpec;
  /** Creates (or reconfigures) the app as `mooring app apply` does. */
  apply(spec: AppSpec): Promise<WorkflowHandle>;
  /** Terminates this app too at `close` (an app the workflows created, e.g. an app of apps' child). */
  adopt(app: string): void;
  /** A new app whose branch points at `first`, once its first sync is recorded. */
  syncedApp(prefix: string, first: string, change?: (spec: AppSpec) => void): Promise<AppSpec>;
  handle(app: string): WorkflowHandle;
  status(app: string): Promise<AppStatus>;
  /** Polls the status query until `done` holds; the message shows the last status. */
  waitStatus(
    app: string,
    what: string,
    done: (s: AppStatus) => boolean,
    timeoutMs?: number,
  ): Promise<AppStatus>;
  /**
   * Waits until the app's workflow has nothing in flight (no workflow task, activity or child):
   * everything it was told so far has been handled, so "nothing happened" can be asserted.
   */
  idle(app: string): Promise<void>;
  /** Event types of the app's current run, in order. */
  eventTypes(workflowId: string): Promise<string[]>;
  close(): Promise<void>;
}

export interface WorkflowEnvOptions {
  /** @default TEMPORAL_ADDRESS or 127.0.0.1:7233 */
  address?: string;
  /** Use an existing connection and client (e.g. a TestWorkflowEnvironment's). */
  nativeConnection?: NativeConnection;
  client?: Client;
  /** Worker option; tests of continue-as-new lower it to keep history small. */
  maxCachedWorkflows?: number;
  /**
   * Workflow interceptor modules bundled with the workflows, e.g. `short-safety-refresh.ts` to
   * shorten a timer the test cannot wait for. @default []
   */
  interceptors?: readonly string[];
  /**
   * Serve the real `registerChildApplications` (the control plane's: it validates the specs and
   * starts the child app workflows on this environment's queue) instead of the stub. @default false
   */
  realChildRegistration?: boolean;
  /** Activities the cluster's agent does not serve, as an agent of an older release. @default [] */
  agentWithout?: readonly string[];
}

/** Starts a workflow worker (stub control activities) and a cluster worker (stub cluster activities). */
export async function startWorkflowEnv(options: WorkflowEnvOptions = {}): Promise<WorkflowTestEnv> {
  const address = options.address ?? process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const suffix = uniqueSuffix();
  const taskQueue = `test-wf-${suffix}`;
  const cluster = `test-wf-${suffix}`;
  const script = new ActivityScript();
  const ownConnection = options.nativeConnection ? undefined : await NativeConnection.connect({ address });
  const connection = options.nativeConnection ?? (ownConnection as NativeConnection);
  const clientConnection = options.client ? undefined : await Connection.connect({ address });
  const client = options.client ?? new Client({ connection: clientConnection as Connection });

  const workflowWorker = await Worker.create({
    connection,
    taskQueue,
    workflowBundle: await workflowBundle(options.interceptors),
    activities: options.realChildRegistration
      ? {
          ...stubControlActivities(script),
          registerChildApplications: createControlActivities({ client, taskQueue }).registerChildApplications,
        }
      : stubControlActivities(script),
    sinks: NO_METRICS_SINKS,
    maxCachedWorkflows: options.maxCachedWorkflows,
  });
  const clusterWorker = await Worker.create({
    connection,
    taskQueue: clusterTaskQueue(cluster),
    activities: Object.fromEntries(
      Object.entries(stubClusterActivities(script)).filter(([name]) => !options.agentWithout?.includes(name)),
    ),
  });
  const running = Promise.all([workflowWorker.run(), clusterWorker.run()]);
  const apps = new Set<string>();

  const env: WorkflowTestEnv = {
    client,
    taskQueue,
    cluster,
    script,
    suffix,
    spec(prefix, change) {
      const name = `${prefix}-${suffix}`;
      const spec: AppSpec = {
        name,
        source: {
          repoURL: `https://git.example.test/mooring/${name}.git`,
          targetRevision: 'main',
          path: 'guestbook',
        },
        destination: { cluster, namespace: name },
        syncPolicy: {
          automated: { prune: true, selfHeal: true, allowEmpty: false },
          interval: '3m',
          syncOptions: [],
        },
        rollback: { automatic: true, healthTimeout: '2m' },
        ignoreDifferences: [],
      };
      change?.(spec);
      return spec;
    },
    async apply(spec) {
      apps.add(spec.name);
      await applySpec(client, spec, taskQueue);
      return env.handle(spec.name);
    },
    adopt(app) {
      apps.add(app);
    },
    async syncedApp(prefix, first, change) {
      const spec = env.spec(prefix, change);
      script.setHead(spec.source.repoURL, first);
      await env.apply(spec);
      await env.waitStatus(spec.name, 'the first sync', (s) => s.history.length === 1 && !s.operation);
      return spec;
    },
    handle: (app) => client.workflow.getHandle(applicationWorkflowId(app)),
    status: (app) => env.handle(app).query(statusQuery),
    async waitStatus(app, what, done, timeoutMs = 30_000) {
      let last: AppStatus | undefined;
      return await waitFor(
        `${app}: ${what}`,
        async () => {
          last = await env.status(app);
          return done(last) ? last : undefined;
        },
        { timeoutMs, describe: () => `last status: ${JSON.stringify(last, null, 2)}` },
      );
    },
    async idle(app) {
      await waitFor(`${app} to be idle`, async () => {
        const { raw } = await env.handle(app).describe();
        const busy =
          raw.pendingWorkflowTask ||
          (raw.pendingActivities?.length ?? 0) > 0 ||
          (raw.pendingChildren?.length ?? 0) > 0;
        return busy ? undefined : true;
      });
    },
    async eventTypes(workflowId) {
      return eventTypes(await client.workflow.getHandle(workflowId).fetchHistory());
    },
    async close() {
      for (const app of apps) {
        // A running operation is stopped first: its worker goes away with this environment.
        const status = await env.status(app).catch(() => undefined);
        if (status?.operation)
          await client.workflow
            .getHandle(status.operation.workflowId)
            .terminate('test finished')
            .catch(() => undefined);
        await env
          .handle(app)
          .terminate('test finished')
          .catch(() => undefined);
      }
      workflowWorker.shutdown();
      clusterWorker.shutdown();
      await running;
      await ownConnection?.close();
      await clientConnection?.close();
    },
  };
  return env;
}
