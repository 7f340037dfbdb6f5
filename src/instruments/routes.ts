// Staff API for instruments: create (from JSON, the bank or an XLSForm), edit the draft, publish
// versions, open respondent links, export to XLSForm.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { requireRole } from '../http/request-context.ts';
import { staffSecurity, Uuid } from '../http/schemas.ts';
import { purposes, type InstrumentDefinition } from './model.ts';
import { instrumentPageRoutes } from './page-routes.ts';
import * as service from './service.ts';

const API = ['instruments'];
const security = staffSecurity;
const editors = requireRole('administrator', 'evaluator');

const LocalTextSchema = Type.Record(Type.String(), Type.String());
/** Checked in depth by definitionProblems (one message per problem, naming the question). */
const DefinitionSchema = Type.Object(
  { title: LocalTextSchema, languages: Type.Array(Type.String(), { minItems: 1 }), pages: Type.Array(Type.Object({}, { additionalProperties: true })) },
  { additionalProperties: false },
);
const PurposeSchema = Type.Union(purposes.map((p) => Type.Literal(p)));
const KeySchema = Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_.-]{0,99}$' });
const NewInstrumentSchema = Type.Object({
  key: KeySchema,
  purpose: PurposeSchema,
  anonymous: Type.Optional(Type.Boolean()),
  definition: DefinitionSchema,
});
const InstrumentSchema = Type.Object({
  id: Uuid,
  key: Type.String(),
  purpose: PurposeSchema,
  title: LocalTextSchema,
  anonymous: Type.Boolean(),
  hasDraft: Type.Boolean(),
});
const VersionSchema = Type.Object({ id: Uuid, version: Type.Integer(), publishedAt: Type.String({ format: 'date-time' }) });
const LinkSchema = Type.Object({ id: Uuid, token: Type.String(), url: Type.String(), instrumentVersionId: Uuid, activityId: Type.Union([Uuid, Type.Null()]) });
const IdParams = Type.Object({ id: Uuid });

const toInstrument = (row: service.InstrumentRow) => ({
  id: row.id,
  key: row.key,
  purpose: row.purpose,
  title: row.title,
  anonymous: row.anonymous,
  hasDraft: row.draft !== null,
});
const toVersion = (row: service.VersionRow) => ({ id: row.id, version: row.version, publishedAt: row.publishedAt.toISOString() });
const toLink = (row: service.CollectionLinkRow) => ({
  id: row.id,
  token: row.token,
  url: `/r/${row.token}`,
  instrumentVersionId: row.instrumentVersionId,
  activityId: row.activityId,
});

