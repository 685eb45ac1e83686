/**
 * Autoscaling on a real Prometheus: the test exporter's gauge is the load, the app's own autoscale
 * schedule (10 s, for this test's queue) measures it on the agent, and the app scales guestbook-ui
 * under the field manager mooring-autoscaler. GitOps and the autoscaler never fight: drift-scan
 * and self-heal leave the replicas alone, a Git change to another field keeps them. A Prometheus
 * outage and a query without data change nothing and show in the status; an operator's `scale`
 * is bounded to min/max.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { refreshSignal, scaleSignal, scaleUpdate } from '../../contract/messages.js';
import type { AppStatus } from '../../contract/messages.js';
import { applicationWorkflowId, WORKFLOW_TYPES } from '../../contract/ids.js';
import type { DriftScanResult } from '../../contract/workflows.js';
import { ensureSchedules } from '../../workers/schedules.js';
import { guestbookDeployment, settledAt, startE2e } from '../support/e2e.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';
import { startOutageProxy } from '../support/outage-proxy.js';
import type { OutageProxy } from '../support/outage-proxy.js';
import { clearExporterValue, prometheusUrl, setExporterValue, waitForSeries } from '../support/prometheus.js';
import { kubectlJson } from '../support/stack.js';

const PERIOD_S = 10;
/** Prometheus scrapes every 2 s; a value needs up to one scrape to be visible. */
const SCRAPE_S = 2;
const SCALE_DOWN_WINDOW_S = 20;

interface LiveScale {
  replicas: number;
  managers: string[];
}

