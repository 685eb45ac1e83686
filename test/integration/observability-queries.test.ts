/**
 * deploy/keda and deploy/grafana, checked against real systems (issue 12, item 4): the
 * ScaledObjects pass server-side dry-run against KEDA's real CRDs, and every Prometheus query in
 * them and in the Grafana dashboard returns data from the stack's Prometheus. A real Mooring worker
 * (metrics port registered as a scrape target) makes the events the queries count happen: a sync,
 * an automatic rollback, drift repaired by self-heal, Kubernetes API errors.
 */
import { freePort } from '../support/free-port.js';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { Client, Connection } from '@temporalio/client';
import { parseDocument } from 'yaml';
import type { DriftScanResult } from '../../contract/workflows.js';
import { refreshSignal, statusQuery } from '../../contract/messages.js';
import type { AppStatus } from '../../contract/messages.js';
import { applicationWorkflowId } from '../../contract/ids.js';
import { applySpec } from '../../client/apply-spec.js';
import { parseApplications } from '../../config/parse-application.js';
import { runWorker } from '../../workers/worker.js';
import { guestbookDeployment, SERVICE_PORT_OUT_OF_RANGE, settledAt } from '../support/e2e.js';
import { createTestGitRepo } from '../support/git-repo.js';
import type { TestGitRepo } from '../support/git-repo.js';
import { installKedaCrds } from '../support/keda.js';
import { promQuery, registerScrapeTarget, waitForSeries } from '../support/prometheus.js';
import {
  createTestNamespace,
  kubectl,
  projectRoot,
  requireStages,
  temporalAddress,
  uniqueSuffix,
} from '../support/stack.js';
import { waitFor } from '../support/wait.js';

interface KubeObj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: { triggers?: { type: string; metadata: Record<string, string> }[] };
}

interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}

interface TemplateVar {
  name: string;
  type: string;
  includeAll?: boolean;
  allValue?: string;
}

const KEDA_DIR = join(projectRoot, 'deploy/keda');
const DASHBOARD = join(projectRoot, 'deploy/grafana/mooring-dashboard.json');

/** Grafana's built-in interval variables, as Grafana sets them for a 1 h dashboard range. */
const BUILTINS: Record<string, string> = { __rate_interval: '1m', __interval: '15s', __range: '1h' };

function kedaObjects(): { file: string; obj: KubeObj }[] {
  return readdirSync(KEDA_DIR)
    .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
    .sort()
    .flatMap((file) =>
      parseAllDocuments(readFileSync(join(KEDA_DIR, file), 'utf8')).map((d) => ({
        file,
        obj: d.toJS() as KubeObj,
      })),
    );
}

/** Every panel query of the dashboard, with its variables replaced as Grafana does for "All". */
export function dashboardQueries(): { title: string; expr: string; sent: string }[] {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
    panels: Panel[];
    templating: { list: TemplateVar[] };
  };
  const values = new Map(Object.entries(BUILTINS));
  for (const v of dashboard.templating.list) {
    if (v.type === 'datasource') continue;
    assert.ok(v.includeAll, `dashboard variable $${v.name} has no "All" value to check the queries with`);
    values.set(v.name, v.allValue ?? '.*');
  }
  const out: { title: string; expr: string; sent: string }[] = [];
  const walk = (panels: Panel[]): void => {
    for (const p of panels) {
      for (const t of p.targets ?? []) {
        if (!t.expr) continue;
        const sent = t.expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, a?: string, b?: string) => {
          const value = values.get(a ?? b ?? '');
          assert.ok(
            value !== undefined,
            `panel "${p.title}": ${t.expr} uses ${whole}, which the dashboard does not define`,
          );
          return value;
        });
        out.push({ title: p.title ?? '(untitled)', expr: t.expr, sent });
      }
      walk(p.panels ?? []);
    }
  };
  walk(dashboard.panels);
  return out;
}

/** Polls until every query has data (or `timeoutMs`); returns the queries that still have none. */
async function withoutData<Q extends { sent: string }>(queries: Q[], timeoutMs: number): Promise<Q[]> {
  const empty = async (): Promise<Q[]> => {
    const missing: Q[] = [];
    for (const q of queries) if ((await promQuery(q.sent)).length === 0) missing.push(q);
    return missing;
  };
  let missing: Q[] = queries;
  await waitFor(
    'every query to return data',
    async () => {
      missing = await empty();
      return missing.length === 0 ? true : undefined;
    },
    { timeoutMs, intervalMs: 1000 },
  ).catch(() => undefined);
  return missing;
}

