/**
 * End-to-end harness on the real local stack: a Mooring worker of the test's own (task queue,
 * cluster), the guestbook example in a real bare Git repository, apps registered through
 * `applySpec` (client/, as `mooring app apply` does), and cleanup of everything the test created
 * (workflows, namespaces, repos).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { parseDocument, stringify } from 'yaml';
import { applySpec } from '../../client/apply-spec.js';
import { supersededResult } from '../../workflows/sync-results.js';
import { parseApplications } from '../../config/parse-application.js';
import type { AppSpec } from '../../config/types.js';
import { statusQuery } from '../../contract/messages.js';
import { driftWatchWorkflowId, applicationWorkflowId } from '../../contract/ids.js';
import type { AppStatus } from '../../contract/messages.js';
import type { GitPollResult } from '../../contract/workflows.js';
import { runWorker } from '../../workers/worker.js';
import { createTestGitRepo } from './git-repo.js';
import type { TestGitRepo } from './git-repo.js';
import { kubectl, kubectlJson, projectRoot, temporalAddress, uniqueSuffix } from './stack.js';
import { waitFor } from './wait.js';

/** Options of `E2eApp.waitStatus`. */
export interface WaitStatusOptions {
  /** @default 90_000 */
  timeoutMs?: number;
  /**
   * Fail at once when an operation that finished during the wait ended Failed or Error and the
   * status still does not satisfy `done`: that condition will not come true by waiting. Turn it
   * off only to wait past a failure on purpose (e.g. for a retry). @default true
   */
  failFast?: boolean;
}

/** Something that runs the test's activities and can stop on its own (a worker process). */
export interface WatchedWorker {
  /** Why it stopped, when it exited without the test asking it to; undefined while it runs. */
  exitReason(): string | undefined;
}

let runtimeReady = false;

/** Quiet Core logs; call before any worker or connection of the test process exists. */
function installQuietRuntime(): void {
  if (runtimeReady) return;
  runtimeReady = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

export interface AppOptions {
  /** `rollback.healthTimeout` of the spec. @default '60s' */
  healthTimeout?: string;
  /** Replaces the spec's `syncPolicy.automated`. */
  automated?: { prune: boolean; selfHeal: boolean };
  /** Further `spec` fields as a user writes them (e.g. `autoscaling`, `analysis`), defaults filled by the parser. */
  spec?: Record<string, unknown>;
  /** Registers the app through this client (say, one with interceptors) instead of the env's. */
  registerWith?: Client;
}

/** One registered app: its repository, spec and status. */
export interface E2eApp {
  name: string;
  namespace: string;
  repo: TestGitRepo;
  spec: AppSpec;
  status(): Promise<AppStatus>;
  /**
   * Polls the status query until `done` holds. Fails at once when the test's worker stopped or (see
   * `failFast`) an operation failed; any failure message shows the last status. A number is the
   * timeout.
   */
  waitStatus(
    what: string,
    done: (s: AppStatus) => boolean,
    options?: number | WaitStatusOptions,
  ): Promise<AppStatus>;
  /** The live guestbook Deployment. */
  deployment(): Promise<LiveDeployment>;
}

export interface LiveDeployment {
  metadata: { generation: number; resourceVersion: string };
  spec: {
    replicas: number;
    template: { metadata: { labels: Record<string, string> }; spec: { containers: { image: string }[] } };
  };
  status?: { readyReplicas?: number; updatedReplicas?: number };
}

export interface E2eEnv {
  suffix: string;
  taskQueue: string;
  cluster: string;
  client: Client;
  /** Creates the repository and registers the app (as `mooring app apply` does). */
  createApp(prefix: string, options?: AppOptions): Promise<E2eApp>;
  /** Runs one git-poll over this env's task queue (all its apps, as a scheduled run would) to its end. */
  gitPoll(): Promise<GitPollResult>;
  /** Makes every wait of this env fail at once when `worker` exits unasked (for `worker: false`). */
  watchWorker(worker: WatchedWorker): void;
  /** Why the in-process worker or a watched worker stopped on its own; undefined while they run. */
  workerFailure(): string | undefined;
  stopWorker(): Promise<void>;
  close(): Promise<void>;
}

const GUESTBOOK = join(projectRoot, 'config/examples/guestbook');
const GUESTBOOK_APP = join(projectRoot, 'config/examples/guestbook-app.yaml');

/** A PreSync migration Job whose pod exits 1 (kwok stage scripts/stages/pod-fail.yaml). */
export const FAILING_PRESYNC_HOOK = stringify({
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: {
    name: 'guestbook-migrate',
    annotations: {
      'argocd.argoproj.io/hook': 'PreSync',
      'argocd.argoproj.io/hook-delete-policy': 'HookFailed',
    },
  },
  spec: {
    backoffLimit: 0,
    template: {
      metadata: { labels: { 'mooring.dev/simulate': 'fail' } },
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'migrate', image: 'registry.example/guestbook-migrate:2' }],
      },
    },
  },
});

