// An evaluator in a real browser (Debian chromium) builds an instrument from the standard bank,
// translates it, previews it as a respondent would see it, and publishes it; axe finds no serious
// accessibility violations on the staff pages or the preview.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Database } from '../db/database.ts';
import { launchBrowser, newContext, saveScreenshot, seriousAccessibilityViolations } from '../testing/browser.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TEST_PASSWORD, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';
import type { InstrumentDefinition } from './model.ts';

describe('instrument builder in a browser', () => {
  let database: Database;
  let server: TestServer;
  let browser: Browser;
  let org: TestOrg;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'builder-centre');
    server = await startTestServer(database);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser.close();
    await server.close();
    await database.close();
  });

  const noSeriousViolations = async (page: Page, where: string) => assert.deepEqual(await seriousAccessibilityViolations(page), [], where);

  for (const javaScriptEnabled of [false, true]) {
    it(`builds from the bank, translates, previews and publishes (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const key = javaScriptEnabled ? 'eoa_js' : 'eoa_nojs';
      const context = await newContext(browser, { javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(`${server.url}/login`);
      await page.getByLabel('E-mail').fill(org.emails.evaluator);
      await page.getByLabel('Password').fill(TEST_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Home' }).waitFor();

      await page.getByRole('link', { name: 'Instruments' }).first().click();
      await page.getByRole('heading', { name: 'Instruments', level: 1 }).waitFor();
      await noSeriousViolations(page, 'list');
      const create = page.getByRole('region', { name: 'New instrument' });
      await create.getByLabel('Key').fill(key);
      await create.getByLabel('Purpose').selectOption('end_of_activity');
      await create.getByLabel('English').fill('Workshop evaluation');
      await create.getByRole('button', { name: 'Create and open the builder' }).click();
      await page.getByRole('heading', { name: /Draft of version 1/ }).waitFor();

      await page.getByRole('checkbox', { name: /eoa_relevance/ }).check();
      await page.getByRole('checkbox', { name: /eoa_overall/ }).check();
      await page.getByRole('button', { name: 'Add the ticked questions' }).click();
      await page.locator('tr[data-question="eoa_overall"]').waitFor();
      await page.getByRole('button', { name: 'Move eoa_overall up' }).click();
      await page.locator('tr[data-question="eoa_overall"]').waitFor();
      const order = await page.locator('tr[data-question]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-question')));
      assert.deepEqual(order, ['eoa_overall', 'eoa_relevance']);
      await noSeriousViolations(page, 'builder');
      await saveScreenshot(page, `instrument-builder-${key}`);

      await page.getByRole('link', { name: 'Translate' }).first().click();
      await page.getByRole('heading', { name: 'Translate' }).waitFor();
      assert.match(await page.locator('#missing-summary').innerText(), /2 text\(s\) lack a translation/);
      await page.getByLabel('Title: title (French)').fill('Évaluation de l’atelier');
      await page.getByLabel('Page: page_1 (French)').fill('L’atelier');
      await page.getByLabel('Title: title (Spanish)').fill('Evaluación del taller');
      await page.getByLabel('Page: page_1 (Spanish)').fill('El taller');
      await noSeriousViolations(page, 'translate');
      await page.getByRole('button', { name: 'Save the translations' }).click();
      await page.getByText('Translations saved.').waitFor();
      assert.match(await page.locator('#missing-summary').innerText(), /Every text is written in every language/);

      await page.goto(`${server.url}/instruments`);
      await page.getByRole('link', { name: key }).click();
      await page.getByRole('link', { name: 'Preview the draft' }).click();
      await page.getByRole('heading', { name: 'Workshop evaluation', level: 1 }).waitFor();
      await page.getByRole('link', { name: 'Français' }).click();
      await page.getByRole('heading', { name: 'Évaluation de l’atelier', level: 1 }).waitFor();
      await noSeriousViolations(page, 'preview');
      await page.getByRole('button', { name: 'Envoyer mes réponses' }).click();
      // Required questions unanswered: the respondent's messages (from the browser or the server).
      await page.getByText('Veuillez répondre à cette question.').first().waitFor();
      await page.getByRole('group', { name: /L’activité était pertinente/ }).getByLabel('D’accord', { exact: true }).check();
      await page.getByRole('group', { name: /Globalement/ }).getByLabel('4', { exact: true }).check();
      await page.getByRole('button', { name: 'Envoyer mes réponses' }).click();
      await page.getByRole('heading', { name: 'End of the preview' }).waitFor();
      assert.match(await page.locator('#answers').innerText(), /Agree \(agree\)/);
      await saveScreenshot(page, `instrument-preview-done-${key}`);

      await page.getByRole('link', { name: 'Overview' }).click();
      await page.getByRole('button', { name: 'Publish a new version' }).click();
      await page.getByText('Version 1 is published.').waitFor();
      await noSeriousViolations(page, 'instrument page');
      await context.close();

      const api = await TestClient.signedIn(server.url, org.emails.viewer);
      const list = await api.get<Array<{ id: string; key: string }>>('/api/instruments');
      const id = list.body.find((i) => i.key === key)!.id;
      const detail = await api.get<{ draft: unknown; versions: Array<{ id: string }> }>(`/api/instruments/${id}`);
      assert.equal(detail.body.draft, null);
      const version = await api.get<{ definition: InstrumentDefinition }>(`/api/instrument-versions/${detail.body.versions[0]!.id}`);
      assert.deepEqual(version.body.definition.title, { en: 'Workshop evaluation', fr: 'Évaluation de l’atelier', es: 'Evaluación del taller' });
      assert.deepEqual(version.body.definition.pages[0]!.questions.map((q) => q.key), ['eoa_overall', 'eoa_relevance']);
      assert.deepEqual((await api.get<unknown[]>(`/api/instruments/${id}/responses`)).body, [], 'the preview stored nothing');
    });
  }
});
