/**
 * End to end on the real stack: a commit whose PreSync hook Job fails is rolled back to the
 * previous healthy revision (cause: the hook), its failed hook is removed by the HookFailed delete
 * policy, and the new Deployment image never reaches the cluster.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { refreshSignal } from '../../contract/messages.js';
import { applicationWorkflowId } from '../../contract/ids.js';
import { FAILING_PRESYNC_HOOK, guestbookDeployment, settledAt, startE2e } from '../support/e2e.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';
import { kubectl, kubectlJson, requireStages } from '../support/stack.js';

const GOOD_IMAGE = 'gcr.io/heptio-images/ks-guestbook-demo:0.2';
const BAD_IMAGE = 'gcr.io/heptio-images/ks-guestbook-demo:0.3';

interface ReplicaSetList {
  items: { spec: { template: { spec: { containers: { image: string }[] } } } }[];
}

describe('hook failure', () => {
  let env: E2eEnv;
  let app: E2eApp;
  before(async () => {
    await requireStages('mooring-pod-fail');
    env = await startE2e('hookfail');
    app = await env.createApp('gb-hookfail');
    await app.waitStatus('initial sync', settledAt(await app.repo.head()));
  });
  after(async () => {
    await env?.close();
  });

  test('a failing PreSync hook rolls the app back and nothing of the new revision is applied', async () => {
    const good = await app.repo.head();
    const generation = (await app.deployment()).metadata.generation;
    const bad = await app.repo.commit('guestbook 0.3 with a failing migration', {
      'guestbook/deployment.yaml': await guestbookDeployment({ image: BAD_IMAGE }),
      'guestbook/migrate-hook.yaml': FAILING_PRESYNC_HOOK,
    });
    await env.client.workflow
      .getHandle(applicationWorkflowId(app.name))
      .signal(refreshSignal, { sha: bad, reason: 'test push' });
    const status = await app.waitStatus(
      `rollback of ${bad}`,
      (s) => s.history.some((h) => h.revision === bad) && !s.operation,
      120_000,
    );
    const entry = status.history.find((h) => h.revision === bad);
    assert.equal(entry?.outcome, 'RolledBack');
    assert.equal(entry?.rolledBackTo, good);
    assert.match(entry?.message ?? '', /HookFailed: Hook Job\/\S+\/guestbook-migrate failed/);
    assert.deepEqual(status.badRevisions, [bad]);
    assert.equal(status.deployedRevision, good);
    // A rollback would put the good image back too: what proves the new Deployment never reached
    // the cluster is that nothing wrote its spec and no ReplicaSet of the new image ever existed.
    const live = await app.deployment();
    assert.equal(live.spec.template.spec.containers[0]?.image, GOOD_IMAGE);
    assert.equal(live.metadata.generation, generation, 'the PreSync hook failed before the Sync phase');
    const replicaSets = await kubectlJson<ReplicaSetList>(['get', 'replicasets', '-n', app.namespace]);
    assert.deepEqual(
      replicaSets.items.map((rs) => rs.spec.template.spec.containers[0]?.image),
      [GOOD_IMAGE],
      'only the good revision ever rolled out',
    );
    const jobs = await kubectl(['get', 'jobs', '-n', app.namespace, '-o', 'name']);
    assert.equal(jobs.trim(), '', 'HookFailed deleted the failed hook Job');
  });
});
