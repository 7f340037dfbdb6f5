// Staff in a real browser without JavaScript: create a participant from the form (fixing an error
// shown next to its field), then enrol them in an activity from the participant page.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { activityImport } from '../catalogue/import.ts';
import type { Database } from '../db/database.ts';
import { importTable } from '../imports/importer.ts';
import { launchBrowser, newContext, saveScreenshot, seriousAccessibilityViolations } from '../testing/browser.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TEST_PASSWORD, type TestOrg, type TestServer } from '../testing/http.ts';

describe('participants in a browser', () => {
  let database: Database;
  let server: TestServer;
  let browser: Browser;
  let org: TestOrg;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'browser-people');
    const actor = { userId: randomUUID(), orgId: org.id, role: 'administrator' as const, displayName: 'A', email: org.emails.administrator };
    await importTable(database, actor, activityImport, { fileName: 'a.csv', bytes: Buffer.from('code,title,modality\nMIG-1,Labour migration governance,blended\n') });
    server = await startTestServer(database);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser.close();
    await server.close();
    await database.close();
  });

  it('creates a participant and enrols them, without JavaScript', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/login`);
    await page.getByLabel('E-mail').fill(org.emails.administrator);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${server.url}/participants`);
    await page.getByRole('link', { name: 'New participant' }).click();
    await page.getByLabel('Participant id').fill('BR-001');
    await page.getByLabel('Given name').fill('Lina');
    await page.getByLabel('Gender', { exact: true }).selectOption('non_binary');
    await page.getByLabel('Birth year').fill('1992');
    await page.getByLabel('Nationality').fill('XX');
    await page.getByLabel('Type of organisation').selectOption('workers_organisation');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('#p-nationality-error').waitFor();
    assert.match(await page.locator('#p-nationality-error').innerText(), /ISO 3166-1 alpha-2/);
    assert.deepEqual(await seriousAccessibilityViolations(page), []);
    await page.getByLabel('Nationality').fill('NP');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Participant id: BR-001' }).waitFor();
    assert.match(await page.locator('dl.derived').innerText(), /southern asia/);

    await page.getByLabel('Activity').selectOption('MIG-1');
    await page.locator('#e-status').selectOption('completed');
    await page.getByLabel('Completion date').fill('2026-11-20');
    await page.locator('form.enrolment-form').getByRole('button', { name: 'Save' }).click();
    await page.getByRole('link', { name: 'MIG-1' }).waitFor();
    assert.match(await page.locator('table').first().innerText(), /MIG-1[\s\S]*completed[\s\S]*2026-11-20/);
    assert.deepEqual(await seriousAccessibilityViolations(page), []);
    await saveScreenshot(page, 'participant-enrolled');

    await page.getByRole('link', { name: 'MIG-1' }).click();
    await page.getByRole('link', { name: 'BR-001' }).waitFor();
    await context.close();
  });
});
