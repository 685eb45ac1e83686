/**
 * The Mooring worker, in one of three roles: the embedded default runs the workflows (task queue
 * `mooring`) and, as the agent of one cluster, that cluster's activities (`mooring-cluster-<name>`);
 * `agentOnly` runs only the cluster's activities, next to the cluster, with no Temporal client;
 * `controlPlaneOnly` runs only the workflows, control activities and schedules, with no cluster
 * credentials. Shuts down gracefully on SIGTERM/SIGINT.
 */
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import type { LogLevel, WorkerOptions as WorkerCreateOptions } from '@temporalio/worker';
import { IllegalStateError } from '@temporalio/common';
import { createClusterActivities } from '../activities/cluster/cluster-activities.js';
import { createControlActivities, ensureDriftWatches } from '../activities/control/control-activities.js';
import { sdkFleetIndex } from '../activities/control/fleet-index.js';
import { createAppOfAppsActivities } from '../activities/control/app-of-apps-activity.js';
import { createSyncWindowActivities } from '../activities/control/sync-window-activity.js';
import { createNotifyActivities } from '../activities/notify/index.js';
import { resolveNotifications } from './notifications-file.js';
import { withLivenessHeartbeats } from './liveness.js';
import { loadCodecKeys } from '../client/codec-keys.js';
import { mooringDataConverter } from '../client/payload-codec.js';
import { clusterTaskQueue, DEFAULT_TASK_QUEUE } from '../contract/ids.js';
import { createLogger } from './logger.js';
import { MooringMetrics } from './metrics.js';
import { ensureSchedules } from './schedules.js';
import { prometheusClientFromEnv } from '../activities/metrics/prometheus-client.js';
import type { ScheduleIntervals } from './schedules.js';
import { ensureWorkflowBundle } from './workflow-bundle.js';
import type { AgentPolicy } from '../core/policy/project.js';
import { resolveAgentPolicy } from './policy-file.js';
import {
  connectionSettings,
  explainConnectionError,
  jwtClaims,
  resolveConnection,
} from '../client/temporal-connection.js';
import type { ResolvedConnection, TemporalConnectionSettings } from '../client/temporal-connection.js';

export interface WorkerOptions {
  /** Address, namespace, TLS files and token; unset ones come from TEMPORAL_* variables. */
  connection?: Partial<TemporalConnectionSettings>;
  /** @default 'local' */
  cluster?: string;
  /** @default $KUBECONFIG or ~/.kube/config */
  kubeconfig?: string;
  /** Workflow task queue; tests use their own. @default 'mooring' */
  taskQueue?: string;
  /** Run only the cluster's activities (no workflows, no schedules). */
  agentOnly?: boolean;
  /**
   * Run only the workflows, control activities and schedules: no cluster queue, no kubeconfig and
   * no agent policy (the control plane of the production shape; agents serve the clusters).
   */
  controlPlaneOnly?: boolean;
  /** Workflows kept in memory between their tasks. @default DEFAULT_WORKFLOW_CACHE */
  workflowCacheSize?: number;
  /** prom-client `/metrics` port on 127.0.0.1. @default 9464; 0 disables */
  metricsPort?: number;
  /** Address `/metrics` listens on; 0.0.0.0 in a pod so Prometheus and probes reach it. @default '127.0.0.1' */
  metricsHost?: string;
  schedules?: ScheduleIntervals | false;
  /** The agent's Prometheus for autoscaling and analysis; default `$MOORING_PROMETHEUS_URL`. */
  prometheusUrl?: string;
  /** The agent's policy file. @default process.env.MOORING_POLICY_FILE */
  policyFile?: string;
  /** `<namespace>/<name>` of a ConfigMap whose `policy.yaml` holds the policy (read at start). */
  policyConfigMap?: string;
  /** Receivers of app notifications (served on the workflow queue). @default $MOORING_NOTIFICATIONS_FILE */
  notificationsFile?: string;
  /** Resolves when the worker should stop (tests); SIGTERM/SIGINT also stop it. */
  stop?: Promise<void>;
}

/**
 * Activities the agent runs at once. Most are health waits, which sleep between polls (together
 * they poll at a bounded rate, manager-wait.ts); renders have their own smaller limit
 * (render-activity.ts) and API calls share 32 connections (kube-client.ts). With 32 slots a
 * registering fleet's health waits held every slot, and its renders and applies queued for
 * seconds behind them.
 */
