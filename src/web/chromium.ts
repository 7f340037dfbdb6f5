// Debian's chromium, driven by playwright-core (never a downloaded browser): where it is, whether
// it is installed, and how it is launched. Shared by the evaluation report's PDF printing
// (report/pdf.ts) and the browser tests (testing/browser.ts).
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';

/** `CHROMIUM_PATH`, else where Debian's `chromium` package installs it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function isChromiumInstalled(): boolean {
  return existsSync(CHROMIUM_PATH);
}

export async function launchChromium(): Promise<Browser> {
  // Loaded on demand: only printing and tests need it.
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
