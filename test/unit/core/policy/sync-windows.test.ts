import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SyncWindow } from '../../../../config/policy-types.js';
import {
  SCAN_HORIZON_DAYS,
  SYNC_WINDOW_REASONS as R,
  syncWindowVerdict,
  type SyncTrigger,
  type SyncWindowVerdict,
} from '../../../../core/policy/sync-windows.js';

function window(overrides: Partial<SyncWindow> = {}): SyncWindow {
  return {
    kind: 'allow',
    schedule: '0 22 * * *',
    duration: '1h',
    applications: ['*'],
    namespaces: [],
    clusters: [],
    manualSync: false,
    timeZone: 'UTC',
    andOperator: false,
    ...overrides,
  };
}

const target = { app: 'web-prod', namespace: 'web', cluster: 'prod', server: 'https://10.0.0.1:6443' };

function verdict(windows: SyncWindow[], now: string, trigger: SyncTrigger = 'automatic'): SyncWindowVerdict {
  return syncWindowVerdict(windows, target, { now: new Date(now), trigger });
}

/** The verdict's decision and instants, as one comparable object. */
function summary(v: SyncWindowVerdict): Record<string, unknown> {
  return {
    allowed: v.allowed,
    reason: v.reason,
    openAt: v.openAt?.toISOString(),
    nextChangeAt: v.nextChangeAt?.toISOString(),
  };
}

test('syncWindowVerdict allows any sync when no window applies', () => {
  for (const windows of [[], [window({ applications: ['other-*'] })]]) {
    const v = verdict(windows, '2026-05-04T12:00:00Z');
    assert.deepEqual(summary(v), {
      allowed: true,
      reason: R.noMatchingWindow,
      openAt: undefined,
      nextChangeAt: undefined,
    });
    assert.deepEqual(v.matched, []);
  }
});

test('syncWindowVerdict allows inside an active allow window and says when it closes', () => {
  const allow = window({ schedule: '0 22 * * *', duration: '1h' });
  assert.deepEqual(summary(verdict([allow], '2026-05-04T22:30:00Z')), {
    allowed: true,
    reason: R.allowWindowActive,
    openAt: undefined,
    nextChangeAt: '2026-05-04T23:00:00.000Z',
  });
  // The start instant is inside the window, the end instant outside (s <= t < s + duration).
  assert.equal(verdict([allow], '2026-05-04T22:00:00Z').allowed, true);
  assert.deepEqual(summary(verdict([allow], '2026-05-04T23:00:00Z')), {
    allowed: false,
    reason: R.outsideAllowWindows,
    openAt: '2026-05-05T22:00:00.000Z',
    nextChangeAt: '2026-05-05T22:00:00.000Z',
  });
});

test('syncWindowVerdict blocks outside every allow window until the next one opens', () => {
  const weekly = window({ schedule: '0 1 * * 6', duration: '2h' }); // Saturdays 01:00-03:00
  const v = verdict([weekly], '2026-05-04T12:00:00Z'); // a Monday
  assert.deepEqual(summary(v), {
    allowed: false,
    reason: R.outsideAllowWindows,
    openAt: '2026-05-09T01:00:00.000Z',
    nextChangeAt: '2026-05-09T01:00:00.000Z',
  });
  assert.match(v.message, /outside every allow window \(\[allow "0 1 \* \* 6" for 2h \(UTC\)\]\)/);
  assert.match(v.message, /may run from 2026-05-09T01:00:00\.000Z/);
});

test('syncWindowVerdict blocks during an active deny window and allows around it', () => {
  const deny = window({ kind: 'deny', schedule: '0 22 * * *', duration: '1h' });
  assert.deepEqual(summary(verdict([deny], '2026-05-04T22:15:00Z')), {
    allowed: false,
    reason: R.denyWindowActive,
    openAt: '2026-05-04T23:00:00.000Z',
    nextChangeAt: '2026-05-04T23:00:00.000Z',
  });
  assert.deepEqual(summary(verdict([deny], '2026-05-04T12:00:00Z')), {
    allowed: true,
    reason: R.noActiveDenyWindow,
    openAt: undefined,
    nextChangeAt: '2026-05-04T22:00:00.000Z',
  });
});

