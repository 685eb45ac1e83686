/**
 * Notifications delivered for real: the `deliverNotification` activity on a Temporal worker (the
 * local dev server), configured by a notifications file with secret files on disk, posting to a
 * node:http receiver on 127.0.0.1. The receiver checks what a user's receiver would: the JSON body,
 * the HMAC signature, the Slack payload and channel; Temporal retries a 500 (after the receiver's
 * Retry-After, with the same delivery id), not a 404, and a receiver that never answers times out.
 * No failure message or history holds the receiver's URL or key.
 */
import assert from 'node:assert/strict';
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createNotifyActivities } from '../../activities/notify/notify-activities.js';
import type {
  DeliverNotificationInput,
  DeliverNotificationResult,
} from '../../core/notify/notify-activity.js';
import type { NotificationEvent } from '../../core/notify/notification-event.js';
import { loadNotificationsFile } from '../../workers/notifications-file.js';
import { temporalAddress, uniqueSuffix } from '../support/stack.js';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
  at: number;
}
/** What the receiver does for one request to a path: answer, or never answer. */
type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

const HMAC_KEY = randomBytes(32).toString('hex');
const SLACK_PATH = `/services/T0${uniqueSuffix()}/B0${uniqueSuffix()}/${randomBytes(12).toString('hex')}`;
const GONE_PATH = `/services/T1/B1/${randomBytes(12).toString('hex')}`;

const event: NotificationEvent = {
  app: 'guestbook',
  trigger: 'on-sync-failed',
  time: '2026-03-01T10:00:00.000Z',
  revision: '3f2a9c1d0e4b5a6978877665544332211000aabb',
  previousRevision: '1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  phase: 'Failed',
  message: 'Deployment/guestbook/web: ProgressDeadlineExceeded',
  health: 'Degraded',
  operationId: 3,
  initiator: 'user:alice',
};

