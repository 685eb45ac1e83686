/**
 * Applies deploy/rbac to the local cluster (names suffixed, namespaces unique) and asks the API
 * server what the agent's ServiceAccount may do, with impersonation: the promises of
 * deploy/rbac/cluster-role.yaml and deploy/rbac/namespaced/role.yaml, checked by the real RBAC
 * authorizer, plus a real server-side apply in and outside a managed namespace.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parseAllDocuments } from 'yaml';
import { kubeconfigPath, kubectl, projectRoot, uniqueSuffix } from '../support/stack.js';

const execFileAsync = promisify(execFile);
const suffix = uniqueSuffix();
const agentNs = `rbac-agent-${suffix}`;
const managedNs = `rbac-managed-${suffix}`;
const otherNs = `rbac-other-${suffix}`;
const soloNs = `rbac-solo-${suffix}`;
const agent = `system:serviceaccount:${agentNs}:mooring-agent`;
const soloAgent = `system:serviceaccount:${soloNs}:mooring-agent`;

type Obj = {
  kind: string;
  metadata: { name: string; namespace?: string };
  roleRef?: { kind: string; name: string };
  subjects?: { namespace?: string }[];
};

function load(...files: string[]): Obj[] {
  return files.flatMap((f) =>
    parseAllDocuments(readFileSync(join(projectRoot, 'deploy', 'rbac', f), 'utf8')).map(
      (d) => d.toJS() as Obj,
    ),
  );
}

/** Suffixes cluster-wide names and moves the agent to its test namespace. */
function isolate(obj: Obj, namespace?: string): Obj {
  const out = structuredClone(obj);
  if (out.kind === 'ClusterRole' || out.kind === 'ClusterRoleBinding') out.metadata.name += `-${suffix}`;
  if (out.roleRef?.kind === 'ClusterRole') out.roleRef.name += `-${suffix}`;
  for (const s of out.subjects ?? []) if (s.namespace) s.namespace = agentNs;
  if (out.kind === 'ServiceAccount') out.metadata.namespace = agentNs;
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

before(async () => {
  for (const ns of [agentNs, managedNs, otherNs, soloNs]) await kubectl(['create', 'namespace', ns]);
  await apply(
    load('service-account.yaml', 'cluster-role.yaml', 'cluster-role-binding.yaml').map((o) => isolate(o)),
  );
  await apply(load('managed-namespace/role-binding.yaml').map((o) => isolate(o, managedNs)));
  await apply(
    load('namespaced/service-account.yaml', 'namespaced/role.yaml', 'namespaced/role-binding.yaml').map(
      (o) => ({ ...o, metadata: { ...o.metadata, namespace: soloNs } }),
    ),
  );
});

after(async () => {
  await kubectl(['delete', 'clusterrolebinding', `mooring-agent-${suffix}`, '--ignore-not-found']).catch(
    () => undefined,
  );
  await kubectl([
    'delete',
    'clusterrole',
    `mooring-agent-${suffix}`,
    `mooring-agent-manage-${suffix}`,
    '--ignore-not-found',
  ]).catch(() => undefined);
  await kubectl([
    'delete',
    'namespace',
    agentNs,
    managedNs,
    otherNs,
    soloNs,
    '--wait=false',
    '--ignore-not-found',
  ]).catch(() => undefined);
});

test('in a managed namespace the agent may apply, create hooks, prune and manage Secrets', async () => {
  for (const verb of ['get', 'list', 'patch', 'create', 'delete']) {
    assert.equal(
      await canI(agent, verb, 'deployments.apps', managedNs),
      true,
      `${verb} deployments in ${managedNs}`,
    );
    assert.equal(await canI(agent, verb, 'secrets', managedNs), true, `${verb} secrets in ${managedNs}`);
  }
  assert.match(await applyAsAgent(managedNs), /serverside-applied/);
});

test('outside managed namespaces the agent reads workloads but writes nothing and reads no Secret', async () => {
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
});

test('the agent may create namespaces but not delete them, and cannot escalate', async () => {
  assert.equal(await canI(agent, 'create', 'namespaces'), true);
  assert.equal(await canI(agent, 'patch', 'namespaces'), true);
  assert.equal(await canI(agent, 'delete', 'namespaces'), false);
  assert.equal(await canI(agent, 'create', 'clusterrolebindings.rbac.authorization.k8s.io'), false);
  assert.equal(await canI(agent, 'escalate', 'roles.rbac.authorization.k8s.io', managedNs), false);
  assert.equal(
    await canI(agent, 'watch', 'deployments.apps', managedNs),
    false,
    'no watch: nothing watches yet',
  );
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
