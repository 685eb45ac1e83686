/**
 * Applies deploy/rbac to the local cluster (names suffixed, namespaces unique) and asks the API
 * server what the agent's ServiceAccount may do, with impersonation: the promises of
 * deploy/rbac/cluster-role.yaml, admission-policy.yaml, optional/named-namespaces.yaml and
 * namespaced/role.yaml, checked by the real RBAC authorizer and admission chain, plus real
 * requests (server-side apply, patch, create) in and outside a managed namespace. Every real
 * request is reported as `request -> HTTP status reason` in the test diagnostics.
 */
import { after, before, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { STATUS_CODES } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { kubeconfigPath, kubectl, projectRoot, uniqueSuffix } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

const execFileAsync = promisify(execFile);
const suffix = uniqueSuffix();
const agentNs = `rbac-agent-${suffix}`;
const managedNs = `rbac-managed-${suffix}`;
const otherNs = `rbac-other-${suffix}`;
const soloNs = `rbac-solo-${suffix}`;
/** Listed in the named-namespaces grant, not created beforehand: the agent may create it. */
const createdNs = `rbac-created-${suffix}`;
/** Listed nowhere: the agent may not create it. */
const deniedNs = `rbac-denied-${suffix}`;
const agent = `system:serviceaccount:${agentNs}:mooring-agent`;
const soloAgent = `system:serviceaccount:${soloNs}:mooring-agent`;
/** The agent's username as the shipped admission policy names it. */
const SHIPPED_AGENT = 'system:serviceaccount:mooring-system:mooring-agent';
const PSA_ENFORCE = 'pod-security.kubernetes.io/enforce';

type Obj = {
  kind: string;
  metadata: { name: string; namespace?: string };
  roleRef?: { kind: string; name: string };
  subjects?: { namespace?: string }[];
  rules?: { resourceNames?: string[] }[];
  spec?: { policyName?: string; matchConditions?: { expression: string }[] };
};

function load(...files: string[]): Obj[] {
  return files.flatMap((f) =>
    parseAllDocuments(readFileSync(join(projectRoot, 'deploy', 'rbac', f), 'utf8')).map(
      (d) => d.toJS() as Obj,
    ),
  );
}

const CLUSTER_KINDS = [
  'ClusterRole',
  'ClusterRoleBinding',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
];

/** Suffixes cluster-wide names and moves the agent to its test namespace. */
function isolate(obj: Obj, namespace?: string): Obj {
  const out = structuredClone(obj);
  if (CLUSTER_KINDS.includes(out.kind)) out.metadata.name += `-${suffix}`;
  if (out.roleRef?.kind === 'ClusterRole') out.roleRef.name += `-${suffix}`;
  for (const s of out.subjects ?? []) if (s.namespace) s.namespace = agentNs;
  if (out.kind === 'ServiceAccount') out.metadata.namespace = agentNs;
  if (out.spec?.policyName) out.spec.policyName += `-${suffix}`;
  for (const c of out.spec?.matchConditions ?? []) {
    assert.ok(c.expression.includes(SHIPPED_AGENT), `admission policy no longer names ${SHIPPED_AGENT}`);
    c.expression = c.expression.replaceAll(SHIPPED_AGENT, agent);
  }
  if (namespace) out.metadata.namespace = namespace;
  return out;
}

async function apply(objects: Obj[]): Promise<void> {
  await kubectl(['apply', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
  });
}

async function canI(user: string, verb: string, resource: string, namespace?: string): Promise<boolean> {
  const args = [
    '--kubeconfig',
    kubeconfigPath(),
    'auth',
    'can-i',
    verb,
    resource,
    `--as=${user}`,
    ...(namespace ? ['-n', namespace] : ['--all-namespaces']),
  ];
  try {
    await execFileAsync('kubectl', args, { timeout: 30_000 });
    return true;
  } catch (err) {
    const out = (err as { stdout?: string }).stdout ?? '';
    if (out.trim() === 'no') return false;
    throw err;
  }
}

/** Server-side apply of a ConfigMap as the agent, the way the agent writes (field manager mooring). */
async function applyAsAgent(namespace: string): Promise<string> {
  const cm = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'rbac-probe', namespace },
    data: { a: '1' },
  };
  return await kubectl(
    ['apply', '--server-side', '--field-manager=mooring', '--validate=false', `--as=${agent}`, '-f', '-'],
    { input: JSON.stringify(cm) },
  );
}