describe('deliverNotification on a Temporal worker, to a local HTTP receiver', { concurrency: true }, () => {
  const received: Received[] = [];
  const replies = new Map<string, Reply[]>();
  const hanging = new Set<ServerResponse>();
  let server: Server;
  let base: string;
  let dir: string;
  let connection: NativeConnection;
  let clientConnection: Connection;
  let client: Client;
  let worker: Worker;
  let running: Promise<void>;
  const taskQueue = `notify-${uniqueSuffix()}`;

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const path = req.url ?? '';
        received.push({ path, headers: req.headers, body: Buffer.concat(chunks), at: Date.now() });
        const reply = replies.get(path)?.shift() ?? { status: 200, body: 'ok' };
        if (reply === 'hang') {
          hanging.add(res);
          return;
        }
        res.writeHead(reply.status, reply.headers).end(reply.body ?? '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = mkdtempSync(join(tmpdir(), 'mooring-notify-'));
    writeFileSync(join(dir, 'slack-url'), `${base}${SLACK_PATH}\n`);
    writeFileSync(join(dir, 'gone-url'), `${base}${GONE_PATH}\n`);
    writeFileSync(join(dir, 'hmac-key'), HMAC_KEY);
    writeFileSync(
      join(dir, 'notifications.yaml'),
      `apiVersion: mooring.dev/v1
kind: NotificationsConfig
spec:
  timeout: 1s
  services:
    slack: {urlFile: slack-url, username: mooring}
    slack.gone: {urlFile: gone-url}
    webhook.signed: {url: "${base}/signed", hmacSecretFile: hmac-key}
    webhook.flaky: {url: "${base}/flaky"}
    webhook.hang: {url: "${base}/hang"}
`,
    );
    const { config } = loadNotificationsFile(join(dir, 'notifications.yaml'));
    connection = await NativeConnection.connect({ address: temporalAddress() });
    clientConnection = await Connection.connect({ address: temporalAddress() });
    client = new Client({ connection: clientConnection });
    worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: new URL('../support/notify-workflow.ts', import.meta.url).pathname,
      activities: createNotifyActivities({ config }),
    });
    running = worker.run();
  });

  after(async () => {
    worker?.shutdown();
    await running;
    await clientConnection?.close();
    await connection?.close();
    for (const res of hanging) res.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function deliver(input: DeliverNotificationInput, maximumAttempts?: number) {
    const workflowId = `notify-${input.service}-${uniqueSuffix()}`;
    const handle = await client.workflow.start('notifyTestWorkflow', {
      taskQueue,
      workflowId,
      args: maximumAttempts === undefined ? [input] : [input, maximumAttempts],
      workflowExecutionTimeout: '2m',
    });
    return { workflowId, handle };
  }

  /** The ApplicationFailure a failed delivery ends with, and the workflow's whole history as text. */
  async function failure(input: DeliverNotificationInput, maximumAttempts?: number) {
    const { handle } = await deliver(input, maximumAttempts);
    const err = await handle.result().then(
      () => assert.fail('the delivery succeeded'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof WorkflowFailedError, String(err));
    assert.ok(err.cause instanceof ActivityFailure, String(err.cause));
    assert.ok(err.cause.cause instanceof ApplicationFailure, String(err.cause.cause));
    const history = JSON.stringify(await handle.fetchHistory());
    return { failure: err.cause.cause, history };
  }

  function assertNoSecrets(text: string): void {
    for (const secret of [SLACK_PATH, GONE_PATH, HMAC_KEY, base])
      for (const form of [secret, Buffer.from(secret).toString('base64').slice(4, -4)])
        assert.ok(!text.includes(form), `"${secret}" shows in: ${text.slice(0, 500)}`);
  }

  const requestsTo = (path: string): Received[] => received.filter((r) => r.path === path);

  it('posts the JSON body with an HMAC signature the receiver verifies', async () => {
    const result = (await (
      await deliver({ event, service: 'signed', recipient: 'team-a' })
    ).handle.result()) as DeliverNotificationResult;
    const [request] = requestsTo('/signed');
    assert.ok(request);
    assert.equal(request.headers['content-type'], 'application/json');
    const signature = String(request.headers['x-mooring-signature-256']);
    const expected = `sha256=${createHmac('sha256', HMAC_KEY).update(request.body).digest('hex')}`;
    assert.ok(timingSafeEqual(Buffer.from(signature), Buffer.from(expected)), `signature ${signature}`);
    const body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>;
    assert.equal(body.id, request.headers['x-mooring-delivery']);
    assert.equal(body.id, result.deliveryId);
    assert.deepEqual(
      { ...body, id: undefined, text: undefined },
      {
        schemaVersion: 1,
        id: undefined,
        service: 'signed',
        recipient: 'team-a',
        ...event,
        title: 'guestbook sync failed',
        text: undefined,
      },
    );
    assert.match(
      String(body.text),
      /^Sync of application guestbook to revision 3f2a9c1 failed: Deployment\/guestbook\/web/,
    );
    assert.equal(request.headers['x-mooring-event'], 'on-sync-failed');
    assert.deepEqual({ status: result.status, attempt: result.attempt }, { status: 200, attempt: 1 });
  });

  it('posts a Slack payload with the recipient as channel', async () => {
    await (
      await deliver({
        event: { ...event, trigger: 'on-rolled-back' },
        service: 'slack',
        recipient: 'ops-alerts',
      })
    ).handle.result();
    const [request] = requestsTo(SLACK_PATH);
    assert.ok(request);
    assert.equal(request.headers['x-mooring-signature-256'], undefined);
    const body = JSON.parse(request.body.toString('utf8')) as {
      text: string;
      channel: string;
      username: string;
      attachments: { color: string }[];
    };
    assert.equal(body.channel, 'ops-alerts');
    assert.equal(body.username, 'mooring');
    assert.match(
      body.text,
      /^\*guestbook rolled back\*\nApplication guestbook: revision 3f2a9c1 failed and was rolled back to 1111111/,
    );
    assert.equal(body.attachments[0]?.color, '#e96d76');
  });

  it('retries a receiver that answers 500, after its Retry-After, with the same delivery id', async () => {
    replies.set('/flaky', [{ status: 500, headers: { 'retry-after': '2' }, body: 'busy' }, { status: 200 }]);
    const result = (await (
      await deliver({ event, service: 'flaky' })
    ).handle.result()) as DeliverNotificationResult;
    const [first, second, third] = requestsTo('/flaky');
    assert.ok(first && second && !third, 'two requests');
    assert.equal(first.headers['x-mooring-delivery'], second.headers['x-mooring-delivery']);
    assert.ok(second.at - first.at >= 1_900, `the retry came ${second.at - first.at} ms after the 500`);
    assert.deepEqual({ status: result.status, attempt: result.attempt }, { status: 200, attempt: 2 });
  });

  it('fails a 404 at once, quoting the scrubbed answer and neither URL nor key', async () => {
    replies.set(GONE_PATH, [{ status: 404, body: `no_service ${base}${GONE_PATH}` }]);
    const { failure: f, history } = await failure({ event, service: 'gone', recipient: 'ops' });
    assert.equal(f.type, 'NotificationRejected');
    assert.equal(f.nonRetryable, true);
    assert.match(
      f.message,
      /^Notification on-sync-failed of app "guestbook" to service "gone" \(recipient "ops"\) refused by the receiver \(not retried\): HTTP 404: no_service/,
    );
    assert.equal(requestsTo(GONE_PATH).length, 1);
    assertNoSecrets(f.message);
    assertNoSecrets(history);
  });

  it('times out a receiver that never answers, and retries it', async () => {
    replies.set('/hang', ['hang', 'hang']);
    const { failure: f, history } = await failure({ event, service: 'hang' }, 2);
    assert.equal(f.type, 'NotificationFailed');
    assert.match(f.message, /to service "hang" not delivered: no answer within 1000 ms$/);
    assert.equal(requestsTo('/hang').length, 2);
    assertNoSecrets(history);
  });

  it('refuses a service this worker does not have, naming the ones it has', async () => {
    const { failure: f } = await failure({ event, service: 'pagerduty' });
    assert.equal(f.type, 'NotificationServiceUnknown');
    assert.match(
      f.message,
      /^Service "pagerduty" is not configured in this worker's notifications file \(.*notifications\.yaml\): configured services are "slack", "gone", "signed", "flaky", "hang"$/,
    );
    assertNoSecrets(f.message);
  });
});