describe('autoscaling on Prometheus', () => {
  let env: E2eEnv;
  let app: E2eApp;
  let proxy: OutageProxy;
  let scheduleId: string;
  const labels: Record<string, string> = {};
  /** A gauge of this run's own: clearing it (no data) touches no other test's series. */
  let metric = '';

  const setLoad = async (value: number) => {
    await setExporterValue(metric, labels, value);
    await waitForSeries(`${metric}{test="${labels.test}"}`, (s) => s.some((x) => x.value === value), 15_000);
  };
  const live = async (): Promise<LiveScale> => {
    const d = await kubectlJson<{
      spec: { replicas: number };
      metadata: { managedFields?: { manager: string; fieldsV1?: { 'f:spec'?: Record<string, unknown> } }[] };
    }>(['get', 'deployment', 'guestbook-ui', '-n', app.namespace, '--show-managed-fields']);
    return {
      replicas: d.spec.replicas,
      managers: (d.metadata.managedFields ?? [])
        .filter((f) => f.fieldsV1?.['f:spec'] && 'f:replicas' in (f.fieldsV1['f:spec'] ?? {}))
        .map((f) => f.manager),
    };
  };
  const replicasIn = (s: AppStatus) => s.autoscaling?.replicas;

  before(async () => {
    proxy = await startOutageProxy(new URL(prometheusUrl()));
    env = await startE2e('autoscale', { prometheusUrl: proxy.url });
    labels.test = env.suffix;
    metric = `mooring_test_load_${env.suffix}`;
    await setExporterValue(metric, labels, 20);
    app = await env.createApp('gb-scale', {
      automated: { prune: true, selfHeal: true },
      spec: {
        autoscaling: {
          target: 'Deployment/guestbook-ui',
          min: 1,
          max: 5,
          query: `max(${metric}{test="${env.suffix}"})`,
          targetValue: 10,
          behavior: { scaleDown: { stabilizationWindowSeconds: SCALE_DOWN_WINDOW_S } },
        },
      },
    });
    const head = await app.repo.head();
    await app.waitStatus(`initial sync of ${head}`, settledAt(head));
    await setLoad(20); // 2 replicas, as Git says: nothing to change
    scheduleId = `autoscale-${env.suffix}`;
    await ensureSchedules(env.client, {
      taskQueue: env.taskQueue,
      autoscale: `${PERIOD_S}s`,
      only: ['autoscale'],
      ids: { autoscale: scheduleId },
    });
    await app.waitStatus(
      'first autoscale evaluation',
      (s) => s.autoscaling?.lastEvaluatedAt !== undefined,
      30_000,
    );
  });

  after(async () => {
    await env?.client.schedule
      .getHandle(scheduleId)
      .delete()
      .catch(() => undefined);
    await clearExporterValue(metric).catch(() => undefined);
    await env?.close();
    await proxy?.close();
  });

  test('a higher load scales up within two schedule periods, owned by mooring-autoscaler', async () => {
    const started = Date.now();
    await setExporterValue(metric, labels, 35);
    const status = await app.waitStatus(
      'scaled to 4',
      (s) => replicasIn(s) === 4,
      (2 * PERIOD_S + SCRAPE_S + 3) * 1000,
    );
    const elapsed = (Date.now() - started) / 1000;
    assert.ok(elapsed <= 2 * PERIOD_S + SCRAPE_S + 3, `scaled after ${elapsed.toFixed(1)} s`);
    const decision = status.autoscaling?.decisions.at(-1);
    assert.equal(decision?.from, 2);
    assert.equal(decision?.to, 4);
    assert.equal(decision?.initiatedBy, 'autoscaler');
    assert.equal(decision?.value, 35);
    assert.match(decision?.reason ?? '', /value 35 against target 10 per replica/);
    const scale = await live();
    assert.equal(scale.replicas, 4);
    assert.ok(
      scale.managers.includes('mooring-autoscaler'),
      `replicas managers: ${scale.managers.join(', ')}`,
    );
  });

  test('drift-scan and self-heal leave the autoscaled replicas alone', async () => {
    const scan = await env.client.workflow.execute(WORKFLOW_TYPES.driftScan, {
      taskQueue: env.taskQueue,
      workflowId: `drift-scan-${env.suffix}`,
    });
    const result = scan as DriftScanResult;
    assert.ok(!result.drifted.includes(app.name), `drift-scan reported drift: ${JSON.stringify(result)}`);
    assert.equal((await app.status()).sync, 'Synced');
    assert.equal((await live()).replicas, 4);
  });

  test('a Git change to another field syncs and keeps the autoscaled replicas', async () => {
    const sha = await app.repo.commit('new image; replicas in Git stay 1', {
      'guestbook/deployment.yaml': await guestbookDeployment({
        image: 'gcr.io/heptio-images/ks-guestbook-demo:0.3',
        replicas: 1,
      }),
    });
    await env.client.workflow
      .getHandle(applicationWorkflowId(app.name))
      .signal(refreshSignal, { reason: 'test push' });
    await app.waitStatus(`sync of ${sha}`, settledAt(sha));
    const deployment = await app.deployment();
    assert.equal(
      deployment.spec.template.spec.containers[0]?.image,
      'gcr.io/heptio-images/ks-guestbook-demo:0.3',
    );
    assert.equal(deployment.spec.replicas, 4);
  });

  test('a lower load scales down only after the scale-down stabilization window', async () => {
    const started = Date.now();
    await setLoad(10);
    const held = await app.waitStatus(
      'scale-down held',
      (s) => (s.autoscaling?.waiting ?? '').includes('scale down to 1'),
      30_000,
    );
    assert.equal(replicasIn(held), 4);
    await app.waitStatus(
      'scaled down to 1',
      (s) => replicasIn(s) === 1,
      (SCALE_DOWN_WINDOW_S + 3 * PERIOD_S) * 1000,
    );
    const elapsed = (Date.now() - started) / 1000;
    assert.ok(
      elapsed >= SCALE_DOWN_WINDOW_S,
      `scaled down after ${elapsed.toFixed(1)} s, inside the ${SCALE_DOWN_WINDOW_S} s window`,
    );
    assert.equal((await live()).replicas, 1);
  });

  test('a Prometheus outage changes nothing and is reported, then clears', async () => {
    await setLoad(45);
    proxy.cut();
    try {
      const down = await app.waitStatus(
        'AutoscalingUnavailable',
        (s) => s.conditions.some((c) => c.type === 'AutoscalingUnavailable'),
        (2 * PERIOD_S + 5) * 1000,
      );
      const condition = down.conditions.find((c) => c.type === 'AutoscalingUnavailable');
      assert.match(condition?.message ?? '', /could not be reached|ECONNRESET|ECONNREFUSED|socket/i);
      assert.equal((await live()).replicas, 1);
    } finally {
      proxy.restore();
    }
    await app.waitStatus('scaled up after the outage', (s) => replicasIn(s) === 5, (2 * PERIOD_S + 5) * 1000);
    assert.ok(!(await app.status()).conditions.some((c) => c.type === 'AutoscalingUnavailable'));
  });

  test('a query with no data changes nothing and says so', async () => {
    await clearExporterValue(metric);
    const status = await app.waitStatus(
      'no data reported',
      (s) => s.conditions.some((c) => c.type === 'AutoscalingUnavailable' && /no series/.test(c.message)),
      (2 * PERIOD_S + 10) * 1000,
    );
    assert.equal(replicasIn(status), 5);
    assert.equal((await live()).replicas, 5);
  });

  test("an operator's scale is applied at once, bounded to min and max", async () => {
    await setLoad(20); // the autoscaler recommends 2: a manual count above it is held by the down window
    const handle = env.client.workflow.getHandle(applicationWorkflowId(app.name));
    const accepted = await handle.executeUpdate(scaleUpdate, {
      args: [{ replicas: 9, reason: 'load test' }],
    });
    assert.deepEqual(accepted, { replicas: 5, bounded: true });
    const low = await handle.executeUpdate(scaleUpdate, { args: [{ replicas: 2 }] });
    assert.deepEqual(low, { replicas: 2, bounded: false });
    const status = await app.waitStatus('manual scale to 2', (s) => replicasIn(s) === 2, 20_000);
    const decision = status.autoscaling?.decisions.at(-1);
    assert.equal(decision?.initiatedBy, 'operator');
    assert.equal((await live()).replicas, 2);
  });

  test('the scale signal (the Web UI\'s "Send signal") is honoured too', async () => {
    await env.client.workflow
      .getHandle(applicationWorkflowId(app.name))
      .signal(scaleSignal, { replicas: 3, reason: 'from the Web UI' });
    const status = await app.waitStatus('signalled scale to 3', (s) => replicasIn(s) === 3, 20_000);
    assert.equal(status.autoscaling?.decisions.at(-1)?.reason, 'from the Web UI');
    assert.equal((await live()).replicas, 3);
  });
});
