/**
 * Secrets never reach Temporal, logs or metrics, on the real stack: an app whose Secret, Helm values
 * (from a Kubernetes Secret, `helm.valuesFrom`) and Git token (smart HTTP with Basic auth) each hold
 * a random marker is synced, fails (the API server rejects a Secret whose data holds the marker),
 * and is rolled back (a crash-looping rollout). Then every workflow of the test's task queue is
 * exported with the `temporal` CLI (history, describe with memo and search attributes, the status
 * query), plus the worker's log, its /metrics and the CLI's output, and searched for the markers,
 * in clear and inside every base64 string (payloads are base64 in the exported JSON): no hit,
 * with and without the payload codec. The markers do reach the cluster, so the search is not vacuous.
 */
import { freePort } from '../support/free-port.js';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { stringify } from 'yaml';
import { mooringDataConverter } from '../../client/payload-codec.js';
import { parseCodecKeys } from '../../client/codec-keys.js';
import { statusQuery } from '../../contract/messages.js';
import { applicationWorkflowId } from '../../contract/ids.js';
import type { AppStatus } from '../../contract/messages.js';
import { serveGitHttp } from '../support/git-http.js';
import { kubectl, kubectlJson, projectRoot, temporalAddress, uniqueSuffix } from '../support/stack.js';
import { waitFor } from '../support/wait.js';
import { spawnWorker } from '../support/worker-process.js';

const execFileAsync = promisify(execFile);

const marker = (what: string): string => `mooring${what}${randomBytes(10).toString('hex')}`;

/** The chart: a Deployment (kwok makes its pods Ready, or crash-loop) and a Secret holding both markers. */
function chartFiles(secretMarker: string, options: { crashloop?: boolean; badSecret?: boolean } = {}) {
  const labels = { app: 'web', ...(options.crashloop ? { 'mooring.dev/simulate': 'crashloop' } : {}) };
  return {
    'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
    'chart/values.yaml': 'password: placeholder\n',
    'chart/templates/deployment.yaml': stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels },
          spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
        },
      },
    }),
    'chart/templates/secret.yaml': [
      'apiVersion: v1',
      'kind: Secret',
      'metadata: {name: web-credentials}',
      'stringData:',
      '  password: {{ .Values.password | quote }}',
      `  static: ${secretMarker}`,
      '',
    ].join('\n'),
    // The API server rejects it (422): its registry credentials are not JSON.
    ...(options.badSecret
      ? {
          'chart/templates/registry.yaml': [
            'apiVersion: v1',
            'kind: Secret',
            'metadata: {name: web-registry}',
            'type: kubernetes.io/dockerconfigjson',
            'stringData:',
            `  .dockerconfigjson: '{"auths": ${secretMarker}}'`,
            '',
          ].join('\n'),
        }
      : {}),
  };
}

/** Every base64-looking string of `text`, decoded; payloads are base64 in exported histories. */
function decodedStrings(text: string): string[] {
  return [...text.matchAll(/[A-Za-z0-9+/_-]{16,}={0,2}/g)].map((m) =>
    Buffer.from(m[0].replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1'),
  );
}

/** Where any marker shows, in clear or base64-decoded: `source: marker` lines. */
function hits(sources: Record<string, string>, markers: Record<string, string>): string[] {
  const found: string[] = [];
  for (const [source, text] of Object.entries(sources)) {
    const decoded = decodedStrings(text).join('\n');
    for (const [name, value] of Object.entries(markers))
      if (text.includes(value) || decoded.includes(value)) found.push(`${source}: ${name}`);
  }
  return found;
}

async function temporalCli(args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('temporal', [...args, '--address', temporalAddress()], {
    maxBuffer: 64 * 1024 * 1024,
  });
  return stdout;
}

async function mooring(args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout, stderr } = await execFileAsync(
    join(projectRoot, 'bin/mooring'),
    ['--address', temporalAddress(), ...args],
    { env, maxBuffer: 16 * 1024 * 1024 },
  ).catch((err: { stdout?: string; stderr?: string }) => ({
    stdout: err.stdout ?? '',
    stderr: err.stderr ?? '',
  }));
  return `${stdout}\n${stderr}`;
}

async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await execFileAsync(
    'git',
    ['-c', 'user.email=test@mooring.dev', '-c', 'user.name=test', ...args],
    { cwd },
  );
  return stdout.trim();
}

