// Qualitative evidence and trainer ratings: JSON API, exports and pages (plain forms, no JavaScript).
import { Type, type TSchema } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { Problem } from '../http/problem.ts';
import { requireRole } from '../http/request-context.ts';
import { HTML, isUuid, staffSecurity, Uuid } from '../http/schemas.ts';
import type { TableFormat } from '../imports/table.ts';
import { codebookPage, countsPage, evidencePage, ratingsPage, trainerLinksPage } from './pages.tsx';
import * as service from './service.ts';
import type { RatingFilter, TextFilter } from './service.ts';

const API = ['evidence'];
const PAGE = ['pages'];
const security = staffSecurity;
const readers = requireRole('administrator', 'evaluator', 'viewer');
const coders = requireRole('administrator', 'evaluator');
const ratingReaders = requireRole('administrator', 'evaluator', 'trainer');
const administrators = requireRole('administrator');

const Nullable = (schema: TSchema) => Type.Union([schema, Type.Null()]);
const Labels = Type.Object({ en: Type.String(), fr: Type.String(), es: Type.String() });

/** Filters as query strings: empty values (from a submitted form) mean "any". */
const filterFields = {
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Words to find, in English, French or Spanish (stemmed, accents ignored)' })),
  year: Type.Optional(Type.String({ pattern: '^(\\d{4})?$', description: 'Year the activity ended' })),
  programme: Type.Optional(Type.String({ maxLength: 200 })),
  activity: Type.Optional(Type.String({ maxLength: 36, description: 'Activity id' })),
  modality: Type.Optional(Type.String({ maxLength: 40 })),
  gender: Type.Optional(Type.String({ maxLength: 40 })),
  region: Type.Optional(Type.String({ maxLength: 40 })),
  constituent_group: Type.Optional(Type.String({ maxLength: 40 })),
  instrument: Type.Optional(Type.String({ maxLength: 36, description: 'Instrument id' })),
  question: Type.Optional(Type.String({ maxLength: 100, description: 'Question key, e.g. fu_application_example' })),
  code: Type.Optional(Type.String({ maxLength: 40, description: 'A code of the codebook, or "uncoded"' })),
  quotes: Type.Optional(Type.String({ enum: ['', '0', '1'], description: '1: selected quotes only' })),
  lang: Type.Optional(Type.String()),
};
const TextQuery = Type.Object({
  ...filterFields,
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
});
const Format = Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], { default: 'csv' });
const ExportTextQuery = Type.Object({ ...filterFields, format: Type.Optional(Format) });
type FilterQuery = { [K in keyof typeof filterFields]?: string };

function uuidOrUndefined(value: string | undefined, field: string): string | undefined {
  if (!value) return undefined;
  if (!isUuid(value)) throw new Problem(400, `${field}: expected an id`, [{ field: `query/${field}`, message: 'expected an id (uuid)' }]);
  return value.toLowerCase();
}

export function textFilter(query: FilterQuery): TextFilter {
  const filter: TextFilter = {};
  const set = <K extends keyof TextFilter>(key: K, value: TextFilter[K] | undefined | '') => {
    if (value !== undefined && value !== '') filter[key] = value as TextFilter[K];
  };
  set('q', query.q?.trim());
  set('year', query.year ? Number(query.year) : undefined);
  set('programme', query.programme);
  set('activityId', uuidOrUndefined(query.activity, 'activity'));
  set('modality', query.modality);
  set('gender', query.gender);
  set('region', query.region);
  set('constituentGroup', query.constituent_group);
  set('instrumentId', uuidOrUndefined(query.instrument, 'instrument'));
  set('question', query.question);
  set('code', query.code);
  if (query.quotes === '1') filter.quotesOnly = true;
  return filter;
}

const RatingQuery = Type.Object({
  year: Type.Optional(Type.String({ pattern: '^(\\d{4})?$', description: 'Year the activity ended' })),
  activity: Type.Optional(Type.String({ maxLength: 36 })),
  resource_person: Type.Optional(Type.String({ maxLength: 36, description: 'Resource person (participant) id' })),
  min_cell_size: Type.Optional(Type.Integer({ minimum: 5, maximum: 1000, description: 'Suppression threshold (at least 5, the default)' })),
  format: Type.Optional(Format),
  lang: Type.Optional(Type.String()),
});
type RatingQueryValues = { year?: string; activity?: string; resource_person?: string; min_cell_size?: number; format?: TableFormat };

