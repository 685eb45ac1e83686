/**
 * The three controllers under test, each run out of cluster against the stack's kwok cluster and
 * declaring the benchmark apps as its own objects:
 *
 *  - Flux: source-controller + kustomize-controller; one GitRepository, one Kustomization per app;
 *  - Argo CD: application controller + repo-server + Debian's redis-server; one Application per app;
 *  - Mooring: `mooring worker` as its own process; one app per directory (applySpec, as
 *    `mooring app apply` does), and an in-process `mooring webhook` receiver for the push path.
 *
 * Settings: `default` is each peer's documented default polling; `tuned` polls every 10 s.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { applySpec } from '../../client/apply-spec.js';
import { applicationsOnQueue, listApplications } from '../../client/list-applications.js';
import { sdkWorkflowReader } from '../../client/sdk-workflow-reader.js';
import { startWebhookService } from '../../client/webhook/service.js';
import type { WebhookService } from '../../client/webhook/service.js';
import { parseApplications } from '../../config/parse-application.js';
import { ensureDriftWatches } from '../../activities/control/control-activities.js';
import { DEFAULT_TASK_QUEUE, driftWatchWorkflowId, WORKFLOW_TYPES } from '../../contract/ids.js';
import { waitWatching } from '../../test/support/drift-watch.js';
import { waitFor } from '../../test/support/wait.js';
import { annotate, applyCrds, applyObjects, kubectl, list } from './kube.js';
import { appName } from './monorepo.js';
import type { PeersRepo } from './monorepo.js';
import { startProc } from './proc.js';
import type { Proc } from './proc.js';
import { pushToWebhook } from '../support/webhook-push.js';
import { ensureBuild, shippedWorker } from '../support/build.js';

export type Setting = 'default' | 'tuned';

export interface PeerContext {
  repo: PeersRepo;
  setting: Setting;
  /** Scratch directory of this run (logs, storage). */
  work: string;
  root: string;
}

/** One peer started for one N and setting. */
export interface PeerRun {
  procs: Proc[];
  /** What the setting means for this peer, in its own terms. */
  settings: Record<string, string>;
  /** Declares all apps as the peer's own objects. */
  register(): Promise<void>;
  /** How many apps the peer reports Synced at `sha`. */
  syncedAt(sha: string): Promise<number>;
  /** Tells the peer a push happened (its webhook/notification path or the stand-in named by `notifyPath`). */
  notify(sha: string): Promise<void>;
  notifyPath: string;
  /** Brings drift detection to its steady state before the drift runs (what it takes is in `settings`). */
  prepareDrift?(): Promise<void>;
  /** Deletes the peer's objects and stops its processes. */
  stop(): Promise<void>;
}

export interface Peer {
  name: string;
  version: string;
  /** Namespace of app `index`'s objects. */
  namespace(index: number): string;
  /** Why it cannot run (not built: the build's error), or undefined. */
  unavailable(): string | undefined;
  /** Longest wait for a poll to notice a commit, per setting (the timeout of a poll run). */
  pollIntervalS(setting: Setting): number;
  start(ctx: PeerContext): Promise<PeerRun>;
}

const PEERS_CACHE = join(process.env.MOORING_CACHE ?? join(homedir(), '.cache/mooring'), 'peers');
const ports = {
  sourceStorage: 19790,
  sourceMetrics: 19791,
  sourceHealth: 19792,
  kustomizeMetrics: 19793,
  kustomizeHealth: 19794,
  redis: 19795,
  repoServer: 19796,
  repoServerMetrics: 19797,
  controllerMetrics: 19798,
  mooringMetrics: 19799,
};

function built(dir: string, bin: string): string | undefined {
  const path = join(PEERS_CACHE, dir, bin);
  if (existsSync(path)) return undefined;
  const errFile = join(PEERS_CACHE, dir, 'build-error.txt');
  return existsSync(errFile)
    ? `build failed: see ${errFile}`
    : `not built: ${path} is missing (run bench/peers/build.sh)`;
}

