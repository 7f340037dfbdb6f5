// The activity page in a real browser (Debian chromium) with JavaScript off: a viewer drills down
// from the dashboard to a programme and on to an activity, whose page shows its indicators beside
// the organisation's, the pre/post chart and its export links; a screenshot is saved for people to
// look at, and axe-core finds no serious accessibility violation.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Database } from '../db/database.ts';
import { seedEngineFixture, type EngineFixture } from '../analytics/engine-fixture.ts';
import { setTarget } from '../analytics/service.ts';
import { launchBrowser, newContext, saveScreenshot, seriousAccessibilityViolations } from '../testing/browser.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TEST_PASSWORD, type TestOrg, type TestServer } from '../testing/http.ts';

describe('activity page in a browser', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;
  let fixture: EngineFixture;
  let browser: Browser;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'browser-activity');
    fixture = await seedEngineFixture(database, org.id);
    await database.withOrg(org.id, (tx) => setTarget(tx, undefined, 'relevance', '2023', { baseline: 0.6, target: 0.75 }));
    server = await startTestServer(database);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await database?.close();
  });

  it('opens the activity page from the dashboard drill-down, without JavaScript', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/login?next=${encodeURIComponent('/dashboard?period=2023')}`);
    await page.getByLabel('E-mail').fill(org.emails.viewer);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();

    await page.getByRole('navigation', { name: 'Drill down' }).getByRole('link', { name: 'labour' }).click();
    await page.waitForURL(/programme=labour/);
    await page.getByRole('navigation', { name: 'Drill down' }).getByRole('link', { name: 'A1 · Labour migration' }).click();
    await page.waitForURL(new RegExp(`/activities/${fixture.activityIds.A1}\\?period=2023$`));
    await page.getByRole('heading', { name: 'Labour migration', level: 1 }).waitFor();

    const relevance = page.locator('#kpi-comparison tbody tr[data-indicator="relevance"]');
    assert.equal(await relevance.getAttribute('data-activity-value'), String(4 / 6));
    assert.equal(await relevance.getAttribute('data-organisation-value'), String(7 / 10));
    assert.match((await relevance.textContent()) ?? '', /66\.7%.*70%/s);
    assert.equal(await page.locator('#scores [role="img"] svg').count(), 1, 'the pre/post chart is drawn');
    assert.match((await page.locator('#scores .chart-n').textContent()) ?? '', /n = 7/);
    assert.ok((await page.locator('p.exports a').count()) >= 8, 'export links under the tables');
    assert.deepEqual(await seriousAccessibilityViolations(page), [], 'accessibility of the activity page');
    await saveScreenshot(page, 'activity-page');

    // Back up the drill-down: the breadcrumb keeps the period.
    await page.getByRole('navigation', { name: 'Drill down' }).getByRole('link', { name: 'labour' }).click();
    await page.waitForURL(/\/dashboard\?period=2023&programme=labour$/);
    await context.close();
  });
});