/**
 * The Mooring worker of this file, with Temporal Core's metrics: startE2e (test/support/e2e.ts)
 * installs a Core runtime without metrics before its worker starts, so its worker has no temporal_*
 * series; this one is started first and installs Core's Prometheus exporter itself.
 */
describe('KEDA and Grafana queries on the local Prometheus', () => {
  const suffix = uniqueSuffix();
  const taskQueue = `test-obsq-${suffix}`;
  const name = `gb-obs-${suffix}`;
  const appNamespace = `e2e-obsq-${suffix}`;
  let port: number;
  let connection: Connection | undefined;
  let client: Client;
  let repo: TestGitRepo | undefined;
  let namespace: { name: string; cleanup: () => Promise<void> } | undefined;
  let removeCrds: () => Promise<void> = async () => undefined;
  let unregister: () => Promise<void> = async () => undefined;
  let release: () => void = () => undefined;
  let stopping = false;
  let workerExit: string | undefined;
  let worker: Promise<void> = Promise.resolve();

  async function waitStatus(
    what: string,
    done: (s: AppStatus) => boolean,
    timeoutMs = 120_000,
  ): Promise<AppStatus> {
    let last: AppStatus | undefined;
    return await waitFor(
      `${name}: ${what}`,
      async () => {
        last = await client.workflow.getHandle(applicationWorkflowId(name)).query(statusQuery);
        return done(last) ? last : undefined;
      },
      {
        timeoutMs,
        abortIf: () => workerExit,
        describe: () => `last status: ${JSON.stringify({ ...last, resources: undefined })}`,
      },
    );
  }

  before(async () => {
    await requireStages('mooring-pod-crashloop');
    port = await freePort();
    const stop = new Promise<void>((resolve) => {
      release = resolve;
    });
    worker = runWorker({ taskQueue, cluster: taskQueue, schedules: false, metricsPort: port, stop });
    worker.then(
      () => {
        if (!stopping) workerExit = `the worker of ${taskQueue} stopped before the test ended`;
      },
      (err: unknown) => {
        workerExit = `the worker of ${taskQueue} failed: ${(err as Error).stack ?? String(err)}`;
      },
    );
    connection = await Connection.connect({ address: temporalAddress() });
    client = new Client({ connection });
    removeCrds = await installKedaCrds('mooring-observability-test');
    namespace = await createTestNamespace('obs-keda');
    unregister = await registerScrapeTarget(`obsq-${suffix}`, `127.0.0.1:${port}`, { test: suffix });
    await waitForSeries(`up{test="${suffix}"}`, (v) => v[0]?.value === 1);

    // A sync.
    repo = await createTestGitRepo(join(projectRoot, 'config/examples/guestbook'), 'guestbook');
    const doc = parseDocument(readFileSync(join(projectRoot, 'config/examples/guestbook-app.yaml'), 'utf8'));
    doc.setIn(['metadata', 'name'], name);
    doc.setIn(['spec', 'source', 'repoURL'], repo.url);
    doc.setIn(['spec', 'destination', 'cluster'], taskQueue);
    doc.setIn(['spec', 'destination', 'namespace'], appNamespace);
    doc.setIn(['spec', 'rollback', 'healthTimeout'], '60s');
    const spec = parseApplications(String(doc), `${name}.yaml`).apps[0];
    assert.ok(spec, 'the guestbook spec parsed to no application');
    await applySpec(client, spec, taskQueue);
    const good = await repo.head();
    await waitStatus(`initial sync of ${good}`, settledAt(good));
    // An automatic rollback.
    const bad = await repo.commit('guestbook 0.4 (crashes)', {
      'guestbook/deployment.yaml': await guestbookDeployment({
        image: 'gcr.io/heptio-images/ks-guestbook-demo:0.4',
        simulate: 'crashloop',
        progressDeadlineSeconds: 5,
      }),
    });
    await client.workflow
      .getHandle(applicationWorkflowId(name))
      .signal(refreshSignal, { reason: 'test push' });
    await waitStatus(
      `rollback of ${bad}`,
      (s) =>
        s.operation === undefined && s.history.some((h) => h.revision === bad && h.outcome === 'RolledBack'),
    );
    // Drift, repaired by self-heal (the example's syncPolicy has selfHeal: true).
    await kubectl(['scale', 'deployment/guestbook-ui', '-n', appNamespace, '--replicas=4']);
    const scan = (await client.workflow.execute('driftScanWorkflow', {
      taskQueue,
      workflowId: `drift-scan-${suffix}`,
      workflowExecutionTimeout: '2m',
    })) as DriftScanResult;
    assert.deepEqual(scan.drifted, [name], `drift scan: ${JSON.stringify(scan)}`);
    await waitStatus(
      'self-heal',
      (s) => s.operation === undefined && s.history.some((h) => h.initiatedBy === 'self-heal'),
    );
    // A commit the API server rejects (dry-run 422): a failed activity and a Kubernetes API error.
    const rejected = await repo.commit('service port out of range', {
      'guestbook/service.yaml': SERVICE_PORT_OUT_OF_RANGE,
    });
    await client.workflow
      .getHandle(applicationWorkflowId(name))
      .signal(refreshSignal, { reason: 'test push' });
    await waitStatus(
      `${rejected} to be rejected`,
      (s) =>
        s.operation === undefined && s.history.some((h) => h.revision === rejected && h.outcome === 'Failed'),
    );
  });

  after(async () => {
    await unregister();
    if (connection) {
      const query = `MooringApp = '${name}' AND ExecutionStatus = 'Running'`;
      const ids = new Set([applicationWorkflowId(name)]);
      for await (const wf of client.workflow.list({ query })) ids.add(wf.workflowId);
      for (const id of ids)
        await client.workflow
          .getHandle(id)
          .terminate('test cleanup')
          .catch(() => undefined);
      await connection.close();
    }
    await kubectl(['delete', 'namespace', appNamespace, '--wait=false', '--ignore-not-found']);
    stopping = true;
    release();
    await worker.catch(() => undefined);
    await repo?.remove();
    await namespace?.cleanup();
    await removeCrds();
  });

  test('the ScaledObjects of deploy/keda pass server-side dry-run against KEDA CRDs', async () => {
    const scaled = kedaObjects().filter(({ obj }) => obj.kind === 'ScaledObject');
    assert.ok(scaled.length >= 2, `deploy/keda has ${scaled.length} ScaledObjects`);
    for (const { file, obj } of scaled) {
      obj.metadata.namespace = namespace?.name;
      const out = await kubectl(['apply', '--dry-run=server', '--validate=strict', '-o', 'json', '-f', '-'], {
        input: JSON.stringify(obj),
      });
      const back = JSON.parse(out) as KubeObj;
      assert.deepEqual(back.spec, obj.spec, `deploy/keda/${file}: the server changed or pruned the spec`);
    }
  });

  test('the Prometheus trigger queries of deploy/keda return data', async () => {
    const queries = kedaObjects().flatMap(({ file, obj }) =>
      (obj.spec?.triggers ?? [])
        .filter((t) => t.type === 'prometheus')
        .map((t) => ({ file, name: obj.metadata.name, sent: t.metadata.query ?? '' })),
    );
    assert.ok(queries.length > 0, 'deploy/keda has no prometheus trigger');
    const missing = await withoutData(queries, 30_000);
    assert.deepEqual(
      missing.map((q) => `deploy/keda/${q.file} ${q.name}: ${q.sent}`),
      [],
      'KEDA trigger queries with no data',
    );
  });

  describe('every Grafana panel query returns data', () => {
    const queries = dashboardQueries();
    let missing = new Set<string>();
    before(async () => {
      assert.ok(queries.length > 10, `the dashboard has ${queries.length} panel queries`);
      missing = new Set((await withoutData(queries, 60_000)).map((q) => q.sent));
    });
    for (const q of queries) {
      test(`panel "${q.title}": ${q.expr}`, async () => {
        if (!missing.has(q.sent)) return;
        const result = await promQuery(q.sent);
        assert.ok(
          result.length > 0,
          `panel "${q.title}": ${q.expr} (sent as ${q.sent}) returned no data; the worker's series: ${JSON.stringify(
            (await promQuery(`count by (__name__) ({test="${suffix}"})`)).map((s) => s.metric.__name__),
          )}`,
        );
      });
    }
  });
});
