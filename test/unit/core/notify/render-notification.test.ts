import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NOTIFICATION_TRIGGERS } from '../../../../config/notifications-types.js';
import { DEFAULT_TEMPLATES } from '../../../../core/notify/default-templates.js';
import type { NotificationEvent } from '../../../../core/notify/notification-event.js';
import { renderNotification, templateProblem } from '../../../../core/notify/render-notification.js';
import { slackEscape } from '../../../../core/notify/slack-payload.js';

const REV = '3f2a9c1d0e4b5a6978877665544332211000aabb';
const PREV = '1111111aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const event: NotificationEvent = {
  app: 'guestbook',
  trigger: 'on-rolled-back',
  time: '2026-03-01T10:00:00.000Z',
  revision: REV,
  previousRevision: PREV,
  phase: 'Failed',
  message: 'Deployment/guestbook/web: ProgressDeadlineExceeded',
  health: 'Degraded',
  operationId: 12,
  initiator: 'user:alice',
};

test('renderNotification uses the built-in template of the trigger when none is configured', () => {
  const { title, text, templateError } = renderNotification(event, undefined);
  assert.equal(title, 'guestbook rolled back');
  assert.equal(
    text,
    'Application guestbook: revision 3f2a9c1 failed and was rolled back to 1111111: Deployment/guestbook/web: ProgressDeadlineExceeded. Initiated by user:alice.',
  );
  assert.equal(templateError, undefined);
});

test('every built-in template renders, with or without the optional event fields', () => {
  for (const trigger of NOTIFICATION_TRIGGERS) {
    const bare = renderNotification({ app: 'web', trigger, time: event.time }, undefined);
    assert.match(bare.title, /^web /, trigger);
    assert.ok(!bare.text.includes('{{'), trigger);
    assert.equal(templateProblem(DEFAULT_TEMPLATES[trigger]), undefined, trigger);
  }
  assert.equal(
    renderNotification({ app: 'web', trigger: 'on-sync-failed', time: event.time }, undefined).text,
    'Sync of application web to revision unknown failed: no details. Initiated by unknown.',
  );
});

test('renderNotification renders Argo CD field names of a configured template', () => {
  const { title, text } = renderNotification(event, {
    title: '{{.app.metadata.name | upper}}',
    message:
      '{{.app.status.operationState.phase}} at {{.app.status.sync.revision | trunc 7}} by {{.app.status.operationState.operation.initiatedBy.username}}: {{.app.status.health.status}} (op {{.event.operationId}}){{.context.argocdUrl}}',
  });
  assert.equal(title, 'GUESTBOOK');
  assert.equal(text, 'Failed at 3f2a9c1 by user:alice: Degraded (op 12)');
});

test('renderNotification falls back to the built-in template when a configured one fails, and says why', () => {
  const rendered = renderNotification(event, { title: '', message: '{{index .app "nope"}}' });
  assert.equal(rendered.title, 'guestbook rolled back');
  assert.match(rendered.templateError ?? '', /has no value/);
});

test('renderNotification masks secrets, credentials in URLs and tokens from the event', () => {
  const { text } = renderNotification(
    {
      ...event,
      trigger: 'on-sync-failed',
      message:
        'clone of https://bob:hunter2hunter2@git.example.com/a.git failed; token ghp_AbCdEfGh1234567890IjKlMnOp; key s3cr3t-value-42',
    },
    undefined,
    { secretValues: ['s3cr3t-value-42'] },
  );
  assert.ok(!text.includes('hunter2'), text);
  assert.ok(!text.includes('ghp_AbCdEfGh1234567890IjKlMnOp'), text);
  assert.ok(!text.includes('s3cr3t-value-42'), text);
  assert.match(text, /https:\/\/git\.example\.com\/a\.git/);
});

test('renderNotification escapes event values only, so a template can still write Slack links', () => {
  const { text } = renderNotification(
    { ...event, message: '<!channel> & <https://evil.example.com|click>' },
    { title: '', message: '<https://ui.example.com/{{.app.metadata.name}}|open> {{.event.message}}' },
    { escape: slackEscape },
  );
  assert.equal(
    text,
    '<https://ui.example.com/guestbook|open> &lt;!channel&gt; &amp; &lt;https://evil.example.com|click&gt;',
  );
});

test('renderNotification bounds the length of what it sends', () => {
  const { text } = renderNotification(
    { ...event, trigger: 'on-sync-failed', message: 'x '.repeat(5000) },
    undefined,
  );
  assert.ok(text.length <= 4000, String(text.length));
  assert.ok(text.includes('…'));
});
