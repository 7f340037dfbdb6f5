// The staff dashboard page and the exports of its tables and charts, and of the activity page's.
// The page's query is its state: period, programme, modality, a disaggregation and the charted
// indicator, read from the address (a GET form), so a view can be shared as a link; an export takes
// the same query and the name of the table. Administrators, evaluators and viewers read them;
// trainers see only their own ratings (on the activity page and in evidence/).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { modalityValues } from '../analytics/dimensions.ts';
import { activityIdsByCode, findActivity } from '../catalogue/service.ts';
import type { Database } from '../db/database.ts';
import { loadEvidenceKeys } from '../evidence/service.ts';
import { Problem } from '../http/problem.ts';
import { requireRole } from '../http/request-context.ts';
import { HTML, staffSecurity, Uuid } from '../http/schemas.ts';
import type { TableFile } from '../imports/table.ts';
import { activityView } from './activity.ts';
import { activityTable, activityTables, dashboardTable, dashboardTables, exportFile, type ActivityTable, type DashboardTable } from './exports.ts';
import { activityHref, dashboardPage } from './pages.tsx';
import { dashboardView, disaggregations, rethrowAnalyticsError, type DashboardQuery as Query, type Disaggregation } from './service.ts';

const PAGE = ['pages'];
const API = ['dashboard'];
const readers = requireRole('administrator', 'evaluator', 'viewer');
const orEmpty = (values: readonly string[]) => Type.Union([Type.Literal(''), ...values.map((value) => Type.Literal(value))]);
const literals = (values: readonly string[]) => Type.Union(values.map((value) => Type.Literal(value)));

const Period = Type.String({ pattern: '^(\\d{4}(-\\d{4})?)?$', description: 'a year (2023) or a range (2022-2023); empty: every year on its own' });
const dashboardFields = {
  period: Type.Optional(Period),
  programme: Type.Optional(Type.String({ maxLength: 100 })),
  modality: Type.Optional(orEmpty(modalityValues.map((v) => v.code))),
  by: Type.Optional(orEmpty(disaggregations)),
  indicator: Type.Optional(Type.String({ pattern: '^([a-z][a-z0-9_]{1,62})?$' })),
};
const DashboardQuery = Type.Object({
  ...dashboardFields,
  activity: Type.Optional(Type.String({ maxLength: 100, description: "an activity's code: redirects to the activity's page" })),
});
const Format = Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' });
const DashboardExportQuery = Type.Object({
  ...dashboardFields,
  table: literals(dashboardTables),
  format: Type.Optional(Format),
});
const ActivityExportQuery = Type.Object({
  period: Type.Optional(Type.String({ pattern: '^(\\d{4}(-\\d{4})?)?$', description: 'a year (2023) or a range (2022-2023); default: the year the activity ended' })),
  table: literals(activityTables),
  format: Type.Optional(Format),
});
const FILE_TYPES = ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'];

function toQuery(query: Static<typeof DashboardQuery> | Static<typeof DashboardExportQuery>): Query {
  return {
    period: query.period || undefined,
    programme: query.programme || undefined,
    modality: query.modality || undefined,
    by: (query.by || undefined) as Disaggregation | undefined,
    indicator: query.indicator || undefined,
  };
}

function sendFile(reply: FastifyReply, file: TableFile) {
  return reply
    .header('content-type', file.contentType)
    .header('content-disposition', `attachment; filename="${file.fileName}"`)
    .header('cache-control', 'no-store')
    .send(file.body);
}

export const dashboardRoutes: FastifyPluginAsync<{ database: Database }> = async (app, { database }) => {
  const evidenceKeys = await loadEvidenceKeys(database.system);

  app.get(
    '/dashboard',
    {
      preHandler: readers,
      schema: { tags: PAGE, summary: 'Dashboard: KPI cards, baseline/target/result table, trend and comparisons (HTML)', querystring: DashboardQuery, produces: [HTML] },
    },
    async (request, reply) => {
      const query = request.query as Static<typeof DashboardQuery>;
      if (query.activity) {
        // The drill-down's last level is the activity's own page: one page per activity.
        const code = query.activity;
        const id = await request.inOrg(async (tx) => (await activityIdsByCode(tx, [code])).get(code));
        if (!id) throw Problem.notFound(`No activity with the code ${code}`);
        return reply.redirect(activityHref(id, query.period || undefined), 303);
      }
      const view = await request.inOrg((tx) => dashboardView(tx, toQuery(query))).catch(rethrowAnalyticsError);
      return reply.type(HTML).send(dashboardPage(request.pageContext(reply), view));
    },
  );

  app.get(
    '/api/dashboard/export',
    {
      preHandler: readers,
      schema: {
        tags: API,
        summary: "A table or chart of the dashboard as CSV or XLSX: the page's figures (unrounded, as /api/kpi) for the same query",
        security: staffSecurity,
        querystring: DashboardExportQuery,
        produces: FILE_TYPES,
      },
    },
    async (request, reply) => {
      const query = request.query as Static<typeof DashboardExportQuery>;
      const table = query.table as DashboardTable;
      const view = await request.inOrg((tx) => dashboardView(tx, toQuery(query))).catch(rethrowAnalyticsError);
      const found = dashboardTable(view, table, request.lang);
      if (!found) throw new Problem(400, `The dashboard shows no ${table} table for this query (choose a disaggregation with "by")`, [{ field: 'querystring/table', message: 'not shown for this query' }]);
      return sendFile(reply, await exportFile(found, query.format ?? 'csv'));
    },
  );

  app.get(
    '/api/activities/:id/export',
    {
      preHandler: readers,
      schema: {
        tags: API,
        summary: "A table or chart of the activity page as CSV or XLSX (profile, response rates, indicators beside the organisation's, score distribution, paired tests)",
        security: staffSecurity,
        params: Type.Object({ id: Uuid }),
        querystring: ActivityExportQuery,
        produces: FILE_TYPES,
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const query = request.query as Static<typeof ActivityExportQuery>;
      const table = query.table as ActivityTable;
      const view = await request
        .inOrg(async (tx, actor) => {
          const activity = await findActivity(tx, id);
          if (!activity) throw Problem.notFound('No such activity');
          return activityView(tx, actor, evidenceKeys, activity, { period: query.period || undefined });
        })
        .catch(rethrowAnalyticsError);
      const found = activityTable(view, table, request.lang);
      if (!found) throw Problem.forbidden('This table is not shown to your role');
      return sendFile(reply, await exportFile(found, query.format ?? 'csv'));
    },
  );
};
