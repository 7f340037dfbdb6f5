// The dashboard in a real browser (Debian chromium) with JavaScript off: a viewer changes the
// modality filter, the address carries it and the figures change; a screenshot is saved for people
// to look at, and axe-core finds no serious accessibility violation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Database } from '../db/database.ts';
import { seedEngineFixture } from '../analytics/engine-fixture.ts';
import { setTarget } from '../analytics/service.ts';
import { launchBrowser, newContext, saveScreenshot, seriousAccessibilityViolations } from '../testing/browser.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TEST_PASSWORD, type TestOrg, type TestServer } from '../testing/http.ts';

describe('dashboard in a browser', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'browser-dashboard');
    await seedEngineFixture(database, org.id);
    await database.withOrg(org.id, (tx) => setTarget(tx, undefined, 'relevance', '2023', { baseline: 0.6, target: 0.75 }));
    server = await startTestServer(database);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await database?.close();
  });

  it('changes the figures and the address with a filter, without JavaScript', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/login?next=${encodeURIComponent('/dashboard?period=2023&by=gender')}`);
    await page.getByLabel('E-mail').fill(org.emails.viewer);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    const relevance = page.locator('#results tbody tr[data-indicator="relevance"]');
    assert.equal(await relevance.getAttribute('data-value'), String(7 / 10));
    assert.match((await relevance.textContent()) ?? '', /70%/);
    assert.deepEqual(await seriousAccessibilityViolations(page), [], 'accessibility of the dashboard');
    await saveScreenshot(page, 'dashboard');

    await page.getByLabel('Modality', { exact: true }).selectOption('face_to_face');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/modality=face_to_face/);
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('modality'), 'face_to_face');
    assert.equal(url.searchParams.get('period'), '2023');
    assert.equal(await relevance.getAttribute('data-value'), String(4 / 6));
    assert.match((await relevance.textContent()) ?? '', /66\.7%/);
    await saveScreenshot(page, 'dashboard-face-to-face');
    await context.close();
  });
});
