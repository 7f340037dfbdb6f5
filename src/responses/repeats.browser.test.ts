// A household questionnaire in a real browser, with JavaScript off and on: cascading choices
// (choice_filter), "other, please specify" (or_other), and a repeat the respondent fills (add
// another, remove) whose questions depend on their own item. Then the stored rows (item_index) and
// the CSV export per instrument.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { rows, type Database } from '../db/database.ts';
import type { InstrumentDefinition } from '../instruments/model.ts';
import { launchBrowser, newContext, seriousAccessibilityViolations } from '../testing/browser.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';

const l = (en: string) => ({ en });
const household: InstrumentDefinition = {
  title: l('Household survey'),
  languages: ['en'],
  pages: [
    {
      kind: 'group',
      key: 'place',
      label: l('Where you live'),
      questions: [
        { key: 'state', type: 'single_choice', label: l('State'), required: true, choices: [{ code: 'tx', label: l('Texas') }, { code: 'wa', label: l('Washington') }] },
        {
          key: 'county',
          type: 'single_choice',
          label: l('County'),
          required: true,
          choiceFilter: 'st = ${state}',
          choices: [
            { code: 'king', label: l('King'), columns: { st: 'wa' } },
            { code: 'pierce', label: l('Pierce'), columns: { st: 'wa' } },
            { code: 'king', label: l('King'), columns: { st: 'tx' } },
            { code: 'cameron', label: l('Cameron'), columns: { st: 'tx' } },
          ],
        },
        { key: 'water', type: 'single_choice', label: l('Water source'), choices: [{ code: 'tap', label: l('Tap') }, { code: 'other', label: l('Other') }] },
        { key: 'water_other', type: 'text', long: false, label: l('Please specify'), relevant: "selected(${water}, 'other')" },
      ],
    },
    {
      kind: 'repeat',
      key: 'members',
      label: l('Member'),
      questions: [
        { key: 'member_name', type: 'text', long: false, label: l('Name'), required: true },
        { key: 'age', type: 'integer', label: l('Age'), required: true, constraint: '. < 120', constraintMessage: l('Too old.') },
        { key: 'school', type: 'single_choice', label: l('In school?'), relevant: '${age} < 18', required: true, choices: [{ code: 'yes', label: l('Yes') }, { code: 'no', label: l('No') }] },
      ],
    },
  ],
};