function ratingFilter(query: RatingQueryValues): RatingFilter {
  const filter: RatingFilter = {};
  if (query.year) filter.year = Number(query.year);
  const activity = uuidOrUndefined(query.activity, 'activity');
  if (activity) filter.activityId = activity;
  const person = uuidOrUndefined(query.resource_person, 'resource_person');
  if (person) filter.resourcePersonId = person;
  return filter;
}

const CodeSchema = Type.Object({ code: Type.String(), codedBy: Nullable(Type.String()), codedAt: Type.String() });
const TextSchema = Type.Object(
  {
    id: Type.String({ description: 'RESPONSE_ID:POSITION' }),
    respondent: Type.String({ description: 'Anonymous respondent id (keyed hash of the response; never a participant id or name)' }),
    position: Type.Integer(),
    questionKey: Type.String(),
    text: Type.String(),
    lang: Nullable(Type.String()),
    instrumentId: Uuid,
    instrumentKey: Type.String(),
    activityId: Nullable(Uuid),
    activityCode: Nullable(Type.String()),
    activityTitle: Nullable(Type.String()),
    programme: Nullable(Type.String()),
    modality: Nullable(Type.String()),
    year: Nullable(Type.Integer()),
    gender: Nullable(Type.String()),
    region: Nullable(Type.String()),
    constituentGroup: Nullable(Type.String()),
    submittedAt: Nullable(Type.String()),
    quote: Type.Boolean(),
    codes: Type.Array(CodeSchema),
  },
  { description: 'A text answer that is qualitative evidence, with its codes' },
);
const TextsPage = Type.Object({ total: Type.Integer(), page: Type.Integer(), pageSize: Type.Integer(), texts: Type.Array(TextSchema) });
const CodebookEntry = Type.Object({ code: Type.String(), standard: Type.Boolean(), labels: Labels });
const YearCount = Type.Object({ year: Nullable(Type.Integer()), texts: Type.Integer() });
const CountsSchema = Type.Object({
  years: Type.Array(Nullable(Type.Integer())),
  totals: Type.Array(YearCount),
  codes: Type.Array(Type.Object({ code: Type.String(), labels: Labels, counts: Type.Array(YearCount), total: Type.Integer() })),
});
const RatingCellSchema = Type.Object({
  grouping: Type.Union([Type.Literal('activity'), Type.Literal('year')]),
  resourcePersonId: Uuid,
  resourcePersonCode: Type.String(),
  activityId: Nullable(Uuid),
  activityCode: Nullable(Type.String()),
  activityTitle: Nullable(Type.String()),
  year: Nullable(Type.Integer()),
  n: Type.Integer(),
  missing: Type.Integer(),
  suppressed: Type.Boolean(),
  mean: Nullable(Type.Number()),
  sd: Nullable(Type.Number()),
  ciLow: Nullable(Type.Number({ description: '95% t-interval' })),
  ciHigh: Nullable(Type.Number()),
});
const RatingsSchema = Type.Object({
  scope: Type.Union([Type.Literal('all'), Type.Literal('resource_person'), Type.Literal('none')], {
    description: 'all: every resource person; resource_person: the trainer’s own; none: a trainer not linked to a resource person',
  }),
  minCellSize: Type.Integer(),
  cells: Type.Array(RatingCellSchema),
});
const TrainerLinkSchema = Type.Object({
  userId: Uuid,
  userName: Type.String(),
  userEmail: Type.String(),
  participantId: Nullable(Uuid),
  participantCode: Nullable(Type.String()),
});

const FormBody = Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 2000 }), Type.Array(Type.String({ maxLength: 200 }))]));
const list = (value: string | string[] | undefined) => (value === undefined ? [] : [value].flat());
const one = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? '';

