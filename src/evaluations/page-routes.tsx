// Page routes of evaluations (HTML, plain forms that work without JavaScript).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { withPublic } from '../db/public-access.ts';
import { HTML, Uuid } from '../http/schemas.ts';
import { IsoDate, LessonSearchQuery, FollowUpQuery, literals } from './api-schemas.ts';
import { formValues, initialGuidedValues, readGuidedForm } from './guided-form.ts';
import { dossierPage, evaluationListPage, followUpPage, guidedFormPage, lessonLibraryPage } from './pages.tsx';
import { indicatorLink, many, type Form } from './record-routes.ts';
import { canDelete, canRead, canWrite, followUpFilter, inOrg, lessonQuery, type EvaluationDeps } from './routes.ts';
import { actionStatuses, priorities, responseDecisions, type Priority } from './schema.ts';
import * as service from './service.ts';

const PAGE = ['pages'];
const idParams = Type.Object({ id: Uuid });
const FormBody = Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 20_000 }), Type.Array(Type.String({ maxLength: 200 }))]));
const backTo = Type.Object({ evaluationId: Uuid, _csrf: Type.Optional(Type.String()) });

const redirectToEvaluation = (reply: FastifyReply, evaluationId: string, anchor = '') => reply.redirect(`/evaluations/${evaluationId}${anchor}`, 303);

