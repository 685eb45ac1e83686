/**
 * What a drift check costs the API server after a sync, through the sync engine's activities (no
 * Temporal), with the guestbook example: the sync's own answers serve as the check's predictions,
 * so only an object someone wrote since (the Deployment, whose status its controller updates) is
 * dry-run again, and a second check with nothing changed makes no dry run at all.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Engine, TestRepo } from './engine-harness.js';
import type { PlanInput } from '../../contract/activities.js';
import { SHARED_EXAMPLES, sharedExamplesMissing } from '../support/requirements.js';
import { kubectl, uniqueSuffix } from '../support/stack.js';

describe('drift checks after a sync', { skip: sharedExamplesMissing() }, () => {
  let engine: Engine;
  let repo: TestRepo;
  let namespace: string;
  let plan: PlanInput;
  const applies: number[] = [];
  let counting = false;

  before(async () => {
    const suffix = uniqueSuffix();
    namespace = `eng-dry-${suffix}`;
    repo = TestRepo.create({ guestbook: join(SHARED_EXAMPLES, 'guestbook') });
    engine = await Engine.open({
      onRequest: (verb) => {
        if (counting && verb === 'apply') applies.push(1);
      },
    });
    plan = await engine.render(repo, {
      app: `dry-${suffix}`,
      path: 'guestbook',
      namespace,
      syncOptions: ['CreateNamespace=true'],
    });
    const outcome = await engine.sync(plan);
    assert.equal(outcome.health.health, 'Healthy', outcome.health.message);
  });
  after(async () => {
    engine?.close();
    repo?.remove();
    if (namespace) await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
  });

  async function dryRunsOfACheck(): Promise<number> {
    applies.length = 0;
    counting = true;
    try {
      const drift = await engine.activities.detectDrift(plan);
      assert.equal(drift.drifted, false, JSON.stringify(drift.changes));
      return applies.length;
    } finally {
      counting = false;
    }
  }

  it('dry-runs only what was written since the sync, then nothing', async () => {
    // The Service is as the sync left it; the Deployment's controller has written its status.
    assert.ok((await dryRunsOfACheck()) <= 1, 'at most the Deployment is dry-run again');
    assert.equal(await dryRunsOfACheck(), 0, 'nothing changed: no dry run at all');
  });

  it('dry-runs again an object someone edited, and reports the edit', async () => {
    await kubectl(['label', 'service', 'guestbook-ui', '-n', namespace, 'edited=by-hand']);
    applies.length = 0;
    counting = true;
    try {
      const drift = await engine.activities.detectDrift(plan);
      assert.equal(applies.length, 1, 'the edited Service only');
      assert.equal(drift.drifted, false, 'a label the manifest does not set is not drift');
    } finally {
      counting = false;
    }
  });

  it('reports an edit to a field the manifest sets after checks that found everything unchanged', async () => {
    assert.equal((await engine.activities.detectDrift(plan)).drifted, false);
    await kubectl([
      'patch',
      'service',
      'guestbook-ui',
      '-n',
      namespace,
      '--type=merge',
      '-p',
      '{"spec":{"selector":{"app":"someone-else"}}}',
    ]);
    const drift = await engine.activities.detectDrift(plan);
    assert.equal(drift.drifted, true, 'the selector the manifest sets was changed by hand');
    assert.deepEqual(
      drift.changes.map((c) => `${c.kind}/${c.name}`),
      ['Service/guestbook-ui'],
    );
  });
});
