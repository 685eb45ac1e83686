/**
 * One case of the fault matrix: its own task queue and cluster name, the guestbook example in a
 * bare Git repository served over `git://` by a server the case can take away (`fault-git.ts`),
 * worker processes pointed at the case's kubeconfig (usually the fault proxy) with their own
 * cache directory, and cleanup of everything the case created.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { parseDocument } from 'yaml';
import { applySpec } from '../../client/apply-spec.js';
import { parseApplications } from '../../config/parse-application.js';
import type { AppSpec } from '../../config/types.js';
import { applicationWorkflowId } from '../../contract/ids.js';
import { refreshSignal, statusQuery, syncStepQuery } from '../../contract/messages.js';
import type { AppStatus } from '../../contract/messages.js';
import type { LiveDeployment } from './e2e.js';
import { startFaultGit } from './fault-git.js';
import type { FaultGitServer } from './fault-git.js';
import { caseDir, spawnFaultWorker } from './fault-stack.js';
import type { FaultProcess } from './fault-stack.js';
import { createTestGitRepo } from './git-repo.js';
import type { TestGitRepo } from './git-repo.js';
import { kubectl, kubectlJson, projectRoot, uniqueSuffix } from './stack.js';
import { waitFor } from './wait.js';

const GUESTBOOK = join(projectRoot, 'config/examples/guestbook');
const GUESTBOOK_APP = join(projectRoot, 'config/examples/guestbook-app.yaml');

export interface FaultCaseOptions {
  /** Temporal frontend of the matrix. */
  address: string;
  /** Kubeconfig the workers use (the fault proxy's, or a second API server's). */
  kubeconfig: string;
  /** Run the workflows and the cluster's activities in separate processes (`--agent`). */
  split?: boolean;
  /** `rollback.healthTimeout`. @default '30s' */
  healthTimeout?: string;
}

export interface FaultCase {
  name: string;
  namespace: string;
  taskQueue: string;
  cluster: string;
  client: Client;
  repo: TestGitRepo;
  git: FaultGitServer;
  /** `$MOORING_CACHE` of the case's cluster activities. */
  cacheDir: string;
  /** The process running the cluster's activities (the combined worker unless `split`). */
  agent(): FaultProcess | undefined;
  startAgent(): FaultProcess;
  status(): Promise<AppStatus>;
  waitStatus(what: string, done: (s: AppStatus) => boolean, timeoutMs?: number): Promise<AppStatus>;
  /** Signals a refresh that names the commit (as git-poll does). */
  refresh(sha: string): Promise<void>;
  /** The step of the running sync child, polled until `ready` holds for it. */
  waitStep(what: string, ready: (step: string) => boolean, timeoutMs?: number): Promise<string>;
  deployment(): Promise<LiveDeployment>;
  close(): Promise<void>;
}

async function appSpec(
  name: string,
  repoURL: string,
  cluster: string,
  namespace: string,
  healthTimeout: string,
): Promise<AppSpec> {
  const doc = parseDocument(await readFile(GUESTBOOK_APP, 'utf8'));
  doc.setIn(['metadata', 'name'], name);
  doc.setIn(['spec', 'source', 'repoURL'], repoURL);
  doc.setIn(['spec', 'destination', 'cluster'], cluster);
  doc.setIn(['spec', 'destination', 'namespace'], namespace);
  doc.setIn(['spec', 'rollback', 'healthTimeout'], healthTimeout);
  const { apps } = parseApplications(String(doc), `${name}.yaml`);
  const spec = apps[0];
  if (!spec) throw new Error(`The guestbook spec for ${name} parsed to no application`);
  return spec;
}

