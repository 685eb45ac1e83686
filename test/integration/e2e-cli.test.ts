/**
 * The CLI end to end, as an operator uses it: apply → wait → diff → sync → rollback → history →
 * delete --cascade, and apply of an ApplicationSet with a git directory generator, every step
 * through `bin/mooring` against the real stack (the test runs the worker in-process on its own
 * task queue). The CLI runs with its own empty MOORING_CACHE: whatever it shows of Git or of a
 * diff came through Temporal from the worker, never from the worker's disk.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WorkflowNotFoundError } from '@temporalio/client';
import { applicationWorkflowId, listRepoDirectoriesWorkflowId, WORKFLOW_TYPES } from '../../contract/ids.js';
import type { ListRepoDirectoriesWorkflowResult } from '../../contract/workflows.js';
import { guestbookDeployment, startE2e } from '../support/e2e.js';
import type { E2eEnv } from '../support/e2e.js';
import { createTestGitRepo } from '../support/git-repo.js';
import type { TestGitRepo } from '../support/git-repo.js';
import { kubectl, kubectlJson, projectRoot } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);

/** The CLI's own cache directory: it must stay empty (the CLI reads no repository and no stored diff). */
let cliCache = '';

async function mooring(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(join(projectRoot, 'bin/mooring'), args, {
      timeout: 180_000,
      env: { ...process.env, MOORING_CACHE: cliCache, MOORING_IDENTITY: 'e2e-operator' },
    });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

describe('the mooring CLI end to end', () => {
  let env: E2eEnv;
  let repo: TestGitRepo;
  let dir: string;
  let name: string;
  let namespace: string;
  const generated: string[] = [];
  let dirsRepo: TestGitRepo | undefined;

  before(async () => {
    env = await startE2e('cli');
    repo = await createTestGitRepo(`${projectRoot}/config/examples/guestbook`, 'guestbook');
    dir = await mkdtemp(join(tmpdir(), 'mooring-cli-e2e-'));
    cliCache = await mkdtemp(join(tmpdir(), 'mooring-cli-e2e-cache-'));
    name = `cli-${env.suffix}`;
    namespace = `e2e-cli-${env.suffix}`;
  });
  after(async () => {
    // The test ends with `app delete`, which already stopped the workflow; this covers a failed run.
    for (const app of [name, ...generated]) {
      await env.client.workflow
        .getHandle(applicationWorkflowId(app))
        .terminate('test cleanup')
        .catch((err: unknown) => {
          if (!(err instanceof WorkflowNotFoundError)) throw err;
        });
    }
    await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found']);
    await repo?.remove();
    await dirsRepo?.remove();
    await rm(dir, { recursive: true, force: true });
    await rm(cliCache, { recursive: true, force: true });
    await env?.close();
  });

  test('apply, wait, diff, sync, rollback and history', async () => {
    const spec = join(dir, 'app.yaml');
    await writeFile(
      spec,
      [
        'apiVersion: mooring.dev/v1',
        'kind: Application',
        `metadata: {name: ${name}}`,
        'spec:',
        `  source: {repoURL: ${repo.url}, targetRevision: main, path: guestbook}`,
        `  destination: {cluster: ${env.cluster}, namespace: ${namespace}}`,
        '  syncPolicy: {automated: {prune: true, selfHeal: false}, syncOptions: [CreateNamespace=true]}',
        '  rollback: {automatic: true, healthTimeout: 60s}',
        '',
      ].join('\n'),
    );
    const applied = await mooring(['app', 'apply', '-f', spec, '--task-queue', env.taskQueue]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(applied.stdout.trim(), `application.mooring.dev/${name} created`);
    assert.equal(
      (await mooring(['app', 'apply', '-f', spec, '--task-queue', env.taskQueue])).stdout.trim(),
      `application.mooring.dev/${name} unchanged`,
    );

    const waited = await mooring(['app', 'wait', name, '--timeout', '2m']);
    assert.equal(waited.code, 0, waited.stderr);
    assert.match(waited.stdout, new RegExp(`${name}: Synced / Healthy at [0-9a-f]{7}`));
    const first = await repo.head();

    const clean = await mooring(['app', 'diff', name]);
    assert.equal(clean.code, 0, `no diff expected right after a sync: ${clean.stdout}${clean.stderr}`);
    assert.match(clean.stderr, /0 to create, 0 to update, 0 to delete, 3 unchanged/);
    // The diff text is the workflow's result: the CLI's own cache holds no stored diff.
    assert.equal(clean.stdout.trim(), '0 to create, 0 to update, 0 to delete, 3 unchanged');

    // A commit the app is not told about: diff at the branch shows exactly the image change.
    const second = await repo.commit('guestbook 0.3', {
      'guestbook/deployment.yaml': await guestbookDeployment({
        image: 'gcr.io/heptio-images/ks-guestbook-demo:0.3',
      }),
    });
    const changed = await mooring(['app', 'diff', name]);
    assert.equal(changed.code, 1, changed.stderr);
    assert.match(changed.stdout, /-\s+- image: gcr.io\/heptio-images\/ks-guestbook-demo:0.2/);
    assert.match(changed.stdout, /\+\s+- image: gcr.io\/heptio-images\/ks-guestbook-demo:0.3/);
    assert.match(changed.stderr, /0 to create, 1 to update, 0 to delete/);
    assert.match(changed.stdout, new RegExp(`^=== update Deployment/${namespace}/guestbook-ui$`, 'm'));
    assert.match(changed.stdout, /^0 to create, 1 to update, 0 to delete, 2 unchanged$/m);
    assert.doesNotMatch(changed.stderr, /the full diff is on the agent/);

    const synced = await mooring(['app', 'sync', name, '--wait', '--timeout', '2m']);
    assert.equal(synced.code, 0, synced.stderr);
    assert.match(synced.stdout, /operation #\d+: Succeeded/);
    const live = await kubectlJson<{ spec: { template: { spec: { containers: { image: string }[] } } } }>([
      'get',
      'deployment',
      'guestbook-ui',
      '-n',
      namespace,
    ]);
    assert.equal(live.spec.template.spec.containers[0]?.image, 'gcr.io/heptio-images/ks-guestbook-demo:0.3');

    const back = await mooring(['app', 'rollback', name, first.slice(0, 12), '--wait', '--timeout', '2m']);
    assert.equal(back.code, 0, back.stderr);
    assert.match(back.stdout, /pinned until "mooring app resume/);
    const got = await mooring(['app', 'get', name]);
    assert.match(got.stdout, new RegExp(`Mode:\\s+pinned to ${first.slice(0, 7)}`));
    assert.match(got.stdout, /Deployment\s+\S+\s+guestbook-ui\s+Healthy/);

    const history = await mooring(['app', 'history', name, '-o', 'json']);
    const entries = JSON.parse(history.stdout) as {
      revision: string;
      outcome: string;
      initiatedBy: string;
      initiator?: string;
    }[];
    // Who did it: the CLI's identity for the app it created (first sync), its sync and its rollback.
    assert.deepEqual(
      entries.map((e) => [e.revision, e.outcome, e.initiatedBy, e.initiator]),
      [
        [first, 'Succeeded', 'auto-sync', 'user:e2e-operator'],
        [second, 'Succeeded', 'operator', 'user:e2e-operator'],
        [first, 'Succeeded', 'rollback', 'user:e2e-operator'],
      ],
    );
    const table = await mooring(['app', 'history', name]);
    assert.match(table.stdout, /\brollback \(user:e2e-operator\)/);
    const listed = await mooring(['app', 'list', '-o', 'wide']);
    // Pinned to the first commit: Synced to the pin, while HEAD shows where the branch is.
    assert.match(
      listed.stdout,
      new RegExp(
        `${name}\\s+${env.cluster}\\s+${namespace}\\s+Synced\\s+Healthy\\s+${first.slice(0, 7)}\\s+${second.slice(0, 7)}`,
      ),
    );

    const deleted = await mooring(['app', 'delete', name, '--cascade']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stdout, new RegExp(`Deployment/${namespace}/guestbook-ui deleted`));
    assert.match(deleted.stdout, new RegExp(`application.mooring.dev/${name} deleted with 3 objects`));
    await waitFor(
      'the Deployment to be gone',
      async () => {
        const out = await kubectl(['get', 'deployment', '-n', namespace, '-o', 'name']);
        return out.trim() === '' ? true : undefined;
      },
      { timeoutMs: 60_000 },
    );
  });

  test('apply of an ApplicationSet lists its git directories on the agent, through Temporal', async () => {
    dirsRepo = await createTestGitRepo(`${projectRoot}/config/examples/guestbook`, 'apps/one');
    const configMap = (n: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${n}}\ndata: {app: ${n}}\n`;
    await dirsRepo.commit('more apps', {
      'apps/two/cm.yaml': configMap('two'),
      'apps/three/cm.yaml': configMap('three'),
      'apps/.hidden/cm.yaml': configMap('hidden'),
    });
    const prefix = `dirs-${env.suffix}`;
    generated.push(...['one', 'three', 'two'].map((d) => `${prefix}-${d}`));
    const spec = join(dir, 'appset.yaml');
    await writeFile(
      spec,
      [
        'apiVersion: argoproj.io/v1alpha1',
        'kind: ApplicationSet',
        `metadata: {name: ${prefix}}`,
        'spec:',
        `  generators: [{git: {repoURL: ${dirsRepo.url}, revision: main, directories: [{path: 'apps/*'}]}}]`,
        '  template:',
        `    metadata: {name: '${prefix}-{{path.basename}}'}`,
        '    spec:',
        `      source: {repoURL: ${dirsRepo.url}, targetRevision: main, path: '{{path}}'}`,
        `      destination: {name: ${env.cluster}, namespace: ${namespace}}`,
        '',
      ].join('\n'),
    );

    const applied = await mooring([
      'app',
      'apply',
      '-f',
      spec,
      '--task-queue',
      env.taskQueue,
      '--git-cluster',
      env.cluster,
    ]);
    assert.equal(applied.code, 0, applied.stderr);
    assert.deepEqual(
      applied.stdout.trim().split('\n'),
      generated.map((app) => `application.mooring.dev/${app} created`),
    );

    // The listing ran as a workflow on the control-plane queue, its activity on the cluster's agent.
    const listing = await waitFor(
      'the listRepoDirectories workflow to be visible',
      async () => {
        const query = `WorkflowType = '${WORKFLOW_TYPES.listRepoDirectories}' AND WorkflowId STARTS_WITH '${listRepoDirectoriesWorkflowId(env.cluster, '')}'`;
        for await (const wf of env.client.workflow.list({ query })) return wf;
        return undefined;
      },
      { timeoutMs: 30_000 },
    );
    assert.equal(listing.taskQueue, env.taskQueue);
    const result = (await env.client.workflow
      .getHandle(listing.workflowId)
      .result()) as ListRepoDirectoriesWorkflowResult;
    assert.equal(result.sha, await dirsRepo.head());
    assert.deepEqual(
      result.directories,
      ['apps', 'apps/one', 'apps/three', 'apps/two'],
      'sorted, without apps/.hidden',
    );
    assert.deepEqual(await readdir(cliCache), [], 'the CLI cloned nothing');
  });
});
