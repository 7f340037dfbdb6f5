// The no-script respondent flow: GET shows a page, POST saves it and redirects (back, next,
// submit). Works on any browser; /assets/respondent.js only makes it quicker to fill in.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Type } from '@sinclair/typebox';
import { build } from 'esbuild';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Database, Tx } from '../db/database.ts';
import { csrfToken } from '../http/request-context.ts';
import { HTML } from '../http/schemas.ts';
import { holds } from '../instruments/expressions/evaluate.ts';
import type { LinkAccess } from './access.ts';
import { inputKeys, repeatCount, type AnswerIssue } from './answers.ts';
import { itemsToShow, renderRespondentPage, renderThanksPage } from './pages.tsx';
import * as service from './service.ts';
import { MAX_REPEAT_ITEMS, type Page, type ResponseData } from '../instruments/model.ts';

const PUBLIC = ['respondents'];
const languageLabels: Record<string, string> = { en: 'English', fr: 'Français', es: 'Español', ar: 'العربية', pt: 'Português', ru: 'Русский' };

/** The browser bundle of the form script, built once per process from the shared evaluator. */
let bundle: Promise<string> | undefined;
export function respondentScript(): Promise<string> {
  bundle ??= build({
    entryPoints: [fileURLToPath(new URL('./browser/respondent.ts', import.meta.url))],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2019',
    write: false,
  }).then((result) => result.outputFiles[0]!.text);
  return bundle;
}

const stylesheet = readFileSync(new URL('./assets/respondent.css', import.meta.url));

interface Options {
  database: Database;
  resourcePersons: service.ResourcePersonSource;
  inLink: <T>(token: string, work: (tx: Tx, access: LinkAccess) => Promise<T>) => Promise<T>;
}

/** Token routes: rate-limited per address; the path holds the token, so problem documents name the route instead. */
const tokenRouteConfig = { rateLimit: { max: 300, timeWindow: '1 minute' }, secretPath: true } as const;

const TokenParams = Type.Object({ token: Type.String({ maxLength: 100 }) });
const PageQuery = Type.Object({ s: Type.Optional(Type.String({ format: 'uuid' })), p: Type.Optional(Type.Integer({ minimum: 0, maximum: 500 })), lang: Type.Optional(Type.String({ maxLength: 20 })) });
const resumeCookie = 'tracer_response';

/** What a button of a respondent page asks: move, submit, or add/remove an item of a repeat (`remove-2`). */
export const PageActionSchema = Type.Union([
  Type.Literal('back'),
  Type.Literal('next'),
  Type.Literal('submit'),
  Type.Literal('add'),
  Type.String({ pattern: '^remove-[1-9][0-9]{0,2}$' }),
]);
export type PageAction = 'back' | 'next' | 'submit' | 'add' | `remove-${number}`;

/** Add and remove change the items of a repeat and show the same page again. */
export function staysOnPage(action: PageAction): boolean {
  return action === 'add' || action.startsWith('remove-');
}

