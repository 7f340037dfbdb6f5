// Evaluations: JSON API and pages. Thin: validate (TypeBox), check the role, call the service
// inside `request.inOrg`. Viewers read, evaluators write, only administrators delete.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Config } from '../config.ts';
import type { Database, Tx } from '../db/database.ts';
import { withPublic } from '../db/public-access.ts';
import type { Actor } from '../accounts/service.ts';
import { Problem } from '../http/problem.ts';
import { requireRole } from '../http/request-context.ts';
import { staffSecurity as security, Uuid } from '../http/schemas.ts';
import {
  ActionCreate,
  ActionPatch,
  EvaluationCreate,
  EvaluationPatch,
  FindingCreate,
  FollowUpQuery,
  LessonCreate,
  LessonPatch,
  LessonSearchQuery,
  ProgressUpdateBody,
  RecommendationCreate,
  RecommendationPatch,
  ResponseBody,
} from './api-schemas.ts';
import { activitiesShownAsIds, indicatorEngineNotAvailable, type ActivityLookup, type IndicatorResultSource } from './indicator-results.ts';
import type { LessonQuery } from './repository.ts';
import * as service from './service.ts';
import { EvaluationError, systemClock, type Clock } from './service.ts';
import { evaluationPageRoutes } from './page-routes.tsx';
import { transferRoutes } from './transfer-routes.ts';
import { recordPageRoutes } from './record-routes.ts';

export const READ_ROLES = ['administrator', 'evaluator', 'viewer'] as const;
export const WRITE_ROLES = ['administrator', 'evaluator'] as const;
export const canRead = requireRole(...READ_ROLES);
export const canWrite = requireRole(...WRITE_ROLES);
export const canDelete = requireRole('administrator');

export interface EvaluationRouteOptions {
  database: Database;
  config: Config;
  clock?: Clock;
  indicators?: IndicatorResultSource;
  activities?: ActivityLookup;
}

export interface EvaluationDeps {
  database: Database;
  clock: Clock;
  indicators: IndicatorResultSource;
  activities: ActivityLookup;
}

/** Runs `work` in the caller's organisation, turning domain errors into problem details. */
export function inOrg<T>(request: FastifyRequest, work: (tx: Tx, actor: Actor) => Promise<T>): Promise<T> {
  return request.inOrg(work).catch(rethrowEvaluationError);
}

export function rethrowEvaluationError(error: unknown): never {
  if (error instanceof EvaluationError) {
    const status = error.reason === 'not_found' ? 404 : error.reason === 'conflict' ? 409 : 422;
    throw new Problem(status, error.message, error.field ? [{ field: `body/${error.field}`, message: error.message }] : undefined);
  }
  throw error;
}

const API = ['evaluations'];
const idParams = Type.Object({ id: Uuid });
type IdParams = { id: string };

