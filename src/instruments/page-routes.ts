// Page routes of instruments (HTML, plain forms that work without JavaScript): list, create,
// import, the draft builder, translation, preview, publish, responses. Administrators and
// evaluators edit; every staff role reads instruments; responses are for administrators,
// evaluators and viewers (as in the API).
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../accounts/service.ts';
import type { Tx } from '../db/database.ts';
import { writeTable } from '../imports/table.ts';
import { Problem } from '../http/problem.ts';
import { csrfToken, requireRole } from '../http/request-context.ts';
import { isLang, translator } from '../web/i18n/index.ts';
import { HTML, Uuid } from '../http/schemas.ts';
import { formField, uploadedFile } from '../http/upload.ts';
import { validateResponse } from '../responses/answers.ts';
import { renderRespondentPage } from '../responses/pages.tsx';
import { PageActionSchema, pageSubmission, pageWithIssue, staysOnPage, visiblePages, withRejectedValues, type PageAction } from '../responses/respondent-routes.ts';
import * as responses from '../responses/service.ts';
import { describeIssue, questionTypes, type DefinitionIssue } from './definition.ts';
import * as editor from './editor.ts';
import { MAX_REPEAT_ITEMS, purposes, type InstrumentDefinition, type Page, type Purpose, type QuestionType, type ResponseData } from './model.ts';
import {
  builderPage,
  fieldErrorsOf,
  instrumentListPage,
  instrumentPage,
  instrumentStatuses,
  pageEditorPage,
  previewDonePage,
  questionEditorPage,
  responsePage,
  responsesPage,
  translatePage,
  type InstrumentStatus,
} from './pages.tsx';
import { blankQuestion, localTextFrom, questionFromForm, type FieldErrors, type FormBody } from './question-form.ts';
import * as service from './service.ts';

const PAGE = ['pages'];
const readers = requireRole();
const editors = requireRole('administrator', 'evaluator');
const responseReaders = requireRole('administrator', 'evaluator', 'viewer');
const canEdit = (actor: Actor | undefined) => actor?.role === 'administrator' || actor?.role === 'evaluator';

const IdParams = Type.Object({ id: Uuid });
const KeyPattern = '^[A-Za-z_][A-Za-z0-9_.-]{0,99}$';
const FormFields = Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 20_000 }), Type.Array(Type.String({ maxLength: 20_000 }), { maxItems: 500 })]));
const Direction = Type.Union([Type.Literal('up'), Type.Literal('down')]);
const Csrf = { _csrf: Type.Optional(Type.String()) };
const PAGE_SIZE = 25;
const PREVIEW_PERSONS = ['00000000-0000-4000-8000-000000000001', '00000000-0000-4000-8000-000000000002'];
const languageLabels: Record<string, string> = { en: 'English', fr: 'Français', es: 'Español', ar: 'العربية', pt: 'Português', ru: 'Русский' };

const html = (reply: FastifyReply, body: string, status = 200) => reply.code(status).type(HTML).send(body);
const builderUrl = (id: string) => `/instruments/${id}/draft`;

/** The draft (or the copy of the latest version that will become the draft) and its next version number. */
async function loadDraft(tx: Tx, id: string) {
  const instrument = await service.getInstrument(tx, id);
  const definition = await service.editableDefinition(tx, id);
  const versions = await service.listVersions(tx, id);
  return { instrument, definition, fromVersion: instrument.draft === null, nextVersion: (versions[0]?.version ?? 0) + 1 };
}

