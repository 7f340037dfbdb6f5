// Importing responses collected elsewhere over HTTP: the JSON API (the file as the request body,
// like /api/imports/:kind) and the staff page with an upload form (multipart, through
// http/upload.ts). Both run the same import as `tracer import responses`.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Actor } from '../accounts/service.ts';
import type { Database } from '../db/database.ts';
import { Problem } from '../http/problem.ts';
import { requireRole } from '../http/request-context.ts';
import { staffSecurity } from '../http/schemas.ts';
import { formField, uploadedFile } from '../http/upload.ts';
import { ImportRejected, importTable, type ImportReport } from '../imports/importer.ts';
import { rejectedProblem } from '../imports/routes.ts';
import { listInstruments } from '../instruments/service.ts';
import { importResponsesPage } from './import-pages.tsx';
import { MappingError, parseMapping, responseImport } from './import.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const HTML = 'text/html; charset=utf-8';
const staff = requireRole('administrator', 'evaluator');

async function runImport(
  database: Database,
  actor: Actor,
  input: { instrumentKey: string; fileName: string; bytes: Uint8Array; mappingText: string; skipInvalid: boolean },
): Promise<ImportReport> {
  let mapping;
  if (input.mappingText.trim() !== '') {
    try {
      mapping = await parseMapping(input.mappingText.trimStart().startsWith('{') ? 'mapping.json' : 'mapping.csv', Buffer.from(input.mappingText));
    } catch (error) {
      if (error instanceof MappingError) throw Problem.badRequest(`Column mapping: ${error.message}`, 'mapping');
      throw error;
    }
  }
  const kind = await responseImport(database, actor, { instrumentKey: input.instrumentKey, mapping });
  return importTable(database, actor, kind, { fileName: input.fileName, bytes: input.bytes, skipInvalid: input.skipInvalid });
}

const ReportSchema = Type.Object({
  kind: Type.String(),
  file: Type.String(),
  rows: Type.Integer(),
  written: Type.Integer(),
  skipped: Type.Integer(),
  unchanged: Type.Optional(Type.Integer()),
  issues: Type.Array(Type.Object({ file: Type.String(), sheet: Type.Optional(Type.String()), row: Type.Integer(), column: Type.String(), message: Type.String() })),
});

export const responseImportRoutes: FastifyPluginAsync<{ database: Database }> = async (app, { database }) => {
  app.addContentTypeParser(['text/csv', 'application/octet-stream', XLSX], { parseAs: 'buffer', bodyLimit: 50 * 1024 * 1024 }, (_request, body, done) =>
    done(null, body),
  );

  app.post(
    '/api/responses/import',
    {
      bodyLimit: 50 * 1024 * 1024,
      preHandler: staff,
      schema: {
        tags: ['responses'],
        summary: 'Import responses collected elsewhere (CSV or XLSX as the body: wide layout, KoboToolbox, ODK Central or Qualtrics export); all rows or none unless skipInvalid',
        security: staffSecurity,
        querystring: Type.Object({
          instrument: Type.String({ minLength: 1, maxLength: 100, description: 'key of the instrument the responses answer (its latest published version)' }),
          skipInvalid: Type.Optional(Type.Boolean()),
          fileName: Type.Optional(Type.String({ maxLength: 200 })),
          mapping: Type.Optional(Type.String({ maxLength: 100_000, description: 'a column-mapping file (JSON or CSV text), for other layouts' })),
        }),
        response: { 200: ReportSchema },
      },
    },
    async (request) => {
      const query = request.query as { instrument: string; skipInvalid?: boolean; fileName?: string; mapping?: string };
      if (!Buffer.isBuffer(request.body)) throw new Problem(415, 'Send the file as the body with Content-Type text/csv or the XLSX media type');
      const fileName = query.fileName ?? `responses.${request.headers['content-type']?.startsWith(XLSX) ? 'xlsx' : 'csv'}`;
      try {
        return await runImport(database, request.actor!, { instrumentKey: query.instrument, fileName, bytes: request.body, mappingText: query.mapping ?? '', skipInvalid: query.skipInvalid === true });
      } catch (error) {
        if (error instanceof ImportRejected) throw rejectedProblem(error);
        throw error;
      }
    },
  );

  app.get(
    '/responses/import',
    { preHandler: staff, schema: { tags: ['pages'], summary: 'Import responses (HTML upload form)', produces: ['text/html'] } },
    async (request, reply) => {
      const instruments = await request.inOrg((tx) => listInstruments(tx));
      return reply.type(HTML).send(importResponsesPage(request.pageContext(reply), instruments.filter((i) => i.latestVersion !== null), { state: 'form' }));
    },
  );

  app.post(
    '/responses/import',
    { preHandler: staff, schema: { tags: ['pages'], summary: 'Import responses (HTML form post, multipart)', produces: ['text/html'] } },
    async (request, reply) => {
      const file = await uploadedFile(request, 'file', ['.csv', '.xlsx']);
      const instrumentKey = formField(request, 'instrument');
      if (instrumentKey === '') throw Problem.badRequest('Choose the instrument the responses answer', 'instrument');
      const skipInvalid = formField(request, 'skipInvalid') === 'on';
      const instruments = (await request.inOrg((tx) => listInstruments(tx))).filter((i) => i.latestVersion !== null);
      const ctx = request.pageContext(reply);
      try {
        const report = await runImport(database, request.actor!, { instrumentKey, fileName: file.fileName, bytes: file.bytes, mappingText: formField(request, 'mapping'), skipInvalid });
        return reply.type(HTML).send(importResponsesPage(ctx, instruments, { state: 'done', report, instrumentKey }));
      } catch (error) {
        if (!(error instanceof ImportRejected)) throw error;
        return reply.code(422).type(HTML).send(importResponsesPage(ctx, instruments, { state: 'rejected', report: error.report, instrumentKey }));
      }
    },
  );
};