export const respondentPageRoutes: FastifyPluginAsync<Options> = async (app, { resourcePersons, inLink }) => {
  app.get('/assets/respondent.js', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(await respondentScript()),
  );
  app.get('/assets/respondent.css', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(stylesheet),
  );

  app.get(
    '/r/:token',
    { config: tokenRouteConfig, schema: { tags: PUBLIC, summary: 'A page of the questionnaire (HTML, works without JavaScript)', params: TokenParams, querystring: PageQuery, produces: ['text/html'] } },
    async (request, reply) => {
      const { token } = request.params as { token: string };
      const query = request.query as { s?: string; p?: number; lang?: string };
      const responseId = query.s ?? request.cookies[resumeCookie];
      const html = await inLink(token, async (tx, access) => {
        const collection = await access.collection(tx, resourcePersons);
        if (access.personal?.answered) return renderThanksPage(request.t, pickLanguage(collection, request, query.lang), collection.definition.title, collection.definition.languages);
        // A personal link always resumes its own response, whatever the query or cookie say.
        const response = access.personal
          ? await service.findSubmission(tx, collection, access.personal.clientSubmissionId)
          : responseId
            ? await service.resumable(tx, collection, responseId)
            : undefined;
        const formLang = pickLanguage(collection, request, query.lang ?? response?.lang ?? undefined);
        if (response?.status === 'complete') return renderThanksPage(request.t, formLang, collection.definition.title, collection.definition.languages);
        const data = response?.data ?? { answers: {} };
        const clientSubmissionId = access.personal?.clientSubmissionId ?? response?.clientSubmissionId ?? randomUUID();
        return render(request, reply, token, collection, data, query.p ?? 0, clientSubmissionId, [], formLang, response?.id);
      });
      return reply.type(HTML).send(html);
    },
  );

  app.post(
    '/r/:token',
    {
      bodyLimit: 256 * 1024,
      config: { ...tokenRouteConfig, countsAsSubmission: true },
      schema: {
        tags: PUBLIC,
        summary: 'Save a page of the questionnaire (HTML form; back, next or submit)',
        params: TokenParams,
        body: Type.Object(
          {
            _csrf: Type.Optional(Type.String()),
            _sid: Type.String({ minLength: 8, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$' }),
            _page: Type.Integer({ minimum: 0, maximum: 500 }),
            _action: PageActionSchema,
            _items: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_REPEAT_ITEMS })),
          },
          { additionalProperties: Type.Union([Type.String({ maxLength: 20_000 }), Type.Array(Type.String({ maxLength: 200 }), { maxItems: 200 })]) },
        ),
      },
    },
    async (request, reply) => {
      const { token } = request.params as { token: string };
      const body = request.body as Record<string, string | string[]> & { _sid: string; _page: number; _action: PageAction; _items?: number };
      const outcome = await inLink(token, async (tx, access) => {
        const collection = await access.collection(tx, resourcePersons);
        if (access.personal?.answered) return { redirect: `/r/${token}`, responseId: undefined };
        const sid = access.personal?.clientSubmissionId ?? body._sid;
        const existing = await service.findSubmission(tx, collection, sid);
        const formLang = pickLanguage(collection, request, existing?.lang ?? undefined);
        const pages = visiblePages(collection, existing?.data ?? { answers: {} });
        const page = pages[Math.min(body._page, pages.length - 1)]!;
        const submission = pageSubmission(collection, page, body, existing?.data ?? { answers: {} });
        const result = await service.submit(tx, collection, {
          clientSubmissionId: sid,
          stored: existing ?? null,
          ...submission,
          ...(access.personal ? { participantId: access.personal.participantId } : {}),
          final: body._action === 'submit',
          pages: body._action === 'next' ? new Set([page.key]) : undefined,
          lang: formLang,
        });
        await access.personal?.onSubmitted?.(tx, result.response);
        if (result.outcome === 'completed' || result.outcome === 'already_complete') return { redirect: `/r/${token}?s=${result.response.id}`, responseId: result.response.id };
        const data = result.response.data;
        if (result.outcome === 'invalid' && body._action !== 'back') {
          const now = visiblePages(collection, data);
          const index = pageWithIssue(now, result.issues) ?? Math.min(body._page, now.length - 1);
          const shown = withRejectedValues(collection.definition.pages, data, result.issues, body);
          return { html: render(request, reply, token, collection, shown, index, sid, result.issues, formLang, result.response.id), responseId: result.response.id };
        }
        const next = staysOnPage(body._action) ? body._page : body._action === 'back' ? body._page - 1 : body._page + 1;
        const count = visiblePages(collection, data).length;
        const anchor = body._action === 'add' ? `#item-${data.repeats?.[page.key]?.length ?? 1}` : '';
        return { redirect: `/r/${token}?s=${result.response.id}&p=${Math.max(0, Math.min(next, count - 1))}${anchor}`, responseId: result.response.id };
      });
      if (outcome.responseId) reply.setCookie(resumeCookie, outcome.responseId, { path: `/r/${token}`, httpOnly: true, sameSite: 'lax', maxAge: 90 * 86_400 });
      if ('redirect' in outcome && outcome.redirect) return reply.redirect(outcome.redirect, 303);
      return reply.code(422).type(HTML).send(outcome.html);
    },
  );
};

/** The first page (of those shown) holding a question with an issue. */
export function pageWithIssue(pages: Page[], issues: AnswerIssue[]): number | undefined {
  const index = pages.findIndex((p) => issues.some((issue) => issue.key === p.key || p.questions.some((q) => issue.key === q.key || issue.key.startsWith(`${q.key}/`))));
  return index >= 0 ? index : undefined;
}

/** What the respondent typed in refused fields is shown again (it is not stored), so it can be corrected. */
export function withRejectedValues(pages: Page[], data: ResponseData, issues: AnswerIssue[], body: Record<string, unknown>): ResponseData {
  const answers = { ...data.answers };
  const repeats = Object.fromEntries(Object.entries(data.repeats ?? {}).map(([key, items]) => [key, items.map((item) => ({ ...item, answers: { ...item.answers } }))]));
  const typed = (raw: unknown): raw is string | string[] => (typeof raw === 'string' ? raw !== '' : Array.isArray(raw));
  for (const issue of issues) {
    if (issue.itemIndex === 0) {
      const raw = body[`q.${issue.key}`];
      if (typed(raw)) answers[issue.key] = raw;
      continue;
    }
    const repeat = pages.find((p) => p.kind === 'repeat' && p.questions.some((q) => inputKeys(q).includes(issue.key)));
    const item = repeat && repeats[repeat.key]?.[issue.itemIndex - 1];
    const raw = repeat && body[`r.${repeat.key}.${issue.itemIndex}.${issue.key}`];
    if (item && typed(raw)) item.answers[issue.key] = raw;
  }
  return data.repeats ? { ...data, answers, repeats } : { ...data, answers };
}

