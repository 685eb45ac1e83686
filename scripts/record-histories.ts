/**
 * Records workflow histories from a real run of the current release for the replay tests
 * (test/workflows/replay.test.ts): the real worker on its own task queue against the local stack,
 * the guestbook example in a real local Git repository, with autoscaling and a metric analysis on
 * the stack's Prometheus: one healthy sync (analysed), one autoscale decision, then a crash-looping
 * commit that is rolled back, then one drift-scan over the recorder's queue. Writes the application
 * workflow's, both sync children's, the drift-scan's and a hand-started git-poll's histories, with a manifest naming the commit, into a NEW folder
 * test/fixtures/histories/<package.json version>-<short HEAD SHA>/. Recordings of earlier releases
 * are never overwritten: the script refuses when the folder exists, and when the workflow code
 * (workflows/, contract/, config/) differs from HEAD, since the folder would then name the wrong code.
 * See docs/VERSIONING.md.
 *
 *   eval "$(scripts/stack env)" && node --import tsx scripts/record-histories.ts
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { parseDocument } from 'yaml';
import { applySpec } from '../client/apply-spec.js';
import { parseApplications } from '../config/parse-application.js';
import { runWorker } from '../workers/worker.js';
import { autoscaleSignal, refreshSignal, statusQuery } from '../contract/messages.js';
import {
  applicationWorkflowId,
  driftWatchWorkflowId,
  syncWorkflowId,
  WORKFLOW_TYPES,
} from '../contract/ids.js';
import type { DriftScanResult, GitPollResult } from '../contract/workflows.js';
import type { AppStatus } from '../contract/messages.js';
import { historyToJson } from '../test/workflows/harness/history-json.js';
import {
  HISTORIES_DIR,
  MANIFEST_FILE,
  headCommit,
  recordingFolder,
  workflowCodeChanges,
} from '../test/workflows/harness/recordings.js';
import type { RecordingManifest } from '../test/workflows/harness/recordings.js';
import { kubectl, projectRoot, uniqueSuffix } from '../test/support/stack.js';
import { waitFor } from '../test/support/wait.js';

const run = promisify(execFile);
const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Mooring',
  GIT_AUTHOR_EMAIL: 'record@mooring.dev',
  GIT_COMMITTER_NAME: 'Mooring',
  GIT_COMMITTER_EMAIL: 'record@mooring.dev',
};
const git = async (cwd: string, ...args: string[]): Promise<string> =>
  (await run('git', args, { cwd, env: GIT_ENV })).stdout.trim();

const commit = await headCommit();
const { version } = JSON.parse(await readFile(join(projectRoot, 'package.json'), 'utf8')) as {
  version: string;
};
const folder = recordingFolder(version, commit);
const OUT = join(HISTORIES_DIR, folder);
if (existsSync(OUT)) {
  console.error(
    `${relative(projectRoot, OUT)} exists: histories of a release are recorded once and never overwritten. ` +
      'The next release (a new commit) gets a folder of its own',
  );
  process.exit(1);
}
const dirty = await workflowCodeChanges();
if (dirty) {
  console.error(
    `Cannot record histories for ${folder}: the workflow code differs from HEAD ${commit.slice(0, 7)}, ` +
      `so the folder would name the wrong code. Commit or stash these first:\n${dirty}`,
  );
  process.exit(1);
}

Runtime.install({ logger: new DefaultLogger('WARN') });
const suffix = uniqueSuffix();
const name = `rec-guestbook-${suffix}`;
const cluster = `rec-${suffix}`;
const taskQueue = `rec-${suffix}`;
const repo = await mkdtemp(join(tmpdir(), 'mooring-record-'));
// Written next to the final folder and renamed into place: a failed run leaves no half folder.
const partial = `${OUT}.partial-${process.pid}`;
let release: () => void = () => undefined;
const worker = runWorker({
  taskQueue,
  cluster,
  schedules: false,
  metricsPort: 0,
  stop: new Promise<void>((r) => {
    release = r;
  }),
});
const client = new Client({
  connection: await Connection.connect({ address: process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233' }),
});
const handle = client.workflow.getHandle(applicationWorkflowId(name));

async function waitStatus(what: string, done: (s: AppStatus) => boolean): Promise<AppStatus> {
  let last: AppStatus | undefined;
  return await waitFor(
    what,
    async () => (done((last = await handle.query(statusQuery))) ? last : undefined),
    {
      timeoutMs: 180_000,
      intervalMs: 1000,
      describe: () => JSON.stringify({ ...last, resources: undefined }),
    },
  );
}

/**
 * Runs a fleet workflow on the recorder's queue, as its schedule would (git-poll by hand: every app,
 * listed in pages), until visibility lists the app (a run over no app is not worth recording), and
 * checks that it found nothing to do; returns the workflow id of the run that listed the app.
 */
