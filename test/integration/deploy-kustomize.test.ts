/**
 * Every Kubernetes manifest in deploy/ goes to the local API server as a server-side dry run
 * (dryRun=All, strict field validation): each kustomization as `kubectl kustomize` builds it, and
 * each manifest file on its own, optional ones included. Every object must be accepted as written
 * and nothing may be stored. Namespaced objects go to a test namespace instead of mooring-system.
 * deploy/keda needs KEDA's CRDs: they come from KEDA's published Go module (config/crd/bases,
 * version pinned in scripts/compose/go-module.ts), are installed for this file and removed after.
 * The local kwok cluster has no network plugin, so NetworkPolicies are validated here, never
 * enforced (test/unit/deploy/manifests.test.ts checks their rules).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { installKedaCrds } from '../support/keda.js';
import { createTestNamespace, kubectl, kubectlJson, projectRoot } from '../support/stack.js';

interface KubeObj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; uid?: string };
  spec?: unknown;
}

const deployDir = join(projectRoot, 'deploy');
let namespace: { name: string; cleanup: () => Promise<void> };
/** Removes the KEDA CRDs this file installed (those absent before). */
let removeKedaCrds: () => Promise<void> = async () => undefined;

before(async () => {
  namespace = await createTestNamespace('deploy-dry');
  removeKedaCrds = await installKedaCrds('mooring-deploy-test');
});

after(async () => {
  await namespace.cleanup();
  await removeKedaCrds();
});

/** Moves objects of mooring-system, and namespaced objects without a namespace, to the test namespace. */
async function relocate(objects: KubeObj[]): Promise<KubeObj[]> {
  const out: KubeObj[] = [];
  for (const obj of objects) {
    if (obj.metadata.namespace === 'mooring-system') obj.metadata.namespace = namespace.name;
    else if (obj.metadata.namespace === undefined && (await isNamespaced(obj)))
      obj.metadata.namespace = namespace.name;
    out.push(obj);
  }
  return out;
}

const scopes = new Map<string, boolean>();
async function isNamespaced(obj: KubeObj): Promise<boolean> {
  const group = obj.apiVersion.includes('/') ? obj.apiVersion.split('/')[0] : '';
  const id = `${obj.kind}.${group}`;
  if (!scopes.has(id)) {
    const rows = await kubectl(['api-resources', '--api-group', group ?? '', '--no-headers', '-o', 'wide']);
    const row = rows.split('\n').find((r) => r.split(/\s+/).includes(obj.kind));
    assert.ok(row, `the API server serves no kind ${obj.kind} in group "${group}"`);
    scopes.set(id, / true /.test(row));
  }
  return scopes.get(id) as boolean;
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

/** Dry-runs `objects` and checks that the server accepted each one and stored nothing. */
async function acceptedAndNotStored(objects: KubeObj[]): Promise<KubeObj[]> {
  const clusterWide = objects.filter((o) => o.metadata.namespace === undefined).map(key);
  const before = await existing(clusterWide);
  const accepted = await dryRun(objects);
  assert.deepEqual(accepted.map(key).sort(), objects.map(key).sort());
  const stored = await kubectlJson<{ items: KubeObj[] }>([
    'get',
    'all,networkpolicies,configmaps,roles,rolebindings,serviceaccounts',
    '-n',
    namespace.name,
    '-l',
    'app.kubernetes.io/part-of=mooring',
  ]);
  assert.deepEqual(stored.items.map(key), [], 'a dry run stored objects');
  assert.deepEqual(await existing(clusterWide), before, 'cluster-wide objects unchanged');
  return accepted;
}

const KUSTOMIZATIONS = ['agent', 'worker', 'keda', 'namespace', 'rbac', 'rbac/namespaced'];

for (const dir of KUSTOMIZATIONS) {
  test(`deploy/${dir}: the API server accepts every object kustomize builds, and stores none`, async () => {
    const built = await kubectl(['kustomize', join(deployDir, dir)]);
    const objects = await relocate(parseAllDocuments(built).map((d) => d.toJS() as KubeObj));
    const kinds = objects.map(key);
    if (dir === 'agent' || dir === 'worker') {
      assert.ok(kinds.includes(`NetworkPolicy/mooring-${dir}`), `deploy/${dir} builds no NetworkPolicy`);
      assert.ok(kinds.includes(`Deployment/mooring-${dir}`));
    }
    if (dir === 'agent')
      for (const k of ['ValidatingAdmissionPolicy/mooring-agent-guard', 'ClusterRole/mooring-agent'])
        assert.ok(kinds.includes(k), `deploy/agent builds no ${k}`);
    if (dir === 'keda') assert.ok(kinds.includes('ScaledObject/mooring-worker'));

    const accepted = await acceptedAndNotStored(objects);
    for (const sent of objects.filter((o) => o.kind === 'NetworkPolicy' || o.kind === 'ScaledObject')) {
      const back = accepted.find((o) => key(o) === key(sent));
      assert.deepEqual(
        back?.spec,
        sent.spec,
        `the server kept ${key(sent)}'s spec unchanged (no pruned fields)`,
      );
    }
  });
}

/** Kubernetes objects of a YAML file: not Mooring's own policy files, not kustomizations. */
function manifestsOf(file: string): KubeObj[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as Partial<KubeObj> | null)
    .filter(
      (o): o is KubeObj =>
        !!o?.apiVersion &&
        !!o.kind &&
        !!o.metadata &&
        !o.apiVersion.startsWith('mooring.dev/') &&
        o.kind !== 'Kustomization',
    );
}

test('every Kubernetes manifest file in deploy/, optional ones included, is accepted as written', async (t) => {
  const files = readdirSync(deployDir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    // Temporal's server and UI configs (Go templates) and Prometheus's are not Kubernetes objects.
    .filter((f) => !relative(deployDir, f).startsWith('temporal/'))
    .sort();
  const checked: string[] = [];
  for (const file of files) {
    const objects = manifestsOf(file);
    if (objects.length === 0) continue;
    await acceptedAndNotStored(await relocate(objects));
    checked.push(`${relative(deployDir, file)} (${objects.map(key).join(', ')})`);
  }
  for (const line of checked) t.diagnostic(`dry-run accepted: ${line}`);
  for (const f of [
    'keda/scaled-object-prometheus.yaml',
    'keda/trigger-authentication.yaml',
    'rbac/managed-namespace/role-binding.yaml',
    'rbac/optional/named-namespaces.yaml',
    'rbac/optional/cluster-scoped-writes.yaml',
  ])
    assert.ok(
      checked.some((c) => c.startsWith(`${f} `)),
      `${f} was not checked`,
    );
});