async function untilOk(url: string, procs: Proc[], what: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const p of procs) {
      const r = p.exitReason();
      if (r) throw new Error(`${what}: ${r}`);
    }
    const ok = await fetch(url).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${what}: ${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface Condition {
  type: string;
  status: string;
}

// ---------------------------------------------------------------------------------------------
// Flux
// ---------------------------------------------------------------------------------------------

const FLUX_NS = 'flux-system';
const SC = 'source-controller-v1.9.1';
const KC = 'kustomize-controller-v1.9.4';

export const flux: Peer = {
  name: 'flux',
  version: 'source-controller v1.9.1 + kustomize-controller v1.9.4',
  namespace: (i) => `flux-${appName(i)}`,
  unavailable: () => built(SC, 'source-controller') ?? built(KC, 'kustomize-controller'),
  // GitRepository interval: 1m (the `flux create source git` default); tuned 10s.
  pollIntervalS: (s) => (s === 'default' ? 60 : 10),
  async start(ctx) {
    await applyCrds(join(PEERS_CACHE, SC, 'crds'));
    await applyCrds(join(PEERS_CACHE, KC, 'crds'));
    await applyObjects([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: FLUX_NS } }]);
    const storage = join(ctx.work, 'flux-storage');
    await mkdir(storage, { recursive: true });
    const env = { RUNTIME_NAMESPACE: FLUX_NS };
    const source = startProc(
      'source-controller',
      join(PEERS_CACHE, SC, 'source-controller'),
      [
        '--enable-leader-election=false',
        `--storage-path=${storage}`,
        `--storage-addr=127.0.0.1:${ports.sourceStorage}`,
        `--storage-adv-addr=127.0.0.1:${ports.sourceStorage}`,
        `--metrics-addr=127.0.0.1:${ports.sourceMetrics}`,
        `--health-addr=127.0.0.1:${ports.sourceHealth}`,
        '--log-level=info',
      ],
      { env, logFile: join(ctx.work, 'source-controller.log') },
    );
    const kustomize = startProc(
      'kustomize-controller',
      join(PEERS_CACHE, KC, 'kustomize-controller'),
      [
        '--enable-leader-election=false',
        `--metrics-addr=127.0.0.1:${ports.kustomizeMetrics}`,
        `--health-addr=127.0.0.1:${ports.kustomizeHealth}`,
        '--log-level=info',
      ],
      { env, logFile: join(ctx.work, 'kustomize-controller.log') },
    );
    const procs = [source, kustomize];
    await untilOk(`http://127.0.0.1:${ports.sourceHealth}/readyz`, procs, 'source-controller');
    await untilOk(`http://127.0.0.1:${ports.kustomizeHealth}/readyz`, procs, 'kustomize-controller');
    // Defaults as `flux bootstrap` writes them: source 1m, Kustomization 10m (drift is corrected
    // only at the Kustomization's interval: there is no watch).
    const sourceInterval = ctx.setting === 'default' ? '1m' : '10s';
    const ksInterval = ctx.setting === 'default' ? '10m' : '10s';
    const apps = ctx.repo.apps;
    return {
      procs,
      settings: {
        'GitRepository.spec.interval': sourceInterval,
        'Kustomization.spec.interval': ksInterval,
        controllers: 'default flags (--concurrent 2 source, 4 kustomize)',
      },
      notifyPath:
        'annotation reconcile.fluxcd.io/requestedAt on the GitRepository (what notification-controller Receiver does)',
      async register() {
        const objects: unknown[] = [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'bench-git', namespace: FLUX_NS },
            stringData: { username: ctx.repo.username, password: ctx.repo.password },
          },
          {
            apiVersion: 'source.toolkit.fluxcd.io/v1',
            kind: 'GitRepository',
            metadata: { name: 'bench', namespace: FLUX_NS },
            spec: {
              url: ctx.repo.url,
              ref: { branch: ctx.repo.branch },
              interval: sourceInterval,
              secretRef: { name: 'bench-git' },
            },
          },
        ];
        for (let i = 0; i < apps; i++)
          objects.push({
            apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
            kind: 'Kustomization',
            metadata: { name: appName(i), namespace: FLUX_NS },
            spec: {
              interval: ksInterval,
              path: `./${appName(i)}`,
              prune: true,
              targetNamespace: flux.namespace(i),
              sourceRef: { kind: 'GitRepository', name: 'bench' },
            },
          });
        await applyObjects(objects);
      },
      async syncedAt(sha) {
        const items = (await list('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', FLUX_NS)) as {
          status?: { lastAppliedRevision?: string; conditions?: Condition[] };
        }[];
        // lastAppliedRevision is set only after a successful apply; Ready is Unknown while an app
        // is being reconciled again (every interval), so it does not say "synced".
        return items.filter((k) => k.status?.lastAppliedRevision?.endsWith(sha)).length;
      },
      async notify() {
        await annotate(
          {
            apiVersion: 'source.toolkit.fluxcd.io/v1',
            kind: 'GitRepository',
            namespace: FLUX_NS,
            name: 'bench',
          },
          { 'reconcile.fluxcd.io/requestedAt': new Date().toISOString() },
        );
      },
      async stop() {
        // The Kustomizations carry Flux's finalizer: delete them while the controllers run.
        await kubectl([
          'delete',
          '-n',
          FLUX_NS,
          'kustomizations.kustomize.toolkit.fluxcd.io,gitrepositories.source.toolkit.fluxcd.io',
          '--all',
          '--timeout=300s',
        ]).catch(async (err: unknown) => {
          process.stderr.write(`[peers] flux cleanup: ${String(err)}; removing finalizers\n`);
          await stripFinalizers(FLUX_NS, [
            'kustomizations.kustomize.toolkit.fluxcd.io',
            'gitrepositories.source.toolkit.fluxcd.io',
          ]);
        });
        for (const p of procs) await p.stop();
      },
    };
  },
};