interface KubeconfigFile {
  clusters: { cluster: { server: string; 'certificate-authority-data'?: string } }[];
  users: { user: { 'client-certificate-data'?: string; 'client-key-data'?: string } }[];
}

/** The answer of the API server to one impersonated request. */
interface Answer {
  status: number;
  /** Status.reason of a failure, else the HTTP reason phrase. */
  reason: string;
  message: string;
}

/**
 * Sends one request to the API server as `user` (Impersonate-User header, the admin client
 * certificate of the local kubeconfig) and returns its status, reason and message.
 */
async function asUser(
  user: string,
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<Answer> {
  const config = parseYaml(readFileSync(kubeconfigPath(), 'utf8')) as KubeconfigFile;
  const cluster = config.clusters[0]?.cluster;
  const creds = config.users[0]?.user;
  const decode = (b64?: string): Buffer | undefined => (b64 ? Buffer.from(b64, 'base64') : undefined);
  assert.ok(cluster && creds?.['client-key-data'], 'the local kubeconfig has inline client credentials');
  const url = new URL(path, cluster.server);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return await new Promise<Answer>((resolve, reject) => {
    const req = httpsRequest(
      url,
      {
        method,
        ca: decode(cluster['certificate-authority-data']),
        cert: decode(creds['client-certificate-data']),
        key: decode(creds['client-key-data']),
        headers: {
          'Impersonate-User': user,
          Accept: 'application/json',
          ...(payload === undefined ? {} : { 'Content-Type': contentType }),
        },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          let parsed: { kind?: string; reason?: string; message?: string } = {};
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof parsed;
          } catch {
            // not JSON: keep the HTTP reason phrase
          }
          const failed = parsed.kind === 'Status' && status >= 400;
          resolve({
            status,
            reason: (failed ? parsed.reason : undefined) ?? STATUS_CODES[status] ?? '',
            message: failed ? (parsed.message ?? '') : '',
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** asUser as the agent, with the exchange reported as `request -> status reason: message`. */
async function agentRequest(
  t: TestContext,
  label: string,
  method: string,
  path: string,
  body?: unknown,
  contentType?: string,
): Promise<Answer> {
  const answer = await asUser(agent, method, path, body, contentType);
  t.diagnostic(
    `${label}: ${method} ${path} -> ${answer.status} ${answer.reason}${answer.message ? `: ${answer.message}` : ''}`,
  );
  return answer;
}

const APPLY = 'application/apply-patch+yaml';
const MERGE = 'application/merge-patch+json';
const ssa = (path: string, dryRun = false): string =>
  `${path}?fieldManager=mooring&force=true${dryRun ? '&dryRun=All' : ''}`;

function deployment(namespace: string): unknown {
  const labels = { app: 'rbac-probe' };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'rbac-probe', namespace },
    spec: {
      replicas: 0,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'app', image: 'registry.k8s.io/pause:3.10' }] },
      },
    },
  };
}
const deploymentPath = (ns: string): string => `/apis/apps/v1/namespaces/${ns}/deployments/rbac-probe`;
const namespaceDoc = (name: string, labels: Record<string, string> = {}): unknown => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});

async function namespaceLabels(name: string): Promise<Record<string, string>> {
  const out = await kubectl(['get', 'namespace', name, '-o', 'jsonpath={.metadata.labels}']);
  return JSON.parse(out) as Record<string, string>;
}

