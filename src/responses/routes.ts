// Respondent pages and submissions (public, reached through a link token), and the staff view of
// responses. The organisation of a public request comes from its link token only
// (`organisationOfLink`, the one narrow system lookup); all work then runs inside withOrg.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config.ts';
import type { Database, Tx } from '../db/database.ts';
import { Problem } from '../http/problem.ts';
import { requireRole } from '../http/request-context.ts';
import { staffSecurity, Uuid } from '../http/schemas.ts';
import { organisationOfLink } from '../instruments/service.ts';
import { MAX_REPEAT_ITEMS } from '../instruments/model.ts';
import { responseImportRoutes } from './import-routes.ts';
import type { LinkAccess, PersonalLinks } from './access.ts';
import { respondentPageRoutes } from './respondent-routes.ts';
import * as service from './service.ts';

const PUBLIC = ['respondents'];
const API = ['responses'];

/** A whole submission is small: even a long questionnaire with comments is well under this. */
export const SUBMISSION_BODY_LIMIT = 256 * 1024;

const AnswerMap = Type.Record(Type.String({ maxLength: 200 }), Type.Union([Type.String({ maxLength: 20_000 }), Type.Number(), Type.Array(Type.String({ maxLength: 200 }), { maxItems: 200 }), Type.Null()]));
const SubmissionSchema = Type.Object(
  {
    clientSubmissionId: Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }),
    answers: Type.Optional(AnswerMap),
    repeats: Type.Optional(
      Type.Record(
        Type.String({ maxLength: 200 }),
        Type.Array(Type.Object({ resourcePersonId: Type.Optional(Uuid), answers: AnswerMap }), {
          maxItems: MAX_REPEAT_ITEMS,
          description: 'Per repeat key: the items of a per-resource-person block (each with resourcePersonId), or every item of a repeat the respondent fills, in order (replacing the stored ones)',
        }),
      ),
    ),
    final: Type.Boolean(),
    lang: Type.Optional(Type.String({ maxLength: 20 })),
  },
  { additionalProperties: false },
);
const SubmissionResultSchema = Type.Object({
  responseId: Uuid,
  status: Type.Union([Type.Literal('partial'), Type.Literal('complete')]),
  outcome: Type.Union([Type.Literal('saved'), Type.Literal('completed'), Type.Literal('already_complete')]),
});
const ResponseSchema = Type.Object({
  id: Uuid,
  instrumentVersionId: Uuid,
  activityId: Type.Union([Uuid, Type.Null()]),
  participantId: Type.Union([Uuid, Type.Null()]),
  status: Type.Union([Type.Literal('partial'), Type.Literal('complete')]),
  startedAt: Type.String({ format: 'date-time' }),
  submittedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  score: Type.Union([Type.Number(), Type.Null()]),
  maxScore: Type.Union([Type.Number(), Type.Null()]),
  data: Type.Object({}, { additionalProperties: true }),
});

export interface ResponseRouteOptions {
  database: Database;
  config: Config;
  resourcePersons?: service.ResourcePersonSource;
  /** Personal links (survey wave invitations) also answered at /r/:token. */
  personalLinks?: PersonalLinks;
}

/**
 * Resolves a link token (a collection link, or a personal link of a survey wave) to its
 * organisation and runs `work` inside it; 404 for unknown tokens. A collection token never changes
 * organisation or link, so found ones are remembered (bounded, per server): whether the link is
 * still open is checked again inside the transaction (`service.loadCollection`, or for JSON
 * submissions by their write), so a closed link is refused as soon as it is closed. Personal links are looked up each time (they can be revoked).
 */
