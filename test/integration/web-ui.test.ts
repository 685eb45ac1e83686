/**
 * The Temporal Web UI, in a real headless browser: an operator filtering on `MooringApp` sees the
 * application workflow and its sync workflows, and the Schedules page lists git-poll,
 * drift-scan and autoscale. Screenshots land in the system temp directory for a human to look at.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ensureSchedules } from '../../workers/schedules.js';
import { SCHEDULE_IDS } from '../../contract/ids.js';
import { applicationWorkflowId, syncWorkflowId } from '../../contract/ids.js';
import { settledAt, startE2e } from '../support/e2e.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';
import { launchBrowser } from '../support/browser.js';
import type { Browser } from '../support/browser.js';
import { chromiumMissing } from '../support/requirements.js';
import { temporalUiUrl } from '../support/stack.js';

describe('Temporal Web UI', { skip: chromiumMissing() }, () => {
  let env: E2eEnv;
  let app: E2eApp;
  let browser: Browser | undefined;
  let page: Page;
  const createdSchedules: string[] = [];

  before(async () => {
    env = await startE2e('webui');
    app = await env.createApp('gb-webui');
    const head = await app.repo.head();
    await app.waitStatus(`initial sync of ${head}`, settledAt(head));
    for (const id of Object.values(SCHEDULE_IDS)) {
      const exists = await env.client.schedule
        .getHandle(id)
        .describe()
        .then(
          () => true,
          () => false,
        );
      if (!exists) createdSchedules.push(id);
    }
    await ensureSchedules(env.client);
    // Schedules this test created are global: keep them from firing, and delete them afterwards.
    for (const id of createdSchedules)
      await env.client.schedule.getHandle(id).pause('created paused by the Web UI test');
    browser = await launchBrowser();
    page = browser.page;
  });

  after(async () => {
    await browser?.close();
    for (const id of createdSchedules)
      await env.client.schedule
        .getHandle(id)
        .delete()
        .catch(() => undefined);
    await env?.close();
  });

  test('filtering on MooringApp lists the application and its sync workflows', async () => {
    const query = `MooringApp = "${app.name}"`;
    await page.goto(`${temporalUiUrl()}/namespaces/default/workflows?query=${encodeURIComponent(query)}`);
    const appRow = page.getByRole('link', { name: applicationWorkflowId(app.name), exact: true });
    const syncRow = page.getByRole('link', { name: syncWorkflowId(app.name, 1), exact: true });
    await appRow.first().waitFor({ timeout: 30_000 });
    await syncRow.first().waitFor({ timeout: 30_000 });
    const shot = join(tmpdir(), `mooring-webui-workflows-${env.suffix}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);
    const text = await page.locator('body').innerText();
    assert.ok(text.includes('applicationWorkflow'), 'the application workflow type is shown');
    assert.ok(text.includes('syncWorkflow'), 'the sync workflow type is shown');
    const listed = await page.getByRole('link', { name: /^app\// }).allInnerTexts();
    assert.ok(
      listed.length >= 2 && listed.every((id) => id.startsWith(applicationWorkflowId(app.name))),
      `only this app's workflows are listed: ${listed.join(', ')}`,
    );
  });

  test('the Schedules page lists git-poll, drift-scan and autoscale', async () => {
    await page.goto(`${temporalUiUrl()}/namespaces/default/schedules`);
    await page.getByText(SCHEDULE_IDS.gitPoll, { exact: true }).first().waitFor({ timeout: 30_000 });
    await page.getByText(SCHEDULE_IDS.driftScan, { exact: true }).first().waitFor({ timeout: 30_000 });
    await page.getByText(SCHEDULE_IDS.autoscale, { exact: true }).first().waitFor({ timeout: 30_000 });
    const shot = join(tmpdir(), `mooring-webui-schedules-${env.suffix}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    console.log(`screenshot: ${shot}`);
  });
});