function sendFile(reply: FastifyReply, file: service.ExportFile) {
  return reply
    .header('content-type', file.contentType)
    .header('content-disposition', `attachment; filename="${file.fileName}"`)
    .header('cache-control', 'no-store')
    .send(file.body);
}

/** Back to a page of ours only (never an open redirect). */
function safeBack(value: string, fallback: string): string {
  return /^\/(evidence|trainer-ratings|trainer-links)(\/[a-z-]*)?(\?[^#]*)?$/.test(value) ? value : fallback;
}

export const evidenceRoutes: FastifyPluginAsync<{ database: Database; config: Config }> = async (app, { database }) => {
  const keys = await service.loadEvidenceKeys(database.system);

  // ------------------------------------------------------------ texts and codes (API)
  app.get(
    '/api/evidence/texts',
    { preHandler: readers, schema: { tags: API, summary: 'Search and filter qualitative evidence (text answers) with their codes', security, querystring: TextQuery, response: { 200: TextsPage } } },
    async (request) => {
      const query = request.query as FilterQuery & { page?: number; pageSize?: number };
      const filter = textFilter(query);
      return request.inOrg((tx, actor) => service.searchTexts(tx, actor, keys, filter, query.page, query.pageSize));
    },
  );

  app.get(
    '/api/evidence/texts/:id',
    { preHandler: readers, schema: { tags: API, summary: 'One evidence text', security, params: Type.Object({ id: Type.String({ maxLength: 60 }) }), response: { 200: TextSchema } } },
    async (request) => request.inOrg((tx, actor) => service.getText(tx, actor, keys, (request.params as { id: string }).id)),
  );

  app.put(
    '/api/evidence/texts/:id/codes',
    {
      preHandler: coders,
      schema: {
        tags: API,
        summary: 'Set the codes of a text (replaces them; several allowed) and whether it is a selected quote',
        security,
        params: Type.Object({ id: Type.String({ maxLength: 60 }) }),
        body: Type.Object({ codes: Type.Array(Type.String({ maxLength: 40 }), { maxItems: 50 }), quote: Type.Optional(Type.Boolean()) }),
        response: { 200: TextSchema },
      },
    },
    async (request) => {
      const body = request.body as { codes: string[]; quote?: boolean };
      return request.inOrg((tx, actor) => service.codeText(tx, actor, keys, (request.params as { id: string }).id, body));
    },
  );

  app.get(
    '/api/evidence/counts',
    { preHandler: readers, schema: { tags: API, summary: 'Texts per code per year (the year the activity ended), for the same filters', security, querystring: TextQuery, response: { 200: CountsSchema } } },
    async (request) => {
      const filter = textFilter(request.query as FilterQuery);
      return request.inOrg((tx) => service.codeCounts(tx, filter));
    },
  );

  app.get(
    '/api/evidence/codebook',
    { preHandler: readers, schema: { tags: API, summary: 'The codebook: standard tangible-change categories and the organisation’s codes', security, response: { 200: Type.Array(CodebookEntry) } } },
    async (request) => request.inOrg((tx) => service.codebook(tx)),
  );

  app.post(
    '/api/evidence/codebook',
    {
      preHandler: coders,
      schema: {
        tags: API,
        summary: 'Add a code of the organisation',
        security,
        body: Type.Object({ code: Type.String({ maxLength: 40 }), labels: Labels }),
        response: { 201: CodebookEntry },
      },
    },
    async (request, reply) => {
      const entry = await request.inOrg((tx, actor) => service.addCode(tx, actor, request.body as service.NewCode));
      return reply.code(201).send(entry);
    },
  );

  app.delete(
    '/api/evidence/codebook/:code',
    { preHandler: coders, schema: { tags: API, summary: 'Remove a code of the organisation that no text carries', security, params: Type.Object({ code: Type.String({ maxLength: 40 }) }), response: { 204: Type.Null() } } },
    async (request, reply) => {
      await request.inOrg((tx, actor) => service.removeCode(tx, actor, (request.params as { code: string }).code));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/evidence/export/texts',
    { preHandler: readers, schema: { tags: API, summary: 'Coded texts as CSV or XLSX (anonymous respondent ids; audit-logged)', security, querystring: ExportTextQuery, produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'] } },
    async (request, reply) => {
      const query = request.query as FilterQuery & { format?: TableFormat };
      const filter = textFilter(query);
      return sendFile(reply, await request.inOrg((tx, actor) => service.exportTexts(tx, actor, keys, filter, query.format ?? 'csv')));
    },
  );

  app.get(
    '/api/evidence/export/counts',
    { preHandler: readers, schema: { tags: API, summary: 'Texts per code per year as CSV or XLSX', security, querystring: ExportTextQuery, produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'] } },
    async (request, reply) => {
      const query = request.query as FilterQuery & { format?: TableFormat };
      const filter = textFilter(query);
      return sendFile(reply, await request.inOrg((tx) => service.exportCounts(tx, filter, query.format ?? 'csv', request.lang)));
    },
  );

  // ------------------------------------------------------------ trainer ratings (API)
  app.get(
    '/api/trainer-ratings',
    {
      preHandler: ratingReaders,
      schema: {
        tags: API,
        summary: 'Mean rating, n and 95% CI per resource person per activity and per year (a trainer gets their own only)',
        security,
        querystring: RatingQuery,
        response: { 200: RatingsSchema },
      },
    },
    async (request) => {
      const query = request.query as RatingQueryValues;
      return request.inOrg((tx, actor) => service.trainerRatings(tx, actor, ratingFilter(query), query.min_cell_size));
    },
  );

  app.get(
    '/api/trainer-ratings/export',
    {
      preHandler: ratingReaders,
      schema: { tags: API, summary: 'Trainer ratings as CSV or XLSX (audit-logged; a trainer gets their own only)', security, querystring: RatingQuery, produces: ['text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'] },
    },
    async (request, reply) => {
      const query = request.query as RatingQueryValues;
      return sendFile(reply, await request.inOrg((tx, actor) => service.exportRatings(tx, actor, ratingFilter(query), query.format ?? 'csv', query.min_cell_size)));
    },
  );

  app.get(
    '/api/trainer-links',
    { preHandler: administrators, schema: { tags: API, summary: 'Members with the trainer role and the resource person each is linked to', security, response: { 200: Type.Array(TrainerLinkSchema) } } },
    async (request) => request.inOrg((tx) => service.trainerLinks(tx)),
  );

  app.put(
    '/api/trainer-links/:userId',
    {
      preHandler: administrators,
      schema: { tags: API, summary: 'Link a trainer user to the resource person they are (audit-logged)', security, params: Type.Object({ userId: Uuid }), body: Type.Object({ participantId: Uuid }), response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const { userId } = request.params as { userId: string };
      const { participantId } = request.body as { participantId: string };
      await request.inOrg((tx, actor) => service.linkTrainer(tx, actor, userId, participantId));
      return reply.code(204).send();
    },
  );

  app.delete(
    '/api/trainer-links/:userId',
    { preHandler: administrators, schema: { tags: API, summary: 'Remove the link of a trainer user (audit-logged)', security, params: Type.Object({ userId: Uuid }), response: { 204: Type.Null() } } },
    async (request, reply) => {
      await request.inOrg((tx, actor) => service.unlinkTrainer(tx, actor, (request.params as { userId: string }).userId));
      return reply.code(204).send();
    },
  );

  // ------------------------------------------------------------ pages
  app.get('/evidence', { preHandler: readers, schema: { tags: PAGE, summary: 'Qualitative evidence: search, filter, code (HTML)', querystring: TextQuery } }, async (request, reply) => {
    const query = request.query as FilterQuery & { page?: number };
    const filter = textFilter(query);
    const view = await request.inOrg(async (tx, actor) => ({
      results: await service.searchTexts(tx, actor, keys, filter, query.page),
      codebook: await service.codebook(tx),
      options: await service.filterOptions(tx),
    }));
    return reply.type(HTML).send(evidencePage(request.pageContext(reply), { ...view, query }));
  });

  app.post('/evidence/code', { preHandler: coders, schema: { tags: PAGE, summary: 'Code a text (HTML form)', body: FormBody } }, async (request, reply) => {
    const body = request.body as Record<string, string | string[]>;
    await request.inOrg((tx, actor) => service.codeText(tx, actor, keys, one(body.id), { codes: list(body.codes), quote: one(body.quote) === '1' }));
    const id = one(body.id);
    return reply.redirect(`${safeBack(one(body.back), '/evidence')}#text-${id.replace(':', '-')}`, 303);
  });

  app.get('/evidence/counts', { preHandler: readers, schema: { tags: PAGE, summary: 'Texts per code per year (HTML)', querystring: TextQuery } }, async (request, reply) => {
    const query = request.query as FilterQuery;
    const filter = textFilter(query);
    const view = await request.inOrg(async (tx) => ({ counts: await service.codeCounts(tx, filter), options: await service.filterOptions(tx) }));
    return reply.type(HTML).send(countsPage(request.pageContext(reply), { ...view, query }));
  });

  app.get('/evidence/codebook', { preHandler: readers, schema: { tags: PAGE, summary: 'The codebook (HTML)' } }, async (request, reply) => {
    const entries = await request.inOrg((tx) => service.codebook(tx));
    return reply.type(HTML).send(codebookPage(request.pageContext(reply), entries));
  });

  app.post('/evidence/codebook', { preHandler: coders, schema: { tags: PAGE, summary: 'Add a code (HTML form)', body: FormBody } }, async (request, reply) => {
    const body = request.body as Record<string, string | string[]>;
    await request.inOrg((tx, actor) => service.addCode(tx, actor, { code: one(body.code), labels: { en: one(body.label_en), fr: one(body.label_fr), es: one(body.label_es) } }));
    return reply.redirect('/evidence/codebook', 303);
  });

  app.post('/evidence/codebook/remove', { preHandler: coders, schema: { tags: PAGE, summary: 'Remove a code (HTML form)', body: FormBody } }, async (request, reply) => {
    const body = request.body as Record<string, string | string[]>;
    await request.inOrg((tx, actor) => service.removeCode(tx, actor, one(body.code)));
    return reply.redirect('/evidence/codebook', 303);
  });

  app.get('/trainer-ratings', { preHandler: ratingReaders, schema: { tags: PAGE, summary: 'Trainer ratings (HTML; a trainer sees their own only)', querystring: RatingQuery } }, async (request, reply) => {
    const query = request.query as RatingQueryValues;
    const view = await request.inOrg(async (tx, actor) => ({
      ratings: await service.trainerRatings(tx, actor, ratingFilter(query), query.min_cell_size),
      options: actor.role === 'trainer' ? undefined : { ...(await service.filterOptions(tx)), persons: await service.resourcePersons(tx) },
    }));
    return reply.type(HTML).send(ratingsPage(request.pageContext(reply), { ...view, query }));
  });

  app.get('/trainer-links', { preHandler: administrators, schema: { tags: PAGE, summary: 'Link trainer users to resource persons (HTML)' } }, async (request, reply) => {
    const view = await request.inOrg(async (tx) => ({ links: await service.trainerLinks(tx), persons: await service.resourcePersons(tx) }));
    return reply.type(HTML).send(trainerLinksPage(request.pageContext(reply), view));
  });

  app.post('/trainer-links', { preHandler: administrators, schema: { tags: PAGE, summary: 'Link or unlink a trainer user (HTML form)', body: FormBody } }, async (request: FastifyRequest, reply) => {
    const body = request.body as Record<string, string | string[]>;
    const userId = uuidOrUndefined(one(body.user_id), 'user_id');
    if (!userId) throw new Problem(400, 'user_id: choose a trainer', [{ field: 'user_id', message: 'required' }]);
    const participantId = one(body.participant_id);
    await request.inOrg((tx, actor) =>
      participantId === '' ? service.unlinkTrainer(tx, actor, userId) : service.linkTrainer(tx, actor, userId, uuidOrUndefined(participantId, 'participant_id')!),
    );
    return reply.redirect('/trainer-links', 303);
  });
};