export const evaluationRoutes: FastifyPluginAsync<EvaluationRouteOptions> = async (app, options) => {
  const deps: EvaluationDeps = {
    database: options.database,
    clock: options.clock ?? systemClock,
    indicators: options.indicators ?? indicatorEngineNotAvailable,
    activities: options.activities ?? activitiesShownAsIds,
  };
  const { clock, indicators } = deps;
  const read = (summary: string, extra: object = {}) => ({ preHandler: canRead, schema: { tags: API, summary, security, ...extra } });
  const write = (summary: string, extra: object = {}) => ({ preHandler: canWrite, schema: { tags: API, summary, security, ...extra } });
  const remove = (summary: string) => ({
    preHandler: canDelete,
    schema: { tags: API, summary, security, params: idParams, response: { 204: Type.Null() } },
  });

  // ---------------------------------------------------------------- evaluations
  app.get('/api/evaluations', read('List evaluations'), async (request) => inOrg(request, (tx) => service.listEvaluations(tx)));

  app.post('/api/evaluations', write('Create an evaluation', { body: EvaluationCreate }), async (request, reply) => {
    const created = await inOrg(request, (tx, actor) => service.createEvaluation(tx, actor.orgId, request.body as service.EvaluationInput));
    return reply.code(201).send(created);
  });

  app.get('/api/evaluations/:id', read('An evaluation with its findings, recommendations, actions and lessons', { params: idParams }), async (request) =>
    inOrg(request, (tx) => service.getDossier(tx, (request.params as IdParams).id, { clock, indicators })),
  );

  app.patch('/api/evaluations/:id', write('Change an evaluation (closing needs every action settled)', { params: idParams, body: EvaluationPatch }), async (request) =>
    inOrg(request, (tx) => service.updateEvaluation(tx, (request.params as IdParams).id, request.body as Partial<service.EvaluationInput>)),
  );

  app.delete('/api/evaluations/:id', remove('Delete an evaluation and everything under it'), async (request, reply) => {
    await inOrg(request, (tx) => service.deleteEvaluation(tx, (request.params as IdParams).id));
    return reply.code(204).send();
  });

  // ---------------------------------------------------------------- findings
  app.post('/api/evaluations/:id/findings', write('Add a finding', { params: idParams, body: FindingCreate }), async (request, reply) => {
    const created = await inOrg(request, (tx, actor) =>
      service.addFinding(tx, actor.orgId, (request.params as IdParams).id, request.body as Parameters<typeof service.addFinding>[3]),
    );
    return reply.code(201).send(created);
  });
  app.delete('/api/findings/:id', remove('Delete a finding'), async (request, reply) => {
    await inOrg(request, (tx) => service.deleteFinding(tx, (request.params as IdParams).id));
    return reply.code(204).send();
  });

  // ---------------------------------------------------------------- recommendations
  app.post(
    '/api/evaluations/:id/recommendations',
    write('Add a recommendation', { params: idParams, body: RecommendationCreate }),
    async (request, reply) => {
      const created = await inOrg(request, (tx, actor) =>
        service.addRecommendation(tx, actor.orgId, (request.params as IdParams).id, request.body as service.RecommendationInput),
      );
      return reply.code(201).send(created);
    },
  );
  app.patch('/api/recommendations/:id', write('Change a recommendation', { params: idParams, body: RecommendationPatch }), async (request) =>
    inOrg(request, (tx) => service.updateRecommendation(tx, (request.params as IdParams).id, request.body as Partial<service.RecommendationInput>)),
  );
  app.put(
    '/api/recommendations/:id/response',
    write('Record the management response to a recommendation', { params: idParams, body: ResponseBody }),
    async (request) =>
      inOrg(request, (tx) => service.respondToRecommendation(tx, (request.params as IdParams).id, request.body as service.ManagementResponse)),
  );
  app.delete('/api/recommendations/:id', remove('Delete a recommendation and its actions'), async (request, reply) => {
    await inOrg(request, (tx) => service.deleteRecommendation(tx, (request.params as IdParams).id));
    return reply.code(204).send();
  });

  // ---------------------------------------------------------------- actions
  app.post(
    '/api/recommendations/:id/actions',
    write('Plan an action (the recommendation must be accepted or partially accepted)', { params: idParams, body: ActionCreate }),
    async (request, reply) => {
      const created = await inOrg(request, (tx, actor) =>
        service.addAction(tx, actor.orgId, (request.params as IdParams).id, request.body as service.ActionInput),
      );
      return reply.code(201).send(created);
    },
  );
  app.patch('/api/actions/:id', write('Change an action', { params: idParams, body: ActionPatch }), async (request) =>
    inOrg(request, (tx) => service.updateAction(tx, (request.params as IdParams).id, request.body as Partial<service.ActionInput>)),
  );
  app.post(
    '/api/actions/:id/updates',
    write('Record dated progress on an action (moves its status)', { params: idParams, body: ProgressUpdateBody }),
    async (request, reply) => {
      const created = await inOrg(request, (tx, actor) =>
        service.addProgressUpdate(tx, actor.orgId, (request.params as IdParams).id, request.body as service.ProgressUpdateInput, clock),
      );
      return reply.code(201).send(created);
    },
  );
  app.delete('/api/actions/:id', remove('Delete an action'), async (request, reply) => {
    await inOrg(request, (tx) => service.deleteAction(tx, (request.params as IdParams).id));
    return reply.code(204).send();
  });

  // ---------------------------------------------------------------- lessons learned and good practices
  app.get('/api/lessons', read('Search the lessons library (full text in English, French, Spanish; facets)', { querystring: LessonSearchQuery }), async (request) =>
    inOrg(request, (tx) => service.searchLessons(tx, lessonQuery(request.query as Record<string, string>), { publicView: false })),
  );
  app.post('/api/lessons', write('Add a lesson learned or good practice', { body: LessonCreate }), async (request, reply) => {
    const created = await inOrg(request, (tx, actor) => service.addLesson(tx, actor.orgId, request.body as service.LessonInput, clock));
    return reply.code(201).send(created);
  });
  app.patch('/api/lessons/:id', write('Change or (un)publish a lesson', { params: idParams, body: LessonPatch }), async (request) =>
    inOrg(request, (tx) => service.updateLesson(tx, (request.params as IdParams).id, request.body as Partial<service.LessonInput>, clock)),
  );
  app.delete('/api/lessons/:id', remove('Delete a lesson'), async (request, reply) => {
    await inOrg(request, (tx) => service.deleteLesson(tx, (request.params as IdParams).id));
    return reply.code(204).send();
  });
  app.get(
    '/api/public/lessons',
    { schema: { tags: ['public'], summary: 'Published lessons and good practices of every organisation (anonymous)', querystring: LessonSearchQuery } },
    async (request) => withPublic(deps.database, (tx) => service.searchLessons(tx, lessonQuery(request.query as Record<string, string>), { publicView: true })),
  );

  // ---------------------------------------------------------------- follow-up
  app.get('/api/follow-up', read('Follow-up dashboard: responses, actions by status, overdue per unit, recurring recommendations', { querystring: FollowUpQuery }), async (request) =>
    inOrg(request, (tx) => service.followUpDashboard(tx, followUpFilter(request.query as Record<string, string>), { clock })),
  );

  await app.register(transferRoutes, deps);
  await app.register(evaluationPageRoutes, deps);
  await app.register(recordPageRoutes, deps);
};

export function lessonQuery(query: Record<string, string | undefined>): LessonQuery {
  const blankToUndefined = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value);
  return {
    text: blankToUndefined(query.q),
    kind: blankToUndefined(query.kind) as LessonQuery['kind'],
    theme: blankToUndefined(query.theme),
    country: blankToUndefined(query.country),
    language: blankToUndefined(query.language) as LessonQuery['language'],
  };
}

export function followUpFilter(query: Record<string, string | undefined>) {
  return { evaluationId: query.evaluationId || undefined, unit: query.unit || undefined };
}
