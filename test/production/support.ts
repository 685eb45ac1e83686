/**
 * The production profile for tests: `scripts/test production` starts it (`scripts/stack up
 * --profile production --no-mooring`) and exports its operator environment. Tests start the
 * control-plane worker and the agents themselves, each with its own certificate and token, so
 * they can kill and restart them.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { loadCodecKeys } from '../../client/codec-keys.js';
import { mooringDataConverter } from '../../client/payload-codec.js';
import { connectionSettings, resolveConnection } from '../../client/temporal-connection.js';
import { spawnProcessGroup } from '../support/worker-process.js';
import type { ProcessGroup } from '../support/worker-process.js';
import { projectRoot } from '../support/stack.js';
import { serviceStep } from '../../scripts/compose/native-exec.js';

const execFileAsync = promisify(execFile);

/** The clusters `--clusters 2` creates, in order. */
export const CLUSTERS = ['us-east', 'eu-central'] as const;
export type ClusterName = (typeof CLUSTERS)[number];

/** Who holds a certificate and a token in the production profile (scripts/production/mint-tokens.ts). */
export type Identity = 'admin' | 'operator' | 'control-plane' | 'ui' | 'reader' | `agent-${ClusterName}`;

export function productionState(): string {
  const dir = process.env.MOORING_PRODUCTION_STATE;
  if (!dir)
    throw new Error(
      'MOORING_PRODUCTION_STATE is not set: run these tests through `scripts/test production`, which starts the production profile',
    );
  return dir;
}

export function kubeconfigOf(cluster: ClusterName): string {
  return join(productionState(), `kubeconfig-${cluster}`);
}

/** The API server URL of a cluster, as the cluster registry holds it. */
export function serverOf(cluster: ClusterName): string {
  const registry = readFileSync(join(productionState(), 'config', 'clusters.yaml'), 'utf8');
  const match = new RegExp(`- name: ${cluster}\\n\\s+server: (\\S+)`).exec(registry);
  if (!match?.[1]) throw new Error(`Cluster ${cluster} is not in ${productionState()}/config/clusters.yaml`);
  return match[1];
}

/** The TEMPORAL_* variables of one identity (the operator's are the test process's own). */
export function identityEnv(identity: Identity): Record<string, string> {
  const dir = productionState();
  return {
    TEMPORAL_ADDRESS: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233',
    TEMPORAL_NAMESPACE: process.env.TEMPORAL_NAMESPACE ?? 'default',
    TEMPORAL_TLS_SERVER_CA_CERT_PATH: join(dir, 'pki', 'ca.pem'),
    TEMPORAL_TLS_CLIENT_CERT_PATH: join(dir, 'pki', `${identity}.pem`),
    TEMPORAL_TLS_CLIENT_KEY_PATH: join(dir, 'pki', `${identity}-key.pem`),
    TEMPORAL_TLS_SERVER_NAME: 'localhost',
    TEMPORAL_API_KEY_FILE: join(dir, 'jwt', `${identity}.jwt`),
  };
}

/** The environment of a Mooring process of `identity`: nothing of the test's own credentials. */
export function processEnv(identity: Identity, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (!k.startsWith('TEMPORAL_') && k !== 'KUBECONFIG') env[k] = v;
  return { ...env, ...identityEnv(identity), ...extra };
}

/** A client connected as `identity`; `close` ends its connection. */
export async function clientAs(
  identity: Identity,
): Promise<{ client: Client; connection: Connection; close: () => Promise<void> }> {
  const conn = resolveConnection(connectionSettings({}, identityEnv(identity)));
  const connection = await Connection.connect({ address: conn.address, tls: conn.tls, apiKey: conn.apiKey });
  const client = new Client({
    connection,
    namespace: conn.namespace,
    dataConverter: mooringDataConverter(loadCodecKeys()),
  });
  return { client, connection, close: () => connection.close() };
}

/** `bin/mooring ...` as `identity`; never rejects, so tests assert on the exit code and output. */
export async function mooringAs(
  identity: Identity,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileAsync(join(projectRoot, 'bin/mooring'), args, {
      env: processEnv(identity, env),
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/**
 * The background document's multi-cluster ApplicationSet (list generator with `cluster`/`url`
 * elements) over this stack's clusters, deploying the guestbook from `repoURL`. `appName` and
 * `namespace` are templates holding `{{cluster}}`.
 */
export function clusterApplicationSet(options: {
  name: string;
  repoURL: string;
  appName: string;
  namespace: string;
}): string {
  return `apiVersion: argoproj.io/v1alpha1
kind: ApplicationSet
metadata:
  name: ${options.name}
spec:
  generators:
  - list:
      elements:
${CLUSTERS.map((c) => `      - cluster: ${c}\n        url: ${serverOf(c)}`).join('\n')}
  template:
    metadata:
      name: '${options.appName}'
    spec:
      project: default
      source:
        repoURL: ${options.repoURL}
        targetRevision: main
        path: guestbook
      destination:
        server: '{{url}}'
        namespace: '${options.namespace}'
      syncPolicy:
        automated: { prune: true, selfHeal: true }
        syncOptions: [CreateNamespace=true]
`;
}

/** kubectl against one of the profile's clusters. */
export async function kubectlOn(cluster: ClusterName, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('kubectl', ['--kubeconfig', kubeconfigOf(cluster), ...args], {
    timeout: 60_000,
  });
  return stdout;
}

/** The variables compose interpolates: this environment and the stack's database password. */
export function composeVariables(): Record<string, string | undefined> {
  return {
    ...process.env,
    MOORING_PG_PASSWORD: readFileSync(join(productionState(), 'secrets', 'pg-password'), 'utf8').trim(),
  };
}

/** The published ports the stack moved (`scripts/stack env`: MOORING_COMPOSE_PORTS). */
export function composePorts(): Map<string, string> {
  return new Map(
    (process.env.MOORING_COMPOSE_PORTS ?? '')
      .split(/\s+/)
      .filter(Boolean)
      .map((p) => p.split('=') as [string, string]),
  );
}

/**
 * A docker-compose.yml service started the way the file says (scripts/compose/native-exec.ts):
 * its command and environment, this stack's files for compose's secrets and volumes, the stack's
 * published ports. `set` adds or replaces variables (e.g. a fresh MOORING_CACHE).
 */
export function spawnComposeService(
  service: string,
  logFile: string,
  set: Record<string, string> = {},
): ProcessGroup {
  const ports = composePorts();
  const step = serviceStep(service, { state: productionState(), variables: composeVariables(), ports, set });
  const [command, ...args] = step.argv as [string, ...string[]];
  return spawnProcessGroup(`compose service ${service}`, command, args, logFile, {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...step.env,
  });
}

/**
 * The agent of one cluster: its own certificate, token, kubeconfig and cache (`identity` lends it
 * another's credential, as an attacker would).
 */
export function spawnAgent(
  cluster: ClusterName,
  logFile: string,
  cacheDir: string,
  identity: Identity = `agent-${cluster}`,
): ProcessGroup {
  return spawnProcessGroup(
    `agent of ${cluster}`,
    join(projectRoot, 'bin/mooring'),
    [
      'worker',
      '--agent',
      '--cluster',
      cluster,
      '--kubeconfig',
      kubeconfigOf(cluster),
      '--policy',
      join(projectRoot, 'config/examples/policy-local.yaml'),
      '--metrics-port',
      '0',
    ],
    logFile,
    processEnv(identity, { MOORING_CACHE: cacheDir }),
  );
}