test('syncWindowVerdict lets deny win over an active allow window', () => {
  const allow = window({ schedule: '0 20 * * *', duration: '4h' }); // 20:00-24:00
  const deny = window({ kind: 'deny', schedule: '0 22 * * *', duration: '1h' }); // 22:00-23:00
  const v = verdict([allow, deny], '2026-05-04T22:30:00Z');
  assert.deepEqual(summary(v), {
    allowed: false,
    reason: R.denyWindowActive,
    openAt: '2026-05-04T23:00:00.000Z',
    nextChangeAt: '2026-05-04T23:00:00.000Z',
  });
  assert.equal(v.active.length, 2);
  assert.deepEqual(summary(verdict([allow, deny], '2026-05-04T23:30:00Z')), {
    allowed: true,
    reason: R.allowWindowActive,
    openAt: undefined,
    nextChangeAt: '2026-05-05T00:00:00.000Z',
  });
  // After the allow window: blocked until the next evening, and the deny window at 22:00 does
  // not delay the opening at 20:00.
  assert.deepEqual(summary(verdict([allow, deny], '2026-05-05T00:00:00Z')), {
    allowed: false,
    reason: R.outsideAllowWindows,
    openAt: '2026-05-05T20:00:00.000Z',
    nextChangeAt: '2026-05-05T20:00:00.000Z',
  });
});

test('syncWindowVerdict lets a manual sync through only windows that all have manualSync', () => {
  const denyManual = window({ kind: 'deny', schedule: '0 22 * * *', duration: '1h', manualSync: true });
  const denyStrict = window({ kind: 'deny', schedule: '30 22 * * *', duration: '1h' });
  const at = '2026-05-04T22:45:00Z';
  assert.deepEqual(summary(verdict([denyManual], at, 'manual')), {
    allowed: true,
    reason: R.manualSyncAllowed,
    openAt: undefined,
    nextChangeAt: undefined,
  });
  assert.equal(verdict([denyManual], at, 'automatic').reason, R.denyWindowActive);
  // Two active deny windows, one without manualSync: the manual sync waits for both to close.
  assert.deepEqual(summary(verdict([denyManual, denyStrict], at, 'manual')), {
    allowed: false,
    reason: R.denyWindowActive,
    openAt: '2026-05-04T23:30:00.000Z',
    nextChangeAt: '2026-05-04T23:30:00.000Z',
  });
  // Inactive allow windows block automatic syncs; manualSync lets a manual one through.
  const allowManual = window({ schedule: '0 1 * * *', duration: '1h', manualSync: true });
  assert.equal(verdict([allowManual], '2026-05-04T12:00:00Z', 'manual').reason, R.manualSyncAllowed);
  assert.equal(verdict([allowManual], '2026-05-04T12:00:00Z', 'automatic').reason, R.outsideAllowWindows);
});

test('syncWindowVerdict reads schedules in the window time zone, across daylight-saving changes', () => {
  const nineInBerlin = window({ schedule: '0 9 * * *', duration: '1h', timeZone: 'Europe/Berlin' });
  // 09:00 CET is 08:00 UTC; on 2026-03-29 Berlin moves to CEST, and 09:00 CEST is 07:00 UTC.
  assert.equal(verdict([nineInBerlin], '2026-03-28T07:30:00Z').allowed, false);
  assert.equal(verdict([nineInBerlin], '2026-03-28T08:30:00Z').allowed, true);
  assert.equal(
    verdict([nineInBerlin], '2026-03-28T12:00:00Z').openAt?.toISOString(),
    '2026-03-29T07:00:00.000Z',
  );
  assert.equal(verdict([nineInBerlin], '2026-03-29T07:30:00Z').allowed, true);
  assert.equal(verdict([nineInBerlin], '2026-03-29T08:30:00Z').allowed, false);
  // A deny window starting at 01:00 CET on the change day lasts three real hours: until 03:00 UTC.
  const nightDeny = window({
    kind: 'deny',
    schedule: '0 1 * * *',
    duration: '3h',
    timeZone: 'Europe/Berlin',
  });
  assert.equal(
    verdict([nightDeny], '2026-03-29T00:30:00Z').openAt?.toISOString(),
    '2026-03-29T03:00:00.000Z',
  );
  // 02:30 does not exist in Berlin on 2026-03-29: the window opens at 03:30 CEST (01:30 UTC).
  const skipped = window({ schedule: '30 2 * * *', duration: '1h', timeZone: 'Europe/Berlin' });
  assert.equal(verdict([skipped], '2026-03-29T00:00:00Z').openAt?.toISOString(), '2026-03-29T01:30:00.000Z');
  // 02:30 happens twice on 2026-10-25: the window opens once, at the first (00:30 UTC).
  const twice = verdict([skipped], '2026-10-25T00:45:00Z');
  assert.equal(twice.allowed, true);
  assert.equal(twice.nextChangeAt?.toISOString(), '2026-10-25T01:30:00.000Z');
  assert.equal(verdict([skipped], '2026-10-25T01:45:00Z').openAt?.toISOString(), '2026-10-26T01:30:00.000Z');
});