async function recordFleetRun<R extends { errors: string[] }>(
  type: string,
  idPrefix: string,
  run: { listedTheApp: (r: R) => boolean; acted: (r: R) => boolean },
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const workflowId = `${idPrefix}-${suffix}-${attempt}`;
    const result = await client.workflow.execute<() => Promise<R>>(type, {
      taskQueue,
      workflowId,
      workflowExecutionTimeout: '2m',
    });
    if (run.listedTheApp(result)) {
      if (result.errors.length > 0 || run.acted(result))
        throw new Error(`The recorded ${idPrefix} should find nothing to do: ${JSON.stringify(result)}`);
      return workflowId;
    }
    if (attempt === 10) throw new Error(`${idPrefix} did not list the app: ${JSON.stringify(result)}`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

try {
  await cp(join(projectRoot, 'config/examples/guestbook'), join(repo, 'guestbook'), { recursive: true });
  await git(repo, 'init', '-q', '-b', 'main');
  await git(repo, 'add', '.');
  await git(repo, 'commit', '-q', '-m', 'guestbook');

  const doc = parseDocument(await readFile(join(projectRoot, 'config/examples/guestbook-app.yaml'), 'utf8'));
  doc.setIn(['metadata', 'name'], name);
  doc.setIn(['spec', 'source', 'repoURL'], repo);
  doc.setIn(['spec', 'destination', 'cluster'], cluster);
  doc.setIn(['spec', 'destination', 'namespace'], name);
  doc.setIn(['spec', 'rollback', 'healthTimeout'], '60s');
  doc.setIn(
    ['spec', 'autoscaling'],
    doc.createNode({ target: 'Deployment/guestbook-ui', min: 1, max: 4, query: 'vector(3)', targetValue: 1 }),
  );
  doc.setIn(
    ['spec', 'analysis'],
    doc.createNode({
      bakeTime: '1s',
      checks: [
        { name: 'constant', query: 'vector(0)', thresholdRange: { max: 1 }, interval: '1s', count: 2 },
      ],
    }),
  );
  const spec = parseApplications(String(doc), `${name}.yaml`).apps[0];
  if (!spec) throw new Error(`The guestbook spec for ${name} parsed to no application`);
  await applySpec(client, spec, taskQueue);
  await waitStatus('the first sync', (s) => s.history.length === 1 && !s.operation);
  console.log('first sync recorded');
  // One autoscale decision, as the autoscale schedule's evaluation would signal it.
  await handle.signal(autoscaleSignal, {
    currentReplicas: 2,
    value: 3,
    recommendation: 3,
    reason: 'recorded',
  });
  await waitStatus('the autoscale decision', (s) => s.autoscaling?.replicas === 3);
  console.log('autoscale decision recorded');

  const deployment = join(repo, 'guestbook/deployment.yaml');
  const manifest = parseDocument(await readFile(deployment, 'utf8'));
  manifest.setIn(['spec', 'template', 'metadata', 'labels', 'mooring.dev/simulate'], 'crashloop');
  await writeFile(deployment, String(manifest));
  await git(repo, 'commit', '-q', '-am', 'crash-looping pods');
  await handle.signal(refreshSignal, { reason: 'new commit' });
  const status = await waitStatus('the rollback', (s) => s.history.length === 2 && !s.operation);
  if (status.history[1]?.outcome !== 'RolledBack')
    throw new Error(`Expected a RolledBack sync, got ${JSON.stringify(status.history[1])}`);
  console.log('rollback recorded');

  await mkdir(partial, { recursive: true });
  const histories: [string, string, string][] = [
    [
      'application.json',
      handle.workflowId,
      'the application workflow: one healthy sync, an autoscale decision, then a crash-looping commit rolled back',
    ],
    [
      'sync-succeeded.json',
      syncWorkflowId(name, status.history[0]?.id ?? 0),
      'the healthy sync child, with its metric analysis',
    ],
    [
      'sync-rolled-back.json',
      syncWorkflowId(name, status.history[1]?.id ?? 0),
      'the sync child that rolled the crash-looping commit back',
    ],
  ];
  for (const [file, workflowId] of histories) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    await writeFile(join(partial, file), `${historyToJson(history)}\n`);
  }
  // After the app's histories are taken, so that the scan cannot add to them.
  const scanId = await recordFleetRun<DriftScanResult>(WORKFLOW_TYPES.driftScan, 'drift-scan', {
    listedTheApp: (r) => r.scanned === 1,
    acted: (r) => r.drifted.length > 0,
  });
  histories.push(['drift-scan.json', scanId, 'one drift-scan over the app, with nothing drifted']);
  await writeFile(
    join(partial, 'drift-scan.json'),
    `${historyToJson(await client.workflow.getHandle(scanId).fetchHistory())}\n`,
  );
  console.log('drift-scan recorded');
  const pollId = await recordFleetRun<GitPollResult>(WORKFLOW_TYPES.gitPoll, 'git-poll', {
    listedTheApp: (r) => r.apps === 1,
    acted: (r) => r.refreshed.length > 0,
  });
  histories.push(['git-poll.json', pollId, 'one git-poll started by hand, listing in pages, nothing moved']);
  await writeFile(
    join(partial, 'git-poll.json'),
    `${historyToJson(await client.workflow.getHandle(pollId).fetchHistory())}\n`,
  );
  console.log('git-poll recorded');
  const recording: RecordingManifest = {
    version,
    commit,
    recordedAt: new Date().toISOString(),
    histories: Object.fromEntries(histories.map(([file, , what]) => [file, what])),
  };
  await writeFile(join(partial, MANIFEST_FILE), `${JSON.stringify(recording, null, 2)}\n`);
  await rename(partial, OUT);
  for (const [file, workflowId] of histories)
    console.log(`wrote ${relative(projectRoot, join(OUT, file))} (${workflowId})`);
} finally {
  await handle.terminate('histories recorded').catch(() => undefined);
  await client.workflow
    .getHandle(driftWatchWorkflowId(cluster, taskQueue))
    .terminate('histories recorded')
    .catch(() => undefined);
  await kubectl(['delete', 'namespace', name, '--wait=false', '--ignore-not-found']).catch(() => undefined);
  release();
  await worker.catch((err: unknown) => console.error(`worker failed: ${String(err)}`));
  await client.connection.close();
  await rm(repo, { recursive: true, force: true });
  await rm(partial, { recursive: true, force: true });
}
