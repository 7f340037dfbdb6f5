// A participant answers a two-page follow-up survey in a real browser, with JavaScript off and
// on: validation messages next to the fields, resume from the saved address, final submit,
// accessibility, page weight. The shared expression vectors also run in the browser here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { sql } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { rows, type Database } from '../db/database.ts';
import vectors from '../instruments/expressions/vectors.json' with { type: 'json' };
import { launchBrowser, newContext, saveScreenshot, seriousAccessibilityViolations } from '../testing/browser.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';

describe('respondent pages in a real browser', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;
  let token: string;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'respond');
    server = await startTestServer(database);
    browser = await launchBrowser();
    const evaluator = await TestClient.signedIn(server.url, org.emails.evaluator);
    const created = await evaluator.post<{ id: string }>('/api/instruments/standard', { standard: 'follow_up' });
    await evaluator.post(`/api/instruments/${created.body.id}/versions`);
    token = (await evaluator.post<{ token: string }>(`/api/instruments/${created.body.id}/links`, {})).body.token;
  });
  after(async () => {
    await browser.close();
    await server.close();
    await database.close();
  });

  const group = (page: Page, name: RegExp) => page.getByRole('group', { name });

  for (const javaScriptEnabled of [false, true]) {
    it(`completes a multi-page survey, fixing validation errors and resuming (JavaScript ${javaScriptEnabled ? 'on' : 'off'})`, async () => {
      const context = await newContext(browser, { javaScriptEnabled });
      const page = await context.newPage();
      await page.goto(`${server.url}/r/${token}`);
      await page.getByRole('heading', { name: 'Using what you learnt' }).waitFor();
      assert.deepEqual(await seriousAccessibilityViolations(page), []);

      // Next without answers: messages next to each required field.
      await page.getByRole('button', { name: 'Next' }).click();
      await group(page, /meet your needs/).getByText('Please answer this question.').waitFor();
      assert.ok(await group(page, /How have you used/).getByText('Please answer this question.').isVisible());
      assert.deepEqual(await seriousAccessibilityViolations(page), []);

      await group(page, /meet your needs/).getByLabel('To a great extent').check();
      await group(page, /How have you used/).getByLabel('It helped with specific tasks').check();
      await page.getByLabel('Give a concrete example').fill('I drafted the bilateral labour agreement checklist.');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'Changes' }).waitFor();

      // Leave and come back later from the saved address, in a new browser session.
      const resumeAddress = await page.locator('main a').last().getAttribute('href');
      assert.match(resumeAddress ?? '', /^\/r\/[^?]+\?s=[0-9a-f-]{36}&p=1$/);
      await context.close();
      const later = await newContext(browser, { javaScriptEnabled });
      const resumed = await later.newPage();
      await resumed.goto(`${server.url}${resumeAddress}`);
      await resumed.getByRole('heading', { name: 'Changes' }).waitFor();
      await resumed.getByRole('button', { name: 'Back' }).click();
      await resumed.getByRole('heading', { name: 'Using what you learnt' }).waitFor();
      assert.ok(await group(resumed, /meet your needs/).getByLabel('To a great extent').isChecked());
      assert.equal(await resumed.getByLabel('Give a concrete example').inputValue(), 'I drafted the bilateral labour agreement checklist.');
      await resumed.getByRole('button', { name: 'Next' }).click();

      await group(resumed, /competences changed/).getByLabel('Moderate').check();
      await group(resumed, /performance changed/).getByLabel('Small').check();
      await resumed.getByLabel('None of these').check();
      await resumed.getByLabel('A policy or strategy').check();
      await group(resumed, /shared what you learnt/).getByLabel('Yes').check();
      if (javaScriptEnabled) {
        // Relevance evaluated in the browser: "how many people" appears only after "Yes".
        assert.ok(await resumed.getByLabel('With how many people?').isVisible());
        await group(resumed, /shared what you learnt/).getByLabel('No').check();
        assert.ok(await resumed.getByLabel('With how many people?').isHidden());
        await group(resumed, /shared what you learnt/).getByLabel('Yes').check();
      }
      await resumed.getByRole('button', { name: 'Submit my answers' }).click();
      await resumed.getByText('“None” cannot be combined with other answers.').waitFor();
      assert.ok(await resumed.locator('.question[data-key="fu_shared_count"]').getByText('Please answer this question.').isVisible());
      await saveScreenshot(resumed, `respondent-validation-js-${javaScriptEnabled ? 'on' : 'off'}`);
      assert.deepEqual(await seriousAccessibilityViolations(resumed), []);

      await resumed.getByLabel('None of these').uncheck();
      await resumed.getByLabel('With how many people?').fill('12');
      await resumed.getByRole('button', { name: 'Submit my answers' }).click();
      await resumed.getByText('Your answers have been received.').waitFor();
      const responseId = /s=([0-9a-f-]{36})/.exec(resumeAddress!)![1]!;
      const [stored] = await rows<{ status: string; count: number; shared: number }>(
        database.system,
        sql`select r.status, (select count(*)::int from answers a where a.response_id = r.id) as count,
                   (select numeric_value from answers a where a.response_id = r.id and a.question_key = 'fu_shared_count') as shared
              from responses r where r.id = ${responseId}`,
      );
      assert.deepEqual(stored, { status: 'complete', count: 8, shared: 12 });
      await later.close();
    });
  }

  it('switches the questionnaire language', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/r/${token}`);
    await page.getByRole('link', { name: 'Español' }).click();
    await page.getByRole('heading', { name: 'Uso de lo aprendido' }).waitFor();
    assert.ok(await page.getByRole('button', { name: 'Siguiente' }).isVisible());
    await context.close();
  });

  it('keeps each page under 30 KB with its stylesheet and script, and uses no web fonts', async () => {
    const client = new TestClient(server.url);
    const html = await client.get(`/r/${token}`);
    const assets = await Promise.all(['/assets/tracer.css', '/assets/respondent.css', '/assets/respondent.js'].map((path) => client.get(path)));
    const total = [html, ...assets].reduce((sum, r) => sum + Buffer.byteLength(r.text), 0);
    assert.ok(total < 30 * 1024, `page weight ${total} bytes`);
    assert.ok(![html, ...assets].some((r) => /@font-face|fonts\.googleapis/.test(r.text)));
  });

  it('the browser evaluator gives the same results as the server on the shared vectors', async () => {
    const bundled = await build({
      entryPoints: [new URL('../instruments/expressions/evaluate.ts', import.meta.url).pathname],
      bundle: true,
      format: 'iife',
      globalName: 'TracerExpressions',
      write: false,
    });
    const context = await newContext(browser);
    const page = await context.newPage();
    await page.setContent('<!doctype html><title>vectors</title>');
    await page.addScriptTag({ content: bundled.outputFiles[0]!.text });
    const script = `TracerExpressions && ${JSON.stringify(vectors)}.map((v) => TracerExpressions.evaluate(TracerExpressions.parseExpression(v.expression), { value: (name) => v.values[name], self: v.self, today: v.today, choice: v.choice ? (column) => v.choice[column] : undefined }))`;
    const results = (await page.evaluate(script)) as unknown[];
    assert.deepEqual(results, vectors.map((v) => v.expected));
    await context.close();
  });
});
