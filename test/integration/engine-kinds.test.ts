/**
 * The common kinds through the sync engine's activities (no Temporal): no false drift right after
 * an apply (Deployment, Service, ConfigMap, StatefulSet, Job, Secret, a CRD and its custom
 * resource), ignoreDifferences JSON pointers, and Secret values masked in diffs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { diffDir, readStoredDiff } from '../../activities/cluster/diff-store.js';
import type { PlanInput } from '../../contract/activities.js';
import { Engine, fixturesDir, TestRepo } from './engine-harness.js';
import { kubectl, uniqueSuffix } from '../support/stack.js';

describe('common kinds on the real stack', () => {
  const suffix = uniqueSuffix();
  const namespace = `eng-kinds-${suffix}`;
  const app = `kinds-${suffix}`;
  const crd = `widgets.e${suffix}.engine.mooring.dev`;
  let engine: Engine;
  let repo: TestRepo;
  let plan: PlanInput;

  before(async () => {
    repo = TestRepo.create({ kinds: join(fixturesDir, 'kinds') }, { SUFFIX: `e${suffix}` });
    engine = await Engine.open();
  });
  after(async () => {
    engine?.close();
    repo?.remove();
    await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
    await kubectl(['delete', 'crd', crd, '--wait=false', '--ignore-not-found']);
  });

  it('applies every kind (the CRD Established before its custom resource) and becomes Healthy', async () => {
    const outcome = await engine.deploy(repo, {
      app,
      path: 'kinds',
      namespace,
      syncOptions: ['CreateNamespace=true'],
    });
    assert.equal(outcome.health.health, 'Healthy', outcome.health.message);
    plan = outcome.plan;
    const created = outcome.steps
      .flatMap((s) => s.changes)
      .filter((c) => c.action === 'created')
      .map((c) => `${c.kind}/${c.name}`);
    for (const name of [
      'ConfigMap/settings',
      'Deployment/web',
      'Service/web',
      'Service/db',
      'StatefulSet/db',
      'Job/seed',
      'Secret/credentials',
      `CustomResourceDefinition/${crd}`,
      'Widget/blue',
    ]) {
      assert.ok(created.includes(name), `${name} was created (created: ${created.join(', ')})`);
    }
    assert.ok(created.indexOf(`CustomResourceDefinition/${crd}`) < created.indexOf('Widget/blue'));
    const size = await kubectl([
      'get',
      `widget.e${suffix}.engine.mooring.dev`,
      'blue',
      '-n',
      namespace,
      '-o',
      'jsonpath={.spec.size}',
    ]);
    assert.equal(size, '1', 'the CRD schema default is set on the custom resource');
  });

  it('shows no drift right after the apply, for every kind', async () => {
    const diff = await engine.activities.diffApplication(plan);
    const stored = await readStoredDiff(diff.diffKey, diffDir(engine.store.dir));
    assert.deepEqual(
      stored?.objects.map((o) => `${o.action} ${o.kind}/${o.name}\n${o.diff}`),
      [],
    );
    assert.deepEqual(diff.summary, { create: 0, update: 0, delete: 0, unchanged: 9 });
    const drift = await engine.activities.detectDrift(plan);
    assert.equal(drift.drifted, false);
    assert.equal(drift.health, 'Healthy');
  });

  it('ignores a difference at a JSON pointer of ignoreDifferences, and only there', async () => {
    await kubectl(['scale', 'deployment', 'web', '-n', namespace, '--replicas=5']);
    const drift = await engine.activities.detectDrift(plan);
    assert.deepEqual(
      drift.changes.map((c) => `${c.action} ${c.kind}/${c.name}`),
      ['configured Deployment/web'],
    );

    const ignoring = {
      ...plan,
      ignoreDifferences: [{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }],
    };
    assert.equal((await engine.activities.detectDrift(ignoring)).drifted, false);
    assert.deepEqual((await engine.activities.diffApplication(ignoring)).summary, {
      create: 0,
      update: 0,
      delete: 0,
      unchanged: 9,
    });

    await kubectl(['set', 'image', 'deployment/web', '-n', namespace, 'web=nginx:1.28']);
    const edited = await engine.activities.detectDrift(ignoring);
    assert.deepEqual(
      edited.changes.map((c) => `${c.action} ${c.kind}/${c.name}`),
      ['configured Deployment/web'],
      'other fields still count',
    );

    await engine.sync(plan);
    assert.equal(
      (await engine.activities.detectDrift(plan)).drifted,
      false,
      'a sync puts replicas back to Git',
    );
  });

  it('masks Secret values in the diff and in the stored diff file', async () => {
    const file = join(repo.work, 'kinds/secret.yaml');
    repo.change(
      { 'kinds/secret.yaml': readFileSync(file, 'utf8').replace('hunter2-original', 'hunter3-changed') },
      'rotate the password',
    );
    const next = await engine.render(repo, {
      app,
      path: 'kinds',
      namespace,
      syncOptions: ['CreateNamespace=true'],
    });
    const diff = await engine.activities.diffApplication(next);
    assert.deepEqual(diff.summary, { create: 0, update: 1, delete: 0, unchanged: 8 });
    const stored = await readStoredDiff(diff.diffKey, diffDir(engine.store.dir));
    const text = stored?.objects[0]?.diff ?? '';
    assert.match(text, /^-\s+password: \+{8}$/m);
    assert.match(text, /^\+\s+password: \+{9}$/m);
    assert.doesNotMatch(text, /^[-+]\s+username/m, 'an unchanged key is not part of the change');
    const raw = readFileSync(join(diffDir(engine.store.dir), `${diff.diffKey}.json`), 'utf8');
    for (const secret of ['hunter2-original', 'hunter3-changed', 'admin']) {
      assert.ok(
        !raw.includes(secret) && !raw.includes(Buffer.from(secret).toString('base64')),
        `${secret} is not in the stored diff`,
      );
    }
    const drift = await engine.activities.detectDrift(next);
    assert.deepEqual(
      drift.changes.map((c) => `${c.action} ${c.kind}/${c.name}`),
      ['configured Secret/credentials'],
    );
    assert.ok(!JSON.stringify(drift).includes('hunter'));
  });
});
