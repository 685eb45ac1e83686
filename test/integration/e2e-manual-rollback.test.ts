/**
 * End to end on the real stack: an operator rolls back with the real `temporal workflow signal`
 * CLI; the app is pinned to the old revision, which runs live, until `mooring app resume` takes it
 * back to the branch head.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { refreshSignal } from '../../contract/messages.js';
import { applicationWorkflowId } from '../../contract/ids.js';
import { guestbookDeployment, settledAt, startE2e } from '../support/e2e.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';
import { projectRoot, temporalAddress } from '../support/stack.js';

const execFileAsync = promisify(execFile);
const OLD_IMAGE = 'gcr.io/heptio-images/ks-guestbook-demo:0.2';
const NEW_IMAGE = 'gcr.io/heptio-images/ks-guestbook-demo:0.3';

describe('manual rollback by signal', () => {
  let env: E2eEnv;
  let app: E2eApp;
  let first: string;
  let second: string;
  before(async () => {
    env = await startE2e('manual');
    app = await env.createApp('gb-manual');
    first = await app.repo.head();
    await app.waitStatus(`initial sync of ${first}`, settledAt(first));
    second = await app.repo.commit('guestbook 0.3', {
      'guestbook/deployment.yaml': await guestbookDeployment({ image: NEW_IMAGE }),
    });
    await env.client.workflow
      .getHandle(applicationWorkflowId(app.name))
      .signal(refreshSignal, { reason: 'test push' });
    await app.waitStatus(`sync of ${second}`, settledAt(second));
  });
  after(async () => {
    await env?.close();
  });

  test('a rollback signal from the temporal CLI pins the app to history entry 1', async () => {
    await execFileAsync('temporal', [
      'workflow',
      'signal',
      '--address',
      temporalAddress(),
      '--workflow-id',
      applicationWorkflowId(app.name),
      '--name',
      'rollback',
      '--input',
      '{"historyId":1}',
    ]);
    const status = await app.waitStatus(
      `rollback to ${first}`,
      (s) => s.operation === undefined && s.history.at(-1)?.initiatedBy === 'rollback',
    );
    assert.equal(status.pinnedRevision, first);
    assert.equal(status.deployedRevision, first);
    assert.equal(status.history.at(-1)?.outcome, 'Succeeded');
    assert.equal(status.health, 'Healthy');
    assert.equal(status.sync, 'Synced', 'Synced to the pinned revision');
    const live = await app.deployment();
    assert.equal(live.spec.template.spec.containers[0]?.image, OLD_IMAGE);
    assert.equal(live.status?.readyReplicas, 2);
  });

  test('mooring app resume drops the pin and returns to the branch head', async () => {
    const { stdout } = await execFileAsync(join(projectRoot, 'bin/mooring'), [
      '--address',
      temporalAddress(),
      'app',
      'resume',
      app.name,
    ]);
    assert.match(stdout, /auto-sync/);
    const status = await app.waitStatus(`return to ${second}`, settledAt(second));
    assert.equal(status.pinnedRevision, undefined);
    assert.equal(status.history.at(-1)?.revision, second);
    assert.equal(status.history.at(-1)?.initiatedBy, 'auto-sync');
    assert.equal((await app.deployment()).spec.template.spec.containers[0]?.image, NEW_IMAGE);
  });
});
