// The evaluation report in a real browser (Debian chromium): a viewer signs in and opens it, axe-core
// finds no serious accessibility violation, the PDF link gives an A4 PDF of several pages (printed by
// chromium on the server), and screenshots of the page and of its first printed pages are saved
// under test-artifacts/ for people to look at.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import type { Database } from '../db/database.ts';
import { ARTIFACTS_DIR, launchBrowser, newContext, saveScreenshot, seriousAccessibilityViolations } from '../testing/browser.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TEST_PASSWORD, type TestOrg, type TestServer } from '../testing/http.ts';
import { seedReportFixture } from './fixture.ts';

/** A4 at 96 dpi, in CSS pixels. */
const A4 = { width: 794, height: 1123 };

/** Pages of a PDF: its page objects (`/Type /Page`, not `/Pages`). */
function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g) ?? []).length;
}

describe('evaluation report in a browser', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;
  let browser: Browser;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'browser-report');
    await seedReportFixture(database, org);
    server = await startTestServer(database);
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
    await database?.close();
  });

  it('renders, passes axe-core, and prints to an A4 PDF of several pages', async () => {
    const context = await newContext(browser, { javaScriptEnabled: false });
    const page = await context.newPage();
    await page.setViewportSize(A4);
    await page.goto(`${server.url}/login?next=${encodeURIComponent('/report?period=2022-2023')}`);
    await page.getByLabel('E-mail').fill(org.emails.viewer);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Training evaluation report', level: 1 }).waitFor();
    assert.equal(await page.locator('.contents li').count(), 9, 'nine sections in the table of contents');
    assert.ok((await page.locator('#kpis tbody tr[data-section="kpi"]').count()) > 0);
    assert.deepEqual(await seriousAccessibilityViolations(page), [], 'accessibility of the report');
    await saveScreenshot(page, 'report');

    // The first printed pages: the print stylesheet (cover, then a page per section) at A4 width.
    await page.emulateMedia({ media: 'print' });
    mkdirSync(ARTIFACTS_DIR, { recursive: true });
    for (const index of [0, 1, 2]) {
      await page.screenshot({ path: join(ARTIFACTS_DIR, `report-print-${index + 1}.png`), clip: { x: 0, y: index * A4.height, width: A4.width, height: A4.height }, fullPage: true });
    }
    await page.emulateMedia({ media: 'screen' });

    const link = page.getByRole('link', { name: 'Download as PDF' });
    const href = await link.getAttribute('href');
    assert.equal(href, '/report.pdf?period=2022-2023&lang=en');
    const response = await page.request.get(`${server.url}${href}`);
    assert.equal(response.status(), 200);
    assert.equal(response.headers()['content-type'], 'application/pdf');
    const pdf = await response.body();
    assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
    assert.ok(pdfPageCount(pdf) >= 5, `a cover and a page per section, got ${pdfPageCount(pdf)} pages`);
    writeFileSync(join(ARTIFACTS_DIR, 'report.pdf'), pdf);
    await context.close();
  });
});
