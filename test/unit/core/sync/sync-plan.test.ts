import assert from 'node:assert/strict';
import { test } from 'node:test';
import { planSync, type SyncPlan } from '../../../../core/sync/sync-plan.js';
import { ManifestInvalid } from '../../../../contract/errors.js';
import type { KubeObject } from '../../../../contract/kube-object.js';
import { crd, kube, names } from '../_objects.js';

const wave = (w: number, extra: Record<string, string> = {}) => ({
  annotations: { 'mooring.dev/sync-wave': String(w), ...extra },
});
const hook = (phase: string, w = 0) => wave(w, { 'argocd.argoproj.io/hook': phase });

/** `phase/wave: Kind/name ...` lines, one per wave. */
function outline(plan: SyncPlan): string[] {
  return plan.phases.flatMap((p) =>
    p.waves.map((w) => `${p.phase}/${w.wave}${w.hasCrds ? '*' : ''}: ${names(w.objects).join(' ')}`),
  );
}

test('planSync() orders by phase, then wave, then kind, then name', () => {
  const plan = planSync(
    [
      kube('apps/v1', 'Deployment', 'b'),
      kube('apps/v1', 'Deployment', 'a'),
      kube('v1', 'ConfigMap', 'c', wave(-1)),
      kube('v1', 'Service', 's'),
      kube('batch/v1', 'Job', 'smoke', hook('PostSync')),
      kube('batch/v1', 'Job', 'migrate', hook('PreSync', 2)),
      kube('batch/v1', 'Job', 'seed', hook('PreSync', 1)),
      kube('v1', 'Secret', 'late', wave(3)),
    ],
    { namespace: 'shop' },
  );
  assert.deepEqual(outline(plan), [
    'PreSync/1: Job/seed',
    'PreSync/2: Job/migrate',
    'Sync/-1: ConfigMap/c',
    'Sync/0: Service/s Deployment/a Deployment/b',
    'Sync/3: Secret/late',
    'PostSync/0: Job/smoke',
  ]);
});

test('planSync() puts SyncFail hooks aside and drops Skip objects', () => {
  const plan = planSync([
    kube('batch/v1', 'Job', 'notify', hook('SyncFail', 1)),
    kube('batch/v1', 'Job', 'cleanup', hook('SyncFail', 0)),
    kube('v1', 'ConfigMap', 'ignored', { annotations: { 'argocd.argoproj.io/hook': 'Skip' } }),
    kube('v1', 'ConfigMap', 'kept'),
  ]);
  assert.deepEqual(names(plan.syncFailHooks), ['Job/cleanup', 'Job/notify']);
  assert.deepEqual(names(plan.skipped), ['ConfigMap/ignored']);
  assert.deepEqual(outline(plan), ['Sync/0: ConfigMap/kept']);
});

test('planSync() runs a hook in each of its phases', () => {
  const plan = planSync([kube('batch/v1', 'Job', 'check', hook('PreSync,PostSync'))]);
  assert.deepEqual(outline(plan), ['PreSync/0: Job/check', 'PostSync/0: Job/check']);
});

test('planSync() places a CRD before its custom resources and flags the wave', () => {
  const plan = planSync(
    [
      kube('example.com/v1', 'Widget', 'w', wave(-1)),
      crd('example.com', 'Widget', 'Namespaced', wave(2)),
      kube('apps/v1', 'Deployment', 'web'),
    ],
    { namespace: 'shop' },
  );
  assert.deepEqual(outline(plan), [
    'Sync/-1*: CustomResourceDefinition/widgets.example.com Widget/w',
    'Sync/0: Deployment/web',
  ]);
  assert.deepEqual(plan.crdKinds, ['example.com/Widget']);
});

test('planSync() moves a Namespace to the first wave that uses it', () => {
  const plan = planSync([
    kube('v1', 'Namespace', 'data', wave(5)),
    kube('batch/v1', 'Job', 'init', { namespace: 'data', ...hook('PreSync', 1) }),
    kube('v1', 'Namespace', 'unused', wave(5)),
  ]);
  assert.deepEqual(outline(plan), ['PreSync/1: Namespace/data Job/init', 'Sync/5: Namespace/unused']);
});

