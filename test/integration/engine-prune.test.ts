/**
 * Prune through the sync engine's activities (no Temporal): only objects that left Git and that
 * the app owns are deleted; controller-owned objects, `mooring.dev/prune: disabled` ones, objects
 * of nobody and the namespace CreateNamespace made are kept.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Engine, TestRepo } from './engine-harness.js';
import type { SyncOutcome } from './engine-harness.js';
import { kubectl, kubectlJson, uniqueSuffix } from '../support/stack.js';

const configMap = (name: string, annotations: Record<string, string> = {}): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  annotations: ${JSON.stringify(annotations)}\ndata:\n  name: ${name}\n`;

async function configMapsIn(namespace: string): Promise<string[]> {
  const list = await kubectlJson<{ items: { metadata: { name: string } }[] }>([
    'get',
    'configmaps',
    '-n',
    namespace,
  ]);
  return list.items
    .map((o) => o.metadata.name)
    .filter((n) => n !== 'kube-root-ca.crt')
    .sort();
}

describe('prune on the real stack', () => {
  const suffix = uniqueSuffix();
  const namespace = `eng-prune-${suffix}`;
  const app = `prune-${suffix}`;
  let engine: Engine;
  let repo: TestRepo;

  before(async () => {
    repo = TestRepo.create({});
    repo.change(
      {
        'app/base.yaml': configMap('base'),
        'app/plain.yaml': configMap('plain'),
        'app/kept.yaml': configMap('kept', { 'mooring.dev/prune': 'disabled' }),
        'app/owned.yaml': configMap('owned'),
      },
      'four config maps',
    );
    engine = await Engine.open();
  });
  after(async () => {
    engine?.close();
    repo?.remove();
    await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
  });

  it('deletes what left Git, and keeps controller-owned, prune-disabled and unowned objects', async () => {
    const first = await engine.deploy(repo, {
      app,
      path: 'app',
      namespace,
      syncOptions: ['CreateNamespace=true'],
    });
    assert.equal(first.health.health, 'Healthy', first.health.message);
    await kubectl(['create', 'configmap', 'not-ours', '-n', namespace, '--from-literal=owner=someone-else']);
    const owner = await kubectlJson<{ metadata: { uid: string } }>([
      'get',
      'configmap',
      'not-ours',
      '-n',
      namespace,
    ]);
    const ownerReferences = [
      { apiVersion: 'v1', kind: 'ConfigMap', name: 'not-ours', uid: owner.metadata.uid, controller: true },
    ];
    await kubectl([
      'patch',
      'configmap',
      'owned',
      '-n',
      namespace,
      '--type=merge',
      '-p',
      JSON.stringify({ metadata: { ownerReferences } }),
    ]);

    repo.change(
      { 'app/plain.yaml': undefined, 'app/kept.yaml': undefined, 'app/owned.yaml': undefined },
      'leave only base',
    );
    const plan = await engine.render(repo, {
      app,
      path: 'app',
      namespace,
      syncOptions: ['CreateNamespace=true'],
    });
    const diff = await engine.activities.diffApplication(plan);
    assert.deepEqual(diff.summary, { create: 0, update: 0, delete: 1, unchanged: 1 });
    const prepared = await engine.activities.prepareSync(plan);
    assert.equal(prepared.orphans, 1);

    const outcome = await engine.sync(plan);
    const changes = Object.fromEntries(
      outcome.pruned.changes.map((c) => [c.name, `${c.action}: ${c.reason}`]),
    );
    assert.deepEqual(Object.keys(changes).sort(), ['kept', 'owned', 'plain']);
    assert.equal(changes.plain, 'deleted: pruned');
    assert.match(changes.kept ?? '', /^skipped: pruning is disabled by mooring\.dev\/prune/);
    assert.match(changes.owned ?? '', /^skipped: it is controlled by ConfigMap\/not-ours/);
    assert.deepEqual(await configMapsIn(namespace), ['base', 'kept', 'not-ours', 'owned']);
    await kubectl(['get', 'namespace', namespace]); // CreateNamespace's namespace is not the app's to prune

    const drift = await engine.activities.detectDrift(plan);
    assert.equal(drift.drifted, false, 'kept objects are not drift');
  });
});

describe('prune of kinds an app stops rendering', () => {
  const suffix = uniqueSuffix();
  const namespace = `eng-prune-kinds-${suffix}`;
  const app = `prune-kinds-${suffix}`;
  const spec = { app, path: 'app', namespace, syncOptions: ['CreateNamespace=true'] };
  const engines: Engine[] = [];
  let repo: TestRepo;

  before(() => {
    repo = TestRepo.create({});
    repo.change(
      {
        'app/base.yaml': configMap('base'),
        'app/account.yaml': 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: leaving-account\n',
        'app/service.yaml':
          'apiVersion: v1\nkind: Service\nmetadata:\n  name: leaving-service\nspec:\n  clusterIP: None\n  ports: [{port: 80}]\n',
      },
      'a config map, a service account and a service',
    );
  });
  after(async () => {
    for (const engine of engines) engine.close();
    repo?.remove();
    await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
  });

  const open = async (): Promise<Engine> => {
    const engine = await Engine.open();
    engines.push(engine);
    return engine;
  };
  const exists = async (kind: string, name: string): Promise<boolean> =>
    (await kubectl(['get', kind, name, '-n', namespace, '--ignore-not-found', '-o', 'name'])).trim() !== '';

  it('finds them in the agent that wrote them and in a restarted one', async () => {
    const agent = await open();
    const first = await agent.deploy(repo, spec);
    assert.equal(first.health.health, 'Healthy', first.health.message);
    assert.ok(await exists('serviceaccount', 'leaving-account'));

    // Same agent process: the kinds it wrote are listed although the manifests no longer hold one
    // (its kind index, built before the first apply, may not know them yet).
    repo.change({ 'app/account.yaml': undefined }, 'no service account');
    const second = await agent.deploy(repo, spec);
    assert.deepEqual(
      second.pruned.changes.map((c) => `${c.kind}/${c.name} ${c.action}`),
      ['ServiceAccount/leaving-account deleted'],
    );
    assert.equal(await exists('serviceaccount', 'leaving-account'), false);

    // A restarted agent has no memory of what it wrote: its kind index finds the Service.
    repo.change({ 'app/service.yaml': undefined }, 'no service');
    const restarted = await open();
    const third = await restarted.deploy(repo, spec);
    assert.deepEqual(
      third.pruned.changes.map((c) => `${c.kind}/${c.name} ${c.action}`),
      ['Service/leaving-service deleted'],
    );
    assert.equal(await exists('service', 'leaving-service'), false);
  });
});

describe('prune of objects an app moves to another namespace', () => {
  const suffix = uniqueSuffix();
  const [first, second, third] = ['a', 'b', 'c'].map((n) => `eng-prune-ns-${n}-${suffix}`) as [
    string,
    string,
    string,
  ];
  const app = `prune-ns-${suffix}`;
  const spec = (namespace: string) => ({
    app,
    path: 'app',
    namespace,
    syncOptions: ['CreateNamespace=true'],
  });
  const engines: Engine[] = [];
  let repo: TestRepo;

  before(() => {
    repo = TestRepo.create({});
    repo.change({ 'app/moving.yaml': configMap('moving') }, 'a config map');
  });
  after(async () => {
    for (const engine of engines) engine.close();
    repo?.remove();
    for (const namespace of [first, second, third])
      await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
  });

  const open = async (): Promise<Engine> => {
    const engine = await Engine.open();
    engines.push(engine);
    return engine;
  };
  const pruned = (outcome: SyncOutcome): string[] =>
    outcome.pruned.changes.map((c) => `${c.namespace}/${c.name} ${c.action}`);

  it('the copy left in the old namespace is pruned, by the agent that wrote it and by a restarted one', async () => {
    const agent = await open();
    assert.equal((await agent.deploy(repo, spec(first))).health.health, 'Healthy');
    assert.deepEqual(await configMapsIn(first), ['moving']);

    // Same agent process: it remembers the namespace it wrote in (its lists are per namespace).
    assert.deepEqual(pruned(await agent.deploy(repo, spec(second))), [`${first}/moving deleted`]);
    assert.deepEqual(await configMapsIn(first), []);
    assert.deepEqual(await configMapsIn(second), ['moving']);

    // A restarted agent knows nothing it wrote: its kind index names the old namespace.
    const restarted = await open();
    assert.deepEqual(pruned(await restarted.deploy(repo, spec(third))), [`${second}/moving deleted`]);
    assert.deepEqual(await configMapsIn(second), []);
    assert.deepEqual(await configMapsIn(third), ['moving']);
  });
});
