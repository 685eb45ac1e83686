import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseNotificationsConfig } from '../../../config/notifications.js';
import { SpecError } from '../../../config/spec-error.js';
import { templateProblem } from '../../../core/notify/render-notification.js';

const root = join(import.meta.dirname, '..', '..', '..');
const SLACK_URL = 'https://hooks.slack.com/services/T0000/B0000/XXXXXXXXXXXXXXXXXXXXXXXX';
const HMAC = 'k3y-0f-at-least-16-chars';

/** A readText serving files by name from a table; anything else is "not found". */
function files(table: Record<string, string>): (path: string) => string {
  return (path) => {
    const hit = Object.entries(table).find(([name]) => path.endsWith(`/${name}`));
    if (!hit) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
    return hit[1];
  };
}
const SECRETS = files({ 'slack-url': `${SLACK_URL}\n`, 'hmac-key': HMAC, 'token-file': 'Bearer abcdefgh' });

function parse(spec: string, readText = SECRETS) {
  const text = `apiVersion: mooring.dev/v1\nkind: NotificationsConfig\nspec:\n${spec}`;
  return parseNotificationsConfig(text, '/etc/mooring/notifications.yaml', { readText, templateProblem });
}

/** The SpecError thrown by `fn`, with checks that no secret leaked into it. */
function specError(fn: () => unknown): SpecError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SpecError, `expected a SpecError, got ${String(err)}`);
    for (const secret of [SLACK_URL, HMAC, 'abcdefgh']) assert.ok(!err.message.includes(secret), err.message);
    return err;
  }
  assert.fail('expected a SpecError');
}

test('parseNotificationsConfig reads the shipped example with its secret files', () => {
  const file = join(root, 'config', 'examples', 'notifications.yaml');
  const readText = files({ 'slack-webhook-url': SLACK_URL, 'ops-hook-hmac': HMAC });
  const { config, warnings } = parseNotificationsConfig(readFileSync(file, 'utf8'), file, {
    readText,
    templateProblem,
  });
  assert.deepEqual(warnings, []);
  assert.deepEqual(
    config.services.map((s) => [s.type, s.name]),
    [
      ['slack', 'slack'],
      ['webhook', 'ops-hook'],
    ],
  );
  assert.equal(config.triggers['on-sync-failed'], 'app-sync-failed');
});

test('parseNotificationsConfig resolves services, secret files relative to the file, defaults', () => {
  const seen: string[] = [];
  const { config } = parse(
    `  services:
    slack: {urlFile: slack-url, username: mooring}
    slack.alerts: {urlFile: /abs/slack-url}
    webhook.ops:
      url: https://ops.example.com/hook
      hmacSecretFile: hmac-key
      headers: [{name: X-Team, value: platform}, {name: Authorization, valueFile: token-file}]
`,
    (path) => {
      seen.push(path);
      return SECRETS(path);
    },
  );
  assert.deepEqual(seen, [
    '/etc/mooring/slack-url',
    '/abs/slack-url',
    '/etc/mooring/token-file',
    '/etc/mooring/hmac-key',
  ]);
  assert.equal(config.timeoutMs, 10_000);
  assert.deepEqual(config.services[0], {
    type: 'slack',
    name: 'slack',
    url: SLACK_URL,
    username: 'mooring',
    iconEmoji: undefined,
  });
  assert.equal(config.services[1]?.name, 'alerts');
  assert.deepEqual(config.services[2], {
    type: 'webhook',
    name: 'ops',
    url: 'https://ops.example.com/hook',
    hmacSecret: HMAC,
    headers: [
      { name: 'X-Team', value: 'platform', secret: false },
      { name: 'Authorization', value: 'Bearer abcdefgh', secret: true },
    ],
  });
});

test('parseNotificationsConfig refuses a Slack URL written in the file, without quoting it', () => {
  const err = specError(() => parse(`  services:\n    slack: {url: "${SLACK_URL}"}\n`));
  assert.equal(err.field, 'spec.services.slack.url');
  assert.equal(err.line, 5);
  assert.match(err.message, /^\/etc\/mooring\/notifications\.yaml:5: .*credential.*urlFile/);
});