before(async () => {
  for (const ns of [agentNs, managedNs, otherNs, soloNs]) await kubectl(['create', 'namespace', ns]);
  // The operator sets the pod-security level of a managed namespace; the agent must keep it.
  await kubectl(['label', 'namespace', managedNs, `${PSA_ENFORCE}=baseline`]);
  await apply(
    load('service-account.yaml', 'cluster-role.yaml', 'cluster-role-binding.yaml').map((o) => isolate(o)),
  );
  await apply(load('admission-policy.yaml').map((o) => isolate(o)));
  await apply(
    load('optional/named-namespaces.yaml').map((o) => {
      const out = isolate(o);
      for (const rule of out.rules ?? []) rule.resourceNames = [managedNs, createdNs];
      return out;
    }),
  );
  await apply(load('managed-namespace/role-binding.yaml').map((o) => isolate(o, managedNs)));
  await apply(
    load('namespaced/service-account.yaml', 'namespaced/role.yaml', 'namespaced/role-binding.yaml').map(
      (o) => ({ ...o, metadata: { ...o.metadata, namespace: soloNs } }),
    ),
  );
  // The API server loads a new admission policy asynchronously: wait until it refuses a dry run.
  await waitFor(
    'the admission policy to refuse a pod-security label change by the agent',
    async () => {
      const answer = await asUser(
        agent,
        'PATCH',
        `/api/v1/namespaces/${managedNs}?dryRun=All`,
        { metadata: { labels: { [PSA_ENFORCE]: 'privileged' } } },
        MERGE,
      );
      return /ValidatingAdmissionPolicy/.test(answer.message) ? true : undefined;
    },
    { timeoutMs: 30_000 },
  );
});

after(async () => {
  await kubectl([
    'delete',
    'clusterrolebinding',
    `mooring-agent-${suffix}`,
    `mooring-agent-namespaces-${suffix}`,
    '--ignore-not-found',
  ]).catch(() => undefined);
  await kubectl([
    'delete',
    'clusterrole',
    `mooring-agent-${suffix}`,
    `mooring-agent-manage-${suffix}`,
    `mooring-agent-namespaces-${suffix}`,
    '--ignore-not-found',
  ]).catch(() => undefined);
  await kubectl([
    'delete',
    'validatingadmissionpolicybinding',
    `mooring-agent-guard-${suffix}`,
    '--ignore-not-found',
  ]).catch(() => undefined);
  await kubectl([
    'delete',
    'validatingadmissionpolicy',
    `mooring-agent-guard-${suffix}`,
    '--ignore-not-found',
  ]).catch(() => undefined);
  await kubectl([
    'delete',
    'namespace',
    agentNs,
    managedNs,
    otherNs,
    soloNs,
    createdNs,
    deniedNs,
    '--wait=false',
    '--ignore-not-found',
  ]).catch(() => undefined);
});

test('in a managed namespace the agent may apply, create hooks, prune and manage Secrets', async (t) => {
  for (const verb of ['get', 'list', 'patch', 'create', 'delete']) {
    assert.equal(
      await canI(agent, verb, 'deployments.apps', managedNs),
      true,
      `${verb} deployments in ${managedNs}`,
    );
    assert.equal(await canI(agent, verb, 'secrets', managedNs), true, `${verb} secrets in ${managedNs}`);
  }
  assert.match(await applyAsAgent(managedNs), /serverside-applied/);
  const created = await agentRequest(
    t,
    'allowed write',
    'PATCH',
    ssa(deploymentPath(managedNs)),
    deployment(managedNs),
    APPLY,
  );
  assert.equal(created.status, 201, created.message);
  assert.equal(
    await kubectl(['get', 'deployment', 'rbac-probe', '-n', managedNs, '-o', 'name']),
    'deployment.apps/rbac-probe\n',
  );
});

test('outside managed namespaces the agent reads workloads but writes nothing and reads no Secret', async (t) => {
  assert.equal(await canI(agent, 'list', 'deployments.apps'), true, 'cluster-wide list for the inventory');
  assert.equal(await canI(agent, 'get', 'pods', otherNs), true);
  for (const verb of ['patch', 'create', 'delete'])
    assert.equal(
      await canI(agent, verb, 'deployments.apps', otherNs),
      false,
      `${verb} deployments in ${otherNs}`,
    );
  assert.equal(await canI(agent, 'get', 'secrets', otherNs), false);
  assert.equal(await canI(agent, 'list', 'secrets'), false, 'no cluster-wide Secret list');
  await assert.rejects(applyAsAgent(otherNs), /forbidden/i);
  const refused = await agentRequest(
    t,
    'out-of-project write',
    'PATCH',
    ssa(deploymentPath(otherNs)),
    deployment(otherNs),
    APPLY,
  );
  assert.equal(refused.status, 403);
  assert.equal(refused.reason, 'Forbidden');
  assert.match(refused.message, /cannot patch resource "deployments" in API group "apps" in the namespace/);
  assert.equal(await kubectl(['get', 'deployments', '-n', otherNs, '-o', 'name']), '', 'nothing written');
});

