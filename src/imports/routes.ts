// Import, export and templates over HTTP for every kind (the CLI does the same from files).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Database } from '../db/database.ts';
import { Problem } from '../http/problem.ts';
import { requireRole } from '../http/request-context.ts';
import { HTML, staffSecurity } from '../http/schemas.ts';
import { formField, uploadedFile, type UploadedFile } from '../http/upload.ts';
import { describeIssue, exportTable, ImportRejected, importTable, templateTable } from './importer.ts';
import { importKind, importKindNames, type ImportKindName } from './kinds.ts';
import { importPage } from './pages.tsx';
import { mayExportNames } from '../people/service.ts';

const KindParam = Type.Object({ kind: Type.Union(importKindNames.map((name) => Type.Literal(name))) });
const FormatParam = Type.Object({
  kind: Type.Union(importKindNames.map((name) => Type.Literal(name))),
  format: Type.Union([Type.Literal('csv'), Type.Literal('xlsx')]),
});
const ExportQuery = Type.Object({
  personalData: Type.Optional(
    Type.Union([Type.Literal('pseudonymised'), Type.Literal('named')], {
      description: 'Participants: names, e-mails and phones are left empty unless an administrator asks for `named`',
    }),
  ),
});
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const TAGS = ['imports'];
const editors = requireRole('administrator', 'evaluator');
const isKind = (value: string): value is ImportKindName => (importKindNames as string[]).includes(value);

export function rejectedProblem(error: ImportRejected): Problem {
  return new Problem(
    422,
    `${error.report.file}: ${error.report.issues.length} problem(s); nothing was written. ${error.report.issues.slice(0, 5).map(describeIssue).join('; ')}`,
    error.report.issues.map((issue) => ({ field: `${issue.sheet ? `sheet ${issue.sheet}/` : ''}row ${issue.row}/${issue.column}`, message: issue.message })),
  );
}

export const importRoutes: FastifyPluginAsync<{ database: Database }> = async (app, { database }) => {
  app.addContentTypeParser(['text/csv', 'application/octet-stream', XLSX], { parseAs: 'buffer', bodyLimit: 50 * 1024 * 1024 }, (_request, body, done) =>
    done(null, body),
  );

  app.post(
    '/api/imports/:kind',
    {
      bodyLimit: 50 * 1024 * 1024,
      preHandler: requireRole('administrator', 'evaluator'),
      schema: {
        tags: TAGS,
        summary: 'Import a CSV or XLSX file (the request body); all rows or none unless skipInvalid',
        security: staffSecurity,
        params: KindParam,
        querystring: Type.Object({ skipInvalid: Type.Optional(Type.Boolean()), fileName: Type.Optional(Type.String({ maxLength: 200 })) }),
      },
    },
    async (request) => {
      const { kind } = request.params as { kind: ImportKindName };
      const { skipInvalid, fileName } = request.query as { skipInvalid?: boolean; fileName?: string };
      if (!Buffer.isBuffer(request.body)) throw new Problem(415, 'Send the file as the body with Content-Type text/csv or the XLSX media type');
      const name = fileName ?? `${kind}.${request.headers['content-type']?.startsWith(XLSX) ? 'xlsx' : 'csv'}`;
      try {
        return await importTable(database, request.actor!, importKind(kind), { fileName: name, bytes: request.body, skipInvalid: skipInvalid === true });
      } catch (error) {
        if (error instanceof ImportRejected) throw rejectedProblem(error);
        throw error;
      }
    },
  );

  app.get(
    '/api/exports/:kind.:format',
    {
      preHandler: requireRole(),
      schema: {
        tags: TAGS,
        summary: 'Export every record of a kind as CSV or XLSX (participants pseudonymised unless an administrator asks for names; audit-logged)',
        security: staffSecurity,
        params: FormatParam,
        querystring: ExportQuery,
      },
    },
    async (request, reply) => {
      const { kind, format } = request.params as { kind: ImportKindName; format: 'csv' | 'xlsx' };
      const { personalData = 'pseudonymised' } = request.query as { personalData?: 'pseudonymised' | 'named' };
      if (personalData === 'named' && !mayExportNames(request.actor!)) throw Problem.forbidden('Only an administrator may export names, e-mails and phones');
      const file = await exportTable(database, request.actor!, importKind(kind), format, { personalData });
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : XLSX)
        .header('content-disposition', `attachment; filename="${kind}.${format}"`)
        .header('cache-control', 'no-store')
        .send(file);
    },
  );

  app.get(
    '/api/templates/:kind.:format',
    { schema: { tags: TAGS, summary: 'An empty import template with the expected columns', params: FormatParam } },
    async (request, reply) => {
      const { kind, format } = request.params as { kind: ImportKindName; format: 'csv' | 'xlsx' };
      const file = await templateTable(importKind(kind), format);
      return reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : XLSX)
        .header('content-disposition', `attachment; filename="${kind}-template.${format}"`)
        .send(file);
    },
  );

  // ------------------------------------------------------------ staff page (no JavaScript needed)
  app.get(
    '/imports',
    {
      preHandler: editors,
      schema: {
        tags: ['pages'],
        summary: 'Import page: choose the kind, download its template, upload a CSV or XLSX file (HTML)',
        querystring: Type.Object({ kind: Type.Optional(Type.Union(importKindNames.map((name) => Type.Literal(name)))) }),
        produces: [HTML],
      },
    },
    async (request, reply) => {
      const { kind } = request.query as { kind?: ImportKindName };
      return reply.type(HTML).send(importPage(request.pageContext(reply), { kind }));
    },
  );

  app.post(
    '/imports',
    {
      preHandler: editors,
      schema: {
        tags: ['pages'],
        summary: 'Import an uploaded file (multipart form: kind, file, skip_invalid, _csrf); shows what was written or every problem (HTML)',
        consumes: ['multipart/form-data'],
        produces: [HTML],
      },
    },
    async (request, reply) => {
      const kindField = formField(request, 'kind');
      if (!isKind(kindField)) throw new Problem(400, `Choose what the file holds: one of ${importKindNames.join(', ')}`, [{ field: 'kind', message: `expected one of ${importKindNames.join(', ')}` }]);
      const state = { kind: kindField, skipInvalid: formField(request, 'skip_invalid') === 'yes' };
      const ctx = request.pageContext(reply);
      let file: UploadedFile;
      try {
        file = await uploadedFile(request, 'file', ['.csv', '.xlsx']);
      } catch (error) {
        // No file, an empty one or the wrong type: the form again, the problem next to the file field.
        if (error instanceof Problem && (error.status === 400 || error.status === 415)) {
          return reply.code(error.status).type(HTML).send(importPage(ctx, { ...state, fileError: error.detail }));
        }
        throw error;
      }
      try {
        const report = await importTable(database, request.actor!, importKind(state.kind), { fileName: file.fileName, bytes: file.bytes, skipInvalid: state.skipInvalid });
        return reply.type(HTML).send(importPage(ctx, state, { kind: state.kind, outcome: 'written', report }));
      } catch (error) {
        if (!(error instanceof ImportRejected)) throw error;
        return reply.code(422).type(HTML).send(importPage(ctx, state, { kind: state.kind, outcome: 'rejected', report: error.report }));
      }
    },
  );
};
