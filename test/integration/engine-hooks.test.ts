/**
 * Sync hooks through the sync engine's activities (no Temporal): PreSync hooks complete before the
 * app's objects apply, PostSync after; delete policies decide which hook Jobs remain; hooks are
 * neither drift nor prune candidates. Hook Jobs complete on kwok through its `pod-complete` stage.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Engine, fixturesDir, TestRepo } from './engine-harness.js';
import { kubectl, kubectlJson, uniqueSuffix } from '../support/stack.js';

interface JobList {
  items: { metadata: { name: string; uid: string }; status?: { succeeded?: number } }[];
}

async function jobsIn(namespace: string): Promise<JobList['items']> {
  return (await kubectlJson<JobList>(['get', 'jobs', '-n', namespace])).items;
}

describe('sync hooks on the real stack', () => {
  const suffix = uniqueSuffix();
  const namespace = `eng-hooks-${suffix}`;
  const app = `hooks-${suffix}`;
  let engine: Engine;
  let repo: TestRepo;

  before(async () => {
    repo = TestRepo.create({ hooks: join(fixturesDir, 'hooks') });
    engine = await Engine.open();
  });
  after(async () => {
    engine?.close();
    repo?.remove();
    await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
  });

  it('runs PreSync hooks before the app and PostSync hooks after it, honouring delete policies', async () => {
    const outcome = await engine.deploy(repo, {
      app,
      path: 'hooks',
      namespace,
      syncOptions: ['CreateNamespace=true'],
    });
    assert.equal(outcome.health.health, 'Healthy', outcome.health.message);
    assert.deepEqual(
      outcome.prepared.steps.map((s) => `${s.phase}/${s.wave}: ${s.objects} objects, ${s.hooks} hooks`),
      [
        'PreSync/0: 1 objects, 2 hooks', // CreateNamespace's namespace goes first, so the hooks can run in it
        'Sync/0: 1 objects, 0 hooks',
        'PostSync/0: 0 objects, 1 hooks',
      ],
    );
    const [pre, sync, post] = outcome.steps.map((s) =>
      s.changes.map((c) => `${c.action} ${c.kind}/${c.name}`).sort(),
    );
    assert.equal(pre?.length, 3);
    assert.match(
      pre?.[0] ?? '',
      /^created Job\/backup-[a-z0-9]{5}$/,
      'a generateName hook gets a name from the server',
    );
    assert.deepEqual(pre?.slice(1), ['created Job/migrate', `created Namespace/${namespace}`]);
    assert.deepEqual(sync, ['created ConfigMap/app-config']);
    assert.deepEqual(post, ['created Job/smoke-test']);

    const jobs = await jobsIn(namespace);
    const names = jobs.map((j) => j.metadata.name).sort();
    assert.equal(names.length, 2, `jobs left: ${names.join(', ')}`);
    assert.match(names[0] ?? '', /^backup-/, 'BeforeHookCreation (the default) keeps a completed hook');
    assert.equal(names[1], 'smoke-test');
    assert.ok(
      jobs.every((j) => j.status?.succeeded === 1),
      'kwok completes hook Jobs',
    );
    assert.ok(!names.includes('migrate'), 'HookSucceeded deletes the hook once it succeeded');

    const diff = await engine.activities.diffApplication(outcome.plan);
    assert.deepEqual(
      diff.summary,
      { create: 0, update: 0, delete: 0, unchanged: 1 },
      'hooks are not part of the diff',
    );
    assert.equal((await engine.activities.detectDrift(outcome.plan)).drifted, false);
  });

  it('runs the hooks again on the next sync: BeforeHookCreation replaces the old hook', async () => {
    const before = new Map((await jobsIn(namespace)).map((j) => [j.metadata.name, j.metadata.uid]));
    const plan = await engine.render(repo, {
      app,
      path: 'hooks',
      namespace,
      syncOptions: ['CreateNamespace=true'],
    });
    const outcome = await engine.sync(plan);
    assert.equal(outcome.health.health, 'Healthy', outcome.health.message);
    assert.deepEqual(outcome.pruned.changes, [], 'hooks are never pruned');
    const after = await jobsIn(namespace);
    const smoke = after.find((j) => j.metadata.name === 'smoke-test');
    assert.ok(
      smoke && smoke.metadata.uid !== before.get('smoke-test'),
      'smoke-test was deleted and created again',
    );
    assert.equal(
      after.filter((j) => j.metadata.name.startsWith('backup-')).length,
      2,
      'generateName hooks are created anew each time',
    );
    assert.ok(!after.some((j) => j.metadata.name === 'migrate'));
  });
});