export const instrumentPageRoutes: FastifyPluginAsync = async (app) => {
  // --- List and creation -----------------------------------------------------------------------

  app.get(
    '/instruments',
    {
      preHandler: readers,
      schema: {
        tags: PAGE,
        summary: 'Instruments (HTML), filtered by purpose and status',
        querystring: Type.Object({ purpose: Type.Optional(Type.String({ maxLength: 40 })), status: Type.Optional(Type.String({ maxLength: 40 })) }),
      },
    },
    async (request, reply) => {
      const query = request.query as { purpose?: string; status?: string };
      const filter = {
        purpose: (purposes as readonly string[]).includes(query.purpose ?? '') ? (query.purpose as Purpose) : undefined,
        status: (instrumentStatuses as readonly string[]).includes(query.status ?? '') ? (query.status as InstrumentStatus) : undefined,
      };
      const list = await request.inOrg((tx) => service.listInstruments(tx));
      const shown = list.filter(
        (i) =>
          (!filter.purpose || i.purpose === filter.purpose) &&
          (!filter.status || (filter.status === 'draft' ? i.draft !== null : i.latestVersion !== null)),
      );
      return html(reply, instrumentListPage(request.pageContext(reply), shown, filter, canEdit(request.actor)));
    },
  );

  /** The list page again with a refusal shown next to the form that caused it. */
  async function refused(request: FastifyRequest, reply: FastifyReply, form: 'new' | 'standard' | 'import', problems: string[], status: number) {
    const list = await request.inOrg((tx) => service.listInstruments(tx));
    return html(reply, instrumentListPage(request.pageContext(reply), list, {}, true, { form, problems }), status);
  }

  /** Problems of a refused request, as the service reports them (each named by sheet, row, field). */
  const problemsOf = (error: unknown): { status: number; problems: string[] } | undefined => {
    if (!(error instanceof Problem) || error.status >= 500 || error.status === 401 || error.status === 403) return undefined;
    const messages = (error.errors ?? []).map((e) => e.message);
    return { status: error.status, problems: messages.length > 0 && error.status === 422 ? messages : [error.detail] };
  };

  app.post(
    '/instruments',
    {
      preHandler: editors,
      schema: {
        tags: PAGE,
        summary: 'Create an instrument by hand (HTML form)',
        body: Type.Object({ key: Type.String({ maxLength: 100 }), purpose: Type.String({ maxLength: 40 }), anonymous: Type.Optional(Type.String()), ...Csrf }, { additionalProperties: Type.String({ maxLength: 2000 }) }),
      },
    },
    async (request, reply) => {
      const body = request.body as FormBody;
      const key = String(body.key ?? '').trim();
      const purpose = String(body.purpose ?? '') as Purpose;
      const title = localTextFrom(body, 'title', [...editor.editorLanguages]);
      const problems: string[] = [];
      if (!new RegExp(KeyPattern).test(key)) problems.push(request.t('instruments.bad_key'));
      if (!purposes.includes(purpose)) problems.push(request.t('instruments.bad_purpose'));
      if (Object.keys(title).length === 0) problems.push(request.t('instruments.need_title'));
      if (problems.length > 0) return refused(request, reply, 'new', problems, 422);
      const languages = Object.keys(title);
      const definition: InstrumentDefinition = { title, languages, pages: [{ kind: 'group', key: 'page_1', label: title, questions: [] }] };
      try {
        const row = await request.inOrg((tx, actor) => service.createInstrument(tx, actor, { key, purpose, title, anonymous: body.anonymous === 'yes', definition }));
        return reply.redirect(builderUrl(row.id), 303);
      } catch (error) {
        const refusal = problemsOf(error);
        if (!refusal) throw error;
        return refused(request, reply, 'new', refusal.problems, refusal.status);
      }
    },
  );

  app.post(
    '/instruments/standard',
    {
      preHandler: editors,
      schema: { tags: PAGE, summary: 'Create an instrument from a standard instrument of the bank (HTML form)', body: Type.Object({ standard: Type.String({ maxLength: 100 }), key: Type.Optional(Type.String({ maxLength: 100 })), ...Csrf }) },
    },
    async (request, reply) => {
      const body = request.body as { standard: string; key?: string };
      const key = body.key?.trim() || body.standard;
      if (!new RegExp(KeyPattern).test(key)) return refused(request, reply, 'standard', [request.t('instruments.bad_key')], 422);
      try {
        const row = await request.inOrg((tx, actor) => service.createStandardInstrument(tx, actor, body.standard, key));
        return reply.redirect(builderUrl(row.id), 303);
      } catch (error) {
        const refusal = problemsOf(error);
        if (!refusal) throw error;
        return refused(request, reply, 'standard', refusal.problems, refusal.status);
      }
    },
  );

  app.post(
    '/instruments/import',
    { preHandler: editors, schema: { tags: PAGE, summary: 'Create an instrument (draft) from an uploaded XLSForm (.xlsx, .xls; multipart HTML form)' } },
    async (request, reply) => {
      let outcome: Awaited<ReturnType<typeof service.importInstrument>>;
      try {
        const file = await uploadedFile(request, 'file', ['.xlsx', '.xls']);
        const key = formField(request, 'key').trim();
        const purpose = formField(request, 'purpose').trim();
        if (key !== '' && !new RegExp(KeyPattern).test(key)) return refused(request, reply, 'import', [request.t('instruments.bad_key')], 422);
        if (purpose !== '' && !purposes.includes(purpose as Purpose)) return refused(request, reply, 'import', [request.t('instruments.bad_purpose')], 422);
        outcome = await request.inOrg((tx, actor) =>
          service.importInstrument(tx, actor, file.bytes, file.fileName, { key: key || undefined, purpose: (purpose || undefined) as Purpose | undefined }),
        );
      } catch (error) {
        const refusal = problemsOf(error);
        if (!refusal) throw error;
        return refused(request, reply, 'import', refusal.problems, refusal.status);
      }
      const { instrument, notes } = outcome;
      const ctx = request.pageContext(reply);
      const data = await request.inOrg(async (tx) => ({ versions: await service.listVersions(tx, instrument.id), counts: await responses.responseCountsByVersion(tx, instrument.id) }));
      return html(reply, instrumentPage(ctx, { instrument, ...data, canEdit: true, notes }), 201);
    },
  );

  // --- One instrument ----------------------------------------------------------------------------

  app.get(
    '/instruments/:id',
    { preHandler: readers, schema: { tags: PAGE, summary: 'An instrument, its draft and its versions (HTML)', params: IdParams, querystring: Type.Object({ published: Type.Optional(Type.Integer({ minimum: 1 })) }) } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { published } = request.query as { published?: number };
      const data = await request.inOrg(async (tx) => ({
        instrument: await service.getInstrument(tx, id),
        versions: await service.listVersions(tx, id),
        counts: await responses.responseCountsByVersion(tx, id),
      }));
      return html(reply, instrumentPage(request.pageContext(reply), { ...data, canEdit: canEdit(request.actor), published }));
    },
  );

  app.get(
    '/instruments/:id/xlsform',
    {
      preHandler: readers,
      schema: {
        tags: PAGE,
        summary: 'Download as an XLSForm: a version (versionId), the draft (draft=1), else the latest version',
        params: IdParams,
        querystring: Type.Object({ versionId: Type.Optional(Uuid), draft: Type.Optional(Type.Literal('1')) }),
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { versionId, draft } = request.query as { versionId?: string; draft?: '1' };
      const { fileName, file } = await request.inOrg(async (tx) => {
        if (draft) return service.exportDraft(tx, id);
        const exported = await service.exportInstrument(tx, id, versionId);
        if (!versionId) return exported;
        return { ...exported, fileName: exported.fileName.replace(/\.xlsx$/, `-v${(await service.getVersion(tx, versionId)).version}.xlsx`) };
      });
      return reply
        .type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${fileName}"`)
        .send(file);
    },
  );

  app.post(
    '/instruments/:id/publish',
    { preHandler: editors, schema: { tags: PAGE, summary: 'Publish the draft as a new, immutable version (HTML form)', params: IdParams, body: Type.Object(Csrf) } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      try {
        const version = await request.inOrg((tx) => service.publish(tx, id));
        return reply.redirect(`/instruments/${id}?published=${version.version}`, 303);
      } catch (error) {
        const refusal = problemsOf(error);
        if (!refusal) throw error;
        const data = await request.inOrg(async (tx) => ({
          instrument: await service.getInstrument(tx, id),
          versions: await service.listVersions(tx, id),
          counts: await responses.responseCountsByVersion(tx, id),
        }));
        return html(reply, instrumentPage(request.pageContext(reply), { ...data, canEdit: true, problems: refusal.problems }), refusal.status);
      }
    },
  );

  app.post(
    '/instruments/:id/draft/discard',
    { preHandler: editors, schema: { tags: PAGE, summary: 'Throw away the unpublished draft (HTML form)', params: IdParams, body: Type.Object(Csrf) } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      await request.inOrg((tx) => service.discardDraft(tx, id));
      return reply.redirect(`/instruments/${id}`, 303);
    },
  );

  // --- The builder -------------------------------------------------------------------------------

  app.get(
    '/instruments/:id/draft',
    { preHandler: readers, schema: { tags: PAGE, summary: 'The draft builder (HTML)', params: IdParams } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const draft = await request.inOrg((tx) => loadDraft(tx, id));
      return html(reply, builderPage(request.pageContext(reply), { ...draft, canEdit: canEdit(request.actor) }));
    },
  );

  /** Saves an edit of the draft and returns to the builder, or shows the builder with the problems. */
  async function editAndReturn(request: FastifyRequest, reply: FastifyReply, id: string, edit: (definition: InstrumentDefinition) => InstrumentDefinition, anchor = '') {
    const result = await request.inOrg((tx) => service.editDraft(tx, id, edit));
    if (result.ok) return reply.redirect(`${builderUrl(id)}${anchor}`, 303);
    const draft = await request.inOrg((tx) => loadDraft(tx, id));
    return html(reply, builderPage(request.pageContext(reply), { ...draft, canEdit: true, problems: result.issues.map(describeIssue) }), 422);
  }

  app.post(
    '/instruments/:id/draft/move',
    { preHandler: editors, schema: { tags: PAGE, summary: 'Move a question up or down (HTML form)', params: IdParams, body: Type.Object({ key: Type.String({ maxLength: 200 }), direction: Direction, ...Csrf }) } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { key, direction } = request.body as { key: string; direction: 'up' | 'down' };
      return editAndReturn(request, reply, id, (d) => editor.moveQuestion(d, key, direction));
    },
  );

  app.post(
    '/instruments/:id/draft/remove',
    { preHandler: editors, schema: { tags: PAGE, summary: 'Remove a question (HTML form)', params: IdParams, body: Type.Object({ key: Type.String({ maxLength: 200 }), ...Csrf }) } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { key } = request.body as { key: string };
      return editAndReturn(request, reply, id, (d) => editor.removeQuestion(d, key));
    },
  );

  app.post(
    '/instruments/:id/draft/bank',
    {
      preHandler: editors,
      schema: {
        tags: PAGE,
        summary: 'Add questions from the standard bank to a page (HTML form)',
        params: IdParams,
        body: Type.Object({ page: Type.String({ maxLength: 200 }), bank: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 200 })), ...Csrf }),
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { page, bank } = request.body as { page: string; bank?: string[] };
      return editAndReturn(request, reply, id, (d) => editor.addBankQuestions(d, page, bank ?? []));
    },
  );

  app.post(
    '/instruments/:id/draft/pages/move',
    { preHandler: editors, schema: { tags: PAGE, summary: 'Move a page up or down (HTML form)', params: IdParams, body: Type.Object({ page: Type.String({ maxLength: 200 }), direction: Direction, ...Csrf }) } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { page, direction } = request.body as { page: string; direction: 'up' | 'down' };
      return editAndReturn(request, reply, id, (d) => editor.movePage(d, page, direction));
    },
  );

  app.post(
    '/instruments/:id/draft/pages/remove',
    { preHandler: editors, schema: { tags: PAGE, summary: 'Remove a page and its questions (HTML form)', params: IdParams, body: Type.Object({ page: Type.String({ maxLength: 200 }), ...Csrf }) } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { page } = request.body as { page: string };
      return editAndReturn(request, reply, id, (d) => editor.removePage(d, page));
    },
  );

  const pageFromForm = (body: FormBody, definition: InstrumentDefinition): editor.PageChange => {
    const kind = body.kind === 'resource_person_repeat' || body.kind === 'repeat' ? body.kind : 'group';
    const count = String(body.count ?? '').trim();
    return {
      key: String(body.key ?? '').trim(),
      kind,
      label: localTextFrom(body, 'label', editor.languagesOf(definition)),
      relevant: String(body.relevant ?? '').trim() || undefined,
      ...(kind === 'repeat' && count !== '' ? { count } : {}),
    };
  };
  const pageErrors = (issues: DefinitionIssue[], pageKey: string): { errors: FieldErrors; others: string[] } => {
    const errors: FieldErrors = {};
    const others: string[] = [];
    for (const issue of issues) {
      if (issue.pageKey === pageKey && issue.questionKey === undefined) (errors[issue.field] ??= []).push(issue.message);
      else others.push(describeIssue(issue));
    }
    return { errors, others };
  };

  app.post(
    '/instruments/:id/draft/pages',
    { preHandler: editors, schema: { tags: PAGE, summary: 'Add a page (group, a block per resource person, or a repeat the respondent fills) (HTML form)', params: IdParams, body: FormFields } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const draft = await request.inOrg((tx) => loadDraft(tx, id));
      const change = pageFromForm(request.body as FormBody, draft.definition);
      // A page without a title is shown with its key until it is translated.
      const label = Object.keys(change.label).length > 0 ? change.label : { [draft.definition.languages[0] ?? 'en']: change.key };
      const page = { ...change, label, questions: [] } as Page;
      if (!change.relevant) delete page.relevant;
      const result = await request.inOrg((tx) => service.editDraft(tx, id, (d) => editor.addPage(d, page)));
      if (result.ok) return reply.redirect(builderUrl(id), 303);
      const { errors, others } = pageErrors(result.issues, change.key);
      return html(reply, builderPage(request.pageContext(reply), { ...draft, canEdit: true, problems: [...Object.values(errors).flat(), ...others] }), 422);
    },
  );

  app.get(
    '/instruments/:id/draft/pages/:page',
    { preHandler: editors, schema: { tags: PAGE, summary: 'Edit a page (HTML)', params: Type.Object({ id: Uuid, page: Type.String({ maxLength: 200 }) }) } },
    async (request, reply) => {
      const { id, page: pageKey } = request.params as { id: string; page: string };
      const draft = await request.inOrg((tx) => loadDraft(tx, id));
      const page = draft.definition.pages.find((p) => p.key === pageKey);
      if (!page) throw Problem.notFound(`No page "${pageKey}" in the draft`);
      return html(reply, pageEditorPage(request.pageContext(reply), draft.instrument, draft.definition, page, {}, []));
    },
  );

  app.post(
    '/instruments/:id/draft/pages/:page',
    { preHandler: editors, schema: { tags: PAGE, summary: 'Save a page (HTML form)', params: Type.Object({ id: Uuid, page: Type.String({ maxLength: 200 }) }), body: FormFields } },
    async (request, reply) => {
      const { id, page: pageKey } = request.params as { id: string; page: string };
      const draft = await request.inOrg((tx) => loadDraft(tx, id));
      const change = pageFromForm(request.body as FormBody, draft.definition);
      const result = await request.inOrg((tx) => service.editDraft(tx, id, (d) => editor.updatePage(d, pageKey, change)));
      if (result.ok) return reply.redirect(builderUrl(id), 303);
      const { errors, others } = pageErrors(result.issues, change.key);
      const shown = { ...draft.definition.pages.find((p) => p.key === pageKey)!, ...change } as Page;
      return html(reply, pageEditorPage(request.pageContext(reply), draft.instrument, draft.definition, shown, errors, others), 422);
    },
  );

  // --- Questions ---------------------------------------------------------------------------------

  const NewQuestionQuery = Type.Object({ type: Type.Union(questionTypes.map((t) => Type.Literal(t))), page: Type.String({ maxLength: 200 }) });

  app.get(
    '/instruments/:id/draft/questions/new',
    { preHandler: editors, schema: { tags: PAGE, summary: 'The editor for a new question of a type (HTML)', params: IdParams, querystring: NewQuestionQuery } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { type, page } = request.query as { type: QuestionType; page: string };
      const draft = await request.inOrg((tx) => loadDraft(tx, id));
      if (!draft.definition.pages.some((p) => p.key === page)) throw Problem.notFound(`No page "${page}" in the draft`);
      return html(reply, questionEditorPage(request.pageContext(reply), { ...draft, question: blankQuestion(type), newOnPage: page, errors: {}, problems: [] }));
    },
  );

  app.post(
    '/instruments/:id/draft/questions/new',
    { preHandler: editors, schema: { tags: PAGE, summary: 'Add a question (HTML form)', params: IdParams, querystring: NewQuestionQuery, body: FormFields } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { type, page } = request.query as { type: QuestionType; page: string };
      return saveQuestion(request, reply, id, undefined, { type, page });
    },
  );

  app.get(
    '/instruments/:id/draft/questions/:key',
    { preHandler: editors, schema: { tags: PAGE, summary: 'The editor of a question (HTML)', params: Type.Object({ id: Uuid, key: Type.String({ maxLength: 200 }) }) } },
    async (request, reply) => {
      const { id, key } = request.params as { id: string; key: string };
      const draft = await request.inOrg((tx) => loadDraft(tx, id));
      const found = editor.findQuestion(draft.definition, key);
      if (!found) throw Problem.notFound(`No question "${key}" in the draft`);
      return html(reply, questionEditorPage(request.pageContext(reply), { ...draft, question: found.question, errors: {}, problems: [] }));
    },
  );

  app.post(
    '/instruments/:id/draft/questions/:key',
    { preHandler: editors, schema: { tags: PAGE, summary: 'Save a question (HTML form)', params: Type.Object({ id: Uuid, key: Type.String({ maxLength: 200 }) }), body: FormFields } },
    async (request, reply) => {
      const { id, key } = request.params as { id: string; key: string };
      return saveQuestion(request, reply, id, key, undefined);
    },
  );

  /**
   * Saves the editor's question (new on `adding.page`, or replacing `key`): field errors of the form
   * and the definition's own checks (expressions parsed by the real parser) are shown next to the
   * fields, with what was typed, and nothing is saved.
   */
  async function saveQuestion(request: FastifyRequest, reply: FastifyReply, id: string, key: string | undefined, adding: { type: QuestionType; page: string } | undefined) {
    const body = request.body as FormBody;
    const draft = await request.inOrg((tx) => loadDraft(tx, id));
    const existing = key === undefined ? blankQuestion(adding!.type) : editor.findQuestion(draft.definition, key)?.question;
    if (!existing) throw Problem.notFound(`No question "${key}" in the draft`);
    const { question, errors } = questionFromForm(existing, body, editor.languagesOf(draft.definition));
    const show = (fieldErrors: FieldErrors, problems: string[]) =>
      html(reply, questionEditorPage(request.pageContext(reply), { ...draft, question, newOnPage: adding?.page, errors: fieldErrors, problems }), 422);
    if (Object.keys(errors).length > 0) return show(errors, []);
    const result = await request.inOrg((tx) =>
      service.editDraft(tx, id, (d) => (adding ? editor.addQuestion(d, adding.page, question) : editor.replaceQuestion(d, key!, question))),
    );
    if (result.ok) return reply.redirect(`${builderUrl(id)}`, 303);
    const located = fieldErrorsOf(result.issues, question.key);
    return show(located.errors, located.others);
  }

  // --- Translation -------------------------------------------------------------------------------

  app.get(
    '/instruments/:id/draft/translate',
    { preHandler: readers, schema: { tags: PAGE, summary: 'Every text of the draft in English, French and Spanish side by side (HTML)', params: IdParams, querystring: Type.Object({ saved: Type.Optional(Type.String({ maxLength: 10 })) }) } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { saved } = request.query as { saved?: string };
      const draft = await request.inOrg((tx) => loadDraft(tx, id));
      return html(reply, translatePage(request.pageContext(reply), draft.instrument, draft.definition, canEdit(request.actor), saved === '1'));
    },
  );

  app.post(
    '/instruments/:id/draft/translate',
    { preHandler: editors, bodyLimit: 2 * 1024 * 1024, schema: { tags: PAGE, summary: 'Save translations (HTML form)', params: IdParams, body: FormFields } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const translations: Record<string, Record<string, string>> = {};
      for (const [name, value] of Object.entries(request.body as FormBody)) {
        if (!name.startsWith('t.')) continue;
        const at = name.lastIndexOf('.');
        const path = name.slice(2, at);
        (translations[path] ??= {})[name.slice(at + 1)] = [value].flat()[0] ?? '';
      }
      const result = await request.inOrg((tx) => service.editDraft(tx, id, (d) => editor.applyTranslations(d, translations)));
      if (result.ok) return reply.redirect(`/instruments/${id}/draft/translate?saved=1`, 303);
      const draft = await request.inOrg((tx) => loadDraft(tx, id));
      return html(reply, builderPage(request.pageContext(reply), { ...draft, canEdit: true, problems: result.issues.map(describeIssue) }), 422);
    },
  );

  // --- Preview -----------------------------------------------------------------------------------

  // `form_lang` (not `lang`, which switches the staff interface's own language) picks the form's language.
  const PreviewQuery = Type.Object({ version: Type.Optional(Uuid), p: Type.Optional(Type.Integer({ minimum: 0, maximum: 500 })), form_lang: Type.Optional(Type.String({ maxLength: 20 })) });

  async function previewSource(tx: Tx, id: string, versionId: string | undefined) {
    const instrument = await service.getInstrument(tx, id);
    if (versionId) {
      const version = await service.getVersion(tx, versionId);
      if (version.instrumentId !== id) throw Problem.notFound('No such version of this instrument');
      return { instrument, definition: version.definition, label: `v${version.version}` };
    }
    return { instrument, definition: await service.editableDefinition(tx, id), label: undefined };
  }

  function renderPreview(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    source: { instrument: service.InstrumentRow; definition: InstrumentDefinition; label: string | undefined },
    data: ResponseData,
    pageIndex: number,
    issues: ReturnType<typeof validateResponse>['issues'],
    formLang: string,
    versionId: string | undefined,
  ): string {
    // The respondent's page chrome (next, submit, messages) speaks the form's language, as for a respondent.
    const t = isLang(formLang) ? translator(formLang) : request.t;
    const resourcePersons = PREVIEW_PERSONS.map((personId, i) => ({ id: personId, name: t('instruments.preview_person', { n: i + 1 }) }));
    const form = { definition: source.definition, resourcePersons };
    const pages = visiblePages(form, data);
    const index = Math.max(0, Math.min(pageIndex, pages.length - 1));
    const page = pages[index];
    // Every page hidden by its relevance: nothing to ask, as a respondent would find.
    if (!page) return previewDonePage(request.pageContext(reply), source.instrument, source.definition, data, `/instruments/${id}/preview${versionId ? `?version=${versionId}` : ''}`);
    const query = (extra: string) => `/instruments/${id}/preview?${versionId ? `version=${versionId}&` : ''}${extra}`;
    return renderRespondentPage({
      t,
      formLang,
      definition: source.definition,
      page,
      pageIndex: index,
      pageCount: pages.length,
      token: '',
      clientSubmissionId: 'preview',
      csrfToken: csrfToken(request, reply),
      answers: data.answers,
      repeatItems: data.repeats?.[page.key],
      resourcePersons,
      issues,
      resumeUrl: undefined,
      languageLinks: source.definition.languages.map((lang) => ({ lang, label: languageLabels[lang] ?? lang, href: query(`p=${index}&form_lang=${encodeURIComponent(lang)}`), current: lang === formLang })),
      action: query(`form_lang=${encodeURIComponent(formLang)}`),
      hidden: { _state: JSON.stringify(data) },
      notice: source.label ? t('instruments.preview_notice_version', { version: source.label }) : t('instruments.preview_notice'),
    });
  }

  const formLanguage = (definition: InstrumentDefinition, request: FastifyRequest, wanted: string | undefined) =>
    wanted && definition.languages.includes(wanted) ? wanted : definition.languages.includes(request.lang) ? request.lang : (definition.languages[0] ?? 'en');

  app.get(
    '/instruments/:id/preview',
    { preHandler: readers, schema: { tags: PAGE, summary: 'The draft (or a version) as a respondent sees it; nothing is stored (HTML)', params: IdParams, querystring: PreviewQuery } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const query = request.query as { version?: string; p?: number; form_lang?: string };
      const source = await request.inOrg((tx) => previewSource(tx, id, query.version));
      const formLang = formLanguage(source.definition, request, query.form_lang);
      return html(reply, renderPreview(request, reply, id, source, { answers: {} }, query.p ?? 0, [], formLang, query.version));
    },
  );

  app.post(
    '/instruments/:id/preview',
    {
      preHandler: readers,
      bodyLimit: 512 * 1024,
      schema: {
        tags: PAGE,
        summary: 'Next, back or submit in a preview: answers are checked as for a respondent and carried in the page, never stored (HTML form)',
        params: IdParams,
        querystring: PreviewQuery,
        body: Type.Object(
          {
            _page: Type.Integer({ minimum: 0, maximum: 500 }),
            _action: PageActionSchema,
            _items: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_REPEAT_ITEMS })),
            _state: Type.Optional(Type.String({ maxLength: 400_000 })),
          },
          { additionalProperties: Type.Union([Type.String({ maxLength: 20_000 }), Type.Array(Type.String({ maxLength: 200 }), { maxItems: 200 })]) },
        ),
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const query = request.query as { version?: string; form_lang?: string };
      const body = request.body as Record<string, string | string[]> & { _page: number; _action: PageAction; _items?: number; _state?: string };
      const source = await request.inOrg((tx) => previewSource(tx, id, query.version));
      const formLang = formLanguage(source.definition, request, query.form_lang);
      let stored: ResponseData = { answers: {} };
      try {
        const parsed = JSON.parse(body._state ?? '{}') as ResponseData;
        if (parsed && typeof parsed.answers === 'object' && parsed.answers !== null) stored = parsed;
      } catch {
        // A preview that lost its state starts again from no answers.
      }
      const form = { definition: source.definition, resourcePersons: PREVIEW_PERSONS.map((personId) => ({ id: personId, name: '' })) };
      const pages = visiblePages(form, stored);
      const page = pages[Math.min(body._page, pages.length - 1)];
      const submission = page ? pageSubmission(form, page, body, stored) : {};
      const final = body._action === 'submit';
      const moving = body._action === 'next' || final;
      const { data, issues } = validateResponse(source.definition, submission, stored, {
        enforceRequired: moving,
        pages: final || !page ? undefined : new Set([page.key]),
        resourcePersonIds: PREVIEW_PERSONS,
      });
      if (issues.length > 0 && body._action !== 'back') {
        const now = visiblePages(form, data);
        const shown = withRejectedValues(source.definition.pages, data, issues, body);
        return html(reply, renderPreview(request, reply, id, source, shown, pageWithIssue(now, issues) ?? body._page, issues, formLang, query.version), 422);
      }
      if (final) {
        const restart = `/instruments/${id}/preview${query.version ? `?version=${query.version}` : ''}`;
        return html(reply, previewDonePage(request.pageContext(reply), source.instrument, source.definition, data, restart));
      }
      const next = staysOnPage(body._action) ? body._page : body._action === 'back' ? body._page - 1 : body._page + 1;
      return html(reply, renderPreview(request, reply, id, source, data, Math.max(0, next), [], formLang, query.version));
    },
  );

  // --- Responses ---------------------------------------------------------------------------------

  app.get(
    '/instruments/:id/responses',
    {
      preHandler: responseReaders,
      schema: {
        tags: PAGE,
        summary: 'Responses to an instrument: counts by version and status, and a paginated list (HTML)',
        params: IdParams,
        querystring: Type.Object({ page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })), status: Type.Optional(Type.Union([Type.Literal('partial'), Type.Literal('complete'), Type.Literal('')])) }),
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const query = request.query as { page?: number; status?: 'partial' | 'complete' | '' };
      const page = query.page ?? 1;
      const status = query.status || undefined;
      const data = await request.inOrg(async (tx) => ({
        instrument: await service.getInstrument(tx, id),
        counts: await responses.responseCountsByVersion(tx, id),
        listing: await responses.pageOfResponses(tx, id, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE, status }),
      }));
      return html(reply, responsesPage(request.pageContext(reply), { ...data, page, pageSize: PAGE_SIZE, status }));
    },
  );

  app.get(
    '/instruments/:id/responses.csv',
    { preHandler: responseReaders, schema: { tags: PAGE, summary: 'Every response to an instrument as CSV: one row per response, one column per question (codes)', params: IdParams } },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const { instrument, table } = await request.inOrg(async (tx) => {
        const found = await service.getInstrument(tx, id);
        const versions = await service.listVersions(tx, id);
        return { instrument: found, table: responseTable(versions.map((v) => v.definition), await responses.responsesForExport(tx, id)) };
      });
      const file = await writeTable('csv', table.header, table.rows);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${instrument.key}-responses.csv"`).send(file);
    },
  );

  app.get(
    '/instruments/:id/responses/:responseId',
    { preHandler: responseReaders, schema: { tags: PAGE, summary: 'One response, its answers by question label (HTML)', params: Type.Object({ id: Uuid, responseId: Uuid }) } },
    async (request, reply) => {
      const { id, responseId } = request.params as { id: string; responseId: string };
      const data = await request.inOrg(async (tx) => ({ instrument: await service.getInstrument(tx, id), ...(await responses.responseOfInstrument(tx, id, responseId)) }));
      return html(reply, responsePage(request.pageContext(reply), data.instrument, data.response, data.version));
    },
  );
};

