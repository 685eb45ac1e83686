/**
 * The bad-input catalogue (issue 10, item 7): hostile and broken spec files given to the real CLI
 * (`bin/mooring app apply -f`), one row per case. Each case asserts that the CLI
 *   (a) exits 2 with a message naming the file, object and field, checked on its important words,
 *       with every control character printed escaped (never raw on the terminal),
 *   (b) changed nothing in the cluster: the resourceVersion of every object in a test namespace,
 *       and of every Namespace named `bad-input*`, is the same before and after,
 *   (c) registered or altered no app: the application workflows on the test's task queue are the
 *       same runs, and an app registered beforehand (`bad-input-sentinel`) keeps its spec and memo.
 * Inputs are files under test/fixtures/bad-input/ (large ones are generated into a temporary
 * directory). With UPDATE_GOLDEN=1 the table (input → message) is written to
 * test/fixtures/bad-input/CATALOGUE.md; otherwise the messages must match it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkflowNotFoundError } from '@temporalio/client';
import { applySpec } from '../../client/apply-spec.js';
import { parseApplications } from '../../config/parse-application.js';
import type { AppSpec } from '../../config/types.js';
import { applicationWorkflowId, WORKFLOW_TYPES } from '../../contract/ids.js';
import { specQuery } from '../../contract/messages.js';
import { startE2e, type E2eEnv } from '../support/e2e.js';
import { createTestGitRepo, type TestGitRepo } from '../support/git-repo.js';
import { createTestNamespace, kubectl, kubectlJson, projectRoot } from '../support/stack.js';
import { waitFor } from '../support/wait.js';

const FIXTURES = join(projectRoot, 'test/fixtures/bad-input');
const CATALOGUE = join(FIXTURES, 'CATALOGUE.md');
const SENTINEL = 'bad-input-sentinel';
const DEAD_TEMPORAL = '127.0.0.1:1';
/** Control characters a terminal acts on; the CLI must print none of them. */
// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** One row of the catalogue. */
interface BadInputCase {
  /** Fixture file under test/fixtures/bad-input/, or the name of the generated file. */
  file: string;
  /** What the input is, for the catalogue. */
  input: string;
  /** Generates the file into a temporary directory instead of reading a fixture. */
  generate?: () => string | Buffer;
  /** The path given to `-f` when it is not the file itself. */
  path?: string;
  /** Run with Temporal unreachable (`TEMPORAL_ADDRESS=127.0.0.1:1`). */
  temporalDown?: boolean;
  /** The important words of the message on stderr, each of which must appear. */
  expect: string[];
  /** Words that must not appear on stderr. */
  absent?: string[];
}

const field = (file: string, line: number, object: string, path: string) =>
  `${file}:${line}: ${object}: ${path}: `;

