import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicy } from '../../../../config/agent-policy.js';
import { PolicyViolation } from '../../../../contract/errors.js';
import { PolicyGuard } from '../../../../activities/cluster/policy-guard.js';
import { createSyncWindowActivities } from '../../../../activities/control/sync-window-activity.js';

const POLICY = `apiVersion: mooring.dev/v1
kind: Project
metadata: {name: web}
spec:
  applications: [web-*]
  destinations: [{cluster: prod, namespace: '*'}]
  syncWindows:
    - {kind: deny, schedule: '0 22 * * *', duration: 1h, clusters: [prod], manualSync: true}
    - {kind: deny, schedule: '0 12 * * *', duration: 1h, namespaces: [payments]}
`;

function activities(now: string) {
  const { policy } = parsePolicy(POLICY, '/etc/mooring/policy.yaml', () => '');
  const guard = new PolicyGuard(policy, { name: 'prod', server: 'https://10.0.0.1:6443' });
  return createSyncWindowActivities({ guard, now: () => new Date(now) });
}

test('checkSyncWindow answers from the agent policy, instants as ISO strings', async () => {
  const { checkSyncWindow } = activities('2026-05-04T22:10:00Z');
  assert.deepEqual(await checkSyncWindow({ app: 'web-shop', namespace: 'shop', trigger: 'automatic' }), {
    allowed: false,
    reason: 'DenyWindowActive',
    message:
      'blocked by the active deny window [deny "0 22 * * *" for 1h (UTC)]; the sync may run from 2026-05-04T23:00:00.000Z',
    project: 'web',
    matched: ['deny "0 22 * * *" for 1h (UTC)'],
    active: ['deny "0 22 * * *" for 1h (UTC)'],
    evaluatedAt: '2026-05-04T22:10:00.000Z',
    openAt: '2026-05-04T23:00:00.000Z',
    nextChangeAt: '2026-05-04T23:00:00.000Z',
  });
  const manual = await checkSyncWindow({ app: 'web-shop', namespace: 'shop', trigger: 'manual' });
  assert.equal(manual.allowed, true);
  assert.equal(manual.reason, 'ManualSyncAllowed');
  // The namespace decides which windows apply: payments also has the noon window.
  const payments = await activities('2026-05-04T12:30:00Z').checkSyncWindow({
    app: 'web-pay',
    namespace: 'payments',
    trigger: 'manual',
  });
  assert.equal(payments.allowed, false);
  assert.equal(payments.openAt, '2026-05-04T13:00:00.000Z');
});

test('checkSyncWindow refuses an app the agent policy binds to no project', async () => {
  const { checkSyncWindow } = activities('2026-05-04T12:00:00Z');
  await assert.rejects(
    checkSyncWindow({ app: 'other', namespace: 'x', trigger: 'automatic' }),
    (err: unknown) =>
      err instanceof PolicyViolation && /app "other" is bound to no project/.test(err.message),
  );
});
