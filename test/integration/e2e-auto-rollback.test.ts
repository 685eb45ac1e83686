/**
 * End to end on the real stack: a commit whose pods crash-loop is rolled back automatically to the
 * previous healthy revision, recorded as RolledBack, and not deployed again by the next git poll.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { refreshSignal } from '../../contract/messages.js';
import { applicationWorkflowId } from '../../contract/ids.js';
import { guestbookDeployment, settledAt, startE2e } from '../support/e2e.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';
import { requireStages } from '../support/stack.js';
import { waitQuiescent } from '../support/workflow-history.js';

const GOOD_IMAGE = 'gcr.io/heptio-images/ks-guestbook-demo:0.2';

describe('automatic rollback', () => {
  let env: E2eEnv;
  let app: E2eApp;
  let good: string;
  let bad: string;
  before(async () => {
    await requireStages('mooring-pod-crashloop');
    env = await startE2e('rollback');
    app = await env.createApp('gb-rollback');
    good = await app.repo.head();
    await app.waitStatus(`initial sync of ${good}`, settledAt(good));
  });
  after(async () => {
    await env?.close();
  });

  test('a crash-looping commit is rolled back and the previous revision is Healthy', async () => {
    bad = await app.repo.commit('guestbook 0.4 (crashes)', {
      'guestbook/deployment.yaml': await guestbookDeployment({
        image: 'gcr.io/heptio-images/ks-guestbook-demo:0.4',
        simulate: 'crashloop',
        progressDeadlineSeconds: 5,
      }),
    });
    await env.client.workflow
      .getHandle(applicationWorkflowId(app.name))
      .signal(refreshSignal, { reason: 'test push' });
    const status = await app.waitStatus(
      `rollback of ${bad}`,
      (s) => s.operation === undefined && s.history.some((h) => h.revision === bad),
    );
    const entry = status.history.find((h) => h.revision === bad);
    assert.equal(entry?.outcome, 'RolledBack', entry?.message);
    assert.match(entry?.message ?? '', /CrashLoopBackOff/);
    assert.equal(entry?.rolledBackTo, good);
    assert.equal(status.deployedRevision, good);
    assert.equal(status.health, 'Healthy');
    assert.equal(status.sync, 'OutOfSync', 'the branch head is not what runs');
    assert.deepEqual(status.badRevisions, [bad]);

    const live = await app.deployment();
    assert.equal(live.spec.template.spec.containers[0]?.image, GOOD_IMAGE);
    assert.equal(live.spec.template.metadata.labels['mooring.dev/simulate'], undefined);
    assert.equal(live.status?.readyReplicas, 2);
  });

  test('the next git poll and a refresh do not deploy the bad commit again', async () => {
    const before = await app.status();
    const poll = await env.gitPoll();
    assert.deepEqual(poll.errors, []);
    // The task queue is this test's own and serves this one app: the poll must have seen it.
    assert.equal(poll.apps, 1, `git-poll saw ${poll.apps} apps on ${env.taskQueue}`);
    assert.equal(poll.remoteChecks, 1);
    // A webhook would say the same: the branch head is the bad commit.
    await env.client.workflow
      .getHandle(applicationWorkflowId(app.name))
      .signal(refreshSignal, { sha: bad, reason: 'webhook' });
    await env.client.workflow
      .getHandle(applicationWorkflowId(app.name))
      .signal(refreshSignal, { reason: 'test push' });
    await waitQuiescent(env.client, applicationWorkflowId(app.name));

    const after = await app.status();
    assert.equal(after.operation, undefined);
    assert.equal(after.lastOperation?.id, before.lastOperation?.id, 'no new operation started');
    assert.equal(after.history.length, before.history.length);
    assert.equal(after.deployedRevision, good);
    assert.equal((await app.deployment()).spec.template.spec.containers[0]?.image, GOOD_IMAGE);
  });
});
