import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePolicy } from '../../../config/agent-policy.js';
import type { SyncWindow } from '../../../config/policy-types.js';
import { canonicalTimeZone, describeSyncWindow } from '../../../config/sync-window.js';

const noFiles = (path: string): string => {
  throw new Error(`unexpected read of ${path}`);
};

function project(windows: string): string {
  return `apiVersion: mooring.dev/v1
kind: Project
metadata: {name: web}
spec:
  applications: [web-*]
  destinations: [{cluster: local, namespace: web}]
  syncWindows:
${windows}`;
}

test('parsePolicy loads sync windows with defaults and canonical time zones', () => {
  const { policy, warnings } = parsePolicy(
    project(`  - kind: deny
    schedule: '10 1 * * *'
    duration: 1h
    applications: ['*-prod']
    timeZone: europe/berlin
  - {kind: allow, schedule: '0 22 * * 1-5', duration: 30m, namespaces: [web], manualSync: true, andOperator: true}
`),
    'policy.yaml',
    noFiles,
  );
  assert.deepEqual(warnings, []);
  assert.deepEqual(policy.projects[0]?.syncWindows, [
    {
      kind: 'deny',
      schedule: '10 1 * * *',
      duration: '1h',
      applications: ['*-prod'],
      namespaces: [],
      clusters: [],
      manualSync: false,
      timeZone: 'Europe/Berlin',
      andOperator: false,
    },
    {
      kind: 'allow',
      schedule: '0 22 * * 1-5',
      duration: '30m',
      applications: [],
      namespaces: ['web'],
      clusters: [],
      manualSync: true,
      timeZone: 'UTC',
      andOperator: true,
    },
  ]);
});

test('parsePolicy refuses bad sync windows naming the file, project, window and field', () => {
  const cases: [string, RegExp][] = [
    [
      `  - {kind: deny, schedule: '61 * * * *', duration: 1h, applications: ['*']}`,
      /policy\.yaml:8: Project\/web: spec\.syncWindows\[0\]\.schedule: cannot parse as a cron expression \(.*61.*\): current value is "61 \* \* \* \*"/,
    ],
    [
      `  - {kind: deny, schedule: '0 0 1 * * *', duration: 1h, applications: ['*']}`,
      /spec\.syncWindows\[0\]\.schedule: must be a cron expression of 5 fields/,
    ],
    [
      `  - {kind: deny, schedule: '@daily', duration: 1h, applications: ['*']}`,
      /must be a cron expression of 5 fields/,
    ],
    [
      `  - {kind: deny, schedule: 'H 1 * * *', duration: 1h, applications: ['*']}`,
      /must not use hashed values/,
    ],
    [
      `  - {kind: deny, schedule: '0 1 * * *', duration: 1d, applications: ['*']}`,
      /spec\.syncWindows\[0\]\.duration: must be a duration like "30m", "1h" or "1h30m": current value is "1d"/,
    ],
    [
      `  - {kind: deny, schedule: '0 1 * * *', duration: 0s, applications: ['*']}`,
      /spec\.syncWindows\[0\]\.duration: must be longer than zero/,
    ],
    [
      `  - {kind: deny, schedule: '0 1 * * *', duration: 1h, applications: ['*']}\n  - {kind: allow, schedule: '0 1 * * *', duration: 1h, applications: ['*'], timeZone: Mars/Olympus}`,
      /policy\.yaml:9: Project\/web: spec\.syncWindows\[1\]\.timeZone: must be an IANA time zone such as "UTC" or "Europe\/Berlin": current value is "Mars\/Olympus"/,
    ],
    [
      `  - {kind: deny, schedule: '0 1 * * *', duration: 1h}`,
      /spec\.syncWindows\[0\]\.applications: the window names no applications, namespaces or clusters/,
    ],
    [
      `  - {kind: maybe, schedule: '0 1 * * *', duration: 1h, applications: ['*']}`,
      /spec\.syncWindows\[0\]\.kind: must be one of "allow", "deny"/,
    ],
    [
      `  - {kind: deny, schedule: '0 1 * * *', duration: 1h, apps: ['*']}`,
      /spec\.syncWindows\[0\]\.apps: unknown field/,
    ],
  ];
  for (const [windows, expected] of cases)
    assert.throws(() => parsePolicy(project(windows), 'policy.yaml', noFiles), expected, windows);
});

test('parsePolicy imports the sync windows of an Argo CD AppProject', () => {
  const text = `apiVersion: argoproj.io/v1alpha1
kind: AppProject
metadata:
  name: team-b
  annotations: {mooring.dev/applications: "team-b-*"}
spec:
  destinations: [{server: '*', namespace: team-b}]
  syncWindows:
    - kind: allow
      schedule: '0 22 * * *'
      duration: 1h
      clusters: [in-cluster]
      timeZone: America/New_York
      description: nightly
      syncOverrun: true
`;
  const { policy, warnings } = parsePolicy(text, 'appproject.yaml', noFiles);
  assert.deepEqual(policy.projects[0]?.syncWindows, [
    {
      kind: 'allow',
      schedule: '0 22 * * *',
      duration: '1h',
      applications: [],
      namespaces: [],
      clusters: ['in-cluster'],
      manualSync: false,
      timeZone: 'America/New_York',
      andOperator: false,
      description: 'nightly',
    },
  ]);
  assert.deepEqual(
    warnings.map((w) => w.message),
    [
      'appproject.yaml:15: AppProject/team-b: spec.syncWindows[0].syncOverrun: is not needed: Mooring checks windows when a sync starts, and a started sync always runs to its end',
    ],
  );
});

test('describeSyncWindow names kind, schedule, duration, zone and description', () => {
  const base: SyncWindow = {
    kind: 'deny',
    schedule: '0 22 * * *',
    duration: '1h',
    applications: ['*'],
    namespaces: [],
    clusters: [],
    manualSync: false,
    timeZone: 'Europe/Berlin',
    andOperator: false,
  };
  assert.equal(describeSyncWindow(base), 'deny "0 22 * * *" for 1h (Europe/Berlin)');
  assert.equal(
    describeSyncWindow({ ...base, description: 'release freeze' }),
    'deny "0 22 * * *" for 1h (Europe/Berlin): release freeze',
  );
  assert.equal(canonicalTimeZone('utc'), 'UTC');
  assert.equal(canonicalTimeZone('Nowhere/City'), undefined);
});