const CASES: BadInputCase[] = [
  {
    file: 'billion-laughs.yaml',
    input: 'YAML alias bomb (9 levels of 9 aliases)',
    expect: ['billion-laughs.yaml:2: ', 'aliases expand to too many values', 'billion laughs'],
  },
  {
    file: 'binary-junk.yaml',
    input: 'binary junk (gzip header, 0xff bytes)',
    expect: ['binary-junk.yaml:1: ', 'is not UTF-8 text'],
  },
  {
    file: 'invalid-utf8.yaml',
    input: 'a Latin-1 byte (0xe9) in a name',
    expect: ['invalid-utf8.yaml:4: ', 'is not UTF-8 text'],
  },
  {
    file: 'nul-bytes.yaml',
    input: 'NUL bytes after a name',
    expect: ['nul-bytes.yaml:4: ', 'contains a NUL byte'],
  },
  {
    file: 'raw-escape.yaml',
    input: 'a raw ESC [2J (clear screen) in a plain scalar',
    expect: ['raw-escape.yaml:4: ', 'contains the control character U+001B'],
  },
  { file: 'empty.yaml', input: 'an empty file', expect: ['empty.yaml:1: ', 'holds no Application'] },
  {
    file: 'comments-only.yaml',
    input: 'only comments and `---`',
    expect: ['comments-only.yaml:1: ', 'holds no Application'],
  },
  {
    file: 'huge-file.yaml',
    input: 'a 5 MiB file (generated)',
    generate: () => `${'# padding\n'.repeat(520_000)}kind: Application\n`,
    expect: ['huge-file.yaml:1: ', 'is too large to be a spec', '(4 MiB)'],
  },
  {
    file: 'ten-mb-string.yaml',
    input: 'a single 10 MB string (generated)',
    generate: () =>
      `apiVersion: mooring.dev/v1\nkind: Application\nmetadata: {name: "${'x'.repeat(10_000_000)}"}\n`,
    expect: ['ten-mb-string.yaml:1: ', 'is too large to be a spec'],
  },
  {
    file: 'deep-nesting.yaml',
    input: '10,000 nested flow lists (generated)',
    generate: () =>
      `apiVersion: mooring.dev/v1\nkind: Application\nspec: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`,
    expect: ['deep-nesting.yaml:', 'nested more than 64 levels deep'],
  },
  {
    file: 'deep-block-nesting.yaml',
    input: '100 nested block mappings (generated)',
    generate: () =>
      `apiVersion: mooring.dev/v1\nkind: Application\nspec:\n${Array.from({ length: 100 }, (_, i) => `${' '.repeat(2 * i + 2)}a:`).join('\n')} 1\n`,
    expect: ['deep-block-nesting.yaml:', 'nested more than 64 levels deep'],
  },
  {
    file: '/dev/zero',
    path: '/dev/zero',
    input: '`-f /dev/zero` (an endless device)',
    expect: ['/dev/zero:1: ', 'is not a regular file'],
  },
  {
    file: 'list-bad-item.yaml',
    input: '`kind: List`, item 1 with an invalid namespace',
    expect: [
      field('list-bad-item.yaml', 15, 'Application/list-bad', 'items[1].spec.destination.namespace'),
      'DNS-1123 label',
      '"Not_A_Namespace"',
    ],
  },
  {
    file: 'list-item-not-mapping.yaml',
    input: '`kind: List`, item 1 a string',
    expect: ['list-item-not-mapping.yaml:10: List/<unnamed>: items[1]: must be a mapping'],
  },
  {
    file: 'wrong-api-version.yaml',
    input: '`apiVersion: mooring.dev/v2`',
    expect: [field('wrong-api-version.yaml', 1, 'Application/web', 'apiVersion'), 'unsupported kind'],
  },
  {
    file: 'wrong-kind.yaml',
    input: 'a Deployment',
    expect: [field('wrong-kind.yaml', 1, 'Deployment/web', 'apiVersion'), '"apps/v1 Deployment"'],
  },
  {
    file: 'missing-kind.yaml',
    input: 'no `kind`',
    expect: ['missing-kind.yaml:1: kind: is required'],
  },
  {
    file: 'unknown-field.yaml',
    input: '`spec.sourc` (misspelt field)',
    expect: [field('unknown-field.yaml', 6, 'Application/web', 'spec.sourc'), 'unknown field'],
  },
  {
    file: 'missing-required.yaml',
    input: 'no `destination.namespace`',
    expect: [
      field('missing-required.yaml', 7, 'Application/web', 'spec.destination.namespace'),
      'is required',
    ],
  },
  {
    file: 'name-dotdot.yaml',
    input: 'Argo CD name `shop..web`',
    expect: [field('name-dotdot.yaml', 4, 'Application/shop..web', 'metadata.name'), 'DNS-1123 subdomain'],
  },
  {
    file: 'name-slash.yaml',
    input: 'Argo CD name `../../etc/passwd`',
    expect: [field('name-slash.yaml', 4, 'Application/../../etc/passwd', 'metadata.name'), 'DNS-1123'],
  },
  {
    file: 'name-uppercase.yaml',
    input: 'name `Web`',
    expect: [field('name-uppercase.yaml', 4, 'Application/Web', 'metadata.name'), 'DNS-1123 label'],
  },
  {
    file: 'name-too-long.yaml',
    input: 'a 64-character name',
    expect: ['name-too-long.yaml:4: ', 'metadata.name: must have at most 63 characters'],
  },
  {
    file: 'escape-in-name.yaml',
    input: 'ESC [31m and BEL in a name',
    expect: [
      'escape-in-name.yaml:4: Application/\\x1b[31mweb\\x1b[0m\\x07: metadata.name: ',
      'current value is "\\u001b[31mweb\\u001b[0m\\u0007"',
    ],
  },
  {
    file: 'osc8-in-field.yaml',
    input: 'an OSC 8 hyperlink and CR in a field name',
    expect: [
      'osc8-in-field.yaml:8: Application/web: spec.\\x1b]8;;https://evil.example/\\x07click me\\x1b]8;;\\x07\\x0d: ',
      'unknown field',
    ],
  },
  {
    file: 'escape-in-message.yaml',
    input: 'ESC [2J in a sync option value',
    expect: [
      field('escape-in-message.yaml', 8, 'Application/web', 'spec.syncPolicy.syncOptions[0]'),
      'does not accept "\\x1b[2J\\x1b[H"',
    ],
  },
  {
    file: 'duration-huge.yaml',
    input: '`healthTimeout: 999999h`',
    expect: [
      field('duration-huge.yaml', 8, 'Application/web', 'spec.rollback.healthTimeout'),
      'from "1s" to "24h"',
    ],
  },
  {
    file: 'duration-zero.yaml',
    input: '`interval: 0s`',
    expect: [
      field('duration-zero.yaml', 8, 'Application/web', 'spec.syncPolicy.interval'),
      'from "10s" to "24h"',
    ],
  },
  {
    file: 'duration-exponent.yaml',
    input: '`healthTimeout: 1e9m`',
    expect: [field('duration-exponent.yaml', 8, 'Application/web', 'spec.rollback.healthTimeout'), '"1e9m"'],
  },
  {
    file: 'duration-negative.yaml',
    input: 'retry `backoff.duration: -1s`',
    expect: [
      field('duration-negative.yaml', 8, 'Application/web', 'spec.syncPolicy.retry.backoff.duration'),
      '"-1s"',
    ],
  },
  {
    file: 'retry-limit-huge.yaml',
    input: 'retry `limit: 1e9`',
    expect: [
      field('retry-limit-huge.yaml', 8, 'Application/web', 'spec.syncPolicy.retry.limit'),
      'must be <= 100',
    ],
  },
  {
    file: 'retry-factor-huge.yaml',
    input: 'retry `factor: 1e6`',
    expect: [
      field('retry-factor-huge.yaml', 8, 'Application/web', 'spec.syncPolicy.retry.backoff.factor'),
      'must be <= 10',
    ],
  },
  {
    file: 'retry-limit-negative.yaml',
    input: 'retry `limit: -1` (native)',
    expect: [
      field('retry-limit-negative.yaml', 8, 'Application/web', 'spec.syncPolicy.retry.limit'),
      'must be >= 0',
    ],
  },
  {
    file: 'appset-too-many.yaml',
    input: 'ApplicationSet generating 1001 apps',
    expect: [
      field('appset-too-many.yaml', 6, 'ApplicationSet/too-many', 'spec.generators'),
      'generate 1001 Applications, more than the 1000',
    ],
  },
  {
    file: 'appset-injection-newline.yaml',
    input: 'ApplicationSet parameter smuggling YAML lines',
    expect: [
      field('appset-injection-newline.yaml', 12, 'ApplicationSet/injection', 'spec.template.metadata.name'),
      'DNS-1123 subdomain',
    ],
  },
  {
    file: 'appset-injection-template.yaml',
    input: 'ApplicationSet Go template calling `env`',
    expect: [
      field(
        'appset-injection-template.yaml',
        14,
        'ApplicationSet/injection',
        'spec.template.spec.source.path',
      ),
      'unsupported function "env"',
    ],
  },
  {
    file: 'appset-injection-nested.yaml',
    input: 'ApplicationSet parameter holding `{{cluster}}`',
    expect: [
      field('appset-injection-nested.yaml', 12, 'ApplicationSet/injection', 'spec.template.metadata.name'),
      'current value is "{{cluster}}"',
    ],
  },
  {
    file: 'duplicate-names.yaml',
    input: 'the same app name twice (the existing app)',
    expect: [
      field('duplicate-names.yaml', 13, `Application/${SENTINEL}`, 'metadata.name'),
      `duplicate Application name "${SENTINEL}"`,
    ],
  },
  {
    file: 'valid-then-invalid.yaml',
    input: 'a change to the existing app, then an invalid app',
    expect: [field('valid-then-invalid.yaml', 17, 'Application/second', 'spec.syncPolicy.retry.limit')],
  },
  {
    file: 'temporal-down-invalid.yaml',
    input: 'an invalid spec with Temporal unreachable',
    temporalDown: true,
    expect: [field('temporal-down-invalid.yaml', 7, 'Application/web', 'spec.destination.namespace')],
    absent: ['Temporal'],
  },
  {
    file: 'temporal-down-valid.yaml',
    input: 'a valid spec with Temporal unreachable',
    temporalDown: true,
    expect: [`Cannot reach Temporal at ${DEAD_TEMPORAL}`],
  },
  {
    file: 'argo-plugin-source.yaml',
    input: 'Argo CD plugin source (accepted with a warning: no plugin runs), Temporal unreachable',
    temporalDown: true,
    expect: [
      'warning: argo-plugin-source.yaml:8: Application/plugin-web: spec.source.plugin: is not supported by Mooring',
      `Cannot reach Temporal at ${DEAD_TEMPORAL}`,
    ],
  },
  {
    file: 'sync-option-junk.yaml',
    input: 'sync option `Prune=please`',
    expect: [
      field('sync-option-junk.yaml', 8, 'Application/web', 'spec.syncPolicy.syncOptions[1]'),
      'unknown sync option "Prune"',
    ],
  },
  {
    file: 'json-pointer-relative.yaml',
    input: 'ignoreDifferences pointer `spec/replicas`',
    expect: [
      field('json-pointer-relative.yaml', 8, 'Application/web', 'spec.ignoreDifferences[0].jsonPointers[0]'),
      'starting with "/"',
    ],
  },
  {
    file: 'jq-unparsable.yaml',
    input: 'ignoreDifferences jq with an unclosed `(`',
    expect: [
      field('jq-unparsable.yaml', 8, 'Application/web', 'spec.ignoreDifferences[0].jqPathExpressions[0]'),
      'cannot parse as jq',
    ],
  },
  {
    file: 'namespace-invalid.yaml',
    input: 'destination namespace `kube_system!`',
    expect: [
      field('namespace-invalid.yaml', 7, 'Application/web', 'spec.destination.namespace'),
      '"kube_system!"',
    ],
  },
  {
    file: 'cluster-unregistered.yaml',
    input: 'destination cluster not in the registry',
    expect: [
      'cluster-unregistered.yaml: Application/web: spec.destination: cluster "prod-eu" is not in the cluster registry',
      'mooring cluster add prod-eu',
    ],
  },
  {
    file: 'duplicate-keys.yaml',
    input: '`metadata.name` given twice',
    expect: ['duplicate-keys.yaml:5: cannot parse YAML: Map keys must be unique'],
  },
  {
    file: 'tag-js-function.yaml',
    input: '`!!js/function` tag',
    expect: ['tag-js-function.yaml:8: cannot use the YAML tag "!!js/function"'],
  },
  {
    file: 'tag-binary.yaml',
    input: '`!!binary` tag on a boolean',
    expect: ['tag-binary.yaml:8: cannot use the YAML tag "!!binary"'],
  },
  {
    file: 'autoscaling-negative-min.yaml',
    input: 'autoscaling `min: -1`',
    expect: [
      field('autoscaling-negative-min.yaml', 8, 'Application/web', 'spec.autoscaling.min'),
      'must be >= 0',
    ],
  },
  {
    file: 'autoscaling-zero-max.yaml',
    input: 'autoscaling `max: 0`',
    expect: [
      field('autoscaling-zero-max.yaml', 8, 'Application/web', 'spec.autoscaling.max'),
      'must be >= 1',
    ],
  },
  {
    file: 'autoscaling-inverted.yaml',
    input: 'autoscaling `min: 10, max: 2`',
    expect: [
      field('autoscaling-inverted.yaml', 8, 'Application/web', 'spec.autoscaling.max'),
      'at least min (10)',
    ],
  },
  {
    file: 'autoscaling-not-scalable.yaml',
    input: 'autoscaling `target: DaemonSet/web` (no spec.replicas)',
    expect: [
      field('autoscaling-not-scalable.yaml', 8, 'Application/web', 'spec.autoscaling.target'),
      'Deployment, StatefulSet or ReplicaSet',
      '"DaemonSet/web"',
    ],
  },
  {
    file: 'analysis-threshold-empty.yaml',
    input: 'analysis check with `thresholdRange: {}`',
    expect: [
      field('analysis-threshold-empty.yaml', 12, 'Application/web', 'spec.analysis.checks[0].thresholdRange'),
      'must have min, max or both',
    ],
  },
  {
    file: 'analysis-failure-limit.yaml',
    input: 'analysis check with `failureLimit: 3` and `count: 3` (could never fail)',
    expect: [
      field('analysis-failure-limit.yaml', 14, 'Application/web', 'spec.analysis.checks[0].failureLimit'),
      'must be less than count (3)',
      'can never fail',
    ],
  },
  {
    file: 'analysis-duplicate-check.yaml',
    input: 'two analysis checks named `error-rate`',
    expect: [
      field('analysis-duplicate-check.yaml', 13, 'Application/web', 'spec.analysis.checks[1].name'),
      'duplicate check name "error-rate"',
      'checks[0]',
    ],
  },
  {
    file: 'repo-url-credentials.yaml',
    input: 'a token in the repoURL userinfo',
    expect: [
      field('repo-url-credentials.yaml', 6, 'Application/web', 'spec.source.repoURL'),
      'credentials in a repository URL are refused',
      'MOORING_GIT_CREDENTIALS_FILE',
    ],
    absent: ['ghp_s3cretTokenValue', 'deploy:'],
  },
  {
    file: 'repo-url-token-query.yaml',
    input: 'a token in the repoURL query string',
    expect: [
      field('repo-url-token-query.yaml', 6, 'Application/web', 'spec.source.repoURL'),
      'query parameter "private_token"',
    ],
    absent: ['glpatS3cretQueryToken99'],
  },
  {
    file: 'repo-url-ext-transport.yaml',
    input: 'repoURL `ext::sh -c ...` (git runs a command)',
    expect: [
      field('repo-url-ext-transport.yaml', 6, 'Application/web', 'spec.source.repoURL'),
      'uses transport "ext", which Mooring does not support',
    ],
  },
  {
    file: 'helm-inline-values.yaml',
    input: 'native inline `helm.values` holding a password',
    expect: [
      field('helm-inline-values.yaml', 10, 'Application/web', 'spec.source.helm.values'),
      'inline Helm values are not accepted',
      'helm.valuesFrom',
    ],
    absent: ['hunter2-inline-values-secret'],
  },
  {
    file: 'argo-helm-parameters.yaml',
    input: 'Argo CD `helm.parameters` holding a password',
    expect: [
      field('argo-helm-parameters.yaml', 12, 'Application/web', 'spec.source.helm.parameters'),
      'Helm parameters are not accepted',
    ],
    absent: ['hunter2-argo-parameter-secret'],
  },
  {
    file: 'argo-server-credentials.yaml',
    input: 'Argo CD `destination.server` with user:password',
    expect: [
      field('argo-server-credentials.yaml', 9, 'Application/web', 'spec.destination.server'),
      'must not contain credentials',
    ],
    absent: ['kubeS3cretPassw0rd', 'admin:'],
  },
];