async function stripFinalizers(namespace: string, kinds: string[]): Promise<void> {
  for (const kind of kinds) {
    const names = (await kubectl(['get', kind, '-n', namespace, '-o', 'name'])).split('\n').filter(Boolean);
    for (const n of names)
      await kubectl([
        'patch',
        n,
        '-n',
        namespace,
        '--type=merge',
        '-p',
        '{"metadata":{"finalizers":null}}',
      ]).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// Argo CD
// ---------------------------------------------------------------------------------------------

const ARGO_NS = 'argocd';
const ARGO = 'argocd-v3.6.1';

export const argocd: Peer = {
  name: 'argocd',
  version: 'Argo CD v3.6.1 (application controller + repo-server, redis-server)',
  namespace: (i) => `argocd-${appName(i)}`,
  unavailable: () =>
    built(ARGO, 'argocd') ??
    (existsSync('/usr/bin/redis-server')
      ? undefined
      : 'redis-server is not installed (apt-get install redis-server)'),
  // timeout.reconciliation 120s + jitter up to 60s by default; tuned 10s, no jitter.
  pollIntervalS: (s) => (s === 'default' ? 180 : 10),
  async start(ctx) {
    await applyCrds(join(PEERS_CACHE, ARGO, 'crds'));
    const bin = join(PEERS_CACHE, ARGO, 'argocd');
    await applyObjects([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ARGO_NS } },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'argocd-cm',
          namespace: ARGO_NS,
          labels: { 'app.kubernetes.io/part-of': 'argocd' },
        },
        data: {},
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: {
          name: 'argocd-secret',
          namespace: ARGO_NS,
          labels: { 'app.kubernetes.io/part-of': 'argocd' },
        },
        stringData: { 'server.secretkey': randomBytes(16).toString('hex') },
      },
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'AppProject',
        metadata: { name: 'default', namespace: ARGO_NS },
        spec: {
          sourceRepos: ['*'],
          destinations: [{ server: '*', namespace: '*' }],
          clusterResourceWhitelist: [{ group: '*', kind: '*' }],
        },
      },
    ]);
    const redis = startProc(
      'redis-server',
      '/usr/bin/redis-server',
      ['--port', String(ports.redis), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { logFile: join(ctx.work, 'redis.log') },
    );
    const env = {
      ARGOCD_FAKE_IN_CLUSTER: 'true',
      ARGOCD_GPG_ENABLED: 'false',
      ARGOCD_NAMESPACE: ARGO_NS,
    };
    const repoServer = startProc(
      'argocd-repo-server',
      bin,
      [
        '--port',
        String(ports.repoServer),
        '--metrics-port',
        String(ports.repoServerMetrics),
        '--redis',
        `127.0.0.1:${ports.redis}`,
        '--disable-tls',
        // Its default points at the in-cluster mTLS secret mount, which --disable-tls refuses.
        '--client-ca-path=',
        // The repo-server caches `git ls-remote` (branch → SHA) for 3m by default: polling faster
        // than that needs the cache shorter too.
        ...(ctx.setting === 'tuned' ? ['--revision-cache-expiration', '10s'] : []),
        '--loglevel',
        'info',
      ],
      {
        env: {
          ...env,
          ARGOCD_BINARY_NAME: 'argocd-repo-server',
          // git asks for credentials through GIT_ASKPASS=argocd (the same binary, by name on PATH).
          PATH: `${join(PEERS_CACHE, ARGO)}:${process.env.PATH ?? ''}`,
        },
        logFile: join(ctx.work, 'repo-server.log'),
        cwd: ctx.work,
      },
    );
    const tuned = ctx.setting === 'tuned' ? ['--app-resync', '10', '--app-resync-jitter', '0'] : [];
    const controller = startProc(
      'argocd-application-controller',
      bin,
      [
        '--namespace',
        ARGO_NS,
        '--repo-server',
        `127.0.0.1:${ports.repoServer}`,
        '--repo-server-plaintext',
        '--redis',
        `127.0.0.1:${ports.redis}`,
        '--metrics-port',
        String(ports.controllerMetrics),
        '--loglevel',
        'info',
        ...tuned,
      ],
      {
        env: { ...env, ARGOCD_BINARY_NAME: 'argocd-application-controller' },
        logFile: join(ctx.work, 'application-controller.log'),
        cwd: ctx.work,
      },
    );
    const procs = [controller, repoServer, redis];
    await untilOk(`http://127.0.0.1:${ports.repoServerMetrics}/metrics`, procs, 'argocd-repo-server');
    await untilOk(
      `http://127.0.0.1:${ports.controllerMetrics}/metrics`,
      procs,
      'argocd-application-controller',
    );
    const apps = ctx.repo.apps;
    return {
      procs,
      settings: {
        'timeout.reconciliation':
          ctx.setting === 'default'
            ? '120s (+ jitter up to 60s)'
            : '10s (--app-resync 10 --app-resync-jitter 0; repo-server --revision-cache-expiration 10s)',
        controllers: 'default flags (status/operation processors 20/10)',
      },
      notifyPath:
        'annotation argocd.argoproj.io/refresh=normal on the Application (stand-in: the /api/webhook receiver lives in argocd-server, not built)',
      async register() {
        const objects: unknown[] = [
          {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: {
              name: 'bench-repo',
              namespace: ARGO_NS,
              labels: { 'argocd.argoproj.io/secret-type': 'repository' },
            },
            stringData: {
              type: 'git',
              url: ctx.repo.url,
              username: ctx.repo.username,
              password: ctx.repo.password,
            },
          },
        ];
        for (let i = 0; i < apps; i++)
          objects.push({
            apiVersion: 'argoproj.io/v1alpha1',
            kind: 'Application',
            metadata: { name: appName(i), namespace: ARGO_NS },
            spec: {
              project: 'default',
              source: { repoURL: ctx.repo.url, targetRevision: ctx.repo.branch, path: appName(i) },
              destination: { server: 'https://kubernetes.default.svc', namespace: argocd.namespace(i) },
              syncPolicy: { automated: { prune: true, selfHeal: true } },
            },
          });
        await applyObjects(objects);
      },
      async syncedAt(sha) {
        const items = (await list('argoproj.io/v1alpha1', 'Application', ARGO_NS)) as {
          status?: { sync?: { status?: string; revision?: string } };
        }[];
        return items.filter((a) => a.status?.sync?.status === 'Synced' && a.status.sync.revision === sha)
          .length;
      },
      async notify() {
        await annotate(
          { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: ARGO_NS, name: appName(0) },
          { 'argocd.argoproj.io/refresh': 'normal' },
        );
      },
      async stop() {
        await kubectl(['delete', '-n', ARGO_NS, 'applications.argoproj.io', '--all', '--timeout=300s']).catch(
          async () => stripFinalizers(ARGO_NS, ['applications.argoproj.io']),
        );
        for (const p of procs) await p.stop();
      },
    };
  },
};

