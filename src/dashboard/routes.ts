// The staff dashboard page. Its query is its state: period, programme, modality, a disaggregation
// and the charted indicator, read from the address (a GET form), so a view can be shared as a link.
// Administrators, evaluators and viewers read it; trainers see only their own ratings elsewhere.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { AnalyticsError } from '../analytics/service.ts';
import { modalityValues } from '../analytics/dimensions.ts';
import { Problem } from '../http/problem.ts';
import { requireRole } from '../http/request-context.ts';
import { HTML } from '../http/schemas.ts';
import { dashboardPage } from './pages.tsx';
import { dashboardView, disaggregations, type Disaggregation } from './service.ts';

const PAGE = ['pages'];
const orEmpty = (values: readonly string[]) => Type.Union([Type.Literal(''), ...values.map((value) => Type.Literal(value))]);

const DashboardQuery = Type.Object({
  period: Type.Optional(Type.String({ pattern: '^(\\d{4}(-\\d{4})?)?$', description: 'a year (2023) or a range (2022-2023); empty: every year on its own' })),
  programme: Type.Optional(Type.String({ maxLength: 100 })),
  activity: Type.Optional(Type.String({ maxLength: 100, description: "an activity's code" })),
  modality: Type.Optional(orEmpty(modalityValues.map((v) => v.code))),
  by: Type.Optional(orEmpty(disaggregations)),
  indicator: Type.Optional(Type.String({ pattern: '^([a-z][a-z0-9_]{1,62})?$' })),
});

export const dashboardRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/dashboard',
    {
      preHandler: requireRole('administrator', 'evaluator', 'viewer'),
      schema: { tags: PAGE, summary: 'Dashboard: KPI cards, baseline/target/result table, trend and comparisons (HTML)', querystring: DashboardQuery, produces: [HTML] },
    },
    async (request, reply) => {
      const query = request.query as Static<typeof DashboardQuery>;
      const view = await request
        .inOrg((tx) =>
          dashboardView(tx, {
            period: query.period || undefined,
            programme: query.programme || undefined,
            activity: query.activity || undefined,
            modality: query.modality || undefined,
            by: (query.by || undefined) as Disaggregation | undefined,
            indicator: query.indicator || undefined,
          }),
        )
        .catch((error: unknown) => {
          if (error instanceof AnalyticsError) {
            throw new Problem(error.status, error.message, error.errors.map((issue) => ({ ...issue, field: `querystring/${issue.field}` })));
          }
          throw error;
        });
      return reply.type(HTML).send(dashboardPage(request.pageContext(reply), view));
    },
  );
};
