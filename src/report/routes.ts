// The evaluation report for staff: /report?period=…&programme=… (HTML, in the reader's language)
// and /report.pdf (the same document printed by chromium; 503 with a clear message when chromium
// is not installed). Administrators, evaluators and viewers, like the dashboard.
import { readFileSync } from 'node:fs';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { AnalyticsError } from '../analytics/service.ts';
import type { Database } from '../db/database.ts';
import { filterChoices } from '../dashboard/repository.ts';
import { loadEvidenceKeys } from '../evidence/service.ts';
import { Problem } from '../http/problem.ts';
import { requireRole } from '../http/request-context.ts';
import { HTML } from '../http/schemas.ts';
import { isChromiumInstalled } from '../web/chromium.ts';
import { reportDocument } from './pages.tsx';
import { pdfUnavailableMessage, printPdf, runningHeading } from './pdf.ts';
import { reportData, type ReportData } from './service.ts';

const PAGE = ['pages'];
const stylesheet = readFileSync(new URL('./report.css', import.meta.url));

const ReportQuery = Type.Object({
  period: Type.Optional(Type.String({ pattern: '^(\\d{4}(-\\d{4})?)?$', description: 'a year (2023) or a range (2022-2023); default: the latest year in which an activity ended' })),
  programme: Type.Optional(Type.String({ maxLength: 100, description: 'only this programme; empty: all' })),
});

export const reportRoutes: FastifyPluginAsync<{ database: Database }> = async (app, { database }) => {
  const keys = await loadEvidenceKeys(database.system);
  const readers = requireRole('administrator', 'evaluator', 'viewer');

  const gather = (request: FastifyRequest): Promise<ReportData> => {
    const query = request.query as Static<typeof ReportQuery>;
    return request
      .inOrg(async (tx, actor) => {
        const period = query.period || String((await filterChoices(tx, undefined)).years[0] ?? new Date().getUTCFullYear());
        return reportData(tx, actor.orgId, keys, { period, programme: query.programme || undefined });
      })
      .catch((error: unknown) => {
        if (error instanceof AnalyticsError) throw new Problem(error.status, error.message, error.errors.map((issue) => ({ ...issue, field: `querystring/${issue.field}` })));
        throw error;
      });
  };

  app.get('/assets/report.css', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(stylesheet),
  );

  app.get(
    '/report',
    { preHandler: readers, schema: { tags: PAGE, summary: 'Evaluation report for a period (and programme): printable HTML', querystring: ReportQuery, produces: [HTML] } },
    async (request, reply) => {
      const data = await gather(request);
      const { t, lang } = request.pageContext(reply);
      return reply.type(HTML).send(reportDocument(data, { t, lang, stylesheet: 'link', pdfAvailable: isChromiumInstalled() }));
    },
  );

  app.get(
    '/report.pdf',
    { preHandler: readers, schema: { tags: PAGE, summary: 'Evaluation report as PDF (printed by chromium; 503 when it is not installed)', querystring: ReportQuery, produces: ['application/pdf'] } },
    async (request, reply) => {
      if (!isChromiumInstalled()) throw new Problem(503, pdfUnavailableMessage());
      const data = await gather(request);
      const { t, lang } = request.pageContext(reply);
      const pdf = await printPdf(reportDocument(data, { t, lang, stylesheet: 'inline' }), runningHeading(t('report.title'), data));
      const name = `report-${data.period}${data.programme ? '-' + data.programme.replace(/[^\w-]+/g, '_') : ''}.pdf`;
      return reply.type('application/pdf').header('content-disposition', `attachment; filename="${name}"`).send(pdf);
    },
  );
};