export function inLinkOrg(database: Database, personalLinks?: PersonalLinks) {
  const known = new LRUCache<string, { orgId: string; linkId: string }>({ max: 10_000 });
  return async <T>(token: string, work: (tx: Tx, access: LinkAccess) => Promise<T>): Promise<T> => {
    const found = known.get(token) ?? (await organisationOfLink(database.system, token));
    if (found) {
      known.set(token, found);
      const access: LinkAccess = { collection: (tx, resourcePersons, options) => service.loadCollection(tx, found.linkId, resourcePersons, options) };
      return database.withOrg(found.orgId, (tx) => work(tx, access));
    }
    const personal = await personalLinks?.find(database.system, token);
    if (!personal) throw Problem.notFound('This link is not valid or no longer open');
    return database.withOrg(personal.orgId, async (tx) => work(tx, await personalLinks!.open(tx, personal.ref)));
  };
}

export const responseRoutes: FastifyPluginAsync<ResponseRouteOptions> = async (app, options) => {
  const { database } = options;
  const resourcePersons = options.resourcePersons ?? service.noResourcePersons;
  const inLink = inLinkOrg(database, options.personalLinks);

  // JSON submissions from scripts and offline-capable clients. No CSRF token: the route never
  // reads the session (no ambient authority); it is bound to the unguessable link token in the
  // path, and re-sending is harmless because the client submission id makes it idempotent.
  app.post(
    '/r/:token/submissions',
    {
      bodyLimit: SUBMISSION_BODY_LIMIT,
      config: { csrf: false, rateLimit: { max: 600, timeWindow: '1 minute' }, secretPath: true, countsAsSubmission: true },
      schema: {
        tags: PUBLIC,
        summary: 'Save or submit answers (idempotent by clientSubmissionId)',
        params: Type.Object({ token: Type.String({ maxLength: 100 }) }),
        body: SubmissionSchema,
        response: { 200: SubmissionResultSchema },
      },
    },
    async (request) => {
      const { token } = request.params as { token: string };
      const body = request.body as Static<typeof SubmissionSchema>;
      const result = await inLink(token, async (tx, access) => {
        const collection = await access.collection(tx, resourcePersons, { deferResourcePersons: true, fromCache: true });
        const personal = access.personal;
        if (personal?.answered) throw Problem.conflict('This invitation has already been answered');
        const submitted = await service.submit(tx, collection, personal ? { ...body, clientSubmissionId: personal.clientSubmissionId, participantId: personal.participantId } : body);
        await personal?.onSubmitted?.(tx, submitted.response);
        return submitted;
      });
      if (result.outcome === 'invalid') {
        throw new Problem(
          422,
          `Some answers were not accepted (the others are saved; response ${result.response.id})`,
          result.issues.map((issue) => ({
            field: issue.code === 'too_many_items' ? `repeats/${issue.key}` : issue.itemIndex === 0 ? `answers/${issue.key}` : `repeats/${issue.key}/${issue.itemIndex}`,
            message: issue.code,
          })),
        );
      }
      return { responseId: result.response.id, status: result.response.status, outcome: result.outcome };
    },
  );

  app.get(
    '/api/instruments/:id/responses',
    {
      preHandler: requireRole('administrator', 'evaluator', 'viewer'),
      schema: { tags: API, security: staffSecurity, summary: 'Responses to an instrument (latest first)', params: Type.Object({ id: Uuid }), response: { 200: Type.Array(ResponseSchema) } },
    },
    async (request) => {
      const { id } = request.params as { id: string };
      const found = await request.inOrg((tx) => service.listResponses(tx, id));
      return found.map((r) => ({
        id: r.id,
        instrumentVersionId: r.instrumentVersionId,
        activityId: r.activityId,
        participantId: r.participantId,
        status: r.status,
        startedAt: r.startedAt.toISOString(),
        submittedAt: r.submittedAt?.toISOString() ?? null,
        score: r.score,
        maxScore: r.maxScore,
        data: r.data as unknown as Record<string, unknown>,
      }));
    },
  );

  await app.register(respondentPageRoutes, { database, resourcePersons, inLink });
  await app.register(responseImportRoutes, { database });
};
