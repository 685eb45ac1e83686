/**
 * The worker's /metrics on the real stack: after a sync, Mooring's counters (reported by the
 * application workflow through its metrics sink), the per-app info series from visibility, and
 * Temporal Core's own metrics are all served on one endpoint.
 */
import { freePort } from '../support/free-port.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Client, Connection } from '@temporalio/client';
import { applySpec } from '../../client/apply-spec.js';
import { parseApplications } from '../../config/parse-application.js';
import { runWorker } from '../../workers/worker.js';
import { statusQuery } from '../../contract/messages.js';
import { applicationWorkflowId } from '../../contract/ids.js';
import { createTestGitRepo } from '../support/git-repo.js';
import type { TestGitRepo } from '../support/git-repo.js';
import { kubectl, projectRoot, temporalAddress, uniqueSuffix } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

const suffix = uniqueSuffix();
const name = `metrics-${suffix}`;
const namespace = `e2e-metrics-${suffix}`;
const taskQueue = `test-metrics-${suffix}`;
const port = await freePort();
let repo: TestGitRepo;
let connection: Connection;
let client: Client;
let release: () => void = () => undefined;
let worker: Promise<void>;

before(async () => {
  repo = await createTestGitRepo(`${projectRoot}/config/examples/guestbook`, 'guestbook');
  connection = await Connection.connect({ address: temporalAddress() });
  client = new Client({ connection });
  const stop = new Promise<void>((resolve) => {
    release = resolve;
  });
  worker = runWorker({ taskQueue, cluster: taskQueue, schedules: false, metricsPort: port, stop });
});

after(async () => {
  await client.workflow
    .getHandle(applicationWorkflowId(name))
    .terminate('test cleanup')
    .catch(() => undefined);
  await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
  release();
  await worker.catch(() => undefined);
  await connection.close();
  await repo.remove();
});

test('after a sync, /metrics serves Mooring counters, app info and Temporal Core metrics', async () => {
  const { apps } = parseApplications(
    [
      'apiVersion: mooring.dev/v1',
      'kind: Application',
      `metadata: {name: ${name}}`,
      'spec:',
      `  source: {repoURL: ${repo.url}, targetRevision: main, path: guestbook}`,
      `  destination: {cluster: ${taskQueue}, namespace: ${namespace}}`,
      '  syncPolicy: {automated: {prune: true, selfHeal: false}, syncOptions: [CreateNamespace=true]}',
      '',
    ].join('\n'),
    'metrics.yaml',
  );
  await applySpec(client, apps[0]!, taskQueue);
  await waitFor(
    `${name} to be Synced and Healthy`,
    async () => {
      const s = await client.workflow.getHandle(applicationWorkflowId(name)).query(statusQuery);
      return s.sync === 'Synced' && s.health === 'Healthy' && !s.operation ? s : undefined;
    },
    { timeoutMs: 90_000 },
  );

  const text = await waitFor(
    'metrics to show the sync',
    async () => {
      const body = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      return body.includes(`mooring_sync_total{app="${name}",outcome="Succeeded"} 1`) ? body : undefined;
    },
    { timeoutMs: 20_000 },
  );
  assert.match(text, new RegExp(`mooring_sync_duration_seconds_count\\{app="${name}"\\} 1`));
  assert.match(
    text,
    new RegExp(
      `mooring_app_info\\{app="${name}",cluster="${taskQueue}",sync_status="Synced",health_status="Healthy"\\} 1`,
    ),
  );
  assert.match(text, /mooring_k8s_request_total\{verb="apply",code="20[01]"\} \d+/);
  assert.match(text, /mooring_git_request_duration_seconds_count\{op="resolve"\} \d+/);
  assert.match(text, /^temporal_\w+/m, 'Temporal Core metrics are appended');
});
