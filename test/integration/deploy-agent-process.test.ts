/**
 * The agent Deployment (deploy/agent/deployment.yaml) run as a process, as its pod would run it:
 * the image's ENTRYPOINT and ENV (deploy/docker/Dockerfile, /app = this checkout), the container's
 * args and env, its volumes as directories (ConfigMaps from deploy/agent, Secrets from the files
 * given below, emptyDirs empty), mount paths mapped to those directories. It must pass its own
 * startup probe, poll its cluster's task queue and nothing else, and stop on SIGTERM within the
 * pod's grace period.
 *
 * Where it runs (env, with defaults for the default local stack):
 *   MOORING_AGENT_TEST_KUBECONFIG         the cluster (default $KUBECONFIG); stands in for the
 *                                         pod's ServiceAccount token
 *   MOORING_AGENT_TEST_TEMPORAL_ADDRESS   (default $TEMPORAL_ADDRESS)
 *   MOORING_AGENT_TEST_TEMPORAL_NAMESPACE (default "default")
 *   MOORING_AGENT_TEST_CLUSTER            the cluster name in args (default: the manifest's)
 *   MOORING_AGENT_TEST_TLS_DIR            Secret mooring-agent-temporal-tls: ca.crt, tls.crt, tls.key
 *   MOORING_AGENT_TEST_TOKEN_FILE         Secret mooring-agent-temporal-token, key token
 *   MOORING_AGENT_TEST_CODEC_KEYS_FILE    Secret mooring-codec-keys (default: a fresh key)
 * Address, namespace and cluster name are the edits the manifest asks an operator to make. Without
 * the TLS directory and token (the plaintext dev server), the env entries naming those two Secrets
 * are removed, as deploy/README.md tells plaintext users to do; every edit is printed. The
 * `temporal` CLI that checks the pollers uses this test's own TEMPORAL_* environment.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { kubeconfigPath, projectRoot, temporalAddress } from '../support/stack.js';
import { waitFor } from '../support/wait.js';
import { spawnProcessGroup } from '../support/worker-process.js';
import type { ProcessGroup } from '../support/worker-process.js';

const execFileAsync = promisify(execFile);

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: { name: string; key: string; optional?: boolean };
    configMapKeyRef?: { name: string; key: string; optional?: boolean };
  };
}
interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  volumeMounts?: { name: string; mountPath: string }[];
  startupProbe?: { exec?: { command: string[] }; periodSeconds?: number; failureThreshold?: number };
}
interface Volume {
  name: string;
  emptyDir?: object;
  secret?: { secretName: string; optional?: boolean };
  configMap?: { name: string; optional?: boolean };
}
interface PodSpec {
  containers: Container[];
  volumes: Volume[];
  terminationGracePeriodSeconds?: number;
}
interface KubeObj {
  kind: string;
  metadata: { name: string };
  data?: Record<string, string>;
  spec?: { template: { spec: PodSpec } };
}

const agentDir = join(projectRoot, 'deploy', 'agent');
const objects = ['deployment.yaml', 'policy.yaml'].flatMap((f) =>
  parseAllDocuments(readFileSync(join(agentDir, f), 'utf8')).map((d) => d.toJS() as KubeObj),
);
const pod = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === 'mooring-agent')?.spec
  ?.template.spec as PodSpec;
const container = pod.containers.find((c) => c.name === 'agent') as Container;

const params = {
  kubeconfig: process.env.MOORING_AGENT_TEST_KUBECONFIG || kubeconfigPath(),
  address: process.env.MOORING_AGENT_TEST_TEMPORAL_ADDRESS || temporalAddress(),
  namespace: process.env.MOORING_AGENT_TEST_TEMPORAL_NAMESPACE || 'default',
  cluster: process.env.MOORING_AGENT_TEST_CLUSTER,
  tlsDir: process.env.MOORING_AGENT_TEST_TLS_DIR,
  tokenFile: process.env.MOORING_AGENT_TEST_TOKEN_FILE,
  codecKeysFile: process.env.MOORING_AGENT_TEST_CODEC_KEYS_FILE,
};

/** The contents of the Secrets the Deployment names, as `kubectl create secret` would hold them. */
function secrets(): Map<string, Record<string, string>> {
  const read = (file: string): string => readFileSync(file, 'utf8');
  const result = new Map<string, Record<string, string>>([
    ['mooring-git-credentials', { 'credentials.yaml': '[]\n' }],
    [
      'mooring-codec-keys',
      {
        'codec-keys': params.codecKeysFile
          ? read(params.codecKeysFile)
          : `k1:${randomBytes(32).toString('base64')}\n`,
      },
    ],
  ]);
  if (params.tlsDir)
    result.set('mooring-agent-temporal-tls', {
      'ca.crt': read(join(params.tlsDir, 'ca.crt')),
      'tls.crt': read(join(params.tlsDir, 'tls.crt')),
      'tls.key': read(join(params.tlsDir, 'tls.key')),
    });
  if (params.tokenFile) result.set('mooring-agent-temporal-token', { token: read(params.tokenFile) });
  return result;
}

