/**
 * Argo CD sync options through the sync engine's activities (no Temporal), each checked on the
 * live objects of the real API server: app-level options (spec.syncPolicy.syncOptions) and
 * per-object ones (`argocd.argoproj.io/sync-options`). One app and namespace per test.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplyRejected } from '../../contract/errors.js';
import type { ChangeEntry, PlanInput } from '../../contract/activities.js';
import type { IgnoreDifference } from '../../config/types.js';
import { Engine, TestRepo } from './engine-harness.js';
import { kubectl, kubectlJson, uniqueSuffix } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

interface LiveConfigMap {
  metadata: {
    uid: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    managedFields?: { manager: string; operation: string }[];
  };
  data?: Record<string, string>;
}

/** A ConfigMap manifest. */
function configMap(
  name: string,
  data: Record<string, string>,
  options: { annotations?: Record<string, string>; extra?: string } = {},
): string {
  return (
    `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  annotations: ${JSON.stringify(options.annotations ?? {})}\n` +
    `data: ${JSON.stringify(data)}\n${options.extra ?? ''}`
  );
}

const syncOpts = (value: string) => ({ 'argocd.argoproj.io/sync-options': value });
const byName = (changes: readonly ChangeEntry[]) =>
  Object.fromEntries(changes.map((c) => [c.name, `${c.action}${c.reason ? `: ${c.reason}` : ''}`]));

