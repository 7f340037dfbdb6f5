// Catalogue over HTTP: the anonymous public catalogue (page and JSON, as `tracer_public`) and the
// staff API and pages for activities, resources and themes (inside `request.inOrg`).
import { Type, type Static } from '@sinclair/typebox';
import { sql } from 'drizzle-orm';
import type { FastifyPluginAsync } from 'fastify';
import { rows, type Database } from '../db/database.ts';
import { Problem } from '../http/problem.ts';
import { requireRole } from '../http/request-context.ts';
import { HTML, staffSecurity, Uuid } from '../http/schemas.ts';
import { activityView } from '../dashboard/activity.ts';
import { rethrowAnalyticsError } from '../dashboard/service.ts';
import { loadEvidenceKeys } from '../evidence/service.ts';
import { activityBreakdown, listEnrolments } from '../people/service.ts';
import { activitiesPage, activityPage, publicCataloguePage, resourcesPage } from './pages.tsx';
import { facetNames, searchCatalogue, sortOrders, type CatalogueQuery } from './search.ts';
import { withPublic } from '../db/public-access.ts';
import {
  CatalogueError,
  findActivity,
  listActivities,
  listResources,
  listThemes,
  saveActivity,
  saveResource,
  saveTheme,
  themeCodes,
  type ActivityInput,
  type ResourceInput,
} from './service.ts';
import { activityStatuses, crossCuttingMarkers, feeTypes, modalities, resourceTypes } from './vocabulary.ts';

const literals = <T extends string>(values: readonly T[]) => Type.Union(values.map((value) => Type.Literal(value)));
const Text = (max = 200) => Type.String({ maxLength: max });
const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Optional(Type.Union([schema, Type.Null()]));

const CatalogueQuerySchema = Type.Object({
  q: Type.Optional(Text()),
  org: Type.Optional(Text(64)),
  theme: Type.Optional(Text(64)),
  modality: Type.Optional(Text(32)),
  language: Type.Optional(Text(8)),
  region: Type.Optional(Text(32)),
  country: Type.Optional(Text(2)),
  year: Type.Optional(Type.Integer({ minimum: 1900, maximum: 2200 })),
  feeType: Type.Optional(Text(16)),
  status: Type.Optional(Text(16)),
  targetGroup: Type.Optional(Text(100)),
  when: Type.Optional(Type.Union([Type.Literal('upcoming'), Type.Literal('past'), Type.Literal('')])),
  sort: Type.Optional(literals(sortOrders)),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  lang: Type.Optional(Text(2)),
});

const FacetCounts = Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() }));
const Organisation = Type.Object({ slug: Type.String(), name: Type.String() });
const NullableString = Type.Union([Type.String(), Type.Null()]);
/** The public response schema doubles as a whitelist: fastify drops any property not listed. */
const PublicResults = Type.Object({
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  activities: Type.Array(
    Type.Object({
      id: Uuid, organisation: Organisation, code: Type.String(), title: Type.String(), description: Type.String(), themes: Type.Array(Type.String()),
      modality: Type.String(), languages: Type.Array(Type.String()), startDate: NullableString, endDate: NullableString, country: NullableString,
      city: NullableString, region: NullableString, feeType: Type.String(), isOpen: Type.Boolean(), targetGroups: Type.Array(Type.String()),
      programme: NullableString, status: Type.String(),
    }),
  ),
  facets: Type.Object(Object.fromEntries(facetNames.map((name) => [name, FacetCounts]))),
  resources: Type.Array(
    Type.Object({
      id: Uuid, organisation: Organisation, title: Type.String(), description: Type.String(), type: Type.String(), languages: Type.Array(Type.String()),
      licence: NullableString, url: NullableString, themes: Type.Array(Type.String()), openAccess: Type.Boolean(),
    }),
  ),
  resourceTotal: Type.Integer(),
});

const ActivityBody = Type.Object({
  code: Text(64),
  title: Text(500),
  description: Type.Optional(Text(20_000)),
  themes: Type.Optional(Type.Array(Text(64))),
  modality: literals(modalities),
  languages: Type.Optional(Type.Array(Text(2))),
  startDate: Nullable(Type.String({ format: 'date' })),
  endDate: Nullable(Type.String({ format: 'date' })),
  country: Nullable(Text(2)),
  city: Nullable(Text()),
  feeType: Type.Optional(literals(feeTypes)),
  isOpen: Type.Optional(Type.Boolean()),
  targetGroups: Type.Optional(Type.Array(Text())),
  programme: Nullable(Text()),
  markers: Type.Optional(Type.Array(literals(crossCuttingMarkers))),
  status: Type.Optional(literals(activityStatuses)),
  capacity: Type.Optional(Type.Union([Type.Integer({ minimum: 0 }), Type.Null()])),
  cost: Type.Optional(Type.Union([Type.Number({ minimum: 0 }), Type.Null()])),
  replicationNotes: Nullable(Text(20_000)),
  contact: Nullable(Text(500)),
  published: Type.Optional(Type.Boolean()),
});

