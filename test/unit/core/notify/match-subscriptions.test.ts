import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Subscription } from '../../../../config/notifications-types.js';
import { subscriptionsFromAnnotations } from '../../../../config/notification-annotations.js';
import { firedTriggers, matchSubscriptions } from '../../../../core/notify/match-subscriptions.js';

const sub = (trigger: Subscription['trigger'], service: string, recipients: string[] = []): Subscription => ({
  trigger,
  service,
  recipients,
});

test('matchSubscriptions returns one target per recipient of each subscription of the trigger', () => {
  const subs = [
    sub('on-sync-failed', 'slack', ['a', 'b']),
    sub('on-sync-succeeded', 'slack', ['c']),
    sub('on-sync-failed', 'ops'),
  ];
  assert.deepEqual(matchSubscriptions({ trigger: 'on-sync-failed' }, subs), [
    { service: 'slack', recipient: 'a' },
    { service: 'slack', recipient: 'b' },
    { service: 'ops' },
  ]);
  assert.deepEqual(matchSubscriptions({ trigger: 'on-drift-detected' }, subs), []);
});

test('matchSubscriptions: a rollback reaches on-sync-failed subscribers, a success reaches on-deployed ones, once each', () => {
  const subs = [
    sub('on-rolled-back', 'slack', ['ops']),
    sub('on-sync-failed', 'slack', ['ops', 'dev']),
    sub('on-deployed', 'hook'),
  ];
  assert.deepEqual(matchSubscriptions({ trigger: 'on-rolled-back' }, subs), [
    { service: 'slack', recipient: 'ops' },
    { service: 'slack', recipient: 'dev' },
  ]);
  assert.deepEqual(matchSubscriptions({ trigger: 'on-sync-succeeded' }, subs), [{ service: 'hook' }]);
  assert.deepEqual(matchSubscriptions({ trigger: 'on-sync-failed' }, [sub('on-rolled-back', 'slack')]), []);
  assert.deepEqual(firedTriggers('on-health-degraded'), ['on-health-degraded']);
});

test('matchSubscriptions works on subscriptions imported from Argo CD annotations', () => {
  const { subscriptions } = subscriptionsFromAnnotations({
    'notifications.argoproj.io/subscribe.on-sync-succeeded.slack': 'my-channel',
    'notifications.argoproj.io/subscribe.on-health-degraded.slack': 'oncall;my-channel',
    'notifications.argoproj.io/subscribe.github': '',
  });
  assert.deepEqual(matchSubscriptions({ trigger: 'on-health-degraded' }, subscriptions), [
    { service: 'slack', recipient: 'oncall' },
    { service: 'slack', recipient: 'my-channel' },
    { service: 'github' },
  ]);
  assert.deepEqual(matchSubscriptions({ trigger: 'on-drift-detected' }, subscriptions), []);
});