test('planSync() with createNamespace adds the Namespace first, once', () => {
  const plan = planSync(
    [kube('v1', 'ConfigMap', 'c', wave(-3)), kube('batch/v1', 'Job', 'pre', hook('PreSync'))],
    {
      namespace: 'shop',
      createNamespace: 'shop',
    },
  );
  assert.deepEqual(plan.createNamespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
  assert.deepEqual(outline(plan), ['PreSync/0: Namespace/shop Job/pre', 'Sync/-3: ConfigMap/c']);
  const managed = planSync([kube('v1', 'Namespace', 'shop', { labels: { team: 'a' } })], {
    createNamespace: 'shop',
  });
  assert.deepEqual(outline(managed), ['Sync/0: Namespace/shop']);
  assert.deepEqual(managed.phases[0]?.waves[0]?.objects[0]?.metadata.labels, { team: 'a' });
});

test('planSync() sets the app namespace only on namespaced objects, never mutating input', () => {
  const input: KubeObject[] = [
    kube('v1', 'ConfigMap', 'c'),
    kube('v1', 'ConfigMap', 'elsewhere', { namespace: 'other' }),
    kube('rbac.authorization.k8s.io/v1', 'ClusterRole', 'r', { namespace: 'stray' }),
    kube('example.com/v1', 'Widget', 'w'),
    kube('example.com/v1', 'Gizmo', 'g'),
    crd('example.com', 'Gizmo', 'Cluster'),
    kube('acme.io/v1', 'ClusterThing', 't'),
  ];
  const before = structuredClone(input);
  const plan = planSync(input, {
    namespace: 'shop',
    isNamespaced: (g, k) => (k === 'ClusterThing' ? false : undefined),
  });
  assert.deepEqual(input, before);
  const all = plan.phases.flatMap((p) => p.waves.flatMap((w) => w.objects));
  const ns = Object.fromEntries(all.map((o) => [`${o.kind}/${o.metadata.name}`, o.metadata.namespace]));
  assert.deepEqual(ns, {
    'ConfigMap/c': 'shop',
    'ConfigMap/elsewhere': 'other',
    'ClusterRole/r': undefined,
    'Widget/w': 'shop',
    'Gizmo/g': undefined,
    'CustomResourceDefinition/gizmos.example.com': undefined,
    'ClusterThing/t': undefined,
  });
});

test('planSync() allows generateName on hooks only and rejects duplicates and nameless objects', () => {
  const generated = kube('batch/v1', 'Job', '', { generateName: 'migrate-', ...hook('PreSync') });
  delete generated.metadata.name;
  assert.deepEqual(outline(planSync([generated, structuredClone(generated)])), [
    'PreSync/0: Job/migrate- Job/migrate-',
  ]);
  const plain = kube('batch/v1', 'Job', '', { generateName: 'run-' });
  delete plain.metadata.name;
  assert.throws(
    () => planSync([plain]),
    (e: unknown) => e instanceof ManifestInvalid && /only allowed on hooks/.test(e.message),
  );
  const nameless = kube('v1', 'ConfigMap', '');
  delete nameless.metadata.name;
  assert.throws(() => planSync([nameless]), /neither metadata.name nor metadata.generateName/);
  assert.throws(
    () =>
      planSync([kube('v1', 'ConfigMap', 'c'), kube('v1', 'ConfigMap', 'c', { namespace: 'shop' })], {
        namespace: 'shop',
      }),
    /ConfigMap\/shop\/c: it appears more than once/,
  );
});

test('planSync() of nothing is an empty plan', () => {
  assert.deepEqual(planSync([]), {
    phases: [],
    syncFailHooks: [],
    skipped: [],
    deleteHooks: { PreDelete: [], PostDelete: [] },
    crdKinds: [],
  });
});

test('planSync() keeps PreDelete and PostDelete hooks out of every sync phase', () => {
  const hook = (name: string, phase: string) =>
    kube('batch/v1', 'Job', name, { annotations: { 'argocd.argoproj.io/hook': phase } });
  const plan = planSync(
    [
      hook('cleanup', 'PreDelete'),
      hook('goodbye', 'PostDelete'),
      hook('both', 'PreSync,PreDelete'),
      kube('v1', 'ConfigMap', 'app'),
    ],
    { namespace: 'shop' },
  );
  assert.deepEqual(
    plan.phases.map((p) => `${p.phase}: ${names(p.waves.flatMap((w) => w.objects)).join(', ')}`),
    ['PreSync: Job/both', 'Sync: ConfigMap/app'],
  );
  assert.deepEqual(names(plan.deleteHooks.PreDelete), ['Job/both', 'Job/cleanup']);
  assert.deepEqual(names(plan.deleteHooks.PostDelete), ['Job/goodbye']);
  assert.equal(
    plan.deleteHooks.PreDelete[1]?.metadata.namespace,
    'shop',
    'delete hooks get the namespace default',
  );
});
