/**
 * End to end on the real stack: apps whose source is a Helm chart published in an OCI registry (the
 * CNCF distribution registry, with htpasswd auth) and in a chart repository (`helm repo index`
 * over HTTP, a chart whose archive carries its dependency). The revision an app records is the chart's pin
 * `<version>@sha256:<digest>`; git-poll finds a new version that satisfies the range; a rollback by
 * version deploys the earlier pin again.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { applicationWorkflowId } from '../../contract/ids.js';
import { rollbackSignal } from '../../contract/messages.js';
import { parseChartRevision } from '../../contract/revision.js';
import { settledAt, startE2e } from '../support/e2e.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';
import { isolatedHelmEnv, packageChart, serveChartRepo, writeTestChart } from '../support/chart-repo.js';
import type { ChartRepoServer, TestChart } from '../support/chart-repo.js';
import { startOciRegistry } from '../support/oci-registry.js';
import type { OciRegistry } from '../support/oci-registry.js';
import { setEnv } from '../support/env-vars.js';
import { kubectlJson } from '../support/stack.js';

const AUTH = { username: 'mooring', password: 'chart-pull-secret' };
const IMAGE_1 = 'gcr.io/heptio-images/ks-guestbook-demo:0.2';
const IMAGE_2 = 'gcr.io/heptio-images/ks-guestbook-demo:0.3';

/** A chart with one Deployment of `image` (kwok makes its Pods Ready) besides the test ConfigMap. */
function webChart(version: string, image: string, extra: Partial<TestChart> = {}): TestChart {
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: '{{ .Values.image }}' }] },
      },
    },
  };
  return {
    name: 'web',
    version,
    values: { message: `web ${version}`, image },
    files: { 'templates/deployment.yaml': stringify(deployment) },
    ...extra,
  };
}

interface LiveWeb {
  spec: { template: { spec: { containers: { image: string }[] } } };
  status?: { readyReplicas?: number };
}

describe('apps from Helm chart repositories and OCI registries', () => {
  let env: E2eEnv;
  let registry: OciRegistry;
  let charts: ChartRepoServer;
  let tmp: string;
  let restoreEnv = (): void => undefined;

  before(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'mooring-e2e-chart-'));
    await mkdir(join(tmp, 'archives'));
    registry = await startOciRegistry({ auth: AUTH });
    charts = await serveChartRepo();
    await writeFile(join(tmp, 'password'), AUTH.password, { mode: 0o600 });
    await writeFile(
      join(tmp, 'helm-credentials.yaml'),
      stringify([
        {
          urlPrefix: `oci://${registry.host}/charts`,
          username: AUTH.username,
          passwordFile: join(tmp, 'password'),
        },
      ]),
      { mode: 0o600 },
    );
    // The agent's own settings, read when its chart source is first built (by the worker below).
    restoreEnv = setEnv({
      MOORING_HELM_CREDENTIALS_FILE: join(tmp, 'helm-credentials.yaml'),
      MOORING_HELM_PLAIN_HTTP_HOSTS: `${registry.host},${new URL(charts.url).host}`,
    });
    await publish(webChart('1.0.0', IMAGE_1));
    env = await startE2e('chart');
  });
  after(async () => {
    await env?.close();
    await registry?.close();
    await charts?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
    restoreEnv();
  });

  /** Packages `chart` and pushes it to the registry's `charts` namespace. */
  async function publish(chart: TestChart): Promise<void> {
    const source = await writeTestChart(join(tmp, `src-${chart.version}`), chart);
    await registry.push(
      await packageChart(source, join(tmp, 'archives'), isolatedHelmEnv(join(tmp, 'helm'))),
    );
  }

  const live = (app: E2eApp) => kubectlJson<LiveWeb>(['get', 'deployment', 'web', '-n', app.namespace]);
  const pinOf = (revision: string | undefined) => (revision ? parseChartRevision(revision) : undefined);

  describe('from an OCI registry with credentials', () => {
    let app: E2eApp;
    let first: string;

    test('deploys the highest version in range, and records its pin as the revision', async () => {
      app = await env.createApp('oci', {
        spec: {
          source: { repoURL: `oci://${registry.host}/charts`, chart: 'web', targetRevision: '^1.0.0' },
        },
      });
      const status = await app.waitStatus('the chart deployed', (s) => {
        const pin = pinOf(s.deployedRevision);
        return pin?.version === '1.0.0' && settledAt(s.deployedRevision ?? '')(s);
      });
      first = status.deployedRevision ?? '';
      assert.match(first, /^1\.0\.0@sha256:[0-9a-f]{64}$/);
      assert.equal(status.chart, 'web');
      assert.equal(status.history.at(-1)?.revision, first);
      assert.equal(status.history.at(-1)?.outcome, 'Succeeded');
      const web = await live(app);
      assert.equal(web.spec.template.spec.containers[0]?.image, IMAGE_1);
      assert.equal(web.status?.readyReplicas, 2);
    });

    test('git-poll finds a new version in range and the app deploys it', async () => {
      await publish(webChart('1.1.0', IMAGE_2));
      await publish(webChart('2.0.0', 'example.invalid/outside-the-range'));
      const poll = await env.gitPoll();
      assert.deepEqual(poll.errors, []);
      assert.deepEqual(poll.refreshed, [app.name]);
      const status = await app.waitStatus('1.1.0 deployed', (s) => {
        const pin = pinOf(s.deployedRevision);
        return pin?.version === '1.1.0' && settledAt(s.deployedRevision ?? '')(s);
      });
      assert.equal(status.history.at(-1)?.initiator, 'schedule:git-poll');
      assert.equal((await live(app)).spec.template.spec.containers[0]?.image, IMAGE_2);
    });

    test('a rollback by version deploys the earlier pin again', async () => {
      await env.client.workflow
        .getHandle(applicationWorkflowId(app.name))
        .signal(rollbackSignal, { toRevision: '1.0.0' });
      const status = await app.waitStatus(
        'rolled back to 1.0.0',
        (s) => s.pinnedRevision === first && settledAt(first)(s),
      );
      assert.equal(status.history.at(-1)?.initiatedBy, 'rollback');
      assert.equal((await live(app)).spec.template.spec.containers[0]?.image, IMAGE_1);
    });
  });

  test('from a chart repository, with the dependency its archive carries', async () => {
    await charts.add({ name: 'labels', version: '0.1.0', values: { message: 'labels 0.1.0' } });
    await charts.add(
      webChart('3.2.1', IMAGE_1, {
        dependencies: [{ name: 'labels', version: '0.1.x', repository: charts.url }],
        vendorDependencies: true,
      }),
    );
    const app = await env.createApp('repo', {
      spec: { source: { repoURL: charts.url, chart: 'web', targetRevision: '3.2.*' } },
    });
    const status = await app.waitStatus('the chart deployed', (s) =>
      s.deployedRevision ? settledAt(s.deployedRevision)(s) : false,
    );
    assert.equal(pinOf(status.deployedRevision)?.version, '3.2.1');
    const kinds = status.resources.map((r) => `${r.kind}/${r.name}`).sort();
    assert.ok(kinds.includes('Deployment/web'), kinds.join(', '));
    assert.ok(
      kinds.some((k) => k.startsWith('ConfigMap/') && k.endsWith('-labels')),
      `the dependency's ConfigMap is deployed: ${kinds.join(', ')}`,
    );
  });
});
