/**
 * End to end on the real stack: a managed Deployment edited by hand with kubectl is found by the
 * drift scan and restored by self-heal.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DriftScanResult } from '../../contract/workflows.js';
import { settledAt, startE2e } from '../support/e2e.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';
import { kubectl } from '../support/stack.js';

const IMAGE = 'gcr.io/heptio-images/ks-guestbook-demo:0.2';

describe('drift and self-heal', () => {
  let env: E2eEnv;
  let app: E2eApp;
  let head: string;
  before(async () => {
    env = await startE2e('heal');
    app = await env.createApp('gb-heal');
    head = await app.repo.head();
    await app.waitStatus(`initial sync of ${head}`, settledAt(head));
  });
  after(async () => {
    await env?.close();
  });

  test('a scaled and re-imaged Deployment is detected and restored', async () => {
    await kubectl(['scale', 'deployment/guestbook-ui', '-n', app.namespace, '--replicas=4']);
    await kubectl([
      'set',
      'image',
      'deployment/guestbook-ui',
      '-n',
      app.namespace,
      'guestbook-ui=registry.example/hand-edited:1',
    ]);

    const scan = (await env.client.workflow.execute('driftScanWorkflow', {
      taskQueue: env.taskQueue,
      workflowId: `drift-scan-${env.suffix}`,
      workflowExecutionTimeout: '2m',
    })) as DriftScanResult;
    assert.deepEqual(scan.errors, []);
    assert.deepEqual(scan.drifted, [app.name]);

    const status = await app.waitStatus(
      'self-heal',
      (s) => s.history.some((h) => h.initiatedBy === 'self-heal') && settledAt(head)(s),
    );
    const heal = status.history.find((h) => h.initiatedBy === 'self-heal');
    assert.equal(heal?.outcome, 'Succeeded');
    assert.equal(heal?.revision, head);

    const live = await app.deployment();
    assert.equal(live.spec.replicas, 2);
    assert.equal(live.spec.template.spec.containers[0]?.image, IMAGE);
  });

  test('a second scan finds nothing to do', async () => {
    const scan = (await env.client.workflow.execute('driftScanWorkflow', {
      taskQueue: env.taskQueue,
      workflowId: `drift-scan-${env.suffix}-2`,
      workflowExecutionTimeout: '2m',
    })) as DriftScanResult;
    assert.deepEqual(scan.errors, []);
    assert.deepEqual(scan.drifted, []);
  });
});
