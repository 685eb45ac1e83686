import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NotificationEvent } from '../../../../core/notify/notification-event.js';
import { renderNotification } from '../../../../core/notify/render-notification.js';
import { scrubEvent } from '../../../../core/notify/scrub-event.js';
import { slackEscape, slackPayload } from '../../../../core/notify/slack-payload.js';
import { webhookPayload } from '../../../../core/notify/webhook-payload.js';

const event: NotificationEvent = {
  app: 'guestbook',
  trigger: 'on-sync-failed',
  time: '2026-03-01T10:00:00.000Z',
  revision: '3f2a9c1d0e4b5a6978877665544332211000aabb',
  phase: 'Failed',
  message: 'Job/guestbook/migrate <failed> & stopped',
  health: 'Degraded',
  initiator: 'webhook:github:octocat',
  cluster: 'prod',
  namespace: 'guestbook',
};

test('slackPayload sets text, channel, identity and a red attachment with the event fields', () => {
  const rendered = renderNotification(event, undefined, { escape: slackEscape });
  const payload = slackPayload(rendered, event, {
    channel: 'ops',
    username: 'mooring',
    iconEmoji: ':anchor:',
  });
  assert.equal(
    payload.text,
    '*guestbook sync failed*\nSync of application guestbook to revision 3f2a9c1 failed: Job/guestbook/migrate &lt;failed&gt; &amp; stopped. Initiated by webhook:github:octocat.',
  );
  assert.equal(payload.channel, 'ops');
  assert.equal(payload.username, 'mooring');
  assert.equal(payload.icon_emoji, ':anchor:');
  assert.equal(payload.attachments[0]?.color, '#e96d76');
  assert.deepEqual(
    payload.attachments[0]?.fields.map((f) => `${f.title}=${f.value}`),
    [
      'Application=guestbook',
      'Revision=3f2a9c1',
      'Health=Degraded',
      'Phase=Failed',
      'Initiator=webhook:github:octocat',
      'Destination=prod/guestbook',
    ],
  );
});

test('slackPayload leaves channel and identity out when not given', () => {
  const payload = slackPayload(
    renderNotification({ ...event, trigger: 'on-sync-succeeded' }, undefined),
    event,
  );
  assert.deepEqual(Object.keys(payload).sort(), ['attachments', 'text']);
  assert.equal(slackPayload({ title: '', text: 'plain' }, event).text, 'plain');
});

test('webhookPayload is the versioned JSON shape with the delivery id and rendered text', () => {
  const rendered = renderNotification(event, undefined);
  const body = webhookPayload(event, rendered, {
    deliveryId: 'app/guestbook/run/5',
    service: 'ops',
    recipient: 'team-a',
  });
  assert.deepEqual(body, {
    schemaVersion: 1,
    id: 'app/guestbook/run/5',
    service: 'ops',
    recipient: 'team-a',
    ...event,
    title: 'guestbook sync failed',
    text: rendered.text,
  });
  assert.equal('recipient' in webhookPayload(event, rendered, { deliveryId: 'x', service: 'ops' }), false);
});

test('scrubEvent masks credentials in every text field and bounds the message', () => {
  const scrubbed = scrubEvent(
    {
      ...event,
      repoURL: 'https://user:p4ssw0rd@git.example.com/a.git?private_token=abc123',
      message: `failed with key Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA== ${'y'.repeat(3000)}`,
      initiator: 'user:the-secret-value',
    },
    ['the-secret-value'],
  );
  assert.equal(scrubbed.repoURL, 'https://git.example.com/a.git?private_token=***');
  assert.ok(!scrubbed.message?.includes('Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MA=='));
  assert.equal(scrubbed.message?.length, 2000);
  assert.equal(scrubbed.initiator, 'user:***');
  assert.equal(scrubbed.revision, event.revision);
});
