/**
 * The Temporal Web UI, in a real headless browser: an operator filtering on `MooringApp` sees the
 * application workflow and its sync workflows, and the Schedules page lists git-poll,
 * drift-scan and autoscale. Screenshots land in the system temp directory for a human to look at.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { BrowserContext, Page } from 'playwright-core';
import { ensureSchedules } from '../../workers/schedules.js';
import { SCHEDULE_IDS } from '../../contract/ids.js';
import { applicationWorkflowId, syncWorkflowId } from '../../contract/ids.js';
import { settledAt, startE2e } from '../support/e2e.js';
import type { E2eApp, E2eEnv } from '../support/e2e.js';
import { CHROMIUM, chromiumMissing } from '../support/requirements.js';
import { temporalUiUrl } from '../support/stack.js';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
describe('Temporal Web UI', { skip: chromiumMissing() }, () => {
  let env: E2eEnv;
  let app: E2eApp;
  let profile: string;
  let browser: BrowserContext;
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
    profile = await mkdtemp(join(tmpdir(), 'mooring-chromium-'));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_FLAGS,
      viewport: { width: 1600, height: 1000 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
  });

  after(async () => {
    await browser?.close();
    if (profile) await rm(profile, { recursive: true, force: true });
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