test('syncWindowVerdict matches apps, namespaces or clusters; andOperator needs every list set', () => {
  const hourly = { kind: 'deny', schedule: '0 * * * *', duration: '30m' } as const;
  const anyOf = window({ ...hourly, applications: ['web-*'], namespaces: ['other'] });
  const allOf = { ...anyOf, andOperator: true };
  const at = '2026-05-04T12:15:00Z';
  assert.equal(verdict([anyOf], at).reason, R.denyWindowActive);
  assert.equal(verdict([allOf], at).reason, R.noMatchingWindow);
  assert.equal(verdict([{ ...allOf, namespaces: ['web'] }], at).reason, R.denyWindowActive);
  // Clusters match by name or by API server URL.
  const byServer = window({ ...hourly, applications: [], clusters: ['https://10.0.0.1:*'] });
  assert.equal(verdict([byServer], at).reason, R.denyWindowActive);
  assert.equal(verdict([{ ...byServer, clusters: ['staging'] }], at).reason, R.noMatchingWindow);
  assert.equal(
    verdict([{ ...byServer, clusters: ['prod'], namespaces: ['web'], andOperator: true }], at).reason,
    R.denyWindowActive,
  );
});

test('syncWindowVerdict merges overlapping runs of a window when computing openAt', () => {
  // Starts every 30 minutes, each lasting 45: one run from 08:00 to 10:15.
  const overlapping = window({ kind: 'deny', schedule: '*/30 8-9 * * *', duration: '45m' });
  assert.equal(
    verdict([overlapping], '2026-05-04T08:10:00Z').openAt?.toISOString(),
    '2026-05-04T10:15:00.000Z',
  );
});

test('syncWindowVerdict says how long a sync stays blocked when no opening is found', () => {
  // Only on 29 February: the next one, in 2028, is beyond the scan.
  const leapDay = window({ schedule: '0 0 29 2 *', duration: '1h' });
  const now = '2026-03-01T00:00:00Z';
  const v = verdict([leapDay], now);
  assert.equal(v.allowed, false);
  assert.equal(v.openAt, undefined);
  assert.equal(v.nextChangeAt, undefined);
  assert.equal(
    v.blockedAtLeastUntil?.toISOString(),
    new Date(Date.parse(now) + SCAN_HORIZON_DAYS * 86_400_000).toISOString(),
  );
  assert.match(v.message, /no opening found up to 2027-03-02T00:00:00\.000Z/);
  // A deny window that never closes (runs overlap forever) stops the scan at its step budget
  // (one step per start: about a week of starts every minute), saying how far it got.
  const always = window({ kind: 'deny', schedule: '* * * * *', duration: '2m' });
  const blocked = verdict([always], now);
  assert.equal(blocked.allowed, false);
  assert.equal(blocked.openAt, undefined);
  const reached = (blocked.blockedAtLeastUntil?.getTime() ?? 0) - Date.parse(now);
  assert.ok(reached > 6 * 86_400_000 && reached < 8 * 86_400_000, `reached ${reached} ms`);
});
