// The report as PDF: its standalone HTML printed by Debian's chromium (A4, running heading with
// the report's title and period, page numbers in the footer). Without chromium: PdfUnavailable,
// one line saying what to install.
import { CHROMIUM_PATH, isChromiumInstalled, launchChromium } from '../web/chromium.ts';

export class PdfUnavailable extends Error {}

export function pdfUnavailableMessage(): string {
  return `PDF needs Debian's chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH); it is not installed, so write HTML instead (--out report.html) and print it from a browser`;
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Prints a standalone HTML document (its stylesheet inlined) to A4 PDF. */
export async function printPdf(html: string, runningHeading: string): Promise<Buffer> {
  if (!isChromiumInstalled()) throw new PdfUnavailable(pdfUnavailableMessage());
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    const small = 'font: 8px sans-serif; color: #4a5360; width: 100%; padding: 0 16mm;';
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: `<div style="${small} text-align: right;">${escapeHtml(runningHeading)}</div>`,
      footerTemplate: `<div style="${small} text-align: center;"><span class="pageNumber"></span> / <span class="totalPages"></span></div>`,
      margin: { top: '20mm', bottom: '18mm', left: '16mm', right: '16mm' },
    });
  } finally {
    await browser.close();
  }
}

/** The heading printed at the top of every page: the report's title, period and programme. */
export function runningHeading(title: string, report: { period: string; programme: string | null }): string {
  return `${title} · ${report.period}${report.programme ? ` · ${report.programme}` : ''}`;
}
