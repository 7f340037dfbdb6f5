// A real browser with JavaScript off: an evaluator filters the evidence (the filters land in the
// URL), codes a text with two categories and marks it as a quote through the plain form, reads the
// counts per code, then the trainer ratings; axe-core finds no serious violation on these pages.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { rows, type Database } from '../db/database.ts';
import { launchBrowser, newContext, saveScreenshot, seriousAccessibilityViolations } from '../testing/browser.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TEST_PASSWORD, type TestOrg, type TestServer } from '../testing/http.ts';
import { buildEvidenceFixture } from './fixture.ts';

describe('qualitative evidence in a browser', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'browser-evidence');
    const [admin] = await rows<{ id: string }>(database.system, sql`select id from users where email = ${org.emails.administrator}`);
    await database.withOrg(org.id, (tx) =>
      buildEvidenceFixture(tx, { userId: admin!.id, orgId: org.id, role: 'administrator', displayName: 'admin', email: org.emails.administrator }),
    );
    server = await startTestServer(database);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await database?.close();
  });

  async function accessible(page: Page) {
    assert.deepEqual(await seriousAccessibilityViolations(page), [], `accessibility of ${page.url()}`);
  }

  it('filters, codes with several codes, marks a quote and counts, without JavaScript', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/login?next=/evidence`);
    await page.getByLabel('E-mail').fill(org.emails.evaluator);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Qualitative evidence' }).waitFor();
    await accessible(page);

    await page.getByLabel('Words').fill('law');
    await page.getByLabel('Year (activity ended)').selectOption('2023');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('Texts found: 1').waitFor();
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('q'), 'law');
    assert.equal(url.searchParams.get('year'), '2023');

    const text = page.locator('article', { hasText: 'domestic workers' });
    await text.getByLabel('New or amended legislation').check();
    await text.getByLabel('A protection measure for migrant workers').check();
    await text.getByLabel('Select as a quote').check();
    await text.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Selected quote', { exact: true }).first().waitFor();
    assert.equal(new URL(page.url()).searchParams.get('q'), 'law', 'back on the same filtered view');
    const badges = await page.locator('article', { hasText: 'domestic workers' }).locator('ul .badge').allTextContents();
    assert.deepEqual(badges.sort(), ['A protection measure for migrant workers', 'New or amended legislation']);
    await saveScreenshot(page, 'evidence-coded');

    await page.getByRole('link', { name: 'Counts per code' }).click();
    await page.getByRole('heading', { name: 'Texts per code and year' }).waitFor();
    const legislationRow = await page.getByRole('row', { name: /New or amended legislation/ }).textContent();
    assert.match(legislationRow!, /New or amended legislation\s*1\s*1/);
    await accessible(page);
    await saveScreenshot(page, 'evidence-counts');

    await page.goto(`${server.url}/trainer-ratings`);
    await page.getByRole('heading', { name: 'Trainer ratings' }).waitFor();
    await accessible(page);
    await saveScreenshot(page, 'trainer-ratings');
    await context.close();
  });
});
