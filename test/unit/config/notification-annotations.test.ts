import assert from 'node:assert/strict';
import { test } from 'node:test';
import { subscriptionsFromAnnotations } from '../../../config/notification-annotations.js';
import { parseApplications } from '../../../config/parse-application.js';
import { SpecError } from '../../../config/spec-error.js';

const P = 'notifications.argoproj.io/subscribe.';

test('subscriptionsFromAnnotations reads subscribe.<trigger>.<service> with ";"-separated recipients', () => {
  const { subscriptions, problems } = subscriptionsFromAnnotations({
    [`${P}on-sync-succeeded.slack`]: 'my-channel1; my-channel2;',
    [`${P}on-sync-failed.ops-hook`]: '',
    'argocd.argoproj.io/sync-wave': '1',
  });
  assert.deepEqual(subscriptions, [
    { trigger: 'on-sync-succeeded', service: 'slack', recipients: ['my-channel1', 'my-channel2'] },
    { trigger: 'on-sync-failed', service: 'ops-hook', recipients: [] },
  ]);
  assert.deepEqual(problems, []);
});

test('subscriptionsFromAnnotations expands subscribe.<service> to the default triggers', () => {
  const { subscriptions } = subscriptionsFromAnnotations({ [`${P}slack`]: 'alerts' });
  assert.deepEqual(
    subscriptions.map((s) => s.trigger),
    ['on-sync-succeeded', 'on-sync-failed', 'on-rolled-back', 'on-health-degraded'],
  );
  assert.ok(subscriptions.every((s) => s.service === 'slack' && s.recipients[0] === 'alerts'));
});

test('subscriptionsFromAnnotations reports what it does not understand and keeps the rest', () => {
  const { subscriptions, problems } = subscriptionsFromAnnotations({
    [`${P}on-sync-running.slack`]: 'a',
    [`${P}on-deployed.slack.extra`]: 'a',
    [`${P}on-deployed.sl@ck`]: 'a',
    [`${P}on-deployed.slack`]: 'bad channel',
    'notifications.argoproj.io/subscriptions': '- trigger: [on-sync-failed]',
    [`${P}on-health-degraded.slack`]: 'ops',
  });
  assert.deepEqual(subscriptions, [{ trigger: 'on-health-degraded', service: 'slack', recipients: ['ops'] }]);
  assert.deepEqual(
    problems.map((p) => [p.annotation, p.problem.replace(/ \(.*\)/, '')]),
    [
      [`${P}on-sync-running.slack`, 'trigger "on-sync-running" is not fired by Mooring; ignored'],
      [
        `${P}on-deployed.slack.extra`,
        'must be subscribe.<trigger>.<service> or subscribe.<service>; ignored',
      ],
      [`${P}on-deployed.sl@ck`, '"sl@ck" is not a service name; ignored'],
      [`${P}on-deployed.slack`, 'recipient "bad channel" holds blanks or control characters; ignored'],
      [
        'notifications.argoproj.io/subscriptions',
        'the YAML form of subscriptions is not supported by Mooring: write one notifications.argoproj.io/subscribe.<trigger>.<service> annotation per subscription; ignored',
      ],
    ],
  );
});

const ARGO_APP = (annotations: string): string => `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: guestbook
  annotations:
${annotations}spec:
  source: {repoURL: https://example.com/apps.git, path: guestbook}
  destination: {server: https://kubernetes.default.svc, namespace: guestbook}
`;

test('an imported Argo CD Application carries its subscriptions; a bad annotation is a warning at its line', () => {
  const { apps, warnings } = parseApplications(
    ARGO_APP(
      `    notifications.argoproj.io/subscribe.on-sync-succeeded.slack: my-channel\n    notifications.argoproj.io/subscribe.on-sync-running.slack: x\n    team: web\n`,
    ),
    'guestbook.yaml',
  );
  assert.deepEqual(apps[0]?.notifications, {
    subscriptions: [{ trigger: 'on-sync-succeeded', service: 'slack', recipients: ['my-channel'] }],
  });
  assert.deepEqual(
    warnings.map((w) => [w.line, w.field]),
    [[7, 'metadata.annotations.notifications.argoproj.io/subscribe.on-sync-running.slack']],
  );
});

test('an Application without subscriptions has no notifications field', () => {
  const { apps, warnings } = parseApplications(ARGO_APP('    team: web\n'), 'guestbook.yaml');
  assert.equal(apps[0]?.notifications, undefined);
  assert.deepEqual(warnings, []);
  const native = parseApplications(
    'apiVersion: mooring.dev/v1\nkind: Application\nmetadata: {name: web}\nspec:\n  source: {repoURL: https://example.com/a.git, path: web}\n  destination: {namespace: web}\n',
    'web.yaml',
  );
  assert.equal('notifications' in (native.apps[0] ?? {}), false);
});

const NATIVE = (notifications: string): string => `apiVersion: mooring.dev/v1
kind: Application
metadata: {name: web}
spec:
  source: {repoURL: https://example.com/a.git, path: web}
  destination: {namespace: web}
  notifications:
${notifications}`;

test('a native Application sets spec.notifications.subscriptions; recipients default to none', () => {
  const { apps } = parseApplications(
    NATIVE(
      '    subscriptions:\n      - {trigger: on-rolled-back, service: slack, recipients: [ops]}\n      - {trigger: on-drift-detected, service: ops-hook}\n',
    ),
    'web.yaml',
  );
  assert.deepEqual(apps[0]?.notifications?.subscriptions, [
    { trigger: 'on-rolled-back', service: 'slack', recipients: ['ops'] },
    { trigger: 'on-drift-detected', service: 'ops-hook', recipients: [] },
  ]);
});

test('a native subscription naming an unknown trigger or a URL as service is refused at its field', () => {
  const cases: [string, string, RegExp][] = [
    [
      '      - {trigger: on-sync-running, service: slack}\n',
      'spec.notifications.subscriptions[0].trigger',
      /must be one of "on-sync-succeeded"/,
    ],
    [
      '      - {trigger: on-sync-failed, service: "https://evil.example.com/x"}\n',
      'spec.notifications.subscriptions[0].service',
      /must be a service name/,
    ],
    [
      '      - {trigger: on-sync-failed, service: slack, url: "https://evil.example.com"}\n',
      'spec.notifications.subscriptions[0].url',
      /unknown field/,
    ],
  ];
  for (const [items, field, problem] of cases) {
    try {
      parseApplications(NATIVE(`    subscriptions:\n${items}`), 'web.yaml');
      assert.fail(`accepted ${items}`);
    } catch (err) {
      assert.ok(err instanceof SpecError, String(err));
      assert.equal(err.field, field);
      assert.match(err.problem, problem);
    }
  }
});