const SPREADSHEET_TYPES = ['application/octet-stream', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/vnd.ms-excel'];

export const instrumentRoutes: FastifyPluginAsync<{ database: Database; config: Config }> = async (app) => {
  app.addContentTypeParser(SPREADSHEET_TYPES, { parseAs: 'buffer', bodyLimit: 10 * 1024 * 1024 }, (_request, body, done) => done(null, body));
  await app.register(instrumentPageRoutes);

  app.post(
    '/api/instruments/import',
    {
      preHandler: editors,
      schema: {
        tags: API,
        security,
        summary: 'Create an instrument (draft) from an XLSForm (.xlsx or .xls as the raw body); 422 names each problem by sheet and row',
        querystring: Type.Object({ fileName: Type.String({ maxLength: 200 }), key: Type.Optional(KeySchema), purpose: Type.Optional(PurposeSchema) }),
        consumes: SPREADSHEET_TYPES,
        response: { 201: Type.Intersect([InstrumentSchema, Type.Object({ notes: Type.Array(Type.String()) })]) },
      },
    },
    async (request, reply) => {
      const query = request.query as { fileName: string; key?: string; purpose?: (typeof purposes)[number] };
      const { instrument, notes } = await request.inOrg((tx, actor) =>
        service.importInstrument(tx, actor, request.body as Buffer, query.fileName, { key: query.key, purpose: query.purpose }),
      );
      return reply.code(201).send({ ...toInstrument(instrument), notes });
    },
  );

  app.get(
    '/api/instruments/:id/xlsform',
    {
      preHandler: requireRole(),
      schema: { tags: API, security, summary: 'Download as an XLSForm (.xlsx): a version, else the latest, else the draft', params: IdParams, querystring: Type.Object({ versionId: Type.Optional(Uuid) }) },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { versionId } = request.query as { versionId?: string };
      const { fileName, file } = await request.inOrg((tx) => service.exportInstrument(tx, id, versionId));
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${fileName}"`)
        .send(file);
    },
  );
  app.get(
    '/api/instruments',
    { preHandler: requireRole(), schema: { tags: API, security, summary: 'List instruments', response: { 200: Type.Array(InstrumentSchema) } } },
    async (request) => (await request.inOrg((tx) => service.listInstruments(tx))).map(toInstrument),
  );

  app.post(
    '/api/instruments',
    { preHandler: editors, schema: { tags: API, security, summary: 'Create an instrument (draft) from a definition', body: NewInstrumentSchema, response: { 201: InstrumentSchema } } },
    async (request, reply) => {
      const body = request.body as Static<typeof NewInstrumentSchema>;
      const row = await request.inOrg((tx, actor) =>
        service.createInstrument(tx, actor, { ...body, definition: body.definition as unknown as InstrumentDefinition }),
      );
      return reply.code(201).send(toInstrument(row));
    },
  );

  app.post(
    '/api/instruments/standard',
    {
      preHandler: editors,
      schema: {
        tags: API,
        security,
        summary: 'Create an instrument from the standard bank (end_of_activity, follow_up)',
        body: Type.Object({ standard: Type.String(), key: Type.Optional(KeySchema) }),
        response: { 201: InstrumentSchema },
      },
    },
    async (request, reply) => {
      const { standard, key } = request.body as { standard: string; key?: string };
      const row = await request.inOrg((tx, actor) => service.createStandardInstrument(tx, actor, standard, key));
      return reply.code(201).send(toInstrument(row));
    },
  );

  app.get(
    '/api/instruments/:id',
    {
      preHandler: requireRole(),
      schema: {
        tags: API,
        security,
        summary: 'An instrument with its versions and its draft',
        params: IdParams,
        response: { 200: Type.Intersect([InstrumentSchema, Type.Object({ versions: Type.Array(VersionSchema), draft: Type.Union([DefinitionSchema, Type.Null()]) })]) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const { instrument, versions } = await request.inOrg(async (tx) => ({
        instrument: await service.getInstrument(tx, id),
        versions: await service.listVersions(tx, id),
      }));
      return { ...toInstrument(instrument), versions: versions.map(toVersion), draft: instrument.draft };
    },
  );

  app.put(
    '/api/instruments/:id/draft',
    { preHandler: editors, schema: { tags: API, security, summary: 'Replace the draft', params: IdParams, body: Type.Object({ definition: DefinitionSchema }) } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { definition } = request.body as { definition: unknown };
      await request.inOrg((tx) => service.saveDraft(tx, id, definition as InstrumentDefinition));
      return reply.code(204).send();
    },
  );

  app.post(
    '/api/instruments/:id/versions',
    { preHandler: editors, schema: { tags: API, security, summary: 'Publish the draft as a new, immutable version', params: IdParams, response: { 201: VersionSchema } } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const version = await request.inOrg((tx) => service.publish(tx, id));
      return reply.code(201).send(toVersion(version));
    },
  );

  app.get(
    '/api/instrument-versions/:id',
    {
      preHandler: requireRole(),
      schema: {
        tags: API,
        security,
        summary: 'A published version with its definition',
        params: IdParams,
        response: { 200: Type.Intersect([VersionSchema, Type.Object({ instrumentId: Uuid, definition: DefinitionSchema })]) },
      },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const version = await request.inOrg((tx) => service.getVersion(tx, id));
      return { ...toVersion(version), instrumentId: version.instrumentId, definition: version.definition };
    },
  );

  app.post(
    '/api/instruments/:id/links',
    {
      preHandler: editors,
      schema: {
        tags: API,
        security,
        summary: 'Open a respondent link for a version (default: the latest) and an activity',
        params: IdParams,
        body: Type.Object({ versionId: Type.Optional(Uuid), activityId: Type.Optional(Type.Union([Uuid, Type.Null()])) }),
        response: { 201: LinkSchema },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = request.body as { versionId?: string; activityId?: string | null };
      const link = await request.inOrg((tx) => service.createCollectionLink(tx, id, body));
      return reply.code(201).send(toLink(link));
    },
  );

  app.get(
    '/api/instruments/:id/links',
    { preHandler: editors, schema: { tags: API, security, summary: 'Respondent links of an instrument', params: IdParams, response: { 200: Type.Array(LinkSchema) } } },
    async (request) => {
      const { id } = request.params as { id: string };
      return (await request.inOrg((tx) => service.listCollectionLinks(tx, id))).map(toLink);
    },
  );
};