describe('repeats, choice_filter and or_other in a real browser', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;
  let evaluator: TestClient;
  let instrumentId: string;
  let token: string;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'repeats');
    server = await startTestServer(database);
    browser = await launchBrowser();
    evaluator = await TestClient.signedIn(server.url, org.emails.evaluator);
    const created = await evaluator.post<{ id: string }>('/api/instruments', { key: 'household', purpose: 'other', anonymous: true, definition: household });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    instrumentId = created.body.id;
    await evaluator.post(`/api/instruments/${instrumentId}/versions`);
    token = (await evaluator.post<{ token: string }>(`/api/instruments/${instrumentId}/links`, {})).body.token;
  });
  after(async () => {
    await browser.close();
    await server.close();
    await database.close();
  });

  const group = (page: Page, name: string | RegExp) => page.getByRole('group', { name, exact: typeof name === 'string' });

  const responseIds: string[] = [];
  for (const javaScriptEnabled of [false, true]) {
    it(`filters choices, asks "other" to be specified, adds and removes household members (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const context = await newContext(browser, { javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(`${server.url}/r/${token}`);
      await page.getByRole('heading', { name: 'Where you live' }).waitFor();

      const county = group(page, /^County/);
      if (javaScriptEnabled) {
        // Evaluated in the browser: no county before a state; then only that state's counties.
        assert.equal(await county.getByRole('radio').filter({ visible: true }).count(), 0);
        await group(page, /^State/).getByLabel('Texas').check();
        assert.deepEqual(await county.locator('label:visible').allInnerTexts(), ['King', 'Cameron']);
        await group(page, /^State/).getByLabel('Washington').check();
        assert.deepEqual(await county.locator('label:visible').allInnerTexts(), ['King', 'Pierce']);
        assert.ok(await page.getByLabel('Please specify').isHidden());
        await group(page, /^Water source/).getByLabel('Other').check();
        assert.ok(await page.getByLabel('Please specify').isVisible());
        await group(page, /^State/).getByLabel('Texas').check();
      } else {
        // No state known yet: each county once; the server refuses one the state does not have.
        assert.deepEqual(await county.locator('label:visible').allInnerTexts(), ['King', 'Pierce', 'Cameron']);
        await group(page, /^State/).getByLabel('Texas').check();
        await county.getByLabel('Pierce').check();
        await page.getByRole('button', { name: 'Next' }).click();
        await county.getByText('Choose one of the options.').waitFor();
        assert.deepEqual(await county.locator('label:visible').allInnerTexts(), ['King', 'Cameron']);
        await group(page, /^Water source/).getByLabel('Other').check();
      }
      await county.getByLabel('Cameron').check();
      await page.getByLabel('Please specify').fill('Rain tank');
      await page.getByRole('button', { name: 'Next' }).click();

      // The repeat: one member to begin with; add two, remove the second.
      await page.getByRole('heading', { name: 'Member' }).waitFor();
      await group(page, 'Member 1').getByLabel('Name').fill('Ana');
      await group(page, 'Member 1').getByLabel('Age').fill('41');
      await page.getByRole('button', { name: 'Add another' }).click();
      await group(page, 'Member 2').getByLabel('Name').fill('Bo');
      await group(page, 'Member 2').getByLabel('Age').fill('9');
      await page.getByRole('button', { name: 'Add another' }).click();
      await group(page, 'Member 3').getByLabel('Name').waitFor();
      assert.equal(await group(page, 'Member 1').getByLabel('Name').inputValue(), 'Ana', 'adding keeps what was typed');
      await group(page, 'Member 3').getByLabel('Name').fill('Cy');
      await group(page, 'Member 3').getByLabel('Age').fill('12');
      if (javaScriptEnabled) {
        // Relevance within each item: only the children are asked about school.
        assert.ok(await group(page, 'Member 1').getByRole('group', { name: /In school/ }).isHidden());
        assert.ok(await group(page, 'Member 2').getByRole('group', { name: /In school/ }).isVisible());
      }
      await page.getByRole('button', { name: 'Remove Member 2' }).click();
      assert.equal(await group(page, 'Member 2').getByLabel('Name').inputValue(), 'Cy');
      assert.equal(await page.getByRole('group', { name: 'Member 3', exact: true }).count(), 0);
      assert.deepEqual(await seriousAccessibilityViolations(page), []);

      // Submit: the child's school answer is required (in the browser with scripts, on the server without).
      await group(page, 'Member 1').getByLabel('Age').fill('140');
      await page.getByRole('button', { name: 'Submit my answers' }).click();
      await group(page, 'Member 1').getByText('Too old.').waitFor();
      assert.ok(await group(page, 'Member 2').getByText('Please answer this question.').isVisible());
      await group(page, 'Member 1').getByLabel('Age').fill('41');
      await group(page, 'Member 2').getByRole('group', { name: /In school/ }).getByLabel('Yes').check();
      await page.getByRole('button', { name: 'Submit my answers' }).click();
      await page.getByText('Your answers have been received.').waitFor();
      responseIds.push(/s=([0-9a-f-]{36})/.exec(page.url())![1]!);
      await context.close();
    });
  }

  it('stores one answer row per item with item_index, and exports a column per item', async () => {
    for (const responseId of responseIds) {
      const stored = await rows<{ question_key: string; item_index: number; choice_code: string | null; numeric_value: number | null; text_value: string | null }>(
        database.system,
        sql`select question_key, item_index, choice_code, numeric_value, text_value from answers where response_id = ${responseId} order by position`,
      );
      assert.deepEqual(
        stored.map((r) => [r.question_key, r.item_index, r.choice_code ?? r.numeric_value ?? r.text_value]),
        [
          ['state', 0, 'tx'],
          ['county', 0, 'cameron'],
          ['water', 0, 'other'],
          ['water_other', 0, 'Rain tank'],
          ['member_name', 1, 'Ana'],
          ['age', 1, 41],
          ['member_name', 2, 'Cy'],
          ['age', 2, 12],
          ['school', 2, 'yes'],
        ],
      );
    }
    const csv = await evaluator.get(`/instruments/${instrumentId}/responses.csv`);
    const [header, ...lines] = csv.text.replace(/^\uFEFF/, '').trim().split(/\r\n/);
    const columns = header!.split(',');
    assert.deepEqual(columns.slice(columns.indexOf('state')), ['state', 'county', 'water', 'water_other', 'member_name[1]', 'member_name[2]', 'age[1]', 'age[2]', 'school[1]', 'school[2]']);
    assert.deepEqual(lines.map((line) => line.split(',').slice(columns.indexOf('state'))), Array(2).fill(['tx', 'cameron', 'other', 'Rain tank', 'Ana', 'Cy', '41', '12', '', 'yes']));
  });
});