interface CliResult {
  stdout: string;
  stderr: string;
  code: number;
  ms: number;
}

function runCli(args: string[], options: { cwd: string; env: NodeJS.ProcessEnv }): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    execFile(
      join(projectRoot, 'bin/mooring'),
      args,
      { ...options, timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
        resolve({ stdout, stderr, code, ms: Date.now() - started });
      },
    );
  });
}

/** resourceVersions of every object in the namespace and of the `bad-input*` Namespaces. */
async function clusterSnapshot(namespace: string, kinds: string): Promise<Record<string, string>> {
  type List = { items: { kind: string; metadata: { name: string; resourceVersion: string } }[] };
  const objects = await kubectlJson<List>(['get', kinds, '-n', namespace]);
  const namespaces = await kubectlJson<List>(['get', 'namespaces']);
  const out: Record<string, string> = {};
  for (const o of objects.items)
    out[`${o.kind}/${namespace}/${o.metadata.name}`] = o.metadata.resourceVersion;
  for (const n of namespaces.items)
    if (n.metadata.name.startsWith('bad-input'))
      out[`Namespace/${n.metadata.name}`] = n.metadata.resourceVersion;
  return out;
}

function markdownCell(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\|/g, '\\|').replace(/\n/g, '<br>');
}

describe('mooring app apply refuses bad input', { concurrency: 2 }, () => {
  let env: E2eEnv;
  let repo: TestGitRepo;
  let work: string;
  let registry: string;
  let namespace: { name: string; cleanup: () => Promise<void> };
  let kinds: string;
  let sentinelSpec: AppSpec;
  const rows = new Map<string, string>();

  /** The application workflows of the test's task queue (run ids), and the sentinel's spec and memo. */
  async function appsSnapshot(): Promise<unknown> {
    const runs: string[] = [];
    const query = `TaskQueue = '${env.taskQueue}' AND WorkflowType = '${WORKFLOW_TYPES.application}'`;
    for await (const wf of env.client.workflow.list({ query })) runs.push(`${wf.workflowId}/${wf.runId}`);
    const handle = env.client.workflow.getHandle(applicationWorkflowId(SENTINEL));
    const described = await handle.describe();
    return {
      runs: runs.sort(),
      sentinel: { runId: described.runId, memo: described.memo, spec: await handle.query(specQuery) },
    };
  }

  before(async () => {
    env = await startE2e('badinput');
    work = await mkdtemp(join(tmpdir(), 'mooring-bad-input-'));
    registry = join(work, 'config');
    namespace = await createTestNamespace('bad-input');
    await kubectl(['create', 'configmap', 'untouched', '-n', namespace.name, '--from-literal=k=v']);
    kinds = (await kubectl(['api-resources', '--namespaced=true', '--verbs=list', '-o', 'name']))
      .split('\n')
      .filter((k) => k && !k.startsWith('events'))
      .join(',');
    // The registry the CLI reads: it exists, so a cluster missing from it is refused.
    await mkdir(registry);
    await writeFile(join(registry, 'clusters.yaml'), 'clusters: []\n');
    for (const c of CASES.filter((c) => c.generate)) await writeFile(join(work, c.file), c.generate!());

    // The existing app every case must leave alone (a stale one from an aborted run is replaced).
    await env.client.workflow
      .getHandle(applicationWorkflowId(SENTINEL))
      .terminate('bad-input test setup')
      .catch((err: unknown) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      });
    repo = await createTestGitRepo(join(projectRoot, 'config/examples/guestbook'), 'guestbook');
    const text = [
      'apiVersion: mooring.dev/v1',
      'kind: Application',
      `metadata: {name: ${SENTINEL}}`,
      'spec:',
      `  source: {repoURL: ${repo.url}, targetRevision: main, path: guestbook}`,
      `  destination: {cluster: ${env.cluster}, namespace: bad-input-sentinel}`,
      '',
    ].join('\n');
    [sentinelSpec] = parseApplications(text, 'sentinel.yaml').apps as [AppSpec];
    assert.equal(await applySpec(env.client, sentinelSpec, env.taskQueue, 'bad-input-parent'), 'created');
    await waitFor('the sentinel app to be listed', async () => {
      const snapshot = (await appsSnapshot()) as { runs: string[] };
      return snapshot.runs.length === 1 ? true : undefined;
    });
  });

  after(async () => {
    await env?.client.workflow
      .getHandle(applicationWorkflowId(SENTINEL))
      .terminate('bad-input test cleanup')
      .catch((err: unknown) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      });
    await namespace?.cleanup();
    await repo?.remove();
    if (work) await rm(work, { recursive: true, force: true });
    await env?.close();
    if (rows.size === CASES.length) writeCatalogue();
  });

  function writeCatalogue(): void {
    const lines = [
      '# Bad-input catalogue',
      '',
      'Generated by `test/integration/bad-input.test.ts` (`UPDATE_GOLDEN=1` rewrites it). Each input is',
      'given to `mooring app apply -f <file>`; every case exits 2, leaves every resourceVersion in a test',
      'namespace and of the `bad-input*` Namespaces unchanged, registers no app and leaves an existing',
      'app (`bad-input-sentinel`) with the same run, spec and memo. Control characters in messages are',
      'printed escaped. Files are in `test/fixtures/bad-input/` unless marked generated.',
      '',
      '| # | file | input | message |',
      '|---|---|---|---|',
      ...CASES.map(
        (c, i) =>
          `| ${i + 1} | ${markdownCell(c.file)} | ${markdownCell(c.input)} | ${markdownCell(rows.get(c.file) ?? '')} |`,
      ),
      '',
    ];
    const text = lines.join('\n');
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(CATALOGUE, text);
    else
      assert.equal(
        text,
        readFileSync(CATALOGUE, 'utf8'),
        'the messages differ from CATALOGUE.md (UPDATE_GOLDEN=1 rewrites it)',
      );
  }

  for (const c of CASES) {
    test(`${c.file}: ${c.input}`, async () => {
      const clusterBefore = await clusterSnapshot(namespace.name, kinds);
      const appsBefore = await appsSnapshot();
      const result = await runCli(['app', 'apply', '-f', c.path ?? c.file, '--task-queue', env.taskQueue], {
        cwd: c.generate ? work : FIXTURES,
        env: {
          ...process.env,
          MOORING_CONFIG: registry,
          ...(c.temporalDown ? { TEMPORAL_ADDRESS: DEAD_TEMPORAL } : {}),
        },
      });
      const shown = `exit ${result.code}\n--- stdout\n${result.stdout}--- stderr\n${result.stderr}`;
      assert.equal(result.code, 2, shown);
      assert.equal(result.stdout, '', `nothing may be applied:\n${shown}`);
      for (const words of c.expect)
        assert.ok(result.stderr.includes(words), `expected ${JSON.stringify(words)} in:\n${shown}`);
      for (const words of c.absent ?? [])
        assert.ok(!result.stderr.includes(words), `did not expect ${JSON.stringify(words)} in:\n${shown}`);
      assert.doesNotMatch(result.stderr, RAW_CONTROL, 'control characters must be printed escaped');
      if (c.temporalDown) assert.ok(result.ms < 60_000, `took ${result.ms} ms with Temporal unreachable`);
      assert.deepEqual(await clusterSnapshot(namespace.name, kinds), clusterBefore, 'the cluster changed');
      assert.deepEqual(await appsSnapshot(), appsBefore, 'an app was registered or altered');
      rows.set(c.file, result.stderr.trim().replaceAll(registry, '$MOORING_CONFIG'));
    });
  }

  test('the sentinel app still has the spec it was registered with', async () => {
    const spec = await env.client.workflow.getHandle(applicationWorkflowId(SENTINEL)).query(specQuery);
    assert.deepEqual(spec, JSON.parse(JSON.stringify(sentinelSpec)));
  });
});
