/**
 * The Argo CD example apps through the sync engine's activities (no Temporal): each renders,
 * applies, becomes Healthy, and a diff right after shows nothing to change. Nothing here plays a
 * controller: Pods become Ready and Ingresses get an address through the stack's kwok stages.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Engine, TestRepo } from './engine-harness.js';
import { SHARED_EXAMPLES, sharedExamplesMissing } from '../support/requirements.js';
import { kubectl, uniqueSuffix } from '../support/stack.js';
import { join } from 'node:path';

const EXAMPLES = [
  'guestbook',
  'kustomize-guestbook',
  'helm-guestbook',
  'sock-shop',
  'sync-waves',
  'pre-post-sync',
];

describe('Argo CD example apps on the real stack', { skip: sharedExamplesMissing() }, () => {
  let engine: Engine;
  let repo: TestRepo;
  const namespaces: string[] = [];

  before(async () => {
    repo = TestRepo.create(Object.fromEntries(EXAMPLES.map((name) => [name, join(SHARED_EXAMPLES, name)])));
    engine = await Engine.open();
  });
  after(async () => {
    engine?.close();
    repo?.remove();
    for (const ns of namespaces)
      await kubectl(['delete', 'namespace', ns, '--wait=false', '--ignore-not-found']);
  });

  for (const example of EXAMPLES) {
    it(`${example} renders, applies, becomes Healthy, and a diff right after is empty`, async () => {
      const suffix = uniqueSuffix();
      const namespace = `eng-${example}-${suffix}`.slice(0, 63);
      namespaces.push(namespace);
      const app = `ex-${example}-${suffix}`;
      // sock-shop's Ingress becomes Healthy through the kwok stage scripts/stages/ingress-load-balancer.yaml.
      const outcome = await engine.deploy(
        repo,
        { app, path: example, namespace, syncOptions: ['CreateNamespace=true'] },
        { timeoutMs: 90_000 },
      );
      assert.equal(outcome.health.health, 'Healthy', outcome.health.message);
      assert.ok(outcome.prepared.changes.created > 0, 'the first sync creates objects');

      const diff = await engine.activities.diffApplication(outcome.plan);
      assert.deepEqual(
        { ...diff.summary, unchanged: 0 },
        { create: 0, update: 0, delete: 0, unchanged: 0 },
        `diff after apply is not empty: ${JSON.stringify(diff.summary)}`,
      );
      assert.ok(diff.summary.unchanged > 0);
      const drift = await engine.activities.detectDrift(outcome.plan);
      assert.deepEqual(drift.changes, []);
      assert.equal(drift.health, 'Healthy');

      const again = await engine.activities.prepareSync(outcome.plan);
      const hooks = again.steps.reduce((n, s) => n + s.hooks, 0);
      assert.equal(again.changes.configured, 0, 'a second sync would change nothing');
      assert.ok(again.changes.created <= hooks, 'a second sync creates nothing but its hooks');
    });
  }
});