const CLUSTER_ACTIVITY_SLOTS = 128;

/**
 * Workflows kept in memory between their tasks: 1.1 MB each before 0.14.0 (bench/fleet.ts: 200
 * cached apps took 230 MB), 0.3–0.4 MB for an idle app since its modules are shared
 * (workflow-bundle.ts). The SDK's default grows with the heap limit (about 2,300 here), so a fleet of
 * 1,000 apps kept every one and the worker stayed at 1.4 GB. An app is busy only while it syncs:
 * 250 held what a registering fleet of 1,000 had in flight (registration took as long), and an app
 * evicted since replays its history when it next wakes (a commit, a drift, its hourly refresh).
 */
const DEFAULT_WORKFLOW_CACHE = 250;

/**
 * `mooring_app_info` is served from the fleet index while it is this young: a scrape every 15 s
 * lists the fleet every other time, and an app's status shows at most this late.
 */
const METRICS_LISTING_MAX_AGE_MS = 30_000;

export async function runWorker(options: WorkerOptions = {}): Promise<void> {
  const log = createLogger('mooring-worker');
  // Credentials are read and checked before anything dials.
  const conn = resolveConnection(connectionSettings(options.connection));
  const { address, namespace } = conn;
  const cluster = options.cluster ?? 'local';
  if (options.agentOnly) assertTokenServes(conn, clusterTaskQueue(cluster));
  const taskQueue = options.taskQueue ?? DEFAULT_TASK_QUEUE;
  const metricsPort = options.metricsPort ?? 9464;
  const corePort = metricsPort > 0 ? metricsPort + 1 : 0;

  if (options.agentOnly && options.controlPlaneOnly)
    throw new Error('A worker is either an agent (--agent) or the control plane (--control-plane), not both');
  // The policy is checked before anything connects: a worker with a bad policy never polls.
  const policy = options.controlPlaneOnly ? undefined : await loadAgentPolicy(options, log);
  // Like the policy: a bad notifications file stops the worker before it polls.
  const notifications = options.agentOnly ? undefined : resolveNotifications(options.notificationsFile);
  for (const warning of notifications?.warnings ?? []) log.warn({ warning }, 'notifications file');
  const prometheus = options.controlPlaneOnly
    ? undefined
    : prometheusClientFromEnv(
        options.prometheusUrl
          ? { ...process.env, MOORING_PROMETHEUS_URL: options.prometheusUrl }
          : process.env,
      );

  const codecKeys = loadCodecKeys();
  const dataConverter = mooringDataConverter(codecKeys);
  installRuntime(log, corePort);
  const connection = await NativeConnection.connect({
    address,
    tls: conn.tls,
    apiKey: conn.apiKey,
  }).catch((err: unknown) => {
    throw explainConnectionError(err, conn, 'connecting');
  });
  // An agent holds no Temporal client: its credential may only poll and complete its cluster's
  // activity tasks, so it neither lists nor starts workflows.
  const clientConnection = options.agentOnly
    ? undefined
    : await Connection.connect({ address, tls: conn.tls, apiKey: conn.apiKey });
  const client = clientConnection && new Client({ connection: clientConnection, namespace, dataConverter });

  const fleet = client && sdkFleetIndex(client, taskQueue);
  const metrics = new MooringMetrics(fleet ? () => fleet.all(METRICS_LISTING_MAX_AGE_MS) : async () => []);
  const metricsServer =
    metricsPort > 0
      ? await metrics.serve({
          host: options.metricsHost ?? '127.0.0.1',
          port: metricsPort,
          coreMetricsUrl: `http://127.0.0.1:${corePort}/metrics`,
        })
      : undefined;

  const clusterActivities =
    policy &&
    (await createClusterActivities({
      cluster,
      kubeconfig: options.kubeconfig,
      policy,
      log,
      metrics,
      prometheus,
    }));
  const workers: Worker[] = [];
  if (clusterActivities)
    workers.push(
      await createWorker(conn, 'serving the cluster task queue', {
        connection,
        namespace,
        dataConverter,
        taskQueue: clusterTaskQueue(cluster),
        activities: withLivenessHeartbeats({
          ...clusterActivities.activities,
          ...createAppOfAppsActivities({ guard: clusterActivities.guard, client, taskQueue }),
          ...createSyncWindowActivities({ guard: clusterActivities.guard }),
        }),
        maxConcurrentActivityTaskExecutions: CLUSTER_ACTIVITY_SLOTS,
      }),
    );
  if (client && fleet) {
    workers.push(
      await createWorker(conn, 'serving the workflow task queue', {
        connection,
        namespace,
        dataConverter,
        taskQueue,
        workflowBundle: { codePath: await ensureWorkflowBundle() },
        maxCachedWorkflows: options.workflowCacheSize ?? DEFAULT_WORKFLOW_CACHE,
        activities: withLivenessHeartbeats({
          ...createControlActivities({ client, taskQueue, fleet }),
          ...createNotifyActivities({ config: notifications?.config, log }),
        }),
        sinks: metrics.sinks(),
      }),
    );
    if (options.schedules !== false) {
      await ensureSchedules(client, { ...options.schedules, taskQueue }).catch((err: unknown) => {
        throw explainConnectionError(err, conn, 'creating the git-poll, drift-scan and autoscale schedules');
      });
      // The watchers of the clusters known now; drift-scan starts those of clusters added later.
      const clusters = (await fleet.all(0)).map((a) => a.cluster);
      if (clusterActivities) clusters.push(cluster);
      await ensureDriftWatches(client, taskQueue, clusters).catch((err: unknown) => {
        throw explainConnectionError(err, conn, 'starting the drift-watch workflows');
      });
    }
  }
  log.info(
    {
      address,
      namespace,
      cluster: clusterActivities ? cluster : 'none',
      credential: conn.describe,
      role: options.agentOnly ? 'agent' : options.controlPlaneOnly ? 'control-plane' : 'combined',
      metricsPort,
      codecKey: codecKeys?.current.id ?? 'none',
      prometheus: prometheus?.url ?? 'none',
    },
    'worker started',
  );

  const shutdown = () => workers.forEach((w) => w.shutdown());
  void options.stop?.then(shutdown);
  try {
    await Promise.all(workers.map((w) => w.run()));
  } finally {
    log.info('worker stopped');
    clusterActivities?.close();
    metricsServer?.close();
    await clientConnection?.close();
    await connection.close();
  }
}

