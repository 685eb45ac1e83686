import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ApplicationSummary } from '../../../contract/activities.js';
import type { AppStatus } from '../../../contract/messages.js';
import { parseOutputFormat, renderAppList, renderHistory, renderStatus } from '../../../cli/render-status.js';
import { assertGolden } from '../../support/golden.js';

const GOOD = '3469696c0ffee0000000000000000000000000aa';
const BAD = 'e368b58deadbeef0000000000000000000000000bb';

const rolledBack: AppStatus = {
  name: 'guestbook',
  cluster: 'local',
  namespace: 'guestbook',
  repoURL: '/srv/git/demo.git',
  path: 'guestbook',
  targetRevision: 'main',
  headRevision: BAD,
  deployedRevision: GOOD,
  lastHealthyRevision: GOOD,
  sync: 'OutOfSync',
  health: 'Healthy',
  paused: false,
  badRevisions: [BAD],
  consecutiveFailures: 1,
  conditions: [
    {
      type: 'SyncError',
      message:
        'revision e368b58 failed: Degraded: Deployment/guestbook/guestbook-ui: CrashLoopBackOff; rolled back to 3469696, which is healthy',
      revision: BAD,
      since: '2026-11-28T05:00:00.000Z',
    },
  ],
  lastOperation: {
    id: 2,
    workflowId: 'app/guestbook/op-2',
    revision: BAD,
    phase: 'Failed',
    initiatedBy: 'auto-sync',
    step: 'done',
    message: 'revision e368b58 failed: Degraded; rolled back to 3469696, which is healthy',
  },
  resources: [
    { kind: 'ConfigMap', namespace: 'guestbook', name: 'guestbook-settings', health: 'Healthy' },
    { kind: 'Service', namespace: 'guestbook', name: 'guestbook-ui', health: 'Healthy' },
    { kind: 'Deployment', namespace: 'guestbook', name: 'guestbook-ui', health: 'Healthy' },
  ],
  history: [
    {
      id: 1,
      revision: GOOD,
      deployedAt: '2026-11-25T18:01:59.414Z',
      outcome: 'Succeeded',
      initiatedBy: 'auto-sync',
      durationMs: 928,
      message: 'healthy',
    },
    {
      id: 2,
      revision: BAD,
      deployedAt: '2026-11-25T18:02:23.198Z',
      outcome: 'RolledBack',
      initiatedBy: 'auto-sync',
      durationMs: 3300,
      message: 'revision e368b58 failed: Degraded',
      rolledBackTo: GOOD,
    },
  ],
};

const pinned: AppStatus = {
  ...rolledBack,
  sync: 'Synced',
  pinnedRevision: GOOD,
  operation: {
    id: 3,
    workflowId: 'app/guestbook/op-3',
    revision: GOOD,
    phase: 'Running',
    initiatedBy: 'rollback',
    step: 'wait healthy',
  },
};

const apps: ApplicationSummary[] = [
  {
    name: 'guestbook',
    workflowId: 'app/guestbook',
    cluster: 'local',
    repoURL: '/srv/git/demo.git',
    targetRevision: 'main',
    headRevision: BAD,
    deployedRevision: GOOD,
    namespace: 'guestbook',
    syncOptions: [],
    ignoreDifferences: [],
    sync: 'OutOfSync',
    health: 'Healthy',
  },
  {
    name: 'shop',
    workflowId: 'app/shop',
    cluster: 'prod-eu',
    repoURL: 'https://git.example/shop.git',
    targetRevision: 'v1.2.0',
    namespace: 'shop',
    syncOptions: [],
    ignoreDifferences: [],
    sync: 'Synced',
    health: 'Progressing',
  },
];

test('app get shows sync, health, mode, bad revisions, resources and recent history', () => {
  assertGolden('app-get-rolled-back.txt', renderStatus(rolledBack));
  assertGolden('app-get-pinned.txt', renderStatus(pinned));
});

test('app get -o json and -o yaml print the whole status', () => {
  assert.deepEqual(JSON.parse(renderStatus(rolledBack, 'json')), rolledBack);
  assertGolden('app-get.yaml', renderStatus(rolledBack, 'yaml'));
});

test('app history lists every entry with outcome and rollback target', () => {
  assertGolden('app-history.txt', renderHistory(rolledBack));
  assert.deepEqual(JSON.parse(renderHistory(rolledBack, 'json')), rolledBack.history);
});

test('app list prints a table, a wide table, JSON and YAML', () => {
  assertGolden('app-list.txt', renderAppList(apps));
  assertGolden('app-list-wide.txt', renderAppList(apps, 'wide'));
  assertGolden('app-list.yaml', renderAppList(apps, 'yaml'));
  assert.deepEqual(JSON.parse(renderAppList(apps, 'json')), apps);
});

test('an unsupported output format is refused with the allowed ones', () => {
  assert.throws(
    () => parseOutputFormat('xml', ['text', 'json']),
    /Output format "xml" is not supported here: use one of json/,
  );
});
