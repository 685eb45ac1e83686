/**
 * Nothing is written when any object would be rejected, through the sync engine's activities (no
 * Temporal): the whole sync is dry-run first, including objects whose namespace the same sync
 * creates, and a rejection names the object and the field.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApplyRejected } from '../../contract/errors.js';
import { Engine, TestRepo } from './engine-harness.js';
import { kubectl, uniqueSuffix } from '../support/stack.js';

const wave = (n: number): string => `  annotations:\n    argocd.argoproj.io/sync-wave: "${n}"\n`;

async function exists(args: string[]): Promise<boolean> {
  return (await kubectl(['get', ...args, '--ignore-not-found', '-o', 'name'])).trim() !== '';
}

describe('dry run before the first write, on the real stack', () => {
  const suffix = uniqueSuffix();
  const namespaces: string[] = [];
  let engine: Engine;
  let repo: TestRepo;

  before(async () => {
    repo = TestRepo.create({});
    repo.change(
      {
        'waves/first.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: first\n${wave(1)}data:\n  ok: "yes"\n`,
        'waves/second.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: second\n${wave(2)}data:\n  count: 3\n`,
        'field/deployment.yaml': [
          'apiVersion: apps/v1',
          'kind: Deployment',
          'metadata:',
          '  name: api',
          'spec:',
          '  replicas: 1',
          '  selector:',
          '    matchLabels: {app: api}',
          '  template:',
          '    metadata:',
          '      labels: {app: api}',
          '    spec:',
          '      containers:',
          '        - name: api',
          '          image: nginx:1.27',
          '          imagePullPolicy: Sometimes',
          '',
        ].join('\n'),
        'fine/config.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\ndata:\n  ok: "yes"\n`,
        'own-namespace/namespace.yaml': `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: eng-own-${suffix}\n`,
        'own-namespace/good.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: good\n  namespace: eng-own-${suffix}\ndata:\n  ok: "yes"\n`,
        'own-namespace/bad.yaml': `apiVersion: v1\nkind: Service\nmetadata:\n  name: bad\n  namespace: eng-own-${suffix}\nspec:\n  ports:\n    - port: 99999\n`,
      },
      'fixtures',
    );
    engine = await Engine.open();
  });
  after(async () => {
    engine?.close();
    repo?.remove();
    for (const ns of [...namespaces, `eng-own-${suffix}`])
      await kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
  });

  it('an invalid object in wave 2 means wave 1 is not applied either, and the error names the object and field', async () => {
    const namespace = `eng-waves-${suffix}`;
    namespaces.push(namespace);
    const plan = await engine.render(repo, {
      app: `waves-${suffix}`,
      path: 'waves',
      namespace,
      syncOptions: ['CreateNamespace=true'],
    });
    await assert.rejects(engine.sync(plan), (err: Error) => {
      assert.ok(err instanceof ApplyRejected, `${err.name}: ${err.message}`);
      assert.match(err.message, new RegExp(`ConfigMap/${namespace}/second`));
      assert.match(err.message, /data\.count/);
      assert.doesNotMatch(err.message, /ConfigMap\/[^/]+\/first/);
      return true;
    });
    assert.equal(await exists(['namespace', namespace]), false, 'not even the namespace is created');
  });

  it('rejects an object with an invalid field value with a message naming the object and field', async () => {
    const namespace = `eng-field-${suffix}`;
    namespaces.push(namespace);
    await kubectl(['create', 'namespace', namespace]);
    const plan = await engine.render(repo, { app: `field-${suffix}`, path: 'field', namespace });
    await assert.rejects(engine.activities.prepareSync(plan), (err: Error) => {
      assert.ok(err instanceof ApplyRejected, `${err.name}: ${err.message}`);
      assert.match(err.message, new RegExp(`Deployment/${namespace}/api`));
      assert.match(err.message, /spec\.template\.spec\.containers\[0\]\.imagePullPolicy/);
      assert.match(err.message, /Sometimes/);
      return true;
    });
    assert.equal(await exists(['deployment', 'api', '-n', namespace]), false);
  });

  it('renders and dry-runs in one call with the answer of the two calls, and rejects as the dry run does', async () => {
    const namespace = `eng-joint-${suffix}`;
    namespaces.push(namespace);
    await kubectl(['create', 'namespace', namespace]);
    const { sha } = await engine.activities.resolveRevision({ repoURL: repo.url, targetRevision: 'main' });
    const unrendered = (app: string, path: string) => ({
      app,
      namespace,
      syncOptions: [],
      ignoreDifferences: [],
      source: { appName: app, repoURL: repo.url, revision: sha, path, namespace },
    });

    const joint = await engine.activities.renderAndPrepare(unrendered(`fine-${suffix}`, 'fine'));
    const plan = await engine.render(repo, { app: `fine-${suffix}`, path: 'fine', namespace });
    assert.equal(joint.rendered.manifestKey, plan.manifestKey);
    assert.deepEqual(joint.rendered.kinds, { ConfigMap: 1 });
    assert.deepEqual(joint.prepared, await engine.activities.prepareSync(plan));
    assert.deepEqual(joint.prepared.changes, { created: 1, configured: 0, unchanged: 0 });

    await assert.rejects(
      engine.activities.renderAndPrepare(unrendered(`joint-${suffix}`, 'field')),
      (err: Error) => {
        assert.ok(err instanceof ApplyRejected, `${err.name}: ${err.message}`);
        assert.match(err.message, /spec\.template\.spec\.containers\[0\]\.imagePullPolicy/);
        return true;
      },
    );
    assert.equal(await exists(['configmap', 'fine', '-n', namespace]), false, 'a dry run writes nothing');
    assert.equal(await exists(['deployment', 'api', '-n', namespace]), false);
  });

  it('dry-runs objects whose Namespace is in the same sync, and rejects nothing else', async () => {
    const namespace = `eng-dest-${suffix}`;
    namespaces.push(namespace);
    const plan = await engine.render(repo, { app: `own-${suffix}`, path: 'own-namespace', namespace });
    await assert.rejects(engine.activities.prepareSync(plan), (err: Error) => {
      assert.ok(err instanceof ApplyRejected, `${err.name}: ${err.message}`);
      assert.match(err.message, new RegExp(`Service/eng-own-${suffix}/bad`));
      assert.match(err.message, /spec\.ports\[0\]\.port/);
      assert.match(err.message, /Dry run rejected 1 object\(s\)/);
      return true;
    });
    assert.equal(await exists(['namespace', `eng-own-${suffix}`]), false);

    repo.change({ 'own-namespace/bad.yaml': undefined }, 'drop the bad service');
    const fixed = await engine.render(repo, { app: `own-${suffix}`, path: 'own-namespace', namespace });
    const prepared = await engine.activities.prepareSync(fixed);
    assert.deepEqual(prepared.changes, { created: 2, configured: 0, unchanged: 0 });
    const outcome = await engine.sync(fixed);
    assert.equal(outcome.health.health, 'Healthy', outcome.health.message);
    assert.equal(await exists(['configmap', 'good', '-n', `eng-own-${suffix}`]), true);
    assert.equal((await engine.activities.detectDrift(fixed)).drifted, false);
  });
});