test('the agent writes only the Namespaces it is granted by name, never deletes one, cannot escalate', async () => {
  assert.equal(await canI(agent, 'create', 'namespaces'), false, 'no cluster-wide namespace create');
  assert.equal(await canI(agent, 'patch', 'namespaces'), false, 'no cluster-wide namespace patch');
  assert.equal(await canI(agent, 'patch', `namespaces/${managedNs}`), true);
  assert.equal(await canI(agent, 'create', `namespaces/${createdNs}`), true);
  assert.equal(await canI(agent, 'patch', `namespaces/${otherNs}`), false);
  assert.equal(await canI(agent, 'patch', `namespaces/${agentNs}`), false);
  assert.equal(await canI(agent, 'delete', `namespaces/${managedNs}`), false);
  assert.equal(await canI(agent, 'create', 'clusterrolebindings.rbac.authorization.k8s.io'), false);
  assert.equal(await canI(agent, 'escalate', 'roles.rbac.authorization.k8s.io', managedNs), false);
  assert.equal(
    await canI(agent, 'watch', 'deployments.apps', managedNs),
    false,
    'no watch: nothing watches yet',
  );
});

test('creating a Namespace: only a named one, only by server-side apply, never with pod-security labels', async (t) => {
  const denied = await agentRequest(
    t,
    'create a namespace not granted (server-side apply)',
    'PATCH',
    ssa(`/api/v1/namespaces/${deniedNs}`),
    namespaceDoc(deniedNs),
    APPLY,
  );
  assert.equal(denied.status, 403);
  assert.equal(denied.reason, 'Forbidden');
  assert.match(denied.message, /cannot patch resource "namespaces"/);
  const posted = await agentRequest(
    t,
    'create a namespace not granted (POST)',
    'POST',
    '/api/v1/namespaces',
    namespaceDoc(deniedNs),
  );
  assert.equal(posted.status, 403);
  assert.match(posted.message, /cannot create resource "namespaces" in API group "" at the cluster scope/);
  const postedNamed = await agentRequest(
    t,
    'create a granted namespace by POST (RBAC cannot match a name on POST)',
    'POST',
    '/api/v1/namespaces',
    namespaceDoc(createdNs),
  );
  assert.equal(postedNamed.status, 403);
  const privileged = await agentRequest(
    t,
    'create a granted namespace with a pod-security label',
    'PATCH',
    ssa(`/api/v1/namespaces/${createdNs}`),
    namespaceDoc(createdNs, { [PSA_ENFORCE]: 'privileged' }),
    APPLY,
  );
  assert.equal(privileged.status, 403);
  assert.equal(privileged.reason, 'Forbidden');
  assert.match(privileged.message, /ValidatingAdmissionPolicy .*pod-security\.kubernetes\.io\/\* labels/);
  const created = await agentRequest(
    t,
    'create a granted namespace (CreateNamespace=true)',
    'PATCH',
    ssa(`/api/v1/namespaces/${createdNs}`),
    namespaceDoc(createdNs),
    APPLY,
  );
  assert.equal(created.status, 201, created.message);
  const names = (await kubectl(['get', 'namespaces', '-o', 'name'])).split('\n');
  assert.ok(names.includes(`namespace/${createdNs}`));
  assert.ok(!names.includes(`namespace/${deniedNs}`), `${deniedNs} must not exist`);
});

