/**
 * Metric-gated rollback on a real Prometheus: the app's `spec.analysis` checks an error ratio the
 * test exporter reads from the live Deployment (its pod-template annotation
 * test.mooring.dev/error-ratio), so a commit really raises the metric through Git → cluster →
 * exporter → Prometheus. A commit that stays Healthy but raises the ratio is rolled back by the
 * analysis and remembered as bad; a commit with a low ratio passes; no data follows
 * `inconclusive: Accept`.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { syncWorkflowId } from '../../contract/ids.js';
import { createAnalysedApp } from '../support/analysed-app.js';
import type { AnalysedApp } from '../support/analysed-app.js';
import { settledAt, startE2e } from '../support/e2e.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';

describe('metric analysis gates a new revision', () => {
  let env: E2eEnv;
  let app: E2eApp;

  let push: AnalysedApp['push'];

  before(async () => {
    env = await startE2e('analysis');
    ({ app, push } = await createAnalysedApp(env, 'gb-analysis'));
  });

  after(async () => {
    await env?.close();
  });

  test('no data at all is inconclusive, and Accept lets the revision through', async () => {
    const head = await app.repo.head();
    const status = await app.waitStatus(`initial sync of ${head}`, settledAt(head));
    const entry = status.history.at(-1);
    assert.equal(entry?.outcome, 'Succeeded');
    assert.match(entry?.message ?? '', /analysis inconclusive \(spec\.analysis\.inconclusive: Accept\)/);
  });

  test('a low error ratio passes the analysis after the bake time', async () => {
    const good = await push('error ratio 1%', '0.01', 'gcr.io/heptio-images/ks-guestbook-demo:0.3');
    const status = await app.waitStatus(`analysis of ${good}`, settledAt(good));
    assert.match(status.history.at(-1)?.message ?? '', /analysis passed/);
  });

  test('a Healthy commit that raises the error ratio is rolled back by analysis and marked bad', async () => {
    const good = (await app.status()).deployedRevision as string;
    const bad = await push('error ratio 40%', '0.4', 'gcr.io/heptio-images/ks-guestbook-demo:0.4');
    const status = await app.waitStatus(
      `rollback of ${bad}`,
      (s) =>
        s.history.some((h) => h.revision === bad && h.outcome === 'RolledBack') && s.operation === undefined,
      { timeoutMs: 120_000, failFast: false },
    );
    const entry = status.history.find((h) => h.revision === bad);
    assert.match(entry?.message ?? '', /analysis failed: check "error-ratio"/);
    assert.equal(entry?.rolledBackTo, good);
    assert.ok(status.badRevisions.includes(bad));
    assert.equal(status.deployedRevision, good);
    assert.equal(status.health, 'Healthy');
    // Health alone accepted it: the new revision's health wait ended Healthy before the analysis.
    const id = status.history.find((h) => h.revision === bad)?.id as number;
    const history = await env.client.workflow.getHandle(syncWorkflowId(app.name, id)).fetchHistory();
    const waited = (history.events ?? []).filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'waitHealthy',
    );
    assert.ok(waited.length >= 1, 'the bad revision went through a health wait');
    const analysed = (history.events ?? []).filter(
      (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'queryMetric',
    );
    assert.ok(analysed.length >= 1, 'the bad revision was measured');
    const timers = (history.events ?? []).filter((e) => e.timerStartedEventAttributes);
    assert.ok(timers.length >= 1, 'the bake time is a durable timer');
    const deployment = await app.deployment();
    assert.equal(
      deployment.spec.template.spec.containers[0]?.image,
      'gcr.io/heptio-images/ks-guestbook-demo:0.3',
    );
  });
});
