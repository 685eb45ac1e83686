/**
 * A metric-gated rollback as an operator sees it in the Temporal Web UI, in a real headless
 * browser: a commit that stays Healthy but raises the exporter's error ratio (through its
 * Deployment's pod-template annotation, as e2e-analysis.test.ts does) is rolled back by
 * `spec.analysis`, and the bad revision's sync workflow page shows, in time order, the render of
 * the bad revision, the bake timer, the failing measurement and the rollback's render of the good
 * revision, with the verdict in the result. The full-page screenshot is kept (its path printed)
 * and copied to bench/results/ui-metric-gated-rollback.png.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { syncWorkflowId } from '../../contract/ids.js';
import { ANALYSIS_BAKE as BAKE, createAnalysedApp } from '../support/analysed-app.js';
import type { AnalysedApp } from '../support/analysed-app.js';
import { launchBrowser } from '../support/browser.js';
import type { Browser } from '../support/browser.js';
import { settledAt, startE2e } from '../support/e2e.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';
import { chromiumMissing } from '../support/requirements.js';
import { projectRoot, temporalUiUrl } from '../support/stack.js';

/** Where `needle` first occurs in `text`; fails naming what the operator would miss. */
function positionOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  assert.ok(at >= 0, `the timeline shows "${needle}"; it shows:\n${text}`);
  return at;
}

describe('Temporal Web UI: a metric-gated rollback', { skip: chromiumMissing() }, () => {
  let env: E2eEnv;
  let app: E2eApp;
  let browser: Browser | undefined;
  let page: Page;
  let push: AnalysedApp['push'];

  before(async () => {
    env = await startE2e('webui-analysis');
    ({ app, push } = await createAnalysedApp(env, 'gb-uianalysis'));
    const head = await app.repo.head();
    await app.waitStatus(`initial sync of ${head}`, settledAt(head));
    browser = await launchBrowser();
    page = browser.page;
  });

  after(async () => {
    await browser?.close();
    await env?.close();
  });

  test("the bad revision's sync workflow shows the bake timer, the failing measurement and the rollback", async () => {
    const good = await push('error ratio 1%', '0.01', 'gcr.io/heptio-images/ks-guestbook-demo:0.3');
    await app.waitStatus(`analysis of ${good}`, settledAt(good));
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

    const workflowId = syncWorkflowId(app.name, entry?.id as number);
    const { runId } = await env.client.workflow.getHandle(workflowId).describe();
    const url = `${temporalUiUrl()}/namespaces/default/workflows/${encodeURIComponent(workflowId)}/${runId}/history`;
    await page.goto(url);
    await page.getByText(`analysis bake time ${BAKE}`).first().waitFor({ timeout: 30_000 });
    await page.getByText('analysis error-ratio 1/3').first().waitFor({ timeout: 30_000 });

    // The UI scrolls inside its own container, so a full-page shot is the viewport: make it tall
    // enough for the header, the result and the whole timeline.
    await page.setViewportSize({ width: 1600, height: 2000 });
    await page.getByText('Event ID').first().waitFor({ timeout: 30_000 });
    const shot = join(tmpdir(), `mooring-webui-metric-gated-rollback-${env.suffix}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    const kept = join(projectRoot, 'bench', 'results', 'ui-metric-gated-rollback.png');
    await mkdir(join(projectRoot, 'bench', 'results'), { recursive: true });
    await copyFile(shot, kept);
    console.log(`screenshot: ${shot}`);
    console.log(`screenshot: ${kept}`);

    const body = await page.locator('body').innerText();
    assert.ok(body.includes(workflowId), 'the page is the bad revision’s sync workflow');
    assert.ok(body.includes('syncWorkflow'), 'the workflow type is shown');
    // The verdict, as the workflow's result shows it.
    assert.match(body, /"outcome": "RolledBack"/);
    assert.match(body, /analysis failed: check \\"error-ratio\\"/);
    assert.ok(body.includes(`"rolledBackTo": "${good}"`), `the result names the good revision ${good}`);

    // The timeline, newest first: rollback render ← measurement ← bake timer ← health wait ← bad render.
    const start = body.indexOf('Event History');
    assert.ok(start >= 0, 'the page has an event history');
    const timeline = body.slice(start, body.indexOf('Event ID', start));
    const rollbackRender = positionOf(timeline, `render and dry-run guestbook@${good.slice(0, 7)}`);
    const measured = positionOf(timeline, 'queryMetric • analysis error-ratio 1/3');
    const baked = positionOf(timeline, `analysis bake time ${BAKE}`);
    const badRender = positionOf(timeline, `render and dry-run guestbook@${bad.slice(0, 7)}`);
    const healthWait = timeline.indexOf('waitHealthy', baked);
    assert.ok(
      rollbackRender < measured && measured < baked && baked < healthWait && healthWait < badRender,
      `the timeline reads render ${bad.slice(0, 7)} → health wait → bake → measurement → render ${good.slice(0, 7)}:\n${timeline}`,
    );
    // A failed check ends the analysis: the second and third measurements never ran.
    assert.ok(!timeline.includes('analysis error-ratio 2/3'), 'the analysis stopped at the first failure');
  });
});
