// Indicators, baselines and targets: the staff page and the JSON API. Everyone signed in reads;
// administrators write.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { Problem } from '../http/problem.ts';
import { requireRole } from '../http/request-context.ts';
import { HTML, staffSecurity as security } from '../http/schemas.ts';
import { IndicatorBodySchema, INDICATOR_KEY_PATTERN } from './definitions.ts';
import { dimensionKeys, dimensions } from './dimensions.ts';
import { indicatorsPage } from './pages.tsx';
import { AnalyticsError, deleteTarget, getIndicator, listIndicators, saveIndicator, setTarget } from './service.ts';
import { computeKpis, frequencyTable, getAnalyticsSettings, setMinCellSize } from './engine.ts';
import { kpiRecords } from './output.ts';

const API = ['indicators'];
const PAGE = ['pages'];

const Localised = Type.Object({ en: Type.String(), fr: Type.String(), es: Type.String() });
// `nullable` rather than a union with null: with Ajv's type coercion a union would turn null into
// 0 (number first) or 0 into null (null first).
const NullableNumber = (description?: string) =>
  Type.Unsafe<number | null>({ type: 'number', nullable: true, ...(description ? { description } : {}) });
const TargetSchema = Type.Object({
  period: Type.String({ description: 'a year (2023) or a range of years (2022-2023)' }),
  baseline: NullableNumber(),
  target: NullableNumber(),
});
const IndicatorSchema = Type.Composite([
  Type.Object({ key: Type.String() }),
  Type.Omit(IndicatorBodySchema, ['periodBasis']),
  Type.Object({ periodBasis: Type.String(), standard: Type.Boolean(), targets: Type.Array(TargetSchema) }),
]);
const KeyParams = Type.Object({ key: Type.String({ pattern: INDICATOR_KEY_PATTERN }) });
const TargetParams = Type.Object({ key: Type.String({ pattern: INDICATOR_KEY_PATTERN }), period: Type.String({ maxLength: 9 }) });
const TargetBody = Type.Object(
  {
    baseline: NullableNumber('shares as 0–1; null for none'),
    target: NullableNumber('shares as 0–1; null for none'),
  },
  { additionalProperties: false },
);
const TargetForm = Type.Object({
  period: Type.String({ maxLength: 20 }),
  baseline: Type.Optional(Type.String({ maxLength: 30 })),
  target: Type.Optional(Type.String({ maxLength: 30 })),
  _csrf: Type.Optional(Type.String()),
});
const DimensionSchema = Type.Object({
  key: Type.String(),
  of: Type.String(),
  labels: Localised,
  values: Type.Union([Type.Array(Type.Object({ code: Type.String(), labels: Localised })), Type.Null()]),
});

const ENGINE = ['kpi'];
const NullableNumberOut = Type.Union([Type.Number(), Type.Null()]);
const KpiQuery = Type.Object({
  period: Type.Optional(Type.String({ maxLength: 9, description: 'a year (2023) or a range (2022-2023); default: every year, each on its own' })),
  by: Type.Optional(Type.String({ maxLength: 60, description: `one or two dimensions, comma-separated: ${dimensionKeys.join(', ')}` })),
  filter: Type.Optional(
    Type.Array(Type.String({ maxLength: 200 }), { maxItems: 20, description: 'KEY=VALUE, repeatable: a dimension, activity (code), theme (code) or a question key' }),
  ),
  indicator: Type.Optional(Type.Array(Type.String({ pattern: INDICATOR_KEY_PATTERN }), { maxItems: 100, description: 'only these indicators' })),
});
const KpiRecordSchema = Type.Object(
  {
    indicator: Type.String(),
    period: Type.String(),
    numerator: NullableNumberOut,
    denominator: Type.Number(),
    value: NullableNumberOut,
    ci_low: NullableNumberOut,
    ci_high: NullableNumberOut,
    n_missing: Type.Number(),
    suppressed: Type.Boolean(),
    baseline: NullableNumberOut,
    target: NullableNumberOut,
  },
  {
    additionalProperties: Type.Union([Type.String(), Type.Null()]),
    description: 'plus one field per --by dimension, named after it (its value, null when not stated)',
  },
);
const ComparisonSchema = Type.Object({
  indicator: Type.String(),
  period: Type.String(),
  dimension: Type.String(),
  group_a: Type.String(),
  group_b: Type.String(),
  within: Type.Union([Type.String(), Type.Null()]),
  difference: NullableNumberOut,
  z: NullableNumberOut,
  p_value: NullableNumberOut,
  compared: Type.Boolean({ description: 'false when either cell is suppressed (never tested)' }),
});
const TestSchema = Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]);
const PairedSchema = Type.Object({
  indicator: Type.String(),
  period: Type.String(),
  by: Type.Object({}, { additionalProperties: Type.Union([Type.String(), Type.Null()]) }),
  suppressed: Type.Boolean(),
  t_test: TestSchema,
  wilcoxon: TestSchema,
});
const FreqParams = Type.Object({ question: Type.String({ pattern: '^[a-z][a-z0-9_/]{0,99}$' }) });
const FreqQuery = Type.Object({
  instrument: Type.Optional(Type.String({ maxLength: 100 })),
  period: KpiQuery.properties.period,
  filter: KpiQuery.properties.filter,
});
const FreqRecordSchema = Type.Object({
  option: Type.String(),
  label: Type.String(),
  count: Type.Number(),
  percent: NullableNumberOut,
  n_valid: Type.Number(),
  n_missing: Type.Number(),
});
const SettingsSchema = Type.Object(
  { minCellSize: Type.Integer({ minimum: 1, maximum: 1000, description: 'cells with fewer valid answers are suppressed (default 5)' }) },
  { additionalProperties: false },
);