/** The guestbook Service with a port the API server rejects (> 65535): a commit the dry-run refuses. */
export const SERVICE_PORT_OUT_OF_RANGE = [
  'apiVersion: v1',
  'kind: Service',
  'metadata:',
  '  name: guestbook-ui',
  'spec:',
  '  selector:',
  '    app.kubernetes.io/name: guestbook-ui',
  '  ports:',
  '  - port: 70000',
  '    targetPort: 80',
  '',
].join('\n');

/** The guestbook Deployment manifest with a few fields changed, as a commit would change it. */
export async function guestbookDeployment(change: {
  image?: string;
  simulate?: 'crashloop' | 'never-ready' | 'slow';
  progressDeadlineSeconds?: number;
  replicas?: number;
  minReadySeconds?: number;
}): Promise<string> {
  const doc = parseDocument(await readFile(join(GUESTBOOK, 'deployment.yaml'), 'utf8'));
  if (change.image) doc.setIn(['spec', 'template', 'spec', 'containers', 0, 'image'], change.image);
  if (change.simulate)
    doc.setIn(['spec', 'template', 'metadata', 'labels', 'mooring.dev/simulate'], change.simulate);
  if (change.progressDeadlineSeconds)
    doc.setIn(['spec', 'progressDeadlineSeconds'], change.progressDeadlineSeconds);
  if (change.replicas !== undefined) doc.setIn(['spec', 'replicas'], change.replicas);
  if (change.minReadySeconds !== undefined) doc.setIn(['spec', 'minReadySeconds'], change.minReadySeconds);
  return String(doc);
}

async function appSpec(
  name: string,
  repoURL: string,
  cluster: string,
  namespace: string,
  options: AppOptions,
): Promise<AppSpec> {
  const doc = parseDocument(await readFile(GUESTBOOK_APP, 'utf8'));
  doc.setIn(['metadata', 'name'], name);
  doc.setIn(['spec', 'source', 'repoURL'], repoURL);
  doc.setIn(['spec', 'destination', 'cluster'], cluster);
  doc.setIn(['spec', 'destination', 'namespace'], namespace);
  doc.setIn(['spec', 'rollback', 'healthTimeout'], options.healthTimeout ?? '60s');
  if (options.automated) doc.setIn(['spec', 'syncPolicy', 'automated'], doc.createNode(options.automated));
  for (const [field, value] of Object.entries(options.spec ?? {}))
    doc.setIn(['spec', field], doc.createNode(value));
  // An app with several sources has no spec.source.
  if (options.spec?.sources !== undefined) doc.deleteIn(['spec', 'source']);
  const { apps } = parseApplications(String(doc), `${name}.yaml`);
  const spec = apps[0];
  if (!spec) throw new Error(`The guestbook spec for ${name} parsed to no application`);
  return spec;
}

