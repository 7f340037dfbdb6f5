// The public catalogue in a real browser without JavaScript: search, follow a facet, no sign-in.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Database } from '../db/database.ts';
import { importTable } from '../imports/importer.ts';
import { launchBrowser, newContext, saveScreenshot, seriousAccessibilityViolations } from '../testing/browser.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, type TestServer } from '../testing/http.ts';
import { activityImport } from './import.ts';

const csv = [
  'code,title,description,modality,languages,start_date,end_date,country,city,themes,fee_type,programme,status,cost,published',
  'ER-1,Recrutement éthique en Afrique de l’Ouest,Atelier régional,blended,fr,2023-03-01,2023-03-10,SN,Dakar,ethical_recruitment,free,Migration,completed,99999,yes',
  'ER-2,Ethical recruitment in Asia,Regional workshop,face_to_face,en,2022-05-01,2022-05-05,PH,Manila,ethical_recruitment,fee,Migration,completed,88888,yes',
  'ST-1,Labour migration statistics,Measuring flows,online_tutored,en,2021-01-01,2021-02-01,,,labour_migration_statistics,free,Statistics,completed,77777,yes',
].join('\n');

describe('public catalogue in a browser', () => {
  let database: Database;
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    database = await createTestDatabase();
    const org = await createTestOrg(database, 'browser-centre');
    const actor = { userId: randomUUID(), orgId: org.id, role: 'administrator' as const, displayName: 'A', email: org.emails.administrator };
    await importTable(database, actor, activityImport, { fileName: 'a.csv', bytes: Buffer.from(csv) });
    server = await startTestServer(database);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser.close();
    await server.close();
    await database.close();
  });

  it('searches by words and narrows by a facet, without JavaScript and without signing in', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto(`${server.url}/catalogue`);
    await page.getByRole('heading', { name: '3 activities found' }).waitFor();
    await page.getByLabel('Words to search for').fill('recruitment');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('heading', { name: '2 activities found' }).waitFor();
    await page.locator('ul[data-facet="language"]').getByRole('link', { name: 'French' }).click();
    await page.getByRole('heading', { name: '1 activities found' }).waitFor();
    assert.equal(await page.getByRole('heading', { name: 'Recrutement éthique en Afrique de l’Ouest' }).count(), 1);
    const html = await page.content();
    for (const cost of ['99999', '88888', '77777']) assert.ok(!html.includes(cost));
    assert.deepEqual(await seriousAccessibilityViolations(page), []);
    await saveScreenshot(page, 'catalogue-public-search');
    await context.close();
  });
});
