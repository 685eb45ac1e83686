/**
 * Sends the agent and worker kustomizations (deploy/agent, deploy/worker: namespace, RBAC,
 * admission policy, Deployments, Service, NetworkPolicies) to the local API server as a server-side
 * dry run (dryRun=All, strict field validation): every object must be accepted as written, and
 * nothing may be stored. Namespaced objects go to a test namespace instead of mooring-system.
 * The local kwok cluster has no network plugin, so NetworkPolicies are validated here, never
 * enforced (test/unit/deploy/manifests.test.ts checks their rules).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { createTestNamespace, kubectl, kubectlJson, projectRoot } from '../support/stack.js';

interface KubeObj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string };
  spec?: unknown;
}

let namespace: { name: string; cleanup: () => Promise<void> };

before(async () => {
  namespace = await createTestNamespace('deploy-dry');
});

after(async () => {
  await namespace.cleanup();
});

/** The objects `kubectl kustomize deploy/<dir>` builds, moved out of mooring-system. */
async function build(dir: string): Promise<KubeObj[]> {
  const out = await kubectl(['kustomize', join(projectRoot, 'deploy', dir)]);
  return parseAllDocuments(out).map((d) => {
    const obj = d.toJS() as KubeObj;
    if (obj.metadata.namespace === 'mooring-system') obj.metadata.namespace = namespace.name;
    return obj;
  });
}

async function dryRun(objects: KubeObj[]): Promise<KubeObj[]> {
  const out = await kubectl(['apply', '--dry-run=server', '--validate=strict', '-o', 'json', '-f', '-'], {
    input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objects }),
  });
  const parsed = JSON.parse(out) as KubeObj | { items: KubeObj[] };
  return 'items' in parsed ? parsed.items : [parsed];
}

const key = (o: KubeObj): string => `${o.kind}/${o.metadata.name}`;

/** Which of the cluster-scoped objects `keys` (Kind/name) exist, with their uids. */
async function existing(keys: string[]): Promise<string[]> {
  const found: string[] = [];
  for (const k of keys) {
    const out = await kubectl(['get', k, '--ignore-not-found', '-o', 'jsonpath={.metadata.uid}']);
    if (out) found.push(`${k}=${out}`);
  }
  return found;
}

for (const dir of ['agent', 'worker']) {
  test(`deploy/${dir}: the API server accepts every object as written, and stores none`, async () => {
    const objects = await build(dir);
    const kinds = objects.map(key);
    assert.ok(kinds.includes(`NetworkPolicy/mooring-${dir}`), `deploy/${dir} builds no NetworkPolicy`);
    assert.ok(kinds.includes(`Deployment/mooring-${dir}`));
    if (dir === 'agent')
      for (const k of ['ValidatingAdmissionPolicy/mooring-agent-guard', 'ClusterRole/mooring-agent'])
        assert.ok(kinds.includes(k), `deploy/agent builds no ${k}`);

    const clusterWide = objects.filter((o) => o.metadata.namespace === undefined).map(key);
    const before = await existing(clusterWide);
    const accepted = await dryRun(objects);
    assert.deepEqual(accepted.map(key).sort(), [...kinds].sort());
    const policy = accepted.find((o) => key(o) === `NetworkPolicy/mooring-${dir}`);
    const sent = objects.find((o) => key(o) === `NetworkPolicy/mooring-${dir}`);
    assert.deepEqual(policy?.spec, sent?.spec, 'the server kept the NetworkPolicy rules unchanged');

    // Dry run: nothing exists afterwards.
    const stored = await kubectlJson<{ items: KubeObj[] }>([
      'get',
      'networkpolicies,deployments,serviceaccounts,services',
      '-n',
      namespace.name,
      '-l',
      'app.kubernetes.io/part-of=mooring',
    ]);
    assert.deepEqual(stored.items.map(key), []);
    assert.deepEqual(await existing(clusterWide), before, 'cluster-wide objects unchanged');
  });
}