export const analyticsRoutes: FastifyPluginAsync = async (app) => {
  // ------------------------------------------------------------ engine API
  app.get(
    '/api/kpi',
    {
      preHandler: requireRole(),
      schema: {
        tags: ENGINE,
        summary: 'Indicator results: one record per indicator and cell, with Wilson/t intervals, missing, suppression, baseline and target',
        security,
        querystring: KpiQuery,
        response: { 200: Type.Array(KpiRecordSchema) },
      },
    },
    async (request) => {
      const query = request.query as Static<typeof KpiQuery>;
      const report = await request.inOrg((tx) => computeKpis(tx, { period: query.period, by: query.by, filters: query.filter, indicators: query.indicator })).catch(rethrowQuery);
      return kpiRecords(report.results, report.by);
    },
  );

  app.get(
    '/api/kpi/tests',
    {
      preHandler: requireRole(),
      schema: {
        tags: ENGINE,
        summary: 'Two-proportion comparisons between groups (suppressed cells never compared) and paired t / Wilcoxon tests of pre/post gains',
        security,
        querystring: KpiQuery,
        response: { 200: Type.Object({ minCellSize: Type.Integer(), comparisons: Type.Array(ComparisonSchema), paired: Type.Array(PairedSchema) }) },
      },
    },
    async (request) => {
      const query = request.query as Static<typeof KpiQuery>;
      const report = await request.inOrg((tx) => computeKpis(tx, { period: query.period, by: query.by, filters: query.filter, indicators: query.indicator })).catch(rethrowQuery);
      return {
        minCellSize: report.minCellSize,
        comparisons: report.comparisons,
        paired: report.paired.map(({ indicator, period, by, tests }) => ({
          indicator,
          period,
          by,
          suppressed: tests.kind === 'suppressed',
          t_test: tests.kind === 'tested' ? tests.tTest : null,
          wilcoxon: tests.kind === 'tested' ? tests.wilcoxon : null,
        })),
      };
    },
  );

  app.get(
    '/api/freq/:question',
    {
      preHandler: requireRole(),
      schema: {
        tags: ENGINE,
        summary: 'Frequency table of a question: one record per option with count, percent of valid answers, n valid and n missing',
        security,
        params: FreqParams,
        querystring: FreqQuery,
        response: { 200: Type.Array(FreqRecordSchema) },
      },
    },
    async (request) => {
      const { question } = request.params as Static<typeof FreqParams>;
      const query = request.query as Static<typeof FreqQuery>;
      return request
        .inOrg((tx) => frequencyTable(tx, { question, instrument: query.instrument, period: query.period, filters: query.filter, lang: request.lang }))
        .catch(rethrowQuery);
    },
  );

  app.get(
    '/api/analytics/settings',
    { preHandler: requireRole(), schema: { tags: ENGINE, summary: 'Analytics settings (suppression threshold)', security, response: { 200: SettingsSchema } } },
    async (request) => request.inOrg((tx) => getAnalyticsSettings(tx)),
  );

  app.put(
    '/api/analytics/settings',
    {
      preHandler: requireRole('administrator'),
      schema: { tags: ENGINE, summary: 'Change the suppression threshold of the organisation', security, body: SettingsSchema, response: { 200: SettingsSchema } },
    },
    async (request) => {
      const body = request.body as Static<typeof SettingsSchema>;
      return request.inOrg((tx, actor) => setMinCellSize(tx, actor, body.minCellSize)).catch(rethrow);
    },
  );

  // ------------------------------------------------------------ page
  app.get(
    '/indicators',
    { preHandler: requireRole(), schema: { tags: PAGE, summary: 'Indicators with baselines and targets (HTML)', produces: [HTML] } },
    async (request, reply) => {
      const indicators = await request.inOrg((tx) => listIndicators(tx));
      return reply.type(HTML).send(indicatorsPage(request.pageContext(reply), indicators));
    },
  );

  app.post(
    '/indicators/:key/targets',
    {
      preHandler: requireRole('administrator'),
      schema: { tags: PAGE, summary: 'Set a baseline and target (HTML form)', params: KeyParams, body: TargetForm },
    },
    async (request, reply) => {
      const { key } = request.params as Static<typeof KeyParams>;
      const form = request.body as Static<typeof TargetForm>;
      try {
        await request.inOrg((tx, actor) =>
          setTarget(tx, actor, key, form.period, { baseline: formNumber(form.baseline), target: formNumber(form.target) }),
        );
        return reply.redirect('/indicators', 303);
      } catch (error) {
        if (!(error instanceof AnalyticsError) || error.status === 404) throw toProblem(error);
        const indicators = await request.inOrg((tx) => listIndicators(tx));
        const failure = { key, message: error.message, form };
        return reply.code(422).type(HTML).send(indicatorsPage(request.pageContext(reply), indicators, failure));
      }
    },
  );

  // ------------------------------------------------------------ API
  app.get(
    '/api/indicators',
    {
      preHandler: requireRole(),
      schema: { tags: API, summary: 'Indicator definitions with their baselines and targets', security, response: { 200: Type.Array(IndicatorSchema) } },
    },
    async (request) => request.inOrg((tx) => listIndicators(tx)),
  );

  app.get(
    '/api/indicators/:key',
    {
      preHandler: requireRole(),
      schema: { tags: API, summary: 'One indicator with its baselines and targets', security, params: KeyParams, response: { 200: IndicatorSchema } },
    },
    async (request) => {
      const { key } = request.params as Static<typeof KeyParams>;
      return request.inOrg((tx) => getIndicator(tx, key)).catch(rethrow);
    },
  );

  app.put(
    '/api/indicators/:key',
    {
      preHandler: requireRole('administrator'),
      schema: {
        tags: API,
        summary: "Create or replace one of the organisation's own indicators (standard ones cannot be redefined)",
        security,
        params: KeyParams,
        body: IndicatorBodySchema,
        response: { 200: IndicatorSchema },
      },
    },
    async (request) => {
      const { key } = request.params as Static<typeof KeyParams>;
      const body = request.body as Static<typeof IndicatorBodySchema>;
      return request.inOrg((tx, actor) => saveIndicator(tx, actor, key, body)).catch(rethrow);
    },
  );

  app.get(
    '/api/indicators/:key/targets',
    {
      preHandler: requireRole(),
      schema: { tags: API, summary: 'Baselines and targets of an indicator, by period', security, params: KeyParams, response: { 200: Type.Array(TargetSchema) } },
    },
    async (request) => {
      const { key } = request.params as Static<typeof KeyParams>;
      return (await request.inOrg((tx) => getIndicator(tx, key)).catch(rethrow)).targets;
    },
  );

  app.put(
    '/api/indicators/:key/targets/:period',
    {
      preHandler: requireRole('administrator'),
      schema: {
        tags: API,
        summary: 'Set the baseline and target of an indicator for a period (a year such as 2023 or a range such as 2022-2023)',
        security,
        params: TargetParams,
        body: TargetBody,
        response: { 200: TargetSchema },
      },
    },
    async (request) => {
      const { key, period } = request.params as Static<typeof TargetParams>;
      const body = request.body as Static<typeof TargetBody>;
      return request.inOrg((tx, actor) => setTarget(tx, actor, key, period, body)).catch(rethrow);
    },
  );

  app.delete(
    '/api/indicators/:key/targets/:period',
    {
      preHandler: requireRole('administrator'),
      schema: { tags: API, summary: 'Remove the baseline and target of a period', security, params: TargetParams, response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const { key, period } = request.params as Static<typeof TargetParams>;
      await request.inOrg((tx, actor) => deleteTarget(tx, actor, key, period)).catch(rethrow);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/dimensions',
    {
      preHandler: requireRole(),
      schema: { tags: API, summary: 'Disaggregation dimensions with their labels and fixed values', security, response: { 200: Type.Array(DimensionSchema) } },
    },
    async () => dimensionKeys.map((key) => dimensions[key]),
  );
};

/** An empty form field means "no value". */
function formNumber(text: string | undefined): number | null {
  if (text === undefined || text.trim() === '') return null;
  return Number(text.trim().replace(',', '.'));
}

/** Fields the service names bare: the ones in the path are `params/…`, the rest `body/…`. */
const PATH_FIELDS = ['key', 'period'];

function toProblem(error: unknown): unknown {
  if (!(error instanceof AnalyticsError)) return error;
  const errors = error.errors.map((issue) => ({
    ...issue,
    field: issue.field.includes('/') ? issue.field : `${PATH_FIELDS.includes(issue.field) ? 'params' : 'body'}/${issue.field}`,
  }));
  return new Problem(error.status, error.message, errors.length > 0 ? errors : undefined);
}

/** For the engine's GET routes: bare field names are query parameters (the question is in the path). */
function rethrowQuery(error: unknown): never {
  if (error instanceof AnalyticsError) {
    const errors = error.errors.map((issue) => ({ ...issue, field: issue.field === 'question' ? 'params/question' : `querystring/${issue.field}` }));
    throw new Problem(error.status, error.message, errors.length > 0 ? errors : undefined);
  }
  throw error;
}

function rethrow(error: unknown): never {
  throw toProblem(error);
}
