/**
 * End to end on the real stack, Argo CD's multi-source example: the example `helm-guestbook` chart,
 * packaged unchanged and pushed to an OCI registry (the CNCF distribution registry), deployed with
 * `values-production.yaml` from a Git repository named by `ref: values`
 * (`$values/helm-guestbook/values-production.yaml`). The app records both revisions; a commit to
 * the values repository alone deploys again; a rollback restores both.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applicationWorkflowId } from '../../contract/ids.js';
import { rollbackSignal } from '../../contract/messages.js';
import type { AppStatus } from '../../contract/messages.js';
import { isChartRevision, splitRevisions } from '../../contract/revision.js';
import { settledAt, startE2e } from '../support/e2e.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';
import { isolatedHelmEnv, packageChart } from '../support/chart-repo.js';
import { createTestGitRepo } from '../support/git-repo.js';
import type { TestGitRepo } from '../support/git-repo.js';
import { startOciRegistry } from '../support/oci-registry.js';
import type { OciRegistry } from '../support/oci-registry.js';
import { SHARED_EXAMPLES, sharedExamplesMissing } from '../support/requirements.js';
import { setEnv } from '../support/env-vars.js';
import { kubectlJson } from '../support/stack.js';

const CHART_DIR = join(SHARED_EXAMPLES, 'helm-guestbook');
const VALUES_FILE = 'helm-guestbook/values-production.yaml';

describe(
  'an app with two sources: a chart from a registry, values from Git',
  { skip: sharedExamplesMissing() },
  () => {
    let env: E2eEnv;
    let registry: OciRegistry;
    let values: TestGitRepo;
    let tmp: string;
    let app: E2eApp;
    let first: AppStatus;
    let restoreEnv = (): void => undefined;

    before(async () => {
      tmp = await mkdtemp(join(tmpdir(), 'mooring-e2e-multi-'));
      await mkdir(join(tmp, 'archives'));
      registry = await startOciRegistry();
      await registry.push(
        await packageChart(CHART_DIR, join(tmp, 'archives'), isolatedHelmEnv(join(tmp, 'helm'))),
      );
      values = await createTestGitRepo(CHART_DIR, 'helm-guestbook');
      restoreEnv = setEnv({ MOORING_HELM_PLAIN_HTTP_HOSTS: registry.host });
      env = await startE2e('multi');
    });
    after(async () => {
      await env?.close();
      await registry?.close();
      await values?.remove();
      if (tmp) await rm(tmp, { recursive: true, force: true });
      restoreEnv();
    });

    const deployment = (name: string) =>
      kubectlJson<{ spec: { replicas: number } }>(['get', 'deployment', name, '-n', app.namespace]);
    const serviceType = async (name: string) =>
      (await kubectlJson<{ spec: { type: string } }>(['get', 'service', name, '-n', app.namespace])).spec
        .type;

    test('renders both sources together and records the revision of each', async () => {
      app = await env.createApp('multi', {
        spec: {
          sources: [
            {
              repoURL: `oci://${registry.host}/charts`,
              chart: 'helm-guestbook',
              targetRevision: '0.1.*',
              helm: { valueFiles: [`$values/${VALUES_FILE}`] },
            },
            { repoURL: values.url, targetRevision: 'main', ref: 'values' },
          ],
        },
      });
      first = await app.waitStatus('both sources deployed', (s) =>
        s.deployedRevision ? settledAt(s.deployedRevision)(s) : false,
      );
      const [chart, commit] = splitRevisions(first.deployedRevision ?? '');
      assert.ok(chart && isChartRevision(chart), `the chart's pin comes first: ${first.deployedRevision}`);
      assert.equal(commit, await values.head(), 'then the values commit');
      assert.deepEqual(
        first.sources?.map((s) => s.ref ?? s.chart),
        ['helm-guestbook', 'values'],
      );
      const name = `${app.name}-helm-guestbook`;
      assert.equal(
        await serviceType(name),
        'LoadBalancer',
        'values-production.yaml from $values was applied',
      );
      assert.equal((await deployment(name)).spec.replicas, 1);
    });

    test('a commit to the values repository alone is found by git-poll and deployed', async () => {
      const sha = await values.commit('three replicas in production', {
        [VALUES_FILE]: 'service:\n  type: LoadBalancer\nreplicaCount: 3\n',
      });
      const poll = await env.gitPoll();
      assert.deepEqual(poll.errors, []);
      assert.deepEqual(poll.refreshed, [app.name]);
      const [chart] = splitRevisions(first.deployedRevision ?? '');
      const status = await app.waitStatus('the values commit deployed', settledAt(`${chart},${sha}`));
      assert.equal(status.history.length, 2);
      assert.equal((await deployment(`${app.name}-helm-guestbook`)).spec.replicas, 3);
    });

    test('a rollback restores the revision of every source', async () => {
      await env.client.workflow
        .getHandle(applicationWorkflowId(app.name))
        .signal(rollbackSignal, { historyId: 1 });
      const revision = first.deployedRevision ?? '';
      await app.waitStatus('rolled back', (s) => s.pinnedRevision === revision && settledAt(revision)(s));
      assert.equal((await deployment(`${app.name}-helm-guestbook`)).spec.replicas, 1);
    });
  },
);