/** The image's WORKDIR, ENTRYPOINT and ENV, from deploy/docker/Dockerfile's last stage. */
function image(): { workdir: string; entrypoint: string[]; env: Record<string, string> } {
  const dockerfile = readFileSync(join(projectRoot, 'deploy', 'docker', 'Dockerfile'), 'utf8').replace(
    /\\\n/g,
    ' ',
  );
  const last = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
  const workdir = /^WORKDIR (\S+)/m.exec(last)?.[1];
  const entrypoint = /^ENTRYPOINT (\[.*\])/m.exec(last)?.[1];
  assert.ok(workdir && entrypoint, 'deploy/docker/Dockerfile has no WORKDIR or exec-form ENTRYPOINT');
  const env: Record<string, string> = {};
  for (const line of last.matchAll(/^ENV (.*)$/gm))
    for (const pair of (line[1] as string).trim().split(/\s+/)) {
      const at = pair.indexOf('=');
      env[pair.slice(0, at)] = pair.slice(at + 1);
    }
  return { workdir, entrypoint: JSON.parse(entrypoint) as string[], env };
}

interface Plan {
  argv: string[];
  env: Record<string, string>;
  probe: string[];
  /** What differs from the pod, one line each. */
  edits: string[];
}

/** The pod's process on this host, its files written under `root`. */
function plan(root: string): Plan {
  const img = image();
  const data = secrets();
  const edits: string[] = [];
  const mounts: [string, string][] = [[img.workdir, projectRoot]];
  const absentMounts: string[] = [];
  for (const volume of pod.volumes) {
    const dir = join(root, 'volumes', volume.name);
    mkdirSync(dir, { recursive: true });
    let files: Record<string, string> | undefined = {};
    if (volume.secret) files = data.get(volume.secret.secretName);
    if (volume.configMap)
      files = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap?.name)?.data;
    if (files === undefined) {
      const name = volume.secret?.secretName ?? volume.configMap?.name;
      assert.ok(
        volume.secret && /temporal-(tls|token)$/.test(name ?? ''),
        `volume ${volume.name}: no content for ${name}; give it (see this file's header)`,
      );
      absentMounts.push(
        ...(container.volumeMounts ?? []).filter((m) => m.name === volume.name).map((m) => m.mountPath),
      );
      edits.push(`Secret ${name} not given: plaintext, no token`);
      files = {};
    }
    for (const [key, value] of Object.entries(files)) writeFileSync(join(dir, key), value, { mode: 0o600 });
    for (const m of (container.volumeMounts ?? []).filter((m) => m.name === volume.name))
      mounts.push([m.mountPath, dir]);
  }
  mounts.sort((a, b) => b[0].length - a[0].length);
  const toHost = (value: string): string => {
    for (const [target, host] of mounts)
      if (value === target || value.startsWith(`${target}/`)) return host + value.slice(target.length);
    return value;
  };
  const under = (value: string, paths: string[]): boolean =>
    paths.some((p) => value === p || value.startsWith(`${p}/`));

  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(img.env)) env[k] = toHost(v);
  for (const e of container.env ?? []) {
    if (e.value !== undefined) {
      if (under(e.value, absentMounts)) {
        edits.push(`removed ${e.name}=${e.value}`);
        continue;
      }
      env[e.name] = toHost(e.value);
    } else {
      const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
      assert.ok(ref, `env ${e.name}: only value, secretKeyRef and configMapKeyRef are handled`);
      const source = e.valueFrom?.secretKeyRef
        ? data.get(ref.name)
        : objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === ref.name)?.data;
      const value = source?.[ref.key];
      if (value === undefined) {
        assert.ok(ref.optional, `env ${e.name}: ${ref.name}/${ref.key} is required and not given`);
        continue;
      }
      env[e.name] = value;
    }
  }
  const edit = (name: string, value: string): void => {
    if (env[name] === value) return;
    edits.push(`${name}: ${env[name]} → ${value}`);
    env[name] = value;
  };
  edit('TEMPORAL_ADDRESS', params.address);
  edit('TEMPORAL_NAMESPACE', params.namespace);
  // The pod's tools (node, git, kustomize, helm) and its cluster credential.
  env.PATH = process.env.PATH ?? '';
  env.KUBECONFIG = params.kubeconfig;
  edits.push(`KUBECONFIG=${params.kubeconfig} instead of the ServiceAccount token; PATH of this host`);

  const args = [...(container.args ?? [])];
  const at = args.indexOf('--cluster');
  assert.ok(at >= 0, 'the agent args name no --cluster');
  if (params.cluster && params.cluster !== args[at + 1]) {
    edits.push(`--cluster ${args[at + 1]} → ${params.cluster}`);
    args[at + 1] = params.cluster;
  }
  const argv = [...(container.command ?? img.entrypoint), ...args].map(toHost);
  const probe = (container.startupProbe?.exec?.command ?? []).map(toHost);
  return { argv, env, probe, edits };
}