const ResourceBody = Type.Object({
  title: Text(500),
  description: Type.Optional(Text(20_000)),
  type: literals(resourceTypes),
  languages: Type.Optional(Type.Array(Text(2))),
  licence: Nullable(Text()),
  url: Nullable(Text(2000)),
  themes: Type.Optional(Type.Array(Text(64))),
  openAccess: Type.Optional(Type.Boolean()),
  published: Type.Optional(Type.Boolean()),
  activityCodes: Type.Optional(Type.Array(Text(64))),
});

const ActivityForm = Type.Object({
  _csrf: Type.Optional(Type.String()),
  code: Text(64),
  title: Text(500),
  description: Type.Optional(Text(20_000)),
  modality: Text(32),
  languages: Type.Optional(Text()),
  themes: Type.Optional(Type.Union([Text(64), Type.Array(Text(64))])),
  start_date: Type.Optional(Text(10)),
  end_date: Type.Optional(Text(10)),
  country: Type.Optional(Text(2)),
  city: Type.Optional(Text()),
  fee_type: Type.Optional(Text(16)),
  status: Type.Optional(Text(16)),
  programme: Type.Optional(Text()),
  cost: Type.Optional(Text(20)),
  contact: Type.Optional(Text(500)),
  published: Type.Optional(Text(5)),
});

const ResourceForm = Type.Object({
  _csrf: Type.Optional(Type.String()),
  title: Text(500),
  type: Text(16),
  description: Type.Optional(Text(20_000)),
  url: Type.Optional(Text(2000)),
  languages: Type.Optional(Text()),
  licence: Type.Optional(Text()),
  themes: Type.Optional(Type.Union([Text(64), Type.Array(Text(64))])),
  activities: Type.Optional(Text(2000)),
  open_access: Type.Optional(Text(5)),
  published: Type.Optional(Text(5)),
});

const editors = requireRole('administrator', 'evaluator');
const API = ['catalogue'];
const PUBLIC = ['public catalogue'];
const PAGE = ['pages'];

export function rethrowCatalogueError(error: unknown): never {
  if (error instanceof CatalogueError) throw new Problem(422, error.message, error.issues.map((i) => ({ field: `body/${i.field}`, message: i.message })));
  throw error;
}

function toCatalogueQuery(raw: Static<typeof CatalogueQuerySchema>): CatalogueQuery {
  const { lang: _lang, when, ...rest } = raw;
  const query: CatalogueQuery = Object.fromEntries(Object.entries(rest).filter(([, value]) => value !== '' && value !== undefined));
  if (when) query.when = when;
  return query;
}

const emptyToNull = (value: string | undefined) => (value === undefined || value.trim() === '' ? null : value.trim());

