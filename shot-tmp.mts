import { launchChromium } from './src/web/chromium.ts';
import { readFileSync } from 'node:fs';
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 900, height: 1400 } });
await page.setContent(readFileSync(process.argv[2]!, 'utf8'));
const height = await page.evaluate('document.body.scrollHeight') as number;
console.log('height', height);
for (let y = 0, i = 0; y < height && i < 12; y += 1400, i++) await page.screenshot({ path: `${process.argv[3]}_${i}.png`, clip: { x: 0, y, width: 900, height: 1400 }, fullPage: true });
await browser.close();