/** Starts the case's Git server and workers and registers the guestbook app; does not wait for it. */
export async function startFaultCase(prefix: string, options: FaultCaseOptions): Promise<FaultCase> {
  const suffix = uniqueSuffix();
  const name = `f-${prefix}-${suffix}`;
  const taskQueue = `fault-${prefix}-${suffix}`;
  const cluster = `fault-${prefix}-${suffix}`;
  const namespace = `fault-${prefix}-${suffix}`;
  const dir = await caseDir(prefix);
  const cacheDir = join(dir.path, 'cache');
  const connection = await Connection.connect({ address: options.address });
  const client = new Client({ connection });
  const repo = await createTestGitRepo(GUESTBOOK, 'guestbook');
  const git = await startFaultGit(dirname(repo.url));
  const processes: FaultProcess[] = [];
  let agent: FaultProcess | undefined;
  let workflows: FaultProcess | undefined;
  const log = (what: string) => join(dir.path, `${what}-${processes.length + 1}.log`);

  function startAgent(): FaultProcess {
    const p = spawnFaultWorker({
      address: options.address,
      taskQueue,
      cluster,
      kubeconfig: options.kubeconfig,
      cacheDir,
      agent: options.split,
      logFile: log(options.split ? 'agent' : 'worker'),
    });
    processes.push(p);
    agent = p;
    return p;
  }
  if (options.split) {
    workflows = spawnFaultWorker({
      address: options.address,
      taskQueue,
      cluster: `_control-${suffix}`,
      kubeconfig: options.kubeconfig,
      cacheDir: join(dir.path, 'control-cache'),
      logFile: log('control'),
    });
    processes.push(workflows);
  }
  startAgent();

  const spec = await appSpec(name, git.urlOf('repo.git'), cluster, namespace, options.healthTimeout ?? '30s');
  await applySpec(client, spec, taskQueue);
  const handle = client.workflow.getHandle(applicationWorkflowId(name));
  const status = () => handle.query(statusQuery);
  const failure = () => workflows?.exitReason() ?? agent?.exitReason();

  return {
    name,
    namespace,
    taskQueue,
    cluster,
    client,
    repo,
    git,
    cacheDir,
    agent: () => agent,
    startAgent,
    status,
    async waitStatus(what, done, timeoutMs = 120_000) {
      let last: AppStatus | undefined;
      return await waitFor(
        `${name}: ${what}`,
        async () => {
          last = await status();
          return done(last) ? last : undefined;
        },
        {
          timeoutMs,
          intervalMs: 200,
          abortIf: failure,
          describe: () => `last status: ${JSON.stringify({ ...last, resources: undefined })}`,
        },
      );
    },
    async refresh(sha) {
      await handle.signal(refreshSignal, { sha, reason: 'fault matrix' });
    },
    async waitStep(what, ready, timeoutMs = 90_000) {
      let last = '';
      return await waitFor(
        `${name}: the sync step to be ${what}`,
        async () => {
          const op = (await status()).operation;
          if (!op) return undefined;
          last = await client.workflow.getHandle(op.workflowId).query(syncStepQuery);
          return ready(last) ? last : undefined;
        },
        { timeoutMs, intervalMs: 100, abortIf: failure, describe: () => `last step: ${last}` },
      );
    },
    deployment: () => kubectlJson<LiveDeployment>(['get', 'deployment', 'guestbook-ui', '-n', namespace]),
    async close() {
      const ids = new Set([applicationWorkflowId(name)]);
      try {
        for await (const wf of client.workflow.list({
          query: `MooringApp = '${name}' AND ExecutionStatus = 'Running'`,
        }))
          ids.add(wf.workflowId);
      } catch {
        // visibility of a restarted server may lag; the app workflow is terminated below anyway
      }
      for (const id of ids) {
        await client.workflow
          .getHandle(id)
          .terminate('fault matrix cleanup')
          .catch((err: unknown) => {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          });
      }
      for (const p of processes) await p.kill('SIGKILL');
      await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
      await git.close();
      await repo.remove();
      await connection.close();
      if (!process.env.MOORING_FAULT_KEEP) await dir.remove();
    },
  };
}