/**
 * One row per response and one column per answer key (codes, not labels; multiple choices separated
 * by spaces as in XLSForm data). Columns follow the latest version, then keys only older versions
 * had; repeat answers get one column per item (`key[n]`: the n-th resource person, or the n-th item
 * the respondent added), as many as the longest repeat of its kind among the responses.
 */
export function responseTable(
  definitions: InstrumentDefinition[],
  rows: Array<{ id: string; version: number; status: string; lang: string | null; startedAt: Date; submittedAt: Date | null; score: number | null; maxScore: number | null; data: ResponseData }>,
): { header: string[]; rows: string[][] } {
  const topKeys: string[] = [];
  const repeatKeys: string[] = [];
  const repeatOf = new Map<string, string>();
  for (const definition of definitions) {
    for (const page of definition.pages) {
      for (const question of page.questions) {
        if (question.type === 'note') continue;
        const keys = question.type === 'matrix' ? question.rows.map((r) => `${question.key}/${r.key}`) : [question.key];
        for (const key of keys) {
          if (page.kind === 'group' && !topKeys.includes(key)) topKeys.push(key);
          if (page.kind !== 'group' && !repeatKeys.includes(key)) {
            repeatKeys.push(key);
            repeatOf.set(key, page.key);
          }
        }
      }
    }
  }
  const itemsOf = (repeatKey: string) => Math.max(0, ...rows.map((row) => row.data.repeats?.[repeatKey]?.length ?? 0));
  const repeatColumns = repeatKeys.flatMap((key) => Array.from({ length: itemsOf(repeatOf.get(key)!) }, (_, i) => ({ key, n: i })));
  const header = ['response_id', 'version', 'status', 'lang', 'started_at', 'submitted_at', 'score', 'max_score', ...topKeys, ...repeatColumns.map((c) => `${c.key}[${c.n + 1}]`)];
  const text = (value: unknown) => (value === undefined || value === null ? '' : Array.isArray(value) ? value.join(' ') : String(value));
  return {
    header,
    rows: rows.map((row) => [
      row.id,
      String(row.version),
      row.status,
      row.lang ?? '',
      row.startedAt.toISOString(),
      row.submittedAt?.toISOString() ?? '',
      text(row.score),
      text(row.maxScore),
      ...topKeys.map((key) => text(row.data.answers[key])),
      ...repeatColumns.map(({ key, n }) => text(row.data.repeats?.[repeatOf.get(key)!]?.[n]?.answers[key])),
    ]),
  };
}

