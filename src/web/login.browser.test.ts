import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Database } from '../db/database.ts';
import { launchBrowser, newContext, saveScreenshot, seriousAccessibilityViolations } from '../testing/browser.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TEST_PASSWORD, type TestOrg, type TestServer } from '../testing/http.ts';

describe('signing in with a real browser', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'browser');
    server = await startTestServer(database);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser.close();
    await server.close();
    await database.close();
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`signs in, switches language and signs out (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const context = await newContext(browser, { javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(`${server.url}/`);
      assert.match(page.url(), /\/login\?next=%2F$/);
      assert.deepEqual(await seriousAccessibilityViolations(page), []);
      await page.getByLabel('E-mail').fill(org.emails.administrator);
      await page.getByLabel('Password').fill(TEST_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Home' }).waitFor();
      assert.deepEqual(await seriousAccessibilityViolations(page), []);
      await page.getByRole('link', { name: 'Français' }).click();
      await page.getByRole('heading', { name: 'Accueil' }).waitFor();
      if (javaScriptEnabled) await saveScreenshot(page, 'foundation-home-fr');
      await page.getByRole('button', { name: 'Se déconnecter' }).click();
      await page.getByRole('heading', { name: 'Connexion' }).waitFor();
      await context.close();
    });
  }
});