describe('sync options on the real stack', () => {
  const suffix = uniqueSuffix();
  const namespaces: string[] = [];
  let engine: Engine;
  let repo: TestRepo;
  let count = 0;

  /** A fresh app and namespace for one test; its files live under `<app>/`. */
  function newApp(syncOptions: string[] = [], ignoreDifferences: IgnoreDifference[] = []) {
    const name = `opts-${suffix}-${++count}`;
    namespaces.push(name);
    const app = {
      app: name,
      path: name,
      namespace: name,
      syncOptions: ['CreateNamespace=true', ...syncOptions],
      ignoreDifferences,
    };
    return {
      ...app,
      write: (files: Record<string, string | undefined>) =>
        repo.change(
          Object.fromEntries(Object.entries(files).map(([f, t]) => [`${name}/${f}`, t])),
          `${name}: change`,
        ),
      plan: (): Promise<PlanInput> => engine.render(repo, app),
      live: (cm: string) => kubectlJson<LiveConfigMap>(['get', 'configmap', cm, '-n', name]),
    };
  }

  async function exists(kind: string, name: string, namespace: string): Promise<boolean> {
    const out = await kubectl(['get', kind, name, '-n', namespace, '--ignore-not-found', '-o', 'name']);
    return out.trim() !== '';
  }

  before(async () => {
    repo = TestRepo.create({});
    engine = await Engine.open();
  });
  after(async () => {
    engine?.close();
    repo?.remove();
    for (const ns of namespaces)
      await kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
  });

  it('ServerSideApply=false applies client-side: last-applied annotation, removed keys removed', async () => {
    const a = newApp(['ServerSideApply=false']);
    a.write({ 'cm.yaml': configMap('settings', { keep: '1', drop: '1' }) });
    await engine.sync(await a.plan());
    const first = await a.live('settings');
    const lastApplied = JSON.parse(
      first.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '{}',
    ) as LiveConfigMap;
    assert.deepEqual(lastApplied.data, { keep: '1', drop: '1' });
    assert.ok(
      !first.metadata.managedFields?.some((f) => f.operation === 'Apply'),
      'no server-side apply was made',
    );
    a.write({ 'cm.yaml': configMap('settings', { keep: '2' }) });
    await engine.sync(await a.plan());
    assert.deepEqual((await a.live('settings')).data, { keep: '2' }, 'a key gone from Git is removed');
  });

  it('Replace=true replaces the whole object: fields added by others are gone', async () => {
    const a = newApp();
    a.write({ 'cm.yaml': configMap('settings', { v: '1' }, { annotations: syncOpts('Replace=true') }) });
    await engine.sync(await a.plan());
    await kubectl(['label', 'configmap', 'settings', '-n', a.namespace, 'added-by=someone']);
    a.write({ 'cm.yaml': configMap('settings', { v: '2' }, { annotations: syncOpts('Replace=true') }) });
    await engine.sync(await a.plan());
    const live = await a.live('settings');
    assert.equal(live.data?.v, '2');
    assert.equal(
      live.metadata.labels?.['added-by'],
      undefined,
      'PUT dropped the label server-side apply would keep',
    );
  });

  it('Force=true with Replace=true deletes and recreates an object whose update is rejected', async () => {
    const a = newApp();
    const manifest = (v: string, options: string) =>
      configMap('frozen', { v }, { annotations: syncOpts(options), extra: 'immutable: true\n' });
    a.write({ 'cm.yaml': manifest('1', 'Replace=true') });
    await engine.sync(await a.plan());
    const before = await a.live('frozen');

    a.write({ 'cm.yaml': manifest('2', 'Replace=true') });
    await assert.rejects(
      engine.activities.prepareSync(await a.plan()),
      ApplyRejected,
      'without Force the change is rejected',
    );

    a.write({ 'cm.yaml': manifest('2', 'Replace=true,Force=true') });
    const outcome = await engine.sync(await a.plan());
    const after = await a.live('frozen');
    assert.equal(after.data?.v, '2');
    assert.notEqual(after.metadata.uid, before.metadata.uid, 'a new object');
    assert.match(
      byName(outcome.steps.flatMap((s) => s.changes)).frozen ?? '',
      /deleted and created again \(Force=true\)/,
    );
  });

  it('Validate=false lets the server drop unknown fields instead of rejecting them', async () => {
    const a = newApp();
    a.write({ 'cm.yaml': configMap('loose', { v: '1' }, { extra: 'bogus: 1\n' }) });
    await assert.rejects(engine.activities.prepareSync(await a.plan()), /bogus/, 'strict by default');

    a.write({
      'cm.yaml': configMap(
        'loose',
        { v: '1' },
        { extra: 'bogus: 1\n', annotations: syncOpts('Validate=false') },
      ),
    });
    await engine.sync(await a.plan());
    assert.equal((await a.live('loose')).data?.v, '1');

    const b = newApp(['Validate=false']);
    b.write({ 'cm.yaml': configMap('loose', { v: '1' }, { extra: 'bogus: 1\n' }) });
    await engine.sync(await b.plan());
    assert.equal((await b.live('loose')).data?.v, '1', 'the app-level option too');
  });

  it('SkipDryRunOnMissingResource=true lets the dry run pass an object of a kind the server does not know', async () => {
    const gizmo = (annotations: Record<string, string>) =>
      `apiVersion: gizmos.example.invalid/v1\nkind: Gizmo\nmetadata:\n  name: g\n  annotations: ${JSON.stringify(annotations)}\n`;
    const a = newApp();
    a.write({ 'gizmo.yaml': gizmo({}) });
    await assert.rejects(engine.activities.prepareSync(await a.plan()), ApplyRejected);
    a.write({ 'gizmo.yaml': gizmo(syncOpts('SkipDryRunOnMissingResource=true')) });
    const prepared = await engine.activities.prepareSync(await a.plan());
    assert.equal(prepared.changes.created, 2, 'the namespace and the gizmo, counted as created');

    const b = newApp(['SkipDryRunOnMissingResource=true']);
    b.write({ 'gizmo.yaml': gizmo({}) });
    assert.equal(
      (await engine.activities.prepareSync(await b.plan())).changes.created,
      2,
      'the app-level option too',
    );
  });

  it('PrunePropagationPolicy=orphan prunes an object and leaves its dependents', async () => {
    const a = newApp(['PrunePropagationPolicy=orphan']);
    a.write({ 'parent.yaml': configMap('parent', { v: '1' }), 'base.yaml': configMap('base', { v: '1' }) });
    await engine.sync(await a.plan());
    const parent = await a.live('parent');
    const ownerReferences = [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'parent', uid: parent.metadata.uid },
    ];
    await kubectl(['apply', '-n', a.namespace, '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'child', ownerReferences },
      }),
    });
    a.write({ 'parent.yaml': undefined });
    const pruned = await engine.activities.pruneOrphans(await a.plan()); // no propagation: the app option decides
    assert.equal(byName(pruned.changes).parent, 'deleted: pruned');
    await waitFor('the pruned parent to be gone', async () =>
      (await exists('configmap', 'parent', a.namespace)) ? undefined : true,
    );
    const child = await a.live('child'); // still there
    assert.equal(
      (child.metadata as { ownerReferences?: unknown[] }).ownerReferences,
      undefined,
      'orphaned: the garbage collector removed the owner reference instead of the object',
    );
  });

  it('ApplyOutOfSyncOnly=true skips objects whose diff is empty and applies the rest', async () => {
    const ignore: IgnoreDifference[] = [{ kind: 'ConfigMap', name: 'tuned', jsonPointers: ['/data/level'] }];
    const a = newApp(['ApplyOutOfSyncOnly=true'], ignore);
    a.write({
      'tuned.yaml': configMap('tuned', { level: '1' }),
      'other.yaml': configMap('other', { v: '1' }),
    });
    await engine.sync(await a.plan());
    await kubectl([
      'patch',
      'configmap',
      'tuned',
      '-n',
      a.namespace,
      '--type=merge',
      '-p',
      '{"data":{"level":"9"}}',
    ]);
    a.write({ 'other.yaml': configMap('other', { v: '2' }) });
    const outcome = await engine.sync(await a.plan());
    const changes = byName(outcome.steps.flatMap((s) => s.changes));
    assert.equal(changes.tuned, 'skipped: in sync (ApplyOutOfSyncOnly=true)');
    assert.equal(changes.other, 'configured');
    assert.equal((await a.live('tuned')).data?.level, '9', 'the in-sync object was not applied');
    assert.equal((await a.live('other')).data?.v, '2');
  });

  it('RespectIgnoreDifferences=true keeps the live value of ignored fields on apply', async () => {
    const ignore: IgnoreDifference[] = [{ kind: 'ConfigMap', jsonPointers: ['/data/level'] }];
    const respecting = newApp(['RespectIgnoreDifferences=true'], ignore);
    const plain = newApp([], ignore);
    for (const a of [respecting, plain]) {
      a.write({ 'tuned.yaml': configMap('tuned', { level: '1', v: '1' }) });
      await engine.sync(await a.plan());
      await kubectl([
        'patch',
        'configmap',
        'tuned',
        '-n',
        a.namespace,
        '--type=merge',
        '-p',
        '{"data":{"level":"9"}}',
      ]);
      a.write({ 'tuned.yaml': configMap('tuned', { level: '1', v: '2' }) });
      await engine.sync(await a.plan());
    }
    assert.deepEqual((await respecting.live('tuned')).data, { level: '9', v: '2' });
    assert.deepEqual((await plain.live('tuned')).data, { level: '1', v: '2' }, 'without the option Git wins');
  });

  it('FailOnSharedResource=true fails before any write when another app tracks a desired object', async () => {
    const owner = newApp();
    owner.write({ 'shared.yaml': configMap('shared', { v: 'owner' }) });
    await engine.sync(await owner.plan());
    const other = newApp(['FailOnSharedResource=true']);
    other.write({
      'shared.yaml': configMap('shared', { v: 'other' }).replace(
        'metadata:\n',
        `metadata:\n  namespace: ${owner.namespace}\n`,
      ),
      'mine.yaml': configMap('mine', { v: '1' }),
    });
    await assert.rejects(
      engine.activities.prepareSync(await other.plan()),
      (err: unknown) =>
        err instanceof ApplyRejected &&
        err.message.includes(
          `ConfigMap/${owner.namespace}/shared is already tracked by app "${owner.app}"`,
        ) &&
        err.message.includes(`"${other.app}"`),
    );
    assert.equal((await owner.live('shared')).data?.v, 'owner');
    assert.equal(await exists('configmap', 'mine', other.namespace), false, 'nothing was written');
  });

  it('PruneLast=true (object) leaves the object for the last stage; the app option defers every orphan', async () => {
    const a = newApp();
    a.write({
      'base.yaml': configMap('base', { v: '1' }),
      'early.yaml': configMap('early', { v: '1' }),
      'late.yaml': configMap('late', { v: '1' }, { annotations: syncOpts('PruneLast=true') }),
    });
    await engine.sync(await a.plan());
    a.write({ 'early.yaml': undefined, 'late.yaml': undefined });
    const plan = await a.plan();
    const early = await engine.activities.pruneOrphans({ ...plan, stage: 'early' });
    assert.deepEqual([byName(early.changes), early.deferred], [{ early: 'deleted: pruned' }, 1]);
    assert.equal(await exists('configmap', 'late', a.namespace), true);
    const last = await engine.activities.pruneOrphans({ ...plan, stage: 'last' });
    assert.deepEqual([byName(last.changes), last.deferred], [{ late: 'deleted: pruned' }, 0]);

    const b = newApp(['PruneLast=true']);
    b.write({ 'base.yaml': configMap('base', { v: '1' }), 'gone.yaml': configMap('gone', { v: '1' }) });
    await engine.sync(await b.plan());
    b.write({ 'gone.yaml': undefined });
    const planB = await b.plan();
    const none = await engine.activities.pruneOrphans(planB);
    assert.deepEqual([none.changes, none.deferred], [[], 1]);
    assert.equal(await exists('configmap', 'gone', b.namespace), true);
    assert.equal((await engine.activities.pruneOrphans({ ...planB, stage: 'last' })).deferred, 0);
    await waitFor('the deferred orphan to be gone', async () =>
      (await exists('configmap', 'gone', b.namespace)) ? undefined : true,
    );
  });

  it('prepareSync warns about per-object options it does not know, naming object and option', async () => {
    const a = newApp();
    a.write({
      'cm.yaml': configMap('odd', { v: '1' }, { annotations: syncOpts('CreateNamespace=true,Prune=false') }),
    });
    const prepared = await engine.activities.prepareSync(await a.plan());
    assert.deepEqual(prepared.warnings, [
      `ConfigMap/${a.namespace}/odd: sync option "CreateNamespace=true" in annotation "argocd.argoproj.io/sync-options" is not a per-object option; ignored`,
    ]);
  });
});