describe('secrets never reach Temporal history, logs or metrics', () => {
  const cleanups: (() => Promise<void>)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err: unknown) => console.error(err));
  });

  for (const codec of [false, true]) {
    it(`sync, failed sync and rollback leave no marker anywhere, ${codec ? 'with' : 'without'} the payload codec`, async () => {
      const suffix = uniqueSuffix();
      const app = `secrets-${codec ? 'codec' : 'plain'}-${suffix}`;
      const namespace = `e2e-${app}`;
      const taskQueue = `test-${app}`;
      const cluster = `test-${app}`;
      const markers = { secret: marker('secret'), values: marker('values'), token: marker('token') };

      const root = mkdtempSync(join(tmpdir(), 'mooring-secrets-'));
      cleanups.push(async () => rmSync(root, { recursive: true, force: true }));
      const work = join(root, 'work');
      await execFileAsync('git', ['init', '-q', '-b', 'main', work]);
      /** Commits exactly `files` under chart/ (anything else there is removed) and pushes. */
      const commit = async (files: Record<string, string>, message: string): Promise<string> => {
        rmSync(join(work, 'chart'), { recursive: true, force: true });
        for (const [path, text] of Object.entries(files)) {
          mkdirSync(join(work, path, '..'), { recursive: true });
          writeFileSync(join(work, path), text);
        }
        await git(work, 'add', '-A');
        await git(work, 'commit', '-q', '-m', message);
        await git(work, 'push', '-q', join(root, 'srv', 'apps.git'), 'main');
        return await git(work, 'rev-parse', 'HEAD');
      };
      await execFileAsync('git', ['init', '-q', '--bare', '-b', 'main', join(root, 'srv', 'apps.git')]);
      const good = await commit(chartFiles(markers.secret), 'chart');
      const server = await serveGitHttp(join(root, 'srv'), 'x-access-token', markers.token);
      cleanups.push(() => server.close());
      const repoURL = `${server.baseUrl}/apps.git`;

      writeFileSync(join(root, 'token'), markers.token);
      writeFileSync(
        join(root, 'credentials.yaml'),
        stringify([{ urlPrefix: `${server.baseUrl}/`, tokenFile: join(root, 'token') }]),
      );
      writeFileSync(
        join(root, 'policy.yaml'),
        [
          'apiVersion: mooring.dev/v1',
          'kind: AgentPolicy',
          'spec: {git: {allowedSchemes: [http]}}',
          '---',
          'apiVersion: mooring.dev/v1',
          'kind: Project',
          'metadata: {name: default}',
          'spec: {sourceRepos: ["*"], destinations: [{cluster: "*", namespace: "*"}]}',
          '',
        ].join('\n'),
      );
      const codecKey = `k1:${randomBytes(32).toString('base64')}`;
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        MOORING_GIT_CREDENTIALS_FILE: join(root, 'credentials.yaml'),
        MOORING_POLICY_FILE: join(root, 'policy.yaml'),
        MOORING_CACHE: join(root, 'cache'),
        ...(codec ? { MOORING_CODEC_KEY: codecKey } : {}),
      };
      if (!codec) delete env.MOORING_CODEC_KEY;

      await kubectl(['create', 'namespace', namespace]);
      cleanups.push(
        async () =>
          void (await kubectl(['delete', 'namespace', namespace, '--wait=false', '--ignore-not-found'])),
      );
      await kubectl([
        'create',
        'secret',
        'generic',
        'web-values',
        '-n',
        namespace,
        `--from-literal=values.yaml=password: ${markers.values}\n`,
      ]);

      const metricsPort = await freePort();
      const logFile = join(root, 'worker.log');
      const worker = spawnWorker(taskQueue, cluster, logFile, { metricsPort, env });
      cleanups.push(() => worker.kill('SIGTERM'));
      await worker.logged('worker started');

      const connection = await Connection.connect({ address: temporalAddress() });
      cleanups.push(() => connection.close());
      const client = new Client({
        connection,
        dataConverter: mooringDataConverter(codec ? parseCodecKeys(codecKey, 'test key') : undefined),
      });
      cleanups.push(async () => {
        await client.workflow
          .getHandle(applicationWorkflowId(app))
          .terminate('test cleanup')
          .catch((err: unknown) => {
            if (!(err instanceof WorkflowNotFoundError)) throw err;
          });
      });

      const specFile = join(root, 'app.yaml');
      writeFileSync(
        specFile,
        stringify({
          apiVersion: 'mooring.dev/v1',
          kind: 'Application',
          metadata: { name: app },
          spec: {
            source: {
              repoURL,
              targetRevision: 'main',
              path: 'chart',
              helm: { valuesFrom: [{ secretRef: { name: 'web-values' } }] },
            },
            destination: { cluster, namespace },
            syncPolicy: { automated: { prune: true, selfHeal: false } },
            rollback: { automatic: true, healthTimeout: '40s' },
          },
        }),
      );
      const cliOutput: string[] = [
        await mooring(['app', 'apply', '-f', specFile, '--task-queue', taskQueue], env),
      ];
      const status = () => client.workflow.getHandle(applicationWorkflowId(app)).query(statusQuery);
      const waitStatus = (what: string, done: (s: AppStatus) => boolean) =>
        waitFor(
          `${app}: ${what}`,
          async () => {
            const s = await status().catch(() => undefined);
            return s && done(s) ? s : undefined;
          },
          {
            timeoutMs: 120_000,
            abortIf: () => worker.exitReason(),
            describe: () => readFileSync(logFile, 'utf8').slice(-2000),
          },
        );

      await waitStatus(
        'Synced and Healthy',
        (s) => s.deployedRevision === good && s.health === 'Healthy' && s.sync === 'Synced',
      );
      const live = await kubectlJson<{ data: Record<string, string> }>([
        'get',
        'secret',
        'web-credentials',
        '-n',
        namespace,
      ]);
      const liveText = Object.values(live.data)
        .map((v) => Buffer.from(v, 'base64').toString())
        .join(' ');
      assert.ok(
        liveText.includes(markers.secret) && liveText.includes(markers.values),
        'the markers reached the cluster',
      );

      const rejected = await commit(
        chartFiles(markers.secret, { badSecret: true }),
        'a Secret the API server rejects',
      );
      await client.workflow.getHandle(applicationWorkflowId(app)).signal('refresh', {});
      await waitStatus('the rejected commit failed', (s) =>
        s.history.some((h) => h.revision === rejected && h.outcome === 'Failed'),
      );

      const crashing = await commit(
        chartFiles(markers.secret, { crashloop: true }),
        'a crash-looping rollout',
      );
      await client.workflow.getHandle(applicationWorkflowId(app)).signal('refresh', {});
      const rolledBack = await waitStatus(
        'the crash-looping commit rolled back',
        (s) =>
          s.history.some((h) => h.revision === crashing && h.outcome === 'RolledBack') &&
          s.deployedRevision === good &&
          s.health === 'Healthy',
      );
      assert.equal(rolledBack.deployedRevision, good);
      cliOutput.push(
        await mooring(['app', 'get', app, '-o', 'json'], env),
        await mooring(['app', 'history', app], env),
      );

      // Export everything the test's workflows hold, with a client that has no codec.
      const exported: Record<string, string> = {};
      const listed = JSON.parse(
        `[${(await temporalCli(['workflow', 'list', '--query', `TaskQueue = '${taskQueue}'`, '-o', 'jsonl'])).trim().split('\n').filter(Boolean).join(',')}]`,
      ) as { execution: { workflowId: string; runId: string } }[];
      assert.ok(listed.length >= 4, `the app and its operations were exported (${listed.length} workflows)`);
      for (const { execution } of listed) {
        const id = execution.workflowId;
        for (const [label, verb] of [
          ['history', 'show'],
          ['describe', 'describe'],
        ] as const)
          exported[`${label} ${id}`] = await temporalCli([
            'workflow',
            verb,
            '-w',
            id,
            '-r',
            execution.runId,
            '-o',
            'json',
          ]);
      }
      exported['status query'] = await temporalCli([
        'workflow',
        'query',
        '-w',
        applicationWorkflowId(app),
        '--type',
        'status',
        '-o',
        'json',
      ]);
      exported['worker log'] = readFileSync(logFile, 'utf8');
      exported['/metrics'] = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      exported['CLI output'] = cliOutput.join('\n');

      // The search sees base64: it finds both markers in the live Secret as the API returns it.
      assert.deepEqual(
        hits({ 'live Secret': JSON.stringify(live) }, { secret: markers.secret, values: markers.values }),
        ['live Secret: secret', 'live Secret: values'],
      );
      assert.deepEqual(hits(exported, markers), [], 'no marker in any export');
      console.log(
        `secret scan (${codec ? 'codec' : 'no codec'}): ${listed.length} workflows, ${Object.keys(exported).length} exports, ` +
          `${Object.values(exported).reduce((n, t) => n + t.length, 0)} characters, 0 hits`,
      );
      // The failure was recorded, with a message, and the history is readable with the key.
      const failed = rolledBack.history.find((h) => h.revision === rejected);
      assert.match(failed?.message ?? '', /web-registry/);
      if (codec) assert.ok(!exported['status query']?.includes(app), 'the status query result is encrypted');
    });
  }
});
