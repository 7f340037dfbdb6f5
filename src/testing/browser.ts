// A real browser for tests: Debian's chromium driven by playwright-core (never a downloaded
// browser). Screenshots go to test-artifacts/ so a person can look at them after a run.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '../web/chromium.ts';

export { CHROMIUM_PATH } from '../web/chromium.ts';
export const ARTIFACTS_DIR = join(process.cwd(), 'test-artifacts');

export function launchBrowser(): Promise<Browser> {
  return launchChromium();
}

/** A fresh browser context (own cookies); `javaScriptEnabled: false` to test the no-script path. */
export function newContext(browser: Browser, options: { javaScriptEnabled?: boolean; locale?: string } = {}): Promise<BrowserContext> {
  return browser.newContext({ javaScriptEnabled: options.javaScriptEnabled ?? true, locale: options.locale ?? 'en-GB' });
}

export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const path = join(ARTIFACTS_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: number;
}

/**
 * Runs axe-core over what the page shows now; returns violations of impact serious or critical.
 * The page's current HTML is replayed at the same URL in a separate, script-enabled context, so
 * that pages opened with JavaScript disabled can be checked too (styles load from the server).
 */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  const html = await page.content();
  const url = page.url();
  const context = await page.context().browser()!.newContext({ bypassCSP: true });
  try {
    const checker = await context.newPage();
    await checker.route(url, (route) => route.fulfill({ body: html, contentType: 'text/html; charset=utf-8' }));
    await checker.goto(url);
    await checker.addScriptTag({ content: axeSource });
    const result = (await checker.evaluate(`axe.run(document, { resultTypes: ['violations'] })`)) as {
      violations: Array<{ id: string; impact: string | null; help: string; nodes: unknown[] }>;
    };
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length }));
  } finally {
    await context.close();
  }
}