export const evaluationPageRoutes: FastifyPluginAsync<EvaluationDeps> = async (app, deps) => {
  const { clock, indicators, activities } = deps;

  app.get('/evaluations', { preHandler: canRead, schema: { tags: PAGE, summary: 'Evaluations (HTML)' } }, async (request, reply) => {
    const list = await inOrg(request, (tx) => service.listEvaluations(tx));
    return reply.type(HTML).send(evaluationListPage(request.pageContext(reply), list));
  });

  app.get('/evaluations/new', { preHandler: canWrite, schema: { tags: PAGE, summary: 'Guided entry of an evaluation summary (HTML)' } }, async (request, reply) =>
    reply.type(HTML).send(guidedFormPage(request.pageContext(reply), initialGuidedValues(), [], await inOrg(request, (tx) => service.vocabulary(tx)))),
  );

  app.post(
    '/evaluations/new',
    { preHandler: canWrite, schema: { tags: PAGE, summary: 'Save a guided evaluation summary (HTML form)', body: FormBody } },
    async (request, reply) => {
      const values = formValues(request.body as Record<string, string | string[]>);
      const lists = await inOrg(request, (tx) => service.vocabulary(tx));
      const read = readGuidedForm(values, lists.level);
      if (!read.ok) return reply.code(422).type(HTML).send(guidedFormPage(request.pageContext(reply), values, read.errors, lists));
      const { entry } = read;
      const id = await inOrg(request, async (tx, actor) => {
        const evaluation = await service.createEvaluation(tx, actor.orgId, entry.evaluation);
        for (const recommendation of entry.recommendations) await service.addRecommendation(tx, actor.orgId, evaluation.id, recommendation);
        for (const lesson of entry.lessons) await service.addLesson(tx, actor.orgId, { ...lesson, evaluationId: evaluation.id }, clock);
        return evaluation.id;
      });
      return redirectToEvaluation(reply, id);
    },
  );

  app.get('/evaluations/:id', { preHandler: canRead, schema: { tags: PAGE, summary: 'An evaluation and its follow-through (HTML)', params: idParams } }, async (request, reply) => {
    const { id } = request.params as { id: string };
    const { dossier, names } = await inOrg(request, async (tx) => {
      const found = await service.getDossier(tx, id, { clock, indicators });
      return { dossier: found, names: await activities.describe(tx, found.evaluation.scopeActivityIds) };
    });
    const writer = request.actor?.role === 'administrator' || request.actor?.role === 'evaluator';
    const editing = writer
      ? await inOrg(request, async (tx) => ({ vocabulary: await service.vocabulary(tx), activityOptions: await activities.options(tx) }))
      : undefined;
    return reply.type(HTML).send(dossierPage(request.pageContext(reply), dossier, names, editing));
  });

  app.post(
    '/evaluations/:id/recommendations',
    {
      preHandler: canWrite,
      schema: {
        tags: PAGE,
        summary: 'Add a recommendation (HTML form)',
        params: idParams,
        body: Type.Object({
          text: Type.String({ minLength: 1, maxLength: 20_000 }),
          addressees: Type.Optional(Type.Array(Type.String({ maxLength: 2000 }), { maxItems: 100 })),
          otherAddressees: Type.Optional(Type.String({ maxLength: 2000 })),
          level: Type.Optional(Type.String({ maxLength: 100 })),
          priority: Type.Optional(literals(priorities)),
          _csrf: Type.Optional(Type.String()),
        }),
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = request.body as { text: string; addressees?: string[]; otherAddressees?: string; level?: string; priority?: Priority };
      const addressees = [...new Set(many(body, 'addressees', /[;,]/).concat(many(body, 'otherAddressees', /[;,]/)))];
      const created = await inOrg(request, (tx, actor) =>
        service.addRecommendation(tx, actor.orgId, id, { text: body.text, addressees, level: body.level ?? '', priority: body.priority ?? 'medium' }),
      );
      return redirectToEvaluation(reply, id, `#rec-${created.number}`);
    },
  );

  app.post(
    '/recommendations/:id/response',
    {
      preHandler: canWrite,
      schema: {
        tags: PAGE,
        summary: 'Record a management response (HTML form)',
        params: idParams,
        body: Type.Intersect([backTo, Type.Object({ decision: literals(responseDecisions), text: Type.String({ minLength: 1, maxLength: 20_000 }), date: IsoDate })]),
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = request.body as service.ManagementResponse & { evaluationId: string };
      const rec = await inOrg(request, (tx) => service.respondToRecommendation(tx, id, body));
      return redirectToEvaluation(reply, rec.evaluationId, `#rec-${rec.number}`);
    },
  );

  app.post(
    '/recommendations/:id/actions',
    {
      preHandler: canWrite,
      schema: {
        tags: PAGE,
        summary: 'Plan an action (HTML form)',
        params: idParams,
        body: Type.Intersect([
          backTo,
          Type.Object({ description: Type.String({ minLength: 1, maxLength: 5000 }), responsibleUnit: Type.String({ minLength: 1, maxLength: 200 }), dueDate: IsoDate }),
        ]),
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = request.body as service.ActionInput & { evaluationId: string };
      await inOrg(request, (tx, actor) => service.addAction(tx, actor.orgId, id, body));
      return redirectToEvaluation(reply, body.evaluationId);
    },
  );

  app.post(
    '/actions/:id/updates',
    {
      preHandler: canWrite,
      schema: {
        tags: PAGE,
        summary: 'Record progress on an action (HTML form)',
        params: idParams,
        body: Type.Intersect([
          backTo,
          Type.Object({
            on: IsoDate,
            text: Type.String({ minLength: 1, maxLength: 5000 }),
            statusAfter: literals(actionStatuses),
            evidenceUrl: Type.Optional(Type.String({ maxLength: 2000 })),
            indicatorKey: Type.Optional(Type.String({ maxLength: 200 })),
            period: Type.Optional(Type.String({ maxLength: 50 })),
            filters: Type.Optional(Type.String({ maxLength: 2000 })),
          }),
        ]),
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const body = request.body as service.ProgressUpdateInput & { evaluationId: string; evidenceUrl?: string; indicatorKey?: string; period?: string; filters?: string };
      const { indicatorKey: _key, period: _period, filters: _filters, ...update } = body;
      const input = {
        ...update,
        evidenceUrl: body.evidenceUrl === '' ? undefined : body.evidenceUrl,
        evidenceIndicator: indicatorLink(body as unknown as Form, 'indicatorKey', 'period', 'filters') ?? undefined,
      };
      await inOrg(request, (tx, actor) => service.addProgressUpdate(tx, actor.orgId, id, input, clock));
      return redirectToEvaluation(reply, body.evaluationId);
    },
  );

  app.post(
    '/recommendations/:id/delete',
    { preHandler: canDelete, schema: { tags: PAGE, summary: 'Delete a recommendation and its actions (HTML form, administrators)', params: idParams, body: backTo } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      await inOrg(request, (tx) => service.deleteRecommendation(tx, id));
      return redirectToEvaluation(reply, (request.body as { evaluationId: string }).evaluationId, '#recommendations');
    },
  );

  app.get('/follow-up', { preHandler: canRead, schema: { tags: PAGE, summary: 'Follow-up dashboard (HTML)', querystring: FollowUpQuery } }, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const { dashboard, list } = await inOrg(request, async (tx) => ({
      dashboard: await service.followUpDashboard(tx, followUpFilter(query), { clock }),
      list: await service.listEvaluations(tx),
    }));
    return reply.type(HTML).send(followUpPage(request.pageContext(reply), dashboard, list, query));
  });

  app.get('/lessons', { preHandler: canRead, schema: { tags: PAGE, summary: 'Lessons learned and good practices library (HTML)', querystring: LessonSearchQuery } }, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const result = await inOrg(request, (tx) => service.searchLessons(tx, lessonQuery(query), { publicView: false }));
    return reply.type(HTML).send(lessonLibraryPage(request.pageContext(reply), result, query, { publicView: false }));
  });

  app.get('/public/lessons', { schema: { tags: PAGE, summary: 'Published lessons and good practices (public HTML)', querystring: LessonSearchQuery } }, async (request, reply) => {
    const query = request.query as Record<string, string | undefined>;
    const result = await withPublic(deps.database, (tx) => service.searchLessons(tx, lessonQuery(query), { publicView: true }));
    return reply.type(HTML).send(lessonLibraryPage(request.pageContext(reply), result, query, { publicView: true }));
  });
};
