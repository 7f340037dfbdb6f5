import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Database } from '../db/database.ts';
import { launchBrowser, newContext, saveScreenshot, seriousAccessibilityViolations } from '../testing/browser.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TEST_PASSWORD, type TestOrg, type TestServer } from '../testing/http.ts';

describe('the indicators page in a real browser', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'targets');
    server = await startTestServer(database);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser.close();
    await server.close();
    await database.close();
  });

  it('lets an administrator set a target without JavaScript, accessibly', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/login?next=%2Findicators`);
    await page.getByLabel('E-mail').fill(org.emails.administrator);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Indicators' }).waitFor();
    assert.deepEqual(await seriousAccessibilityViolations(page), []);

    const form = page.getByRole('form', { name: 'Baseline and target of Relevance to work' });
    await form.getByLabel('Period').fill('2023');
    await form.getByLabel('Baseline').fill('0.8');
    await form.getByLabel('Target').fill('0.85');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/2023: baseline 80\s?%, target 85\s?%/).waitFor();

    const bad = page.getByRole('form', { name: 'Baseline and target of Can apply what was learnt' });
    await bad.getByLabel('Period').fill('2023');
    await bad.getByLabel('Target').fill('85');
    await bad.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'between 0 and 1' }).waitFor();
    assert.deepEqual(await seriousAccessibilityViolations(page), []);
    await saveScreenshot(page, 'analytics-indicators-targets');
    await context.close();
  });
});
