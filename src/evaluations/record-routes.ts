// Page routes that edit an evaluation record part by part, the lessons, the editable lists and
// the upload forms of the imports. Plain HTML forms (urlencoded, or multipart for uploads), CSRF
// checked by the server; evaluators and administrators write, only administrators remove.
// A rule broken by the input is a 422 page naming the form field.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { Problem } from '../http/problem.ts';
import { HTML, Uuid } from '../http/schemas.ts';
import { formField, uploadedFile } from '../http/upload.ts';
import { documentImportPage, lessonEditPage, listsPage, tableImportPage, type ImportOutcome } from './record-forms.tsx';
import { canDelete, canRead, canWrite, inOrg, type EvaluationDeps } from './routes.ts';
import { contentLanguages, lessonKinds, vocabularyLists, type ContentLanguage, type IndicatorLink, type LessonKind, type VocabularyList } from './schema.ts';
import * as service from './service.ts';
import { EvaluationError } from './service.ts';
import { decodeTable, ImportRejected, importActions, importEvaluationDocument, importRecommendations, validateActions, validateRecommendations, type TableFormat } from './transfer.ts';
import { documentProblems } from './transfer-routes.ts';

const PAGE = ['pages'];
export const FormBody = Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 20_000 }), Type.Array(Type.String({ maxLength: 20_000 }), { maxItems: 1000 })]));
export type Form = Record<string, string | string[] | undefined>;
const idParams = Type.Object({ id: Uuid });
const partParams = Type.Object({ id: Uuid, part: Type.Union([Type.Literal('questions'), Type.Literal('sample'), Type.Literal('documents')]), index: Type.Integer({ minimum: 0 }) });

// ---------------------------------------------------------------- reading forms

/** A 422 naming the form field, as every other validation error. */
export const invalid = (field: string, message: string) => new Problem(422, message, [{ field: `body/${field}`, message }]);

export function one(form: Form, name: string): string {
  const value = form[name];
  return (Array.isArray(value) ? value.join(',') : (value ?? '')).trim();
}

