/**
 * Sync windows and notifications in the application workflow, on the local Temporal dev server
 * with stub activities: an auto-sync outside its window waits durably and says until when, then
 * runs when the window opens; an operator's sync is refused unless it overrides the windows, and
 * the override is recorded in history with who asked; an app's subscriptions receive one
 * notification per outcome, drift and degraded health, and a failing receiver never holds a sync.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { AppSpec } from '../../config/types.js';
import { driftDetectedSignal, pauseUpdate, refreshSignal, syncUpdate } from '../../contract/messages.js';
import type { CheckSyncWindowResult, ResolveRevisionInput } from '../../contract/activities.js';
import { allowedSyncWindow, sha } from './harness/stub-activities.js';
import { startWorkflowEnv } from './harness/workflow-env.js';
import type { WorkflowTestEnv } from './harness/workflow-env.js';
import { waitFor } from '../support/wait.js';

Runtime.install({ logger: new DefaultLogger('WARN') });

const blocked = (openInMs: number): CheckSyncWindowResult => ({
  allowed: false,
  reason: 'DenyWindowActive',
  message: 'deny window "freeze" (0 18 * * 5, 60h, UTC) is active',
  project: 'default',
  matched: ['freeze'],
  active: ['freeze'],
  evaluatedAt: new Date().toISOString(),
  openAt: new Date(Date.now() + openInMs).toISOString(),
});

const subscribed = (spec: AppSpec): void => {
  spec.notifications = {
    subscriptions: [
      { trigger: 'on-created', service: 'ops-hook', recipients: [] },
      { trigger: 'on-sync-succeeded', service: 'slack', recipients: ['deploys'] },
      { trigger: 'on-sync-failed', service: 'ops-hook', recipients: [] },
      { trigger: 'on-drift-detected', service: 'slack', recipients: ['drift'] },
      { trigger: 'on-health-degraded', service: 'slack', recipients: ['oncall'] },
    ],
  };
};

describe('sync windows and notifications', () => {
  let env: WorkflowTestEnv;
  before(async () => {
    env = await startWorkflowEnv();
  });
  after(async () => {
    await env?.close();
  });

  it('asks the agent once, then trusts an answer without windows for an hour (not once per sync)', async () => {
    const [c1, c2] = [sha('sw-cache-1'), sha('sw-cache-2')];
    const spec = await env.syncedApp('sw-cache', c1);
    assert.equal(env.script.windowChecksOf(spec.name).length, 1);
    env.script.setHead(spec.source.repoURL, c2);
    await env.handle(spec.name).signal(refreshSignal, { reason: 'test push' });
    await env.waitStatus(spec.name, 'c2 deployed', (s) => s.deployedRevision === c2 && !s.operation);
    assert.equal(env.script.windowChecksOf(spec.name).length, 1);
  });

  it("has an app's windows for its first auto-sync answered by the resolve of its head, in one activity", async () => {
    const spec = await env.syncedApp('sw-ahead', sha('sw-ahead-1'));
    const events = (await env.handle(spec.name).fetchHistory()).events ?? [];
    const scheduled = events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? []);
    assert.deepEqual(scheduled, ['resolveRevision']);
    const [resolve] = env.script.callsOf('resolveRevision', spec.name);
    assert.deepEqual((resolve?.input as ResolveRevisionInput).syncWindow, {
      app: spec.name,
      namespace: spec.destination.namespace,
      trigger: 'automatic',
    });
  });

  it('asks the windows apart when the agent is older than 0.16.0 (its resolve does not answer them)', async () => {
    const [c1, c2] = [sha('sw-old-1'), sha('sw-old-2')];
    env.script.windowsInResolve = false;
    env.script.syncWindow = (input) =>
      input.app.startsWith('sw-old') ? blocked(4_000) : allowedSyncWindow();
    try {
      const spec = env.spec('sw-old');
      env.script.setHead(spec.source.repoURL, c1);
      await env.apply(spec);
      await env.waitStatus(spec.name, 'the first sync held back', (s) =>
        s.conditions.some((c) => c.type === 'SyncWindowBlocked'),
      );
      assert.equal(env.script.callsOf('checkSyncWindow', spec.name).length, 1);
      assert.equal(env.script.rendered(spec.name).length, 0, 'nothing was rendered while blocked');
      env.script.syncWindow = () => allowedSyncWindow();
      env.script.setHead(spec.source.repoURL, c2);
      await env.waitStatus(spec.name, 'deployed once the window opened', (s) => s.deployedRevision === c2);
      assert.ok(
        env.script.callsOf('checkSyncWindow', spec.name).length >= 2,
        'asked apart again when it opened',
      );
    } finally {
      env.script.windowsInResolve = true;
      env.script.syncWindow = () => allowedSyncWindow();
    }
  });

  it('blocks an auto-sync durably until the window opens, then deploys', async () => {
    const [c1, c2] = [sha('sw-block-1'), sha('sw-block-2')];
    const answer = blocked(3_000);
    env.script.syncWindow = (input) => (input.app.startsWith('sw-block') ? answer : allowedSyncWindow());
    const spec = env.spec('sw-block');
    env.script.setHead(spec.source.repoURL, c1);
    await env.apply(spec);
    const waiting = await env.waitStatus(spec.name, 'the first sync held back', (s) =>
      s.conditions.some((c) => c.type === 'SyncWindowBlocked'),
    );
    assert.equal(waiting.history.length, 0);
    assert.match(
      waiting.conditions.find((c) => c.type === 'SyncWindowBlocked')?.message ?? '',
      new RegExp(`freeze.*auto-sync waits until the window opens at ${answer.openAt}`),
    );
    assert.equal(env.script.rendered(spec.name).length, 0, 'nothing was rendered while blocked');
    env.script.syncWindow = () => allowedSyncWindow();
    env.script.setHead(spec.source.repoURL, c2);
    const synced = await env.waitStatus(
      spec.name,
      'deployed once the window opened',
      (s) => s.deployedRevision === c2 && !s.operation,
    );
    assert.ok(!synced.conditions.some((c) => c.type === 'SyncWindowBlocked'));
    assert.deepEqual(env.script.rendered(spec.name), [c2]);
  });

  it("refuses an operator's sync in a blocking window, and records an override with who asked", async () => {
    const [c1, c2] = [sha('sw-manual-1'), sha('sw-manual-2')];
    const spec = await env.syncedApp('sw-manual', c1);
    await env.handle(spec.name).executeUpdate(pauseUpdate); // auto-sync must not deploy c2 meanwhile
    env.script.syncWindow = (input) =>
      input.app === spec.name && input.trigger === 'manual' ? blocked(3_600_000) : allowedSyncWindow();
    env.script.setHead(spec.source.repoURL, c2);
    const refused = await env
      .handle(spec.name)
      .executeUpdate(syncUpdate, { args: [{ initiator: 'user:alice' }] });
    const status = await env.waitStatus(
      spec.name,
      'the refusal recorded',
      (s) => s.lastOperation?.id === refused.operationId && s.lastOperation.phase === 'Error',
    );
    assert.equal(status.lastOperation?.step, 'sync window');
    assert.match(status.lastOperation?.message ?? '', /freeze.*--override-sync-windows/);
    assert.equal(status.deployedRevision, c1);

    const forced = await env
      .handle(spec.name)
      .executeUpdate(syncUpdate, { args: [{ initiator: 'user:bob', overrideSyncWindows: true }] });
    const done = await env.waitStatus(
      spec.name,
      'the override deployed',
      (s) => s.history.some((h) => h.id === forced.operationId) && !s.operation,
    );
    const entry = done.history.find((h) => h.id === forced.operationId);
    assert.deepEqual([entry?.revision, entry?.initiator, entry?.syncWindowOverride], [c2, 'user:bob', true]);
  });

  it('notifies the subscriptions of each outcome, drift and degraded health, without holding the sync', async () => {
    const [c1, c2] = [sha('nt-1'), sha('nt-2')];
    const spec = await env.syncedApp('nt', c1, subscribed);
    const mine = () => env.script.notifications.filter((n) => n.event.app === spec.name);
    await waitFor('the first sync notified', async () => mine().length === 2 || undefined);
    assert.deepEqual(
      mine().map((n) => [n.event.trigger, n.service, n.recipient, n.event.revision]),
      [
        ['on-created', 'ops-hook', undefined, undefined],
        ['on-sync-succeeded', 'slack', 'deploys', c1],
      ],
    );
    env.script.health.set(c2, 'Degraded');
    env.script.setHead(spec.source.repoURL, c2);
    await env
      .handle(spec.name)
      .signal(refreshSignal, { reason: 'test push', initiator: 'webhook:github:carol' });
    await waitFor('the rollback notified', async () => mine().length === 3 || undefined);
    const rollback = mine()[2];
    assert.equal(rollback?.event.trigger, 'on-rolled-back');
    assert.equal(rollback?.service, 'ops-hook', 'a rollback reaches on-sync-failed subscribers');
    assert.equal(rollback?.event.initiator, 'webhook:github:carol');
    assert.equal(rollback?.event.previousRevision, c1);
    await env.handle(spec.name).signal(driftDetectedSignal, {
      drifted: true,
      changedObjects: 2,
      health: 'Degraded',
      healthMessage: 'Deployment/web: progress deadline exceeded',
    });
    await waitFor(
      'drift and health notified',
      async () =>
        ['on-drift-detected', 'on-health-degraded'].every((t) => mine().some((n) => n.event.trigger === t)) ||
        undefined,
    );
  });
});