export const catalogueRoutes: FastifyPluginAsync<{ database: Database }> = async (app, { database }) => {
  const evidenceKeys = await loadEvidenceKeys(database.system);
  const publicSearch = (query: CatalogueQuery) =>
    withPublic(database, async (tx) => {
      const results = await searchCatalogue(tx, query);
      // Theme labels for the facets, in every language (themes are public).
      const themes = await rows<Record<string, string>>(tx, sql`select distinct on (code) code, label_en, label_fr, label_es from themes order by code`);
      return { results, themes };
    });

  app.get(
    '/api/public/catalogue',
    { schema: { tags: PUBLIC, summary: 'Search published activities and resources of every organisation (anonymous)', querystring: CatalogueQuerySchema, response: { 200: PublicResults } } },
    async (request) => (await publicSearch(toCatalogueQuery(request.query as Static<typeof CatalogueQuerySchema>))).results,
  );

  app.get(
    '/catalogue',
    { schema: { tags: PAGE, summary: 'Public catalogue search page (HTML, anonymous)', querystring: CatalogueQuerySchema, produces: [HTML] } },
    async (request, reply) => {
      const query = toCatalogueQuery(request.query as Static<typeof CatalogueQuerySchema>);
      const { results, themes } = await publicSearch(query);
      const labels = new Map(themes.map((theme) => [theme.code!, theme[`label_${request.lang}`] ?? theme.label_en!]));
      return reply.type(HTML).send(publicCataloguePage(request.pageContext(reply), query, results, labels));
    },
  );

  // ------------------------------------------------------------ staff API
  app.get(
    '/api/activities',
    {
      preHandler: requireRole(),
      schema: {
        tags: API, summary: 'Activities of the organisation', security: staffSecurity,
        querystring: Type.Object({ q: Type.Optional(Text()), status: Type.Optional(literals(activityStatuses)), theme: Type.Optional(Text(64)), year: Type.Optional(Type.Integer()) }),
      },
    },
    async (request) => request.inOrg((tx) => listActivities(tx, request.query as Record<string, never>)),
  );

  app.post(
    '/api/activities',
    { preHandler: editors, schema: { tags: API, summary: 'Create or update (by code) an activity', security: staffSecurity, body: ActivityBody } },
    async (request, reply) => {
      const saved = await request.inOrg((tx, actor) => saveActivity(tx, actor.orgId, request.body as ActivityInput).catch(rethrowCatalogueError));
      return reply.code(200).send(saved);
    },
  );

  app.get(
    '/api/activities/:id',
    { preHandler: requireRole(), schema: { tags: API, summary: 'An activity with its enrolments and inclusion breakdown', security: staffSecurity, params: Type.Object({ id: Uuid }) } },
    async (request) => {
      const { id } = request.params as { id: string };
      return request.inOrg(async (tx) => {
        const activity = await findActivity(tx, id);
        if (!activity) throw Problem.notFound('No such activity');
        return { ...activity, enrolments: await listEnrolments(tx, id), breakdown: await activityBreakdown(tx, id) };
      });
    },
  );

  app.get(
    '/api/resources',
    { preHandler: requireRole(), schema: { tags: API, summary: 'Learning resources of the organisation', security: staffSecurity } },
    async (request) => request.inOrg((tx) => listResources(tx)),
  );

  app.post(
    '/api/resources',
    { preHandler: editors, schema: { tags: API, summary: 'Create or update (by title) a learning resource', security: staffSecurity, body: ResourceBody } },
    async (request, reply) => {
      await request.inOrg((tx, actor) => saveResource(tx, actor.orgId, request.body as ResourceInput).catch(rethrowCatalogueError));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/themes',
    { preHandler: requireRole(), schema: { tags: API, summary: 'The theme vocabulary (the labour-migration default on first use)', security: staffSecurity } },
    async (request) => request.inOrg((tx, actor) => listThemes(tx, actor.orgId)),
  );

  app.put(
    '/api/themes/:code',
    {
      preHandler: requireRole('administrator'),
      schema: {
        tags: API, summary: 'Add or relabel a theme', security: staffSecurity, params: Type.Object({ code: Text(64) }),
        body: Type.Object({ labelEn: Text(), labelFr: Text(), labelEs: Text() }),
      },
    },
    async (request, reply) => {
      const { code } = request.params as { code: string };
      const labels = request.body as { labelEn: string; labelFr: string; labelEs: string };
      await request.inOrg((tx, actor) => saveTheme(tx, actor.orgId, { code, ...labels }).catch(rethrowCatalogueError));
      return reply.code(204).send();
    },
  );

  // ------------------------------------------------------------ staff pages
  app.get(
    '/activities',
    {
      preHandler: requireRole(),
      schema: { tags: PAGE, summary: 'Activities: list, filter, create (HTML)', querystring: Type.Object({ q: Type.Optional(Text()), status: Type.Optional(Text(16)) }), produces: [HTML] },
    },
    async (request, reply) => {
      const filter = request.query as { q?: string; status?: string };
      const { list, themes } = await request.inOrg(async (tx, actor) => ({
        list: await listActivities(tx, { q: filter.q || undefined, status: filter.status || undefined }),
        themes: [...(await themeCodes(tx, actor.orgId))],
      }));
      const ctx = request.pageContext(reply);
      return reply.type(HTML).send(activitiesPage(ctx, list, filter, ['administrator', 'evaluator'].includes(ctx.actor!.role), themes));
    },
  );

  app.post(
    '/activities',
    { preHandler: editors, schema: { tags: PAGE, summary: 'Create or update an activity (HTML form)', body: ActivityForm } },
    async (request, reply) => {
      const form = request.body as Static<typeof ActivityForm>;
      const input: ActivityInput = {
        code: form.code.trim(),
        title: form.title,
        description: form.description ?? '',
        modality: form.modality as ActivityInput['modality'],
        languages: (form.languages ?? '').split(';').map((l) => l.trim().toLowerCase()).filter((l) => l !== ''),
        themes: [form.themes ?? []].flat().filter((theme) => theme !== ''),
        startDate: emptyToNull(form.start_date),
        endDate: emptyToNull(form.end_date),
        country: emptyToNull(form.country)?.toUpperCase() ?? null,
        city: emptyToNull(form.city),
        feeType: (emptyToNull(form.fee_type) ?? 'free') as ActivityInput['feeType'],
        status: (emptyToNull(form.status) ?? 'planned') as ActivityInput['status'],
        programme: emptyToNull(form.programme),
        cost: emptyToNull(form.cost) === null ? null : Number(form.cost),
        contact: emptyToNull(form.contact),
        published: form.published === 'yes',
      };
      const saved = await request.inOrg((tx, actor) => saveActivity(tx, actor.orgId, input).catch(rethrowCatalogueError));
      return reply.redirect(`/activities/${saved.id}`, 303);
    },
  );

  app.get(
    '/activities/:id',
    {
      preHandler: requireRole(),
      schema: {
        tags: PAGE,
        summary: 'An activity with its participants, inclusion breakdown and enrolment form (HTML)',
        params: Type.Object({ id: Uuid }),
        querystring: Type.Object({
          editParticipant: Type.Optional(Uuid),
          period: Type.Optional(Type.String({ pattern: '^(\\d{4}(-\\d{4})?)?$', description: 'a year (2023) or a range (2022-2023); default: the year the activity ended' })),
        }),
        produces: [HTML],
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { editParticipant, period } = request.query as { editParticipant?: string; period?: string };
      const data = await request
        .inOrg(async (tx, actor) => {
          const activity = await findActivity(tx, id);
          if (!activity) throw Problem.notFound('No such activity');
          const view = await activityView(tx, actor, evidenceKeys, activity, { period: period || undefined });
          return { activity, view, enrolled: await listEnrolments(tx, id), themes: [...(await themeCodes(tx, actor.orgId))] };
        })
        .catch(rethrowAnalyticsError);
      const ctx = request.pageContext(reply);
      const canEdit = ['administrator', 'evaluator'].includes(ctx.actor!.role);
      return reply.type(HTML).send(activityPage(ctx, data.activity, data.view, data.enrolled, canEdit, data.themes, editParticipant));
    },
  );

  app.get(
    '/resources',
    {
      preHandler: requireRole(),
      schema: { tags: PAGE, summary: 'Learning resources: list, create, edit (HTML)', querystring: Type.Object({ edit: Type.Optional(Uuid) }), produces: [HTML] },
    },
    async (request, reply) => {
      const { edit } = request.query as { edit?: string };
      const { list, themes } = await request.inOrg(async (tx, actor) => ({ list: await listResources(tx, 5000), themes: [...(await themeCodes(tx, actor.orgId))] }));
      const ctx = request.pageContext(reply);
      return reply.type(HTML).send(resourcesPage(ctx, list, ['administrator', 'evaluator'].includes(ctx.actor!.role), themes, edit));
    },
  );

  app.post(
    '/resources',
    { preHandler: editors, schema: { tags: PAGE, summary: 'Create or update a learning resource (HTML form)', body: ResourceForm } },
    async (request, reply) => {
      const form = request.body as Static<typeof ResourceForm>;
      const split = (value: string | undefined) => (value ?? '').split(';').map((item) => item.trim()).filter((item) => item !== '');
      const input: ResourceInput = {
        title: form.title.trim(),
        type: form.type as ResourceInput['type'],
        description: form.description ?? '',
        url: emptyToNull(form.url),
        languages: split(form.languages).map((lang) => lang.toLowerCase()),
        licence: emptyToNull(form.licence),
        themes: [form.themes ?? []].flat().filter((theme) => theme !== ''),
        activityCodes: split(form.activities),
        openAccess: form.open_access === 'yes',
        published: form.published === 'yes',
      };
      await request.inOrg((tx, actor) => saveResource(tx, actor.orgId, input).catch(rethrowCatalogueError));
      return reply.redirect('/resources', 303);
    },
  );
};