/** What page handling needs of a collection (a staff preview has a draft and sample resource persons). */
type FormSource = Pick<service.Collection, 'definition' | 'resourcePersons'>;

/** Pages shown for the current answers: relevant groups, per-resource-person blocks only when there are resource persons, repeats whose repeat_count is not 0. */
export function visiblePages(collection: FormSource, data: ResponseData) {
  const ctx = { value: (name: string) => data.answers[name] };
  return collection.definition.pages.filter((page) => {
    if (!holds(page.relevant, ctx)) return false;
    if (page.kind === 'resource_person_repeat') return collection.resourcePersons.length > 0;
    if (page.kind === 'repeat') return repeatCount(page, data.answers) !== 0;
    return true;
  });
}

/**
 * The answers of one posted page; a field absent from the post (unticked boxes) clears it. On a
 * repeat page (`_items` items posted), "add" appends an empty item and "remove-n" drops the n-th.
 */
export function pageSubmission(
  collection: FormSource,
  page: Page,
  body: Record<string, unknown> & { _action?: PageAction; _items?: number },
  stored: ResponseData,
): Pick<service.Submission, 'answers' | 'repeats'> {
  const field = (name: string) => body[name] ?? '';
  if (page.kind === 'group') {
    const answers: Record<string, unknown> = {};
    for (const question of page.questions) for (const key of inputKeys(question)) answers[key] = field(`q.${key}`);
    return { answers };
  }
  if (page.kind === 'repeat') {
    const posted = body._items ?? itemsToShow(page, stored.repeats?.[page.key], stored.answers).length;
    const keys = page.questions.flatMap(inputKeys);
    const items = Array.from({ length: Math.min(posted, MAX_REPEAT_ITEMS) }, (_, index) => ({
      answers: Object.fromEntries(keys.map((key) => [key, field(`r.${page.key}.${index + 1}.${key}`)])),
    }));
    if (page.count === undefined && body._action === 'add' && items.length < MAX_REPEAT_ITEMS) items.push({ answers: {} });
    if (page.count === undefined && body._action?.startsWith('remove-')) items.splice(Number(body._action.slice('remove-'.length)) - 1, 1);
    return { repeats: { [page.key]: items } };
  }
  return {
    repeats: {
      [page.key]: collection.resourcePersons.map((person) => ({
        resourcePersonId: person.id,
        answers: Object.fromEntries(page.questions.flatMap(inputKeys).map((key) => [key, field(`r.${page.key}.${person.id}.${key}`)])),
      })),
    },
  };
}

function pickLanguage(collection: service.Collection, request: FastifyRequest, wanted: string | undefined): string {
  const languages = collection.definition.languages;
  if (wanted && languages.includes(wanted)) return wanted;
  return languages.includes(request.lang) ? request.lang : languages[0] ?? 'en';
}

function render(
  request: FastifyRequest,
  reply: FastifyReply,
  token: string,
  collection: service.Collection,
  data: ResponseData,
  pageIndex: number,
  clientSubmissionId: string,
  issues: AnswerIssue[],
  formLang: string,
  responseId: string | undefined,
): string {
  const pages = visiblePages(collection, data);
  const index = Math.max(0, Math.min(pageIndex, pages.length - 1));
  const page = pages[index]!;
  const here = `/r/${token}?${responseId ? `s=${responseId}&` : ''}p=${index}`;
  return renderRespondentPage({
    t: request.t,
    formLang,
    definition: collection.definition,
    page,
    pageIndex: index,
    pageCount: pages.length,
    token,
    clientSubmissionId,
    csrfToken: csrfToken(request, reply),
    answers: data.answers,
    repeatItems: data.repeats?.[page.key],
    resourcePersons: collection.resourcePersons,
    issues,
    resumeUrl: responseId ? here : undefined,
    languageLinks: collection.definition.languages.map((lang) => ({
      lang,
      label: languageLabels[lang] ?? lang,
      href: `${here}&lang=${encodeURIComponent(lang)}`,
      current: lang === formLang,
    })),
  });
}