// ---------------------------------------------------------------------------------------------
// Mooring
// ---------------------------------------------------------------------------------------------

export const mooring: Peer = {
  name: 'mooring',
  version: 'Mooring (this tree): mooring worker + mooring webhook',
  namespace: (i) => `mooring-${appName(i)}`,
  unavailable: () => undefined,
  // syncPolicy.interval 3m by default, checked on 10 s git-poll ticks; tuned interval 10s.
  pollIntervalS: (s) => (s === 'default' ? 190 : 20),
  async start(ctx) {
    const credentials = join(ctx.work, 'git-credentials.yaml');
    await writeFile(
      credentials,
      JSON.stringify([
        { urlPrefix: ctx.repo.baseUrl, username: ctx.repo.username, token: ctx.repo.password },
      ]),
    );
    await ensureBuild(ctx.root, (line) => console.log(`[peers] ${line}`));
    // The local policy with http:// allowed: the benchmark's Git server is plain HTTP on loopback.
    const policy = join(ctx.work, 'policy.yaml');
    const local = await readFile(join(ctx.root, 'config/examples/policy-local.yaml'), 'utf8');
    await writeFile(
      policy,
      local.replace('allowedSchemes: [https, ssh, file, git]', 'allowedSchemes: [https, ssh, http]'),
    );
    const command = shippedWorker(ctx.root, ['--metrics-port', String(ports.mooringMetrics)]);
    const worker = startProc('mooring-worker', command.command, command.args, {
      env: {
        ...command.env,
        MOORING_CACHE: join(ctx.work, 'mooring-cache'),
        MOORING_GIT_CREDENTIALS_FILE: credentials,
        MOORING_POLICY_FILE: policy,
        MOORING_LOG_LEVEL: process.env.MOORING_LOG_LEVEL ?? 'warn',
      },
      logFile: join(ctx.work, 'mooring-worker.log'),
      cwd: ctx.root,
    });
    const procs = [worker];
    await untilOk(`http://127.0.0.1:${ports.mooringMetrics}/metrics`, procs, 'mooring worker');
    // Mooring needs a Temporal server as Argo CD needs redis: the stack's dev server is measured too
    // (it serves only this bench on a stack of its own), never stopped by the bench.
    const temporalPid = Number(
      (
        await readFile(
          join(process.env.MOORING_STATE ?? join(homedir(), '.local/state/mooring'), 'temporal.pid'),
          'utf8',
        ).catch(() => '')
      ).trim(),
    );
    if (temporalPid > 0)
      procs.push({
        name: 'temporal dev server',
        pid: temporalPid,
        logFile: '',
        exitReason: () => undefined,
        stop: async () => undefined,
      });
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS });
    const client = new Client({ connection });
    const secret = randomBytes(32).toString('hex');
    const webhook: WebhookService = await startWebhookService({
      client,
      taskQueue: DEFAULT_TASK_QUEUE,
      port: 0,
      secrets: { github: [secret] },
    });
    const apps = ctx.repo.apps;
    const names = Array.from({ length: apps }, (_, i) => mooring.namespace(i));
    const interval = ctx.setting === 'default' ? undefined : '10s';
    return {
      procs,
      settings: {
        'syncPolicy.interval': interval ?? '3m (default)',
        'git-poll tick': '10s (default)',
        webhook: 'mooring webhook in the bench process (its CPU is not counted)',
        'drift-watch':
          'restarted after registration so that it lists the new apps (steady state; by itself it re-lists every 5 min, after a 1 m pause when it had no apps)',
      },
      async prepareDrift() {
        // The watcher finds its apps through visibility, which shows a sync's manifest key a moment
        // after the app reports Synced. Restarted before that, it finds no deployed app and pauses a
        // minute (drift-watch's IDLE_PAUSE), as long as waitWatching waits: the N=1 and N=10 tuned
        // runs failed so once each.
        const reader = sdkWorkflowReader(client);
        await waitFor(
          'visibility to show every app deployed',
          async () => {
            const listed = await listApplications(reader, applicationsOnQueue(DEFAULT_TASK_QUEUE));
            const deployed = new Set(listed.filter((a) => a.manifestKey).map((a) => a.name));
            return names.every((name) => deployed.has(name)) || undefined;
          },
          { timeoutMs: 60_000, intervalMs: 250 },
        );
        const id = driftWatchWorkflowId('local', DEFAULT_TASK_QUEUE);
        await client.workflow
          .getHandle(id)
          .terminate('peers bench: list the registered apps now')
          .catch((err: unknown) => {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          });
        await ensureDriftWatches(client, DEFAULT_TASK_QUEUE, ['local']);
        await waitWatching(client, id);
      },
      notifyPath: 'signed GitHub push event to mooring webhook',
      async register() {
        const docs = names.map((name, i) =>
          [
            'apiVersion: mooring.dev/v1',
            'kind: Application',
            `metadata: {name: ${name}}`,
            'spec:',
            `  source: {repoURL: '${ctx.repo.url}', targetRevision: ${ctx.repo.branch}, path: ${appName(i)}}`,
            `  destination: {cluster: local, namespace: ${name}}`,
            '  syncPolicy:',
            '    automated: {prune: true, selfHeal: true}',
            ...(interval ? [`    interval: ${interval}`] : []),
          ].join('\n'),
        );
        const { apps: specs } = parseApplications(docs.join('\n---\n'), 'peers-bench.yaml');
        let next = 0;
        const lane = async (): Promise<void> => {
          while (next < specs.length) {
            const s = specs[next++];
            // Applying is idempotent: one that timed out on a saturated machine is applied again,
            // as a user would run the command again (fleet.ts does the same).
            for (let attempt = 1; s; attempt++)
              try {
                await applySpec(client, s, DEFAULT_TASK_QUEUE);
                break;
              } catch (err) {
                if (attempt === 3) throw err;
              }
          }
        };
        await Promise.all(Array.from({ length: 16 }, lane));
      },
      async syncedAt(sha) {
        const { count } = await client.workflow.count(
          `WorkflowType = '${WORKFLOW_TYPES.application}' AND ExecutionStatus = 'Running' AND MooringApp STARTS_WITH 'mooring-app-' AND MooringSyncStatus = 'Synced' AND MooringRevision = '${sha}'`,
        );
        return count;
      },
      async notify() {
        await pushToWebhook(
          webhook,
          secret,
          {
            ref: `refs/heads/${ctx.repo.branch}`,
            after: await ctx.repo.head(),
            repository: { full_name: 'bench/apps', clone_url: ctx.repo.url, default_branch: ctx.repo.branch },
            commits: [{ id: 'x', added: [], removed: [], modified: [`${appName(0)}/configmap.yaml`] }],
          },
          names[0] ?? '',
        );
      },
      async stop() {
        const ids: string[] = [];
        for await (const wf of client.workflow.list({
          query: `ExecutionStatus = 'Running' AND MooringApp STARTS_WITH 'mooring-app-'`,
        }))
          ids.push(wf.workflowId);
        for (let i = 0; i < ids.length; i += 16)
          await Promise.all(
            ids.slice(i, i + 16).map((id) =>
              client.workflow
                .getHandle(id)
                .terminate('peers bench cleanup')
                .catch((err: unknown) => {
                  if (!(err instanceof WorkflowNotFoundError)) throw err;
                }),
            ),
          );
        await webhook.close();
        await worker.stop();
        await connection.close();
      },
    };
  },
};

export const PEERS: Record<string, Peer> = { flux, argocd, mooring };