async function portFree(port: number): Promise<boolean> {
  return await new Promise((resolve) => {
    const server = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

interface Poller {
  identity?: string;
}
async function pollers(taskQueue: string, type: 'activity' | 'workflow'): Promise<Poller[]> {
  const { stdout } = await execFileAsync(
    'temporal',
    [
      'task-queue',
      'describe',
      '--task-queue',
      taskQueue,
      '--task-queue-type',
      type,
      '--address',
      params.address,
      '--namespace',
      params.namespace,
      '-o',
      'json',
    ],
    { timeout: 30_000 },
  );
  const out = JSON.parse(stdout) as { pollers?: Poller[] } | Poller[];
  return Array.isArray(out) ? out : (out.pollers ?? []);
}

let root: string;
let agent: ProcessGroup | undefined;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'mooring-agent-deploy-'));
});

after(async () => {
  await agent?.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

test('the agent Deployment runs as written: probe passes, it polls only its cluster queue, SIGTERM stops it', async (t) => {
  const p = plan(root);
  for (const line of p.edits) t.diagnostic(`differs from the pod: ${line}`);
  t.diagnostic(`argv: ${p.argv.join(' ')}`);
  const metricsPort = Number(p.env.MOORING_METRICS_PORT ?? 9464);
  assert.ok(
    await portFree(metricsPort),
    `port ${metricsPort} (the agent's /metrics) is in use on this host: stop what holds it`,
  );

  const cluster = p.argv[p.argv.indexOf('--cluster') + 1] as string;
  const logFile = join(root, 'agent.log');
  agent = spawnProcessGroup(`the agent of ${cluster}`, p.argv[0] as string, p.argv.slice(1), logFile, p.env);
  const started = Date.now();

  // Its own startup probe, with the pod's env, until it passes (periodSeconds × failureThreshold).
  const probe = container.startupProbe;
  const budgetMs = (probe?.periodSeconds ?? 5) * (probe?.failureThreshold ?? 24) * 1000;
  assert.ok(p.probe.length > 0, 'the agent container has no exec startupProbe');
  await waitFor(
    `the agent's startup probe (${p.probe.join(' ')})`,
    async () => {
      try {
        await execFileAsync(p.probe[0] as string, p.probe.slice(1), {
          env: p.env,
          cwd: projectRoot,
          timeout: 5000,
        });
        return true;
      } catch {
        return undefined;
      }
    },
    { timeoutMs: budgetMs, intervalMs: 500, abortIf: () => agent?.exitReason() },
  );
  t.diagnostic(`startup probe passed after ${Date.now() - started} ms`);
  const log = readFileSync(logFile, 'utf8');
  assert.match(log, /worker started/);
  assert.match(log, /"role":"agent"/);

  // Serves its task queue: a poller with this process's identity (pid@host).
  const mine = (list: Poller[]): boolean => list.some((x) => x.identity?.startsWith(`${agent?.pid}@`));
  const queue = `mooring-cluster-${cluster}`;
  const identity = await waitFor(
    `a poller of pid ${agent.pid} on ${queue}`,
    async () =>
      (await pollers(queue, 'activity')).find((x) => x.identity?.startsWith(`${agent?.pid}@`))?.identity,
    { timeoutMs: 30_000, intervalMs: 500, abortIf: () => agent?.exitReason() },
  );
  t.diagnostic(`${queue} has poller ${identity}`);
  assert.ok(!mine(await pollers('mooring', 'workflow')), 'the agent polls the workflow queue `mooring`');

  const grace = (pod.terminationGracePeriodSeconds ?? 30) * 1000;
  const stopping = Date.now();
  await Promise.race([
    agent.kill('SIGTERM'),
    new Promise((_, reject) =>
      setTimeout(
        () => reject(new Error(`the agent did not stop within ${grace} ms of SIGTERM (${logFile})`)),
        grace,
      ).unref(),
    ),
  ]);
  agent = undefined;
  t.diagnostic(`stopped ${Date.now() - stopping} ms after SIGTERM`);
  assert.match(readFileSync(logFile, 'utf8'), /worker stopped/);
});
