// `tracer report --period P [--programme X] --out FILE`: the evaluation report as a standalone HTML
// file, or as PDF when FILE ends in .pdf (printed by Debian's chromium; without it, one line saying so).
import { writeFileSync } from 'node:fs';
import { Option, type Command } from 'commander';
import { resolveOrganisation } from '../accounts/service.ts';
import { AnalyticsError } from '../analytics/service.ts';
import { UsageError, withDatabase } from '../cli/main.ts';
import { loadEvidenceKeys } from '../evidence/service.ts';
import { languages, translator, type Lang } from '../web/i18n/index.ts';
import { reportDocument } from './pages.tsx';
import { PdfUnavailable, pdfUnavailableMessage, printPdf, runningHeading } from './pdf.ts';
import { reportData, type ReportData } from './service.ts';
import { isChromiumInstalled } from '../web/chromium.ts';

export function registerReportCommands(program: Command): void {
  program
    .command('report')
    .description('Write the evaluation report of a period: HTML, or PDF when --out ends in .pdf (needs Debian\'s chromium)')
    .requiredOption('--period <period>', 'a year (2023) or a range of years (2022-2023)')
    .option('--programme <name>', 'only the activities of this programme')
    .requiredOption('--out <file>', 'where to write it: report.html, or report.pdf')
    .addOption(new Option('--lang <lang>', 'language of the report').choices(languages).default('en'))
    .option('--org <slug>', 'organisation (default: TRACER_ORG, or the only one)')
    .action(async (options: { period: string; programme?: string; out: string; lang: Lang; org?: string }) => {
      const pdf = options.out.toLowerCase().endsWith('.pdf');
      // Before opening the database: say at once that PDF cannot be made here.
      if (pdf && !isChromiumInstalled()) throw new UsageError(pdfUnavailableMessage());
      const data = await gather(options);
      const t = translator(options.lang);
      const html = reportDocument(data, { t, lang: options.lang, stylesheet: 'inline' });
      let body: string | Buffer = html;
      if (pdf) {
        try {
          body = await printPdf(html, runningHeading(t('report.title'), data));
        } catch (error) {
          if (error instanceof PdfUnavailable) throw new UsageError(error.message);
          throw error;
        }
      }
      writeFileSync(options.out, body);
      process.stdout.write(`Wrote the ${data.period}${data.programme ? ` ${data.programme}` : ''} report to ${options.out} (${body.length} bytes).\n`);
    });
}

async function gather(options: { period: string; programme?: string; org?: string }): Promise<ReportData> {
  let data: ReportData | undefined;
  await withDatabase(async (database, config) => {
    const organisation = await resolveOrganisation(database.system, options.org ?? config.orgSlug);
    const keys = await loadEvidenceKeys(database.system);
    try {
      data = await database.withOrg(organisation.id, (tx) => reportData(tx, organisation.id, keys, { period: options.period, programme: options.programme }));
    } catch (error) {
      if (error instanceof AnalyticsError) throw new UsageError(error.message);
      throw error;
    }
  });
  return data!;
}
