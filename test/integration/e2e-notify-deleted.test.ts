/**
 * End to end on the real stack: `mooring app delete` (the CLI as a user runs it) tells the app's
 * `on-deleted` subscribers, through the worker's notification service, to a real HTTP receiver,
 * with who deleted it; an app without such a subscription starts no notification at all.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WorkflowNotFoundError } from '@temporalio/client';
import { deletedNotificationWorkflowId } from '../../contract/ids.js';
import type { NotificationEvent } from '../../core/notify/notification-event.js';
import { setEnv } from '../support/env-vars.js';
import { settledAt, startE2e } from '../support/e2e.js';
import type { E2eEnv } from '../support/e2e.js';
import { projectRoot, temporalAddress } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);

describe('on-deleted notifications', () => {
  let env: E2eEnv;
  let server: Server;
  let tmp: string;
  let restoreEnv = (): void => undefined;
  const received: NotificationEvent[] = [];

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as NotificationEvent);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    tmp = await mkdtemp(join(tmpdir(), 'mooring-e2e-deleted-'));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/mooring`;
    const file = join(tmp, 'notifications.yaml');
    await writeFile(
      file,
      `apiVersion: mooring.dev/v1\nkind: NotificationsConfig\nspec:\n  services:\n    webhook.ops:\n      url: ${url}\n`,
    );
    restoreEnv = setEnv({ MOORING_NOTIFICATIONS_FILE: file });
    env = await startE2e('deleted');
  });
  after(async () => {
    await env?.close();
    server?.closeAllConnections();
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    if (tmp) await rm(tmp, { recursive: true, force: true });
    restoreEnv();
  });

  const deleteApp = (name: string) =>
    run(join(projectRoot, 'bin/mooring'), ['--address', temporalAddress(), 'app', 'delete', name], {
      env: { ...process.env, MOORING_IDENTITY: 'alice' },
    });

  test('tells the subscribers who deleted the app, after its workflow ended', async () => {
    const app = await env.createApp('subscribed', {
      spec: { notifications: { subscriptions: [{ trigger: 'on-deleted', service: 'ops' }] } },
    });
    const head = await app.repo.head();
    await app.waitStatus('first sync', settledAt(head));
    const { stdout } = await deleteApp(app.name);
    assert.match(stdout, /deleted \(objects left in the cluster\)/);
    const event = await waitFor('the on-deleted notification', () =>
      received.find((e) => e.app === app.name && e.trigger === 'on-deleted'),
    );
    assert.equal(event.initiator, 'user:alice');
    assert.equal(event.message, 'objects left in the cluster');
    assert.equal(event.cluster, env.cluster);
    assert.equal(received.filter((e) => e.trigger === 'on-deleted').length, 1, 'delivered once');
  });

  test('starts nothing for an app that no subscription asks it for', async () => {
    const app = await env.createApp('quiet');
    await app.waitStatus('first sync', settledAt(await app.repo.head()));
    await deleteApp(app.name);
    await assert.rejects(
      env.client.workflow.getHandle(deletedNotificationWorkflowId(app.name)).describe(),
      WorkflowNotFoundError,
    );
  });
});