/**
 * An agent whose token names the queues it may poll (`mooring_task_queues`, docs/PRODUCTION.md)
 * but not its own would only collect refusals: say so at start. The server decides either way.
 */
function assertTokenServes(conn: ResolvedConnection, queue: string): void {
  const queues = conn.apiKey ? jwtClaims(conn.apiKey)?.mooring_task_queues : undefined;
  if (Array.isArray(queues) && !queues.includes(queue))
    throw new Error(
      `This agent serves task queue ${queue}, but its token (${conn.describe}) may only poll ${queues.join(', ') || 'no queue'}: give it the token issued for this cluster's agent`,
    );
}

/** Worker.create, its namespace check turned into a message that names the credential. */
async function createWorker(
  conn: ResolvedConnection,
  doing: string,
  options: WorkerCreateOptions,
): Promise<Worker> {
  try {
    return await Worker.create(options);
  } catch (err) {
    throw explainConnectionError(err, conn, doing);
  }
}

/** The agent policy of the options (a file, else a ConfigMap, else $MOORING_POLICY_FILE), its warnings logged. */
async function loadAgentPolicy(
  options: WorkerOptions,
  log: ReturnType<typeof createLogger>,
): Promise<AgentPolicy> {
  const loaded = await resolveAgentPolicy(options);
  for (const warning of loaded.warnings) log.warn(warning.message);
  log.info(
    { policy: loaded.policy.source, projects: loaded.policy.projects.map((p) => p.name) },
    'agent policy loaded',
  );
  return loaded.policy;
}

let runtimeInstalled = false;

/** Core telemetry and logging; must run before the first connection of the process. */
function installRuntime(log: ReturnType<typeof createLogger>, corePort: number): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({
      logger: new DefaultLogger((process.env.TEMPORAL_LOG_LEVEL ?? 'WARN') as LogLevel, (entry) => {
        log[entry.level === 'ERROR' ? 'error' : entry.level === 'WARN' ? 'warn' : 'debug'](
          { ...entry.meta },
          entry.message,
        );
      }),
      telemetryOptions:
        corePort > 0 ? { metrics: { prometheus: { bindAddress: `127.0.0.1:${corePort}` } } } : {},
    });
  } catch (err) {
    // The embedding process (a test) installed its own Runtime first; keep it.
    if (!(err instanceof IllegalStateError)) throw err;
  }
}
