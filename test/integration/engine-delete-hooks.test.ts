/**
 * `app delete --cascade` through the engine's activities, in the order cascadeDeleteWorkflow calls
 * them (no Temporal): PreDelete hooks run, and must succeed, before any object is deleted; a
 * failing PreDelete hook leaves every object in place and names the hook; PostDelete hooks run
 * once the deleted objects are gone; `Delete=false` objects stay; a sync never creates delete
 * hooks. Hook Jobs complete (or fail) on kwok through its pod stages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HookFailed } from '../../contract/errors.js';
import type { ChangeEntry } from '../../contract/activities.js';
import { Engine, TestRepo } from './engine-harness.js';
import { kubectl, kubectlJson, requireStages, uniqueSuffix } from '../support/stack.js';

const configMap = (name: string, annotations: Record<string, string> = {}): string =>
  `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  annotations: ${JSON.stringify(annotations)}\ndata:\n  name: ${name}\n`;

/** A hook Job; `fails` makes kwok fail its pod (the mooring-pod-fail stage). */
const hookJob = (
  name: string,
  phase: string,
  options: { fails?: boolean; deletePolicy?: string } = {},
): string =>
  [
    'apiVersion: batch/v1',
    'kind: Job',
    'metadata:',
    `  name: ${name}`,
    '  annotations:',
    `    argocd.argoproj.io/hook: ${phase}`,
    ...(options.deletePolicy ? [`    argocd.argoproj.io/hook-delete-policy: ${options.deletePolicy}`] : []),
    'spec:',
    '  backoffLimit: 0',
    '  template:',
    ...(options.fails ? ['    metadata:', '      labels: {mooring.dev/simulate: fail}'] : []),
    '    spec:',
    '      restartPolicy: Never',
    '      containers: [{name: hook, image: "alpine:3.20", command: ["true"]}]',
    '',
  ].join('\n');

interface Named {
  metadata: { name: string; creationTimestamp?: string };
  status?: { succeeded?: number; failed?: number; completionTime?: string };
}

async function namesOf(kind: string, namespace: string): Promise<string[]> {
  const list = await kubectlJson<{ items: Named[] }>(['get', kind, '-n', namespace]);
  return list.items
    .map((o) => o.metadata.name)
    .filter((n) => n !== 'kube-root-ca.crt')
    .sort();
}

const summary = (changes: readonly ChangeEntry[]): string[] =>
  changes.map((c) => `${c.action} ${c.kind}/${c.name}`).sort();

describe('cascade delete with PreDelete and PostDelete hooks on the real stack', () => {
  const suffix = uniqueSuffix();
  const namespaces: string[] = [];
  let engine: Engine;
  let repo: TestRepo;

  before(async () => {
    await requireStages('mooring-pod-fail');
    repo = TestRepo.create({});
    repo.change(
      {
        'ok/app.yaml': configMap('app-config'),
        'ok/keep.yaml': configMap('keep', { 'argocd.argoproj.io/sync-options': 'Delete=false' }),
        'ok/pre.yaml': hookJob('pre-cleanup', 'PreDelete'),
        'ok/post.yaml': hookJob('post-goodbye', 'PostDelete', { deletePolicy: 'HookSucceeded' }),
        'failing/app.yaml': configMap('app-config'),
        'failing/pre.yaml': hookJob('pre-broken', 'PreDelete', { fails: true }),
        'failing/post.yaml': hookJob('post-never', 'PostDelete'),
      },
      'apps with delete hooks',
    );
    engine = await Engine.open();
  });
  after(async () => {
    engine?.close();
    repo?.remove();
    for (const ns of namespaces)
      await kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
  });

  it('runs PreDelete hooks before deleting, PostDelete hooks after, and keeps Delete=false objects', async () => {
    const app = `delhooks-${suffix}`;
    const namespace = `eng-delhooks-${suffix}`;
    namespaces.push(namespace);
    const outcome = await engine.deploy(repo, {
      app,
      path: 'ok',
      namespace,
      syncOptions: ['CreateNamespace=true'],
    });
    assert.equal(outcome.health.health, 'Healthy', outcome.health.message);
    assert.deepEqual(await namesOf('jobs', namespace), [], 'a sync never creates delete hooks');
    assert.deepEqual(
      outcome.prepared.steps.map((s) => s.hooks),
      [0],
      'delete hooks are no sync step',
    );

    const pre = await engine.activities.runDeleteHooks({ app, phase: 'PreDelete', timeoutMs: 60_000 });
    assert.deepEqual(summary(pre.changes), ['created Job/pre-cleanup']);
    const preJob = await kubectlJson<Named>(['get', 'job', 'pre-cleanup', '-n', namespace]);
    assert.equal(preJob.status?.succeeded, 1, 'the PreDelete hook completed');
    assert.deepEqual(await namesOf('configmaps', namespace), ['app-config', 'keep'], 'nothing deleted yet');

    const deleted = await engine.activities.deleteApplicationResources({ app, propagation: 'foreground' });
    assert.ok(
      summary(deleted.changes).includes('deleted ConfigMap/app-config'),
      summary(deleted.changes).join(),
    );
    assert.ok(
      deleted.changes.some((c) => c.name === 'keep' && c.action === 'skipped' && c.reason === 'Delete=false'),
      'Delete=false is reported as kept',
    );

    const post = await engine.activities.runDeleteHooks({ app, phase: 'PostDelete', timeoutMs: 60_000 });
    assert.deepEqual(summary(post.changes), ['created Job/post-goodbye']);
    assert.deepEqual(await namesOf('configmaps', namespace), ['keep'], 'Delete=false keeps the object');
    const jobs = await namesOf('jobs', namespace);
    assert.deepEqual(
      jobs,
      ['pre-cleanup'],
      'HookSucceeded removed the PostDelete hook; the PreDelete one is kept',
    );
  });

  it('deletes nothing when a PreDelete hook fails, and names the hook', async () => {
    const app = `delfail-${suffix}`;
    const namespace = `eng-delfail-${suffix}`;
    namespaces.push(namespace);
    const outcome = await engine.deploy(repo, {
      app,
      path: 'failing',
      namespace,
      syncOptions: ['CreateNamespace=true'],
    });
    assert.equal(outcome.health.health, 'Healthy', outcome.health.message);

    await assert.rejects(
      engine.activities.runDeleteHooks({ app, phase: 'PreDelete', timeoutMs: 60_000 }),
      (err: unknown) => err instanceof HookFailed && err.message.includes(`Job/${namespace}/pre-broken`),
    );
    // cascadeDeleteWorkflow stops at the failed activity: the objects are all still there.
    assert.deepEqual(await namesOf('configmaps', namespace), ['app-config']);
    assert.deepEqual(await namesOf('jobs', namespace), ['pre-broken'], 'no PostDelete hook ran');
  });
});