/** Every value of a field (checkboxes, multiple selects), each also split on commas, semicolons and line breaks. */
export function many(form: Form, name: string, separators = /[;,\n]/): string[] {
  const value = form[name];
  const values = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return values
    .flatMap((v) => v.split(separators))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** "key=value; key=value" into filters; a part without "=" names the field. */
export function parseFilters(text: string, field: string): Record<string, string> {
  const filters: Record<string, string> = {};
  for (const part of text.split(/[;\n]/).map((p) => p.trim()).filter((p) => p !== '')) {
    const at = part.indexOf('=');
    if (at <= 0) throw invalid(field, `${field}: write each filter as key=value, separated by semicolons (got "${part}")`);
    filters[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return filters;
}

/** One indicator link from three fields; null when all three are blank. */
export function indicatorLink(form: Form, keyField: string, periodField: string, filtersField: string): IndicatorLink | null {
  const indicatorKey = one(form, keyField);
  const period = one(form, periodField);
  const filters = one(form, filtersField);
  if (indicatorKey === '' && period === '' && filters === '') return null;
  if (indicatorKey === '') throw invalid(keyField, `${keyField}: give the indicator key (or leave the whole row blank)`);
  if (period === '') throw invalid(periodField, `${periodField}: give the period, for example 2024 or 2024-Q1`);
  return { indicatorKey, period, filters: parseFilters(filters, filtersField) };
}

function evidenceRows(form: Form): IndicatorLink[] {
  const links: IndicatorLink[] = [];
  for (let n = 1; n <= 20; n++) {
    const link = indicatorLink(form, `evidence${n}_key`, `evidence${n}_period`, `evidence${n}_filters`);
    if (link) links.push(link);
  }
  return links;
}

function wholeNumber(form: Form, field: string, required: boolean): number | null {
  const value = one(form, field);
  if (value === '' && !required) return null;
  if (!/^\d{1,9}$/.test(value)) throw invalid(field, `${field}: a whole number such as 120`);
  return Number(value);
}

function lessonInput(form: Form): Omit<service.LessonInput, 'evaluationId'> {
  const kind = one(form, 'kind');
  const language = one(form, 'language');
  if (!(lessonKinds as readonly string[]).includes(kind)) throw invalid('kind', `kind: one of ${lessonKinds.join(', ')}`);
  if (!(contentLanguages as readonly string[]).includes(language)) throw invalid('language', `language: one of ${contentLanguages.join(', ')}`);
  return {
    kind: kind as LessonKind,
    language: language as ContentLanguage,
    title: one(form, 'title'),
    text: one(form, 'text'),
    context: one(form, 'context'),
    replicationConditions: one(form, 'replicationConditions'),
    themes: many(form, 'themes'),
    countries: many(form, 'countries'),
    published: one(form, 'published') === 'yes',
  };
}

const backToEvaluation = (reply: FastifyReply, evaluationId: string, anchor = '') => reply.redirect(`/evaluations/${evaluationId}${anchor}`, 303);
const params = (request: FastifyRequest) => request.params as { id: string };
const form = (request: FastifyRequest) => (request.body ?? {}) as Form;

function evaluationIdOf(body: Form): string {
  const id = one(body, 'evaluationId');
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw invalid('evaluationId', 'evaluationId: the evaluation this form belongs to');
  return id;
}

// ---------------------------------------------------------------- routes

export const recordPageRoutes: FastifyPluginAsync<EvaluationDeps> = async (app, deps) => {
  const { clock } = deps;
  const post = (path: string, summary: string, preHandler = canWrite, extra: object = {}) => ({
    preHandler,
    schema: { tags: PAGE, summary, params: idParams, body: FormBody, ...extra },
  });

  // ---------------------------------------------------------------- findings
  app.post('/evaluations/:id/findings', post('/evaluations/:id/findings', 'Add a finding with indicator evidence (HTML form)'), async (request, reply) => {
    const { id } = params(request);
    const body = form(request);
    const input = { criterion: one(body, 'criterion'), text: one(body, 'text'), evidence: evidenceRows(body) };
    await inOrg(request, (tx, actor) => service.addFinding(tx, actor.orgId, id, input));
    return backToEvaluation(reply, id, '#findings');
  });

  app.post('/findings/:id', post('', 'Change a finding and its indicator evidence (HTML form)'), async (request, reply) => {
    const body = form(request);
    const evaluationId = evaluationIdOf(body);
    const input = { criterion: one(body, 'criterion'), text: one(body, 'text'), evidence: evidenceRows(body) };
    await inOrg(request, (tx) => service.updateFinding(tx, params(request).id, input));
    return backToEvaluation(reply, evaluationId, '#findings');
  });

  app.post('/findings/:id/delete', post('', 'Remove a finding (HTML form, administrators)', canDelete), async (request, reply) => {
    const evaluationId = evaluationIdOf(form(request));
    await inOrg(request, (tx) => service.deleteFinding(tx, params(request).id));
    return backToEvaluation(reply, evaluationId, '#findings');
  });

  // ---------------------------------------------------------------- questions matrix, sample, limitations, documents, criteria, scope
  app.post('/evaluations/:id/questions', post('', 'Add a row to the evaluation questions matrix (HTML form)'), async (request, reply) => {
    const { id } = params(request);
    const body = form(request);
    const input = {
      criterion: one(body, 'criterion'),
      question: one(body, 'question'),
      subQuestions: many(body, 'subQuestions', /\n/),
      methods: many(body, 'methods'),
      dataSources: many(body, 'dataSources'),
    };
    await inOrg(request, (tx) => service.addQuestion(tx, id, input));
    return backToEvaluation(reply, id, '#questions');
  });

  app.post('/evaluations/:id/sample', post('', 'Add a row to the sample table (HTML form)'), async (request, reply) => {
    const { id } = params(request);
    const body = form(request);
    const input = { tool: one(body, 'tool'), targetGroup: one(body, 'targetGroup'), targetSample: wholeNumber(body, 'targetSample', true)!, actualSample: wholeNumber(body, 'actualSample', false) };
    await inOrg(request, (tx) => service.addSampleRow(tx, id, input));
    return backToEvaluation(reply, id, '#sample');
  });

  app.post('/evaluations/:id/limitations', post('', 'Change the limitations of an evaluation (HTML form)'), async (request, reply) => {
    const { id } = params(request);
    const limitations = one(form(request), 'limitations');
    await inOrg(request, (tx) => service.updateEvaluation(tx, id, { limitations }));
    return backToEvaluation(reply, id, '#quick-facts');
  });

  app.post('/evaluations/:id/documents', post('', 'Link a document: an address or a file name (HTML form)'), async (request, reply) => {
    const { id } = params(request);
    const body = form(request);
    await inOrg(request, (tx) => service.addDocument(tx, id, { label: one(body, 'label'), url: one(body, 'url') }));
    return backToEvaluation(reply, id, '#quick-facts');
  });

  app.post('/evaluations/:id/criteria', post('', 'Choose the criteria of an evaluation (HTML form)'), async (request, reply) => {
    const { id } = params(request);
    const body = form(request);
    const criteria = [...new Set([...many(body, 'criteria'), ...many(body, 'otherCriteria')])];
    if (criteria.some((c) => c.length > 200)) throw invalid('otherCriteria', 'otherCriteria: at most 200 characters each');
    await inOrg(request, (tx) => service.updateEvaluation(tx, id, { criteria }));
    return backToEvaluation(reply, id, '#quick-facts');
  });

  app.post('/evaluations/:id/scope', post('', 'Choose the catalogue activities an evaluation covers (HTML form)'), async (request, reply) => {
    const { id } = params(request);
    const activityIds = many(form(request), 'activityIds');
    const bad = activityIds.find((a) => !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(a));
    if (bad !== undefined) throw invalid('activityIds', `activityIds: not an activity identifier: ${bad}`);
    await inOrg(request, (tx) => service.updateEvaluation(tx, id, { scopeActivityIds: activityIds }));
    return backToEvaluation(reply, id, '#quick-facts');
  });

  app.post(
    '/evaluations/:id/:part/:index/delete',
    { preHandler: canDelete, schema: { tags: PAGE, summary: 'Remove a row of the questions matrix, sample table or documents (HTML form, administrators)', params: partParams, body: FormBody } },
    async (request, reply) => {
      const { id, part, index } = request.params as { id: string; part: service.EvaluationPart; index: number };
      await inOrg(request, (tx) => service.removePart(tx, id, part, index));
      return backToEvaluation(reply, id, part === 'documents' ? '#quick-facts' : `#${part}`);
    },
  );

  app.post('/evaluations/:id/delete', post('', 'Delete an evaluation and everything under it (HTML form, administrators)', canDelete), async (request, reply) => {
    await inOrg(request, (tx) => service.deleteEvaluation(tx, params(request).id));
    return reply.redirect('/evaluations', 303);
  });

  // ---------------------------------------------------------------- lessons
  app.post('/evaluations/:id/lessons', post('', 'Add a lesson learned or good practice to an evaluation (HTML form)'), async (request, reply) => {
    const { id } = params(request);
    const input = lessonInput(form(request));
    await inOrg(request, (tx, actor) => service.addLesson(tx, actor.orgId, { ...input, evaluationId: id }, clock));
    return backToEvaluation(reply, id, '#lessons');
  });

  app.get('/lessons/:id/edit', { preHandler: canWrite, schema: { tags: PAGE, summary: 'Edit a lesson (HTML)', params: idParams } }, async (request, reply) => {
    const lesson = await inOrg(request, (tx) => service.findLesson(tx, params(request).id));
    return reply.type(HTML).send(lessonEditPage(request.pageContext(reply), lesson));
  });

  const afterLesson = (reply: FastifyReply, lesson: { evaluationId: string | null }) =>
    lesson.evaluationId ? backToEvaluation(reply, lesson.evaluationId, '#lessons') : reply.redirect('/lessons', 303);

  app.post('/lessons/:id', post('', 'Change a lesson, publish or unpublish it (HTML form)'), async (request, reply) => {
    const input = lessonInput(form(request));
    const lesson = await inOrg(request, (tx) => service.updateLesson(tx, params(request).id, input, clock));
    return afterLesson(reply, lesson);
  });

  app.post('/lessons/:id/publish', post('', 'Publish a lesson to the public catalogue, or withdraw it (HTML form)'), async (request, reply) => {
    const published = one(form(request), 'published');
    if (published !== 'yes' && published !== 'no') throw invalid('published', 'published: yes or no');
    const lesson = await inOrg(request, (tx) => service.updateLesson(tx, params(request).id, { published: published === 'yes' }, clock));
    return afterLesson(reply, lesson);
  });

  app.post('/lessons/:id/delete', post('', 'Delete a lesson (HTML form, administrators)', canDelete), async (request, reply) => {
    const lesson = await inOrg(request, async (tx) => {
      const found = await service.findLesson(tx, params(request).id);
      await service.deleteLesson(tx, found.id);
      return found;
    });
    return afterLesson(reply, lesson);
  });

  // ---------------------------------------------------------------- editable lists
  app.get('/evaluations/lists', { preHandler: canRead, schema: { tags: PAGE, summary: 'The editable lists: criteria, recommendation levels, addressees (HTML)' } }, async (request, reply) => {
    const vocabulary = await inOrg(request, (tx) => service.vocabulary(tx));
    return reply.type(HTML).send(listsPage(request.pageContext(reply), vocabulary));
  });

  app.post('/evaluations/lists', { preHandler: canWrite, schema: { tags: PAGE, summary: 'Replace one of the editable lists (HTML form)', body: FormBody } }, async (request, reply) => {
    const body = form(request);
    const list = one(body, 'list');
    if (!(vocabularyLists as readonly string[]).includes(list)) throw invalid('list', `list: one of ${vocabularyLists.join(', ')}`);
    await inOrg(request, (tx, actor) => service.setVocabulary(tx, actor.orgId, list as VocabularyList, many(body, 'values', /\n/)));
    return reply.redirect(`/evaluations/lists#list-${list}`, 303);
  });

  // ---------------------------------------------------------------- uploads
  app.get('/evaluations/:id/import', { preHandler: canWrite, schema: { tags: PAGE, summary: 'Upload recommendations or actions (CSV/XLSX) and download the exports (HTML)', params: idParams } }, async (request, reply) => {
    const evaluation = await inOrg(request, async (tx) => service.ensureFound(await service.findEvaluationRow(tx, params(request).id), 'evaluation'));
    return reply.type(HTML).send(tableImportPage(request.pageContext(reply), evaluation));
  });

  app.post(
    '/evaluations/:id/import',
    { preHandler: canWrite, schema: { tags: PAGE, summary: 'Import recommendations or actions from an uploaded CSV/XLSX file, all rows or none (HTML form)', params: idParams, consumes: ['multipart/form-data'] } },
    async (request, reply) => {
      const { id } = params(request);
      const what = formField(request, 'what');
      if (what !== 'recommendations' && what !== 'actions') throw invalid('what', 'what: recommendations or actions');
      const file = await uploadedFile(request, 'file', ['.csv', '.xlsx']);
      const format: TableFormat = file.fileName.toLowerCase().endsWith('.csv') ? 'csv' : 'xlsx';
      let outcome: ImportOutcome;
      try {
        const table = await decodeTable(format, file.bytes, file.fileName);
        const imported = await inOrg(request, async (tx, actor) => {
          service.ensureFound(await service.findEvaluationRow(tx, id), 'evaluation');
          return what === 'recommendations'
            ? importRecommendations(tx, actor.orgId, id, validateRecommendations(table, file.fileName))
            : importActions(tx, actor.orgId, id, validateActions(table, file.fileName), file.fileName);
        });
        outcome = { imported, what, evaluationId: id };
      } catch (error) {
        if (!(error instanceof ImportRejected)) throw error;
        outcome = { issues: error.issues, fileName: file.fileName };
      }
      const evaluation = await inOrg(request, async (tx) => service.ensureFound(await service.findEvaluationRow(tx, id), 'evaluation'));
      return reply
        .code('issues' in outcome ? 422 : 200)
        .type(HTML)
        .send(tableImportPage(request.pageContext(reply), evaluation, outcome));
    },
  );

  app.get('/evaluations/import', { preHandler: canWrite, schema: { tags: PAGE, summary: 'Upload a whole evaluation as JSON (HTML)' } }, async (request, reply) =>
    reply.type(HTML).send(documentImportPage(request.pageContext(reply))),
  );

  app.post(
    '/evaluations/import',
    { preHandler: canWrite, schema: { tags: PAGE, summary: 'Create an evaluation from an uploaded JSON document, all or nothing (HTML form)', consumes: ['multipart/form-data'] } },
    async (request, reply) => {
      const file = await uploadedFile(request, 'file', ['.json']);
      const rejectedWith = (errors: Array<{ field: string; message: string }>) =>
        reply.code(422).type(HTML).send(documentImportPage(request.pageContext(reply), { errors, fileName: file.fileName }));
      let document: unknown;
      try {
        document = JSON.parse(file.bytes.toString('utf8'));
      } catch (error) {
        return rejectedWith([{ field: 'file', message: `not JSON: ${(error as Error).message}` }]);
      }
      const problems = documentProblems(document);
      if (problems.length > 0) return rejectedWith(problems);
      try {
        const id = await request.inOrg((tx, actor) => importEvaluationDocument(tx, actor.orgId, document as Parameters<typeof importEvaluationDocument>[2]));
        return backToEvaluation(reply, id);
      } catch (error) {
        if (error instanceof EvaluationError) return rejectedWith([{ field: `evaluation/${error.field ?? ''}`, message: error.message }]);
        throw error;
      }
    },
  );
};