test('parseNotificationsConfig names the file and field of each problem', () => {
  const cases: [string, string, string, RegExp][] = [
    [
      'webhook without a name',
      '  services:\n    webhook: {url: "https://x.example.com"}\n',
      'spec.services.webhook',
      /webhook\.<name>/,
    ],
    [
      'unknown service type',
      '  services:\n    teams.x: {url: "https://x.example.com"}\n',
      'spec.services.teams.x',
      /unknown service/,
    ],
    [
      'unreadable secret file',
      '  services:\n    slack: {urlFile: missing}\n',
      'spec.services.slack.urlFile',
      /cannot read \/etc\/mooring\/missing/,
    ],
    [
      'a file that holds no URL',
      '  services:\n    slack: {urlFile: hmac-key}\n',
      'spec.services.slack.urlFile',
      /does not hold an http or https URL/,
    ],
    [
      'url and urlFile both',
      '  services:\n    webhook.a: {url: "https://x.example.com", urlFile: slack-url}\n',
      'spec.services.webhook.a',
      /exactly one of "url" and "urlFile"/,
    ],
    [
      'a token in an inline URL',
      '  services:\n    webhook.a: {url: "https://x.example.com/?token=abcdefgh"}\n',
      'spec.services.webhook.a.url',
      /credentials.*urlFile/,
    ],
    [
      'an ftp URL',
      '  services:\n    webhook.a: {url: "ftp://x.example.com"}\n',
      'spec.services.webhook.a.url',
      /http or https URL: current value is "ftp:\/\/x\.example\.com"/,
    ],
    [
      'a short HMAC key',
      '  services:\n    webhook.a: {url: "https://x.example.com", hmacSecretFile: token-file}\n',
      'spec.services.webhook.a.hmacSecretFile',
      /shorter than 16/,
    ],
    [
      'an unknown field of a service',
      '  services:\n    slack: {urlFile: slack-url, channel: x}\n',
      'spec.services.slack.channel',
      /unknown field/,
    ],
    [
      'a duplicate service name',
      '  services:\n    slack: {urlFile: slack-url}\n    webhook.slack: {url: "https://x.example.com"}\n',
      'spec.services.webhook.slack',
      /second time/,
    ],
    [
      'a trigger Mooring does not fire',
      '  triggers:\n    on-sync-running: {template: x}\n',
      'spec.triggers.on-sync-running',
      /unknown field/,
    ],
    [
      'a trigger naming no template',
      '  triggers:\n    on-sync-failed: {template: nope}\n',
      'spec.triggers.on-sync-failed.template',
      /names no template/,
    ],
    [
      'a template with an if block',
      '  templates:\n    t: {message: "{{if .app}}x{{end}}"}\n',
      'spec.templates.t',
      /cannot be rendered.*"if" blocks/,
    ],
    [
      'a template with an unknown function',
      '  templates:\n    t: {message: "{{.app.metadata.name | toJson}}"}\n',
      'spec.templates.t',
      /unsupported function "toJson"/,
    ],
    [
      'a template field that does not exist',
      '  templates:\n    t: {message: "{{.app.spec.project}}"}\n',
      'spec.templates.t',
      /has no value/,
    ],
    ['a timeout over 25s', '  timeout: 1m\n', 'spec.timeout', /from "100ms" to "25s"/],
  ];
  for (const [name, spec, field, problem] of cases) {
    const err = specError(() => parse(spec));
    assert.equal(err.field, field, name);
    assert.match(err.problem, problem, name);
    assert.ok(err.message.startsWith('/etc/mooring/notifications.yaml:'), name);
  }
});

test('parseNotificationsConfig refuses a second document and a wrong kind', () => {
  const base = 'apiVersion: mooring.dev/v1\nkind: NotificationsConfig\nspec: {}\n';
  assert.throws(
    () => parseNotificationsConfig(`${base}---\n${base}`, 'n.yaml', { readText: SECRETS }),
    /n\.yaml:5: .*one NotificationsConfig/,
  );
  assert.throws(
    () =>
      parseNotificationsConfig('apiVersion: mooring.dev/v1\nkind: Project\nspec: {}\n', 'n.yaml', {
        readText: SECRETS,
      }),
    /n\.yaml:2: .*kind: must be "NotificationsConfig"/,
  );
});

test('parseNotificationsConfig warns about a webhook over plain http, except on loopback', () => {
  const { warnings } = parse(
    '  services:\n    webhook.a: {url: "http://ops.example.com/x"}\n    webhook.b: {url: "http://127.0.0.1:8080/x"}\n',
  );
  assert.deepEqual(
    warnings.map((w) => [w.field, w.problem]),
    [['spec.services.webhook.a', 'posts over plain http: the body and signature travel unencrypted']],
  );
});
