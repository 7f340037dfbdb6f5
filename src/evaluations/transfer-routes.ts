// Import/export routes: recommendations and actions as CSV/XLSX, the whole evaluation as JSON,
// the overdue list as CSV/XLSX. Files are sent as the request body with their own content type.
import { FormatRegistry, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { Problem } from '../http/problem.ts';
import { staffSecurity as security, Uuid } from '../http/schemas.ts';
import { evaluationFields, FollowUpQuery, IndicatorLinkSchema, IsoDate, literals } from './api-schemas.ts';
import { canRead, canWrite, followUpFilter, inOrg, type EvaluationDeps } from './routes.ts';
import { actionStatuses, contentLanguages, lessonKinds, priorities, responseDecisions } from './schema.ts';
import * as service from './service.ts';
import {
  ACTION_COLUMNS,
  actionTable,
  decodeTable,
  encodeTable,
  evaluationDocument,
  ImportRejected,
  importActions,
  importEvaluationDocument,
  importRecommendations,
  RECOMMENDATION_COLUMNS,
  recommendationTable,
  validateActions,
  validateRecommendations,
  type EvaluationDocument,
  type TableFormat,
} from './transfer.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const API = ['evaluations'];
const idParams = Type.Object({ id: Uuid });
const FormatQuery = Type.Object({ format: Type.Optional(literals(['csv', 'xlsx'] as const)) });
const FileBody = Type.Unsafe<Buffer>({ description: 'The file itself, sent as text/csv or as an .xlsx workbook' });

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
export const EvaluationDocumentSchema = Type.Object({
  format: Type.Literal('tracer-evaluation/1'),
  evaluation: Type.Object({ ...evaluationFields }, { additionalProperties: false }),
  findings: Type.Array(Type.Object({ criterion: Type.String({ minLength: 1 }), text: Type.String({ minLength: 1 }), evidence: Type.Array(IndicatorLinkSchema) })),
  recommendations: Type.Array(
    Type.Object({
      number: Type.Integer({ minimum: 1 }),
      text: Type.String({ minLength: 1 }),
      level: Type.String(),
      addressees: Type.Array(Type.String()),
      priority: literals(priorities),
      criteria: Type.Array(Type.String()),
      response: nullable(Type.Object({ decision: literals(responseDecisions), text: Type.String(), date: IsoDate })),
      actions: Type.Array(
        Type.Object({
          description: Type.String({ minLength: 1 }),
          responsibleUnit: Type.String({ minLength: 1 }),
          dueDate: IsoDate,
          status: literals(actionStatuses),
          completedOn: nullable(IsoDate),
          updates: Type.Array(
            Type.Object({
              on: IsoDate,
              text: Type.String({ minLength: 1 }),
              statusAfter: literals(actionStatuses),
              evidenceUrl: nullable(Type.String({ pattern: '^https?://' })),
              evidenceIndicator: nullable(IndicatorLinkSchema),
            }),
          ),
        }),
      ),
    }),
  ),
  lessons: Type.Array(
    Type.Object({
      kind: literals(lessonKinds),
      language: literals(contentLanguages),
      title: Type.String({ minLength: 1 }),
      text: Type.String({ minLength: 1 }),
      context: Type.String(),
      replicationConditions: Type.String(),
      themes: Type.Array(Type.String()),
      countries: Type.Array(Type.String()),
    }),
  ),
});

/** Rules a JSON schema cannot say: unique numbers, completion dates only on completed actions. */
function documentIssues(document: EvaluationDocument): Array<{ field: string; message: string }> {
  const issues: Array<{ field: string; message: string }> = [];
  const numbers = new Set<number>();
  document.recommendations.forEach((r, i) => {
    if (numbers.has(r.number)) issues.push({ field: `body/recommendations/${i}/number`, message: `number ${r.number} is used twice` });
    numbers.add(r.number);
    r.actions.forEach((a, j) => {
      if ((a.status === 'completed') !== (a.completedOn !== null)) {
        issues.push({ field: `body/recommendations/${i}/actions/${j}/completedOn`, message: 'a date exactly when the status is completed' });
      }
      if (a.status !== 'completed' && a.status !== 'not_started' && r.response?.decision === undefined) {
        issues.push({ field: `body/recommendations/${i}/response`, message: 'a management response before actions progress' });
      }
    });
  });
  return issues;
}

// The formats the document schema uses, for checking an uploaded document outside a route's own validation.
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (v) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v));
if (!FormatRegistry.Has('date')) FormatRegistry.Set('date', (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)));

/** What is wrong with an uploaded evaluation document (the schema, then the rules), each naming its place. */
export function documentProblems(document: unknown): Array<{ field: string; message: string }> {
  const schemaErrors = [...Value.Errors(EvaluationDocumentSchema, document)].slice(0, 50).map((e) => ({ field: e.path === '' ? '/' : e.path, message: e.message }));
  if (schemaErrors.length > 0) return schemaErrors;
  return documentIssues(document as EvaluationDocument).map((issue) => ({ field: issue.field.replace(/^body/, ''), message: `expected ${issue.message}` }));
}

function sendFile(reply: FastifyReply, format: TableFormat, name: string, content: Buffer) {
  return reply
    .header('content-disposition', `attachment; filename="${name}.${format}"`)
    .type(format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE)
    .send(content);
}

