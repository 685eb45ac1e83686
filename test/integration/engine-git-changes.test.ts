/**
 * New commits through the sync engine's activities (no Temporal), with the guestbook example: an
 * image change shows as exactly that change, a deleted file prunes exactly its objects, and
 * invalid YAML applies nothing and names the file.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readStoredDiff, diffDir } from '../../activities/cluster/diff-store.js';
import { Engine, TestRepo } from './engine-harness.js';
import { SHARED_EXAMPLES, sharedExamplesMissing } from '../support/requirements.js';
import { kubectl, kubectlJson, uniqueSuffix } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

interface Listed {
  items: { kind: string; metadata: { name: string } }[];
}

async function namesIn(namespace: string): Promise<string[]> {
  const list = await kubectlJson<Listed>(['get', 'deployments,services,configmaps', '-n', namespace]);
  return list.items
    .map((o) => `${o.kind}/${o.metadata.name}`)
    .filter((n) => n !== 'ConfigMap/kube-root-ca.crt')
    .sort();
}

/**
 * What changes when anything writes an object of the namespace: the Deployment's generation (its
 * resourceVersion also moves with status updates from the controller), the resourceVersion of the
 * others.
 */
async function writeMarks(namespace: string): Promise<Record<string, string>> {
  const list = await kubectlJson<{
    items: { kind: string; metadata: { name: string; resourceVersion: string; generation?: number } }[];
  }>(['get', 'deployments,services,configmaps', '-n', namespace]);
  return Object.fromEntries(
    list.items.map((o) => [
      `${o.kind}/${o.metadata.name}`,
      o.kind === 'Deployment' ? `generation ${o.metadata.generation}` : o.metadata.resourceVersion,
    ]),
  );
}

async function imageIn(namespace: string): Promise<string> {
  return (
    await kubectl([
      'get',
      'deployment',
      'guestbook-ui',
      '-n',
      namespace,
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ])
  ).trim();
}

describe('Git changes on the real stack', { skip: sharedExamplesMissing() }, () => {
  let engine: Engine;
  let repo: TestRepo;
  let namespace: string;
  let app: string;
  const deployment = 'guestbook/guestbook-ui-deployment.yaml';

  before(async () => {
    const suffix = uniqueSuffix();
    namespace = `eng-git-${suffix}`;
    app = `git-${suffix}`;
    repo = TestRepo.create({ guestbook: join(SHARED_EXAMPLES, 'guestbook') });
    engine = await Engine.open();
    const outcome = await engine.deploy(repo, {
      app,
      path: 'guestbook',
      namespace,
      syncOptions: ['CreateNamespace=true'],
    });
    assert.equal(outcome.health.health, 'Healthy', outcome.health.message);
    await kubectl(['create', 'configmap', 'not-ours', '-n', namespace, '--from-literal=owner=someone-else']);
  });
  after(async () => {
    engine?.close();
    repo?.remove();
    if (namespace) await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
  });

  it('a commit that changes one image shows exactly that change, then applies it', async () => {
    const text = readFileSync(join(repo.work, deployment), 'utf8');
    assert.match(text, /image: gcr\.io\/google-samples\/gb-frontend:v5/);
    repo.change({ [deployment]: text.replace('gb-frontend:v5', 'gb-frontend:v6') }, 'new image');
    const plan = await engine.render(repo, {
      app,
      path: 'guestbook',
      namespace,
      syncOptions: ['CreateNamespace=true'],
    });

    const result = await engine.activities.diffApplication(plan);
    assert.deepEqual(result.summary, { create: 0, update: 1, delete: 0, unchanged: 1 });
    const stored = await readStoredDiff(result.diffKey, diffDir(engine.store.dir));
    assert.ok(stored);
    assert.equal(stored.objects.length, 1);
    const [changed] = stored.objects;
    assert.equal(`${changed?.kind}/${changed?.name}`, 'Deployment/guestbook-ui');
    const lines = changed!.diff.split('\n').filter((l) => /^[-+][^-+]/.test(l));
    assert.deepEqual(lines, [
      '-        - image: gcr.io/google-samples/gb-frontend:v5',
      '+        - image: gcr.io/google-samples/gb-frontend:v6',
    ]);
    const drift = await engine.activities.detectDrift(plan);
    assert.deepEqual(
      drift.changes.map((c) => `${c.action} ${c.kind}/${c.name}`),
      ['configured Deployment/guestbook-ui'],
    );

    const outcome = await engine.sync(plan);
    assert.equal(outcome.health.health, 'Healthy', outcome.health.message);
    assert.deepEqual(
      outcome.steps
        .flatMap((s) => s.changes)
        .filter((c) => c.action !== 'unchanged')
        .map((c) => `${c.action} ${c.kind}/${c.name}`),
      ['configured Deployment/guestbook-ui'],
    );
    assert.equal(await imageIn(namespace), 'gcr.io/google-samples/gb-frontend:v6');
    assert.equal((await engine.activities.diffApplication(plan)).summary.update, 0);
  });

  it('deleting a file prunes exactly its objects and nothing unowned in the namespace', async () => {
    assert.deepEqual(await namesIn(namespace), [
      'ConfigMap/not-ours',
      'Deployment/guestbook-ui',
      'Service/guestbook-ui',
    ]);
    repo.change({ 'guestbook/guestbook-ui-svc.yaml': undefined }, 'drop the service');
    const plan = await engine.render(repo, {
      app,
      path: 'guestbook',
      namespace,
      syncOptions: ['CreateNamespace=true'],
    });

    const diff = await engine.activities.diffApplication(plan);
    assert.deepEqual(diff.summary, { create: 0, update: 0, delete: 1, unchanged: 1 });
    const outcome = await engine.sync(plan);
    assert.deepEqual(
      outcome.pruned.changes.map((c) => `${c.action} ${c.kind}/${c.name}`),
      ['deleted Service/guestbook-ui'],
    );
    // Pruning deletes in the foreground: the Service goes once the garbage collector has deleted
    // its EndpointSlices, which under load takes a moment after the sync.
    const left = await waitFor(
      'the pruned Service to be gone',
      async () => {
        const names = await namesIn(namespace);
        return names.includes('Service/guestbook-ui') ? undefined : names;
      },
      { timeoutMs: 30_000 },
    );
    assert.deepEqual(left, ['ConfigMap/not-ours', 'Deployment/guestbook-ui']);
  });

  it('invalid YAML in one file applies nothing and the error names the file', async () => {
    const before = await writeMarks(namespace);
    const text = readFileSync(join(repo.work, deployment), 'utf8');
    const image = await imageIn(namespace);
    repo.change(
      {
        [deployment]: text.replace(/gb-frontend:v\d+/, 'gb-frontend:v7'),
        'guestbook/broken.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\ndata: [unclosed\n',
      },
      'broken file',
    );
    // The whole sync, as the workflow runs it: render, dry-run, apply, prune, wait.
    await assert.rejects(
      engine.deploy(repo, { app, path: 'guestbook', namespace, syncOptions: ['CreateNamespace=true'] }),
      (err: Error) => {
        assert.match(err.message, /broken\.yaml/);
        return true;
      },
    );
    assert.deepEqual(await writeMarks(namespace), before, 'no object in the namespace was written');
    assert.equal(await imageIn(namespace), image);
  });
});
