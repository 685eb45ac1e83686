/**
 * End to end on the real stack: an app registered through the CLI's apply deploys its branch head,
 * and a new commit announced with a `refresh` signal is deployed, Synced and Healthy.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { refreshSignal } from '../../contract/messages.js';
import { applicationWorkflowId } from '../../contract/ids.js';
import { guestbookDeployment, settledAt, startE2e } from '../support/e2e.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';

describe('sync a new commit', () => {
  let env: E2eEnv;
  let app: E2eApp;
  before(async () => {
    env = await startE2e('sync');
    app = await env.createApp('gb-sync');
  });
  after(async () => {
    await env?.close();
  });

  test('the first sync deploys the branch head and becomes Synced and Healthy', async () => {
    const head = await app.repo.head();
    const status = await app.waitStatus(`initial sync of ${head}`, settledAt(head));
    assert.equal(status.history.length, 1);
    assert.equal(status.history[0]?.outcome, 'Succeeded');
    assert.equal(status.history[0]?.initiatedBy, 'auto-sync');
    const live = await app.deployment();
    assert.equal(live.spec.template.spec.containers[0]?.image, 'gcr.io/heptio-images/ks-guestbook-demo:0.2');
    assert.equal(live.status?.readyReplicas, 2);
  });

  test('a new commit and a refresh signal deploy the new SHA', async () => {
    const sha = await app.repo.commit('guestbook 0.3', {
      'guestbook/deployment.yaml': await guestbookDeployment({
        image: 'gcr.io/heptio-images/ks-guestbook-demo:0.3',
      }),
    });
    await env.client.workflow
      .getHandle(applicationWorkflowId(app.name))
      .signal(refreshSignal, { reason: 'test push' });
    const status = await app.waitStatus(`sync of ${sha}`, settledAt(sha));
    assert.equal(status.headRevision, sha);
    const entry = status.history.at(-1);
    assert.equal(entry?.revision, sha);
    assert.equal(entry?.outcome, 'Succeeded');
    const live = await app.deployment();
    assert.equal(live.spec.template.spec.containers[0]?.image, 'gcr.io/heptio-images/ks-guestbook-demo:0.3');
    assert.equal(live.status?.updatedReplicas, 2);
    assert.equal(live.status?.readyReplicas, 2);
  });
});