/** Starts the test's own worker (unless `worker: false`) and returns the harness. */
export async function startE2e(
  prefix: string,
  options: {
    worker?: boolean;
    /** The in-process worker's agent policy file. @default $MOORING_POLICY_FILE (the local one) */
    policyFile?: string;
    /** The in-process agent's Prometheus. @default $MOORING_PROMETHEUS_URL (the stack's) */
    prometheusUrl?: string;
  } = {},
): Promise<E2eEnv> {
  installQuietRuntime();
  const suffix = uniqueSuffix();
  const taskQueue = `test-${prefix}-${suffix}`;
  const cluster = `test-${prefix}-${suffix}`;
  const connection = await Connection.connect({ address: temporalAddress() });
  const client = new Client({ connection });
  const apps: E2eApp[] = [];
  const watched: WatchedWorker[] = [];
  let inProcessFailure: string | undefined;

  let stopWorker = async (): Promise<void> => undefined;
  if (options.worker !== false) {
    let release: () => void = () => undefined;
    let stopping = false;
    const stop = new Promise<void>((resolve) => {
      release = resolve;
    });
    const running = runWorker({
      taskQueue,
      cluster,
      schedules: false,
      metricsPort: 0,
      stop,
      policyFile: options.policyFile,
      prometheusUrl: options.prometheusUrl,
    });
    running.then(
      () => {
        if (!stopping) inProcessFailure = `the worker of ${taskQueue} stopped before the test ended`;
      },
      (err: unknown) => {
        inProcessFailure = `the worker of ${taskQueue} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`;
        console.error(inProcessFailure);
      },
    );
    stopWorker = async () => {
      stopping = true;
      release();
      await running.catch(() => undefined);
    };
  }

  function workerFailure(): string | undefined {
    return inProcessFailure ?? watched.map((w) => w.exitReason()).find((r) => r !== undefined);
  }

  async function createApp(appPrefix: string, appOptions: AppOptions = {}): Promise<E2eApp> {
    const name = `${appPrefix}-${suffix}`;
    const namespace = `e2e-${appPrefix}-${suffix}`;
    const repo = await createTestGitRepo(GUESTBOOK, 'guestbook');
    const spec = await appSpec(name, repo.url, cluster, namespace, appOptions);
    await applySpec(appOptions.registerWith ?? client, spec, taskQueue);
    const handle = client.workflow.getHandle(applicationWorkflowId(name));
    const status = () => handle.query(statusQuery);
    const app: E2eApp = {
      name,
      namespace,
      repo,
      spec,
      status,
      async waitStatus(what, done, options = {}) {
        const { timeoutMs = 90_000, failFast = true } =
          typeof options === 'number' ? { timeoutMs: options } : options;
        let last: AppStatus | undefined;
        let first: AppStatus | undefined;
        return await waitFor(
          `${name}: ${what}`,
          async () => {
            last = await status();
            first ??= last;
            return done(last) ? last : undefined;
          },
          {
            timeoutMs,
            abortIf: () => workerFailure() ?? (failFast ? operationFailure(first, last) : undefined),
            describe: () => `last status: ${JSON.stringify({ ...last, resources: undefined }, null, 1)}`,
          },
        );
      },
      deployment: () => kubectlJson<LiveDeployment>(['get', 'deployment', 'guestbook-ui', '-n', namespace]),
    };
    apps.push(app);
    return app;
  }

  async function close(): Promise<void> {
    for (const app of apps) {
      const query = `MooringApp = '${app.name}' AND ExecutionStatus = 'Running'`;
      const ids = new Set([applicationWorkflowId(app.name)]);
      for await (const wf of client.workflow.list({ query })) ids.add(wf.workflowId);
      for (const id of ids) {
        await client.workflow
          .getHandle(id)
          .terminate('end-to-end test cleanup')
          .catch((err: unknown) => {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          });
      }
      await kubectl(['delete', 'namespace', app.namespace, '--wait=false', '--ignore-not-found']);
      await app.repo.remove();
    }
    // A drift-scan run starts this cluster's watcher; it must not outlive the test.
    await client.workflow
      .getHandle(driftWatchWorkflowId(cluster, taskQueue))
      .terminate('end-to-end test cleanup')
      .catch((err: unknown) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      });
    await stopWorker();
    await connection.close();
  }

  return {
    suffix,
    taskQueue,
    cluster,
    client,
    createApp,
    async gitPoll() {
      return (await client.workflow.execute('gitPollWorkflow', {
        taskQueue,
        workflowId: `git-poll-${suffix}-${uniqueSuffix()}`,
        workflowExecutionTimeout: '2m',
      })) as GitPollResult;
    },
    watchWorker(worker) {
      watched.push(worker);
    },
    workerFailure,
    stopWorker,
    close,
  };
}

/** How a sync a newer commit replaced during its health wait ends: the newer commit's sync follows. */
const SUPERSEDED = supersededResult('', undefined).message;

/**
 * The failure of an operation that finished after the first status of a wait: the last operation
 * is a different one and ended Failed or Error. Undefined otherwise.
 */
function operationFailure(first: AppStatus | undefined, last: AppStatus | undefined): string | undefined {
  const op = last?.lastOperation;
  if (!op || op.id === first?.lastOperation?.id) return undefined;
  if (op.phase !== 'Failed' && op.phase !== 'Error') return undefined;
  if (op.message === SUPERSEDED) return undefined;
  return `operation #${op.id} (${op.initiatedBy}, ${op.revision.slice(0, 7)}) ended ${op.phase} at step "${op.step}": ${op.message ?? 'no message'}`;
}

/** True when the app runs `sha`, in sync and healthy, with no operation in flight. */
export function settledAt(sha: string): (s: AppStatus) => boolean {
  return (s) =>
    s.deployedRevision === sha && s.sync === 'Synced' && s.health === 'Healthy' && s.operation === undefined;
}
