// A real browser (JavaScript off: plain forms must do) enters the evaluation summary of seed
// document 001 through the guided form — quick facts, recommendations to several addressees,
// lessons learned and good practices — then finds it again through search, staff and public.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Database } from '../db/database.ts';
import { launchBrowser, newContext, saveScreenshot, seriousAccessibilityViolations } from '../testing/browser.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TEST_PASSWORD, type TestOrg, type TestServer } from '../testing/http.ts';

describe('entering an evaluation summary in a browser', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'browser-eval');
    server = await startTestServer(database);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser.close();
    await server.close();
    await database.close();
  });

  async function accessible(page: Page) {
    assert.deepEqual(await seriousAccessibilityViolations(page), [], `accessibility of ${page.url()}`);
  }

  it('enters seed 001 through the guided form and finds it again by search', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/login?next=/evaluations/new`);
    await page.getByLabel('E-mail').fill(org.emails.evaluator);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'New evaluation summary' }).waitFor();
    await accessible(page);

    const fill = async (fields: Record<string, string>) => {
      for (const [id, value] of Object.entries(fields)) await page.locator(`#${id}`).fill(value);
    };
    await fill({
      title: 'Going back – moving on: Economic and Social Empowerment of Migrants including Victims of Trafficking',
      countries: 'Thailand, Philippines',
      endDate: '2012-03-31',
      technicalArea: 'Migration',
      commissioningUnit: 'ROAP Bangkok',
      evaluators: 'Pierre Mahy',
      projectStart: '2009-02-01',
      projectEnd: '2012-05-31',
      projectCode: 'RAS/08/03/EEC',
      donor: 'European Union',
      budgetAmount: '2199813',
      budgetCurrency: 'EUR',
      keywords: 'labour migration, return and reintegration, migrant workers',
      summary: 'The target of 1.000 beneficiaries has been exceeded.',
      rec1_text: 'Prepare a comprehensive Exit Strategy to maintain the benefits of the interventions.',
      rec1_addressees: 'ILO, Project partners',
      rec2_text: 'Further develop activities in the framework of the LOU signed with ILO.',
      rec2_addressees: 'National authorities',
      rec3_text: 'Organize self-help groups and cooperatives to extend assistance to new returnees.',
      rec3_addressees: 'Returnees, NGOs',
      rec4_text: 'Include Migration as a key issue under the Governance component of the Policy Dialogue Support Facility.',
      rec4_addressees: 'European Union',
      lesson1_title: 'Government buy-in',
      lesson1_text: 'Government buy-in is a must to achieve impact and ensure longer-term sustainability.',
      lesson2_title: 'Joint initiatives',
      lesson2_text: 'Joint initiatives lead to better results; the engagement of all partners is vital.',
      practice1_title: 'Letter of Understanding',
      practice1_text: 'Formalising cooperation through a Letter of Understanding with the Department of Employment confirmed the commitment of the Thai government.',
      practice2_title: 'Integrated migration and development plans',
      practice2_text: 'Provincial strategic plans that recognise the importance of overseas migration for the development of a region.',
    });
    await page.locator('#mode').selectOption('independent');
    await page.locator('#kind').selectOption('project_final');
    await page.locator('#rec1_priority').selectOption('high');
    await page.getByLabel('Publish these lessons and good practices to the public catalogue').check();
    await page.getByRole('button', { name: 'Save the evaluation' }).click();

    await page.getByRole('heading', { name: /^Going back – moving on/ }).waitFor();
    const body = await page.locator('main').innerText();
    for (const expected of ['RAS/08/03/EEC', 'EUR 2199813', 'Thailand, Philippines', 'Recommendation 4', 'Addressees: ILO, Project partners · Level: Project · Priority: High',
      'Addressees: National authorities · Level: Project · Priority: Medium', 'Addressees: Returnees, NGOs', 'Letter of Understanding', 'Joint initiatives']) {
      assert.ok(body.includes(expected), `the dossier shows "${expected}"`);
    }
    await accessible(page);
    await saveScreenshot(page, 'evaluations-dossier');

    // A finding with indicator evidence through its form (a <details> opened by its summary, no script needed).
    await page.locator('summary', { hasText: 'Add a finding' }).click();
    await page.locator('#new-finding-criterion').selectOption('effectiveness');
    await page.locator('#new-finding-text').fill('The target of 1.000 beneficiaries has been exceeded.');
    await page.locator('#new-finding-key1').fill('beneficiaries_reached');
    await page.locator('#new-finding-period1').fill('2011');
    await page.locator('#new-finding-filters1').fill('country=Thailand');
    await page.locator('form[action$="/findings"] button[type="submit"]').click();
    const findings = page.locator('section[aria-labelledby="findings"] > ul');
    await findings.getByText('beneficiaries_reached', { exact: true }).waitFor();
    assert.match(await findings.innerText(), /Effectiveness: The target of 1.000 beneficiaries has been exceeded\.[\s\S]*country=Thailand → not available/);

    await page.getByRole('link', { name: 'Import and export recommendations and actions' }).click();
    await page.getByRole('heading', { name: 'Import and export recommendations and actions' }).waitFor();
    await accessible(page);
    await page.goBack();

    await page.getByRole('link', { name: 'Lessons library' }).first().click();
    await page.getByLabel('Search').fill('commitment government');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: 'Letter of Understanding' }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Joint initiatives' }).count(), 0);
    await accessible(page);

    const visitor = await (await newContext(browser, { javaScriptEnabled: false })).newPage();
    await visitor.goto(`${server.url}/public/lessons`);
    await visitor.getByLabel('Search').fill('integrated plans');
    await visitor.getByRole('button', { name: 'Search' }).click();
    await visitor.getByRole('heading', { name: 'Integrated migration and development plans' }).waitFor();
    assert.match(await visitor.locator('main').innerText(), /Organisation browser-eval/);
    await accessible(visitor);
    await context.close();
  });
});