test('the agent never sets, changes or removes the pod-security labels of a managed Namespace', async (t) => {
  const path = `/api/v1/namespaces/${managedNs}`;
  const relabel = await agentRequest(
    t,
    'patch the pod-security label of a managed namespace',
    'PATCH',
    path,
    { metadata: { labels: { [PSA_ENFORCE]: 'privileged' } } },
    MERGE,
  );
  assert.equal(relabel.status, 403);
  assert.equal(relabel.reason, 'Forbidden');
  assert.match(
    relabel.message,
    new RegExp(
      `ValidatingAdmissionPolicy 'mooring-agent-guard-${suffix}' .*denied request: the Mooring agent may not set, change or remove pod-security`,
    ),
  );
  const removed = await agentRequest(
    t,
    'remove the pod-security label of a managed namespace',
    'PATCH',
    path,
    { metadata: { labels: { [PSA_ENFORCE]: null } } },
    MERGE,
  );
  assert.equal(removed.status, 403);
  const added = await agentRequest(
    t,
    'add another pod-security label (server-side apply)',
    'PATCH',
    ssa(path),
    namespaceDoc(managedNs, { 'pod-security.kubernetes.io/warn': 'privileged' }),
    APPLY,
  );
  assert.equal(added.status, 403);
  // The same namespace may be applied (RBAC allows it by name); other labels are the app's.
  const other = await agentRequest(
    t,
    'server-side apply of the managed namespace with another label',
    'PATCH',
    ssa(path),
    namespaceDoc(managedNs, { team: 'a' }),
    APPLY,
  );
  assert.equal(other.status, 200, other.message);
  const labels = await namespaceLabels(managedNs);
  assert.equal(labels[PSA_ENFORCE], 'baseline', 'the operator label is unchanged');
  assert.equal(labels.team, 'a');
  assert.ok(!('pod-security.kubernetes.io/warn' in labels));
});

test('the agent cannot write in its own namespace, even when the write role is bound there', async (t) => {
  const home = deploymentPath(agentNs);
  const byRbac = await agentRequest(
    t,
    "write into the agent's own namespace",
    'PATCH',
    ssa(home),
    deployment(agentNs),
    APPLY,
  );
  assert.equal(byRbac.status, 403);
  assert.match(byRbac.message, /cannot patch resource "deployments"/);
  // A mistaken `kubectl apply -n <agent namespace> -f deploy/rbac/managed-namespace/...`.
  await apply(load('managed-namespace/role-binding.yaml').map((o) => isolate(o, agentNs)));
  try {
    await waitFor('the mistaken RoleBinding to take effect', async () =>
      (await canI(agent, 'patch', 'deployments.apps', agentNs)) ? true : undefined,
    );
    const byPolicy = await agentRequest(
      t,
      "write into the agent's own namespace with mooring-agent-manage bound there",
      'PATCH',
      ssa(home),
      deployment(agentNs),
      APPLY,
    );
    assert.equal(byPolicy.status, 403);
    assert.equal(byPolicy.reason, 'Forbidden');
    assert.match(byPolicy.message, new RegExp(`may not write in its own namespace ${agentNs}`));
    const secret = await agentRequest(
      t,
      "create a Secret in the agent's own namespace with mooring-agent-manage bound there",
      'POST',
      `/api/v1/namespaces/${agentNs}/secrets`,
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'rbac-probe' }, stringData: { a: '1' } },
    );
    assert.equal(secret.status, 403);
    assert.match(secret.message, /may not write in its own namespace/);
    assert.equal(
      await kubectl([
        'get',
        'deployments,secrets',
        '-n',
        agentNs,
        '-o',
        'name',
        '--field-selector',
        'metadata.name=rbac-probe',
      ]),
      '',
      'nothing written in the agent namespace',
    );
  } finally {
    await kubectl(['delete', 'rolebinding', 'mooring-agent-manage', '-n', agentNs, '--ignore-not-found']);
  }
});

test('the single-namespace Role confines the agent to its own namespace', async () => {
  for (const verb of ['get', 'list', 'patch', 'create', 'delete']) {
    assert.equal(
      await canI(soloAgent, verb, 'deployments.apps', soloNs),
      true,
      `${verb} deployments in ${soloNs}`,
    );
  }
  assert.equal(await canI(soloAgent, 'get', 'secrets', soloNs), true);
  assert.equal(await canI(soloAgent, 'get', 'deployments.apps', managedNs), false);
  assert.equal(
    await canI(soloAgent, 'list', 'deployments.apps'),
    false,
    'no cluster-wide list (prune finds nothing: see role.yaml)',
  );
  assert.equal(await canI(soloAgent, 'create', 'namespaces'), false);
});