function rejected(error: unknown): never {
  if (error instanceof ImportRejected) {
    throw new Problem(
      422,
      `The file was not imported: ${error.message}`,
      error.issues.map((issue) => ({ field: `${issue.file}/row ${issue.row}/${issue.column}`, message: `expected ${issue.expected}` })),
    );
  }
  throw error;
}

export const transferRoutes: FastifyPluginAsync<EvaluationDeps> = async (app, deps) => {
  app.addContentTypeParser(['text/csv', XLSX_TYPE], { parseAs: 'buffer', bodyLimit: 5 * 1024 * 1024 }, (_request, body, done) => done(null, body));

  const dossierOf = (request: Parameters<typeof inOrg>[0], id: string) =>
    inOrg(request, (tx) => service.getDossier(tx, id, { clock: deps.clock, indicators: deps.indicators }));

  const tableExport = (what: 'recommendations' | 'actions') =>
    app.get(
      `/api/evaluations/:id/${what}/export`,
      { preHandler: canRead, schema: { tags: API, summary: `Export the ${what} as CSV or XLSX`, security, params: idParams, querystring: FormatQuery, produces: ['text/csv', XLSX_TYPE] } },
      async (request, reply) => {
        const { id } = request.params as { id: string };
        const format = (request.query as { format?: TableFormat }).format ?? 'csv';
        const dossier = await dossierOf(request, id);
        const [header, body] = what === 'recommendations' ? [RECOMMENDATION_COLUMNS, recommendationTable(dossier)] : [ACTION_COLUMNS, actionTable(dossier)];
        return sendFile(reply, format, what, await encodeTable(format, header, body, what));
      },
    );
  tableExport('recommendations');
  tableExport('actions');

  const tableImport = (what: 'recommendations' | 'actions') =>
    app.post(
      `/api/evaluations/:id/${what}/import`,
      {
        preHandler: canWrite,
        schema: {
          tags: API,
          summary: `Import ${what} from CSV or XLSX (all rows or none)`,
          security,
          params: idParams,
          consumes: ['text/csv', XLSX_TYPE],
          body: FileBody,
          response: { 200: Type.Object({ imported: Type.Integer() }) },
        },
      },
      async (request) => {
        const { id } = request.params as { id: string };
        const format: TableFormat = (request.headers['content-type'] ?? '').startsWith('text/csv') ? 'csv' : 'xlsx';
        const file = `${what}.${format}`;
        if (!Buffer.isBuffer(request.body)) throw new Problem(415, 'Send the file as text/csv or as an .xlsx workbook');
        const table = await decodeTable(format, request.body, file).catch(rejected);
        try {
          const imported =
            what === 'recommendations'
              ? await inOrg(request, async (tx, actor) => {
                  service.ensureFound(await service.findEvaluationRow(tx, id), 'evaluation');
                  return importRecommendations(tx, actor.orgId, id, validateRecommendations(table, file));
                })
              : await inOrg(request, async (tx, actor) => {
                  service.ensureFound(await service.findEvaluationRow(tx, id), 'evaluation');
                  return importActions(tx, actor.orgId, id, validateActions(table, file), file);
                });
          return { imported };
        } catch (error) {
          return rejected(error);
        }
      },
    );
  tableImport('recommendations');
  tableImport('actions');

  app.get(
    '/api/evaluations/:id/document',
    { preHandler: canRead, schema: { tags: API, summary: 'Export the whole evaluation as a JSON document', security, params: idParams } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const document = evaluationDocument(await dossierOf(request, id));
      return reply.header('content-disposition', 'attachment; filename="evaluation.json"').send(document);
    },
  );

  app.post(
    '/api/evaluations/import',
    {
      preHandler: canWrite,
      schema: {
        tags: API,
        summary: 'Create an evaluation from an exported JSON document (all or nothing)',
        security,
        body: EvaluationDocumentSchema,
        response: { 201: Type.Object({ id: Uuid }) },
      },
    },
    async (request, reply) => {
      const document = request.body as EvaluationDocument;
      const issues = documentIssues(document);
      if (issues.length > 0) throw new Problem(422, issues.map((i) => `${i.field}: expected ${i.message}`).join('; '), issues);
      const id = await inOrg(request, (tx, actor) => importEvaluationDocument(tx, actor.orgId, document));
      return reply.code(201).send({ id });
    },
  );

  app.get(
    '/api/follow-up/overdue/export',
    {
      preHandler: canRead,
      schema: { tags: API, summary: 'Export the overdue actions (filters as the dashboard) as CSV or XLSX', security, querystring: Type.Intersect([FormatQuery, FollowUpQuery]) },
    },
    async (request, reply) => {
      const query = request.query as { format?: TableFormat; evaluationId?: string; unit?: string };
      const format = query.format ?? 'csv';
      const dashboard = await inOrg(request, (tx) => service.followUpDashboard(tx, followUpFilter(query), { clock: deps.clock }));
      const body = dashboard.overdueByUnit.flatMap(({ actions }) =>
        actions.map((a) => [a.responsibleUnit, a.evaluationTitle, String(a.recommendationNumber), a.description, a.dueDate, a.status, String(a.daysOverdue)]),
      );
      const header = ['responsible_unit', 'evaluation', 'recommendation_number', 'description', 'due_date', 'status', 'days_overdue'];
      return sendFile(reply, format, 'overdue-actions', await encodeTable(format, header, body, 'overdue'));
    },
  );
};
