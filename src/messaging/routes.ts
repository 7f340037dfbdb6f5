// The outbox for staff (JSON API and a page) and the public unsubscribe routes.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { audit } from '../accounts/service.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { Problem } from '../http/problem.ts';
import { requireRole } from '../http/request-context.ts';
import { HTML, staffSecurity, Uuid } from '../http/schemas.ts';
import { isLang, translator, type Lang } from '../web/i18n/index.ts';
import { messagesPage, unsubscribePage, type UnsubscribeView } from './pages.tsx';
import { messageStatuses, type MessageStatus } from './schema.ts';
import {
  countMessages,
  describeUnsubscribe,
  listMessages,
  loadMessagingKeys,
  requeueUncertain,
  unsubscribe,
  verifyUnsubscribeToken,
  type UnsubscribeTarget,
} from './service.ts';

const API = ['messaging'];
const PAGE = ['pages'];
const security = staffSecurity;
const staff = requireRole('administrator', 'evaluator');

const StatusSchema = Type.Union(messageStatuses.map((status) => Type.Literal(status)));
const DateTime = Type.String({ format: 'date-time' });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const MessageSchema = Type.Object(
  {
    id: Uuid,
    kind: Type.String(),
    participantId: Nullable(Uuid),
    language: Type.String(),
    subject: Type.String(),
    dedupeKey: Type.String(),
    status: StatusSchema,
    attempts: Type.Integer(),
    nextAttemptAt: DateTime,
    lastError: Nullable(Type.String()),
    providerMessageId: Nullable(Type.String()),
    createdAt: DateTime,
    sentAt: Nullable(DateTime),
  },
  { description: 'A message of the outbox. Addresses and bodies are never returned (they are erased once final).' },
);
const CountsSchema = Type.Object(Object.fromEntries(messageStatuses.map((status) => [status, Type.Integer()])));

const TokenParams = Type.Object({ token: Type.String({ maxLength: 200 }) });
// Per address and route. Tokens carry a 128-bit MAC, so this is hygiene against hammering rather
// than what stops guessing; generous because many recipients may share one address (NAT).
const publicRateLimit = { rateLimit: { max: 300, timeWindow: '1 minute' } };

export const messagingRoutes: FastifyPluginAsync<{ database: Database; config: Config }> = async (app, { database }) => {
  const keys = await loadMessagingKeys(database.system);

  // ------------------------------------------------------------ staff
  app.get(
    '/api/messages',
    {
      preHandler: staff,
      schema: {
        tags: API,
        summary: 'Messages of the outbox, latest first (no addresses or bodies)',
        security,
        querystring: Type.Object({
          status: Type.Optional(StatusSchema),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        }),
        response: { 200: Type.Array(MessageSchema) },
      },
    },
    async (request) => {
      const { status, limit } = request.query as { status?: MessageStatus; limit?: number };
      return request.inOrg((tx) => listMessages(tx, { ...(status ? { status } : {}), ...(limit ? { limit } : {}) }));
    },
  );

  app.get(
    '/api/messages/counts',
    { preHandler: staff, schema: { tags: API, summary: 'Number of messages in each status', security, response: { 200: CountsSchema } } },
    async (request) => request.inOrg((tx) => countMessages(tx)),
  );

  app.post(
    '/api/messages/:id/requeue',
    {
      preHandler: requireRole('administrator'),
      schema: {
        tags: API,
        summary: 'Send an uncertain message again, once you have checked it did not arrive (audit-logged)',
        security,
        params: Type.Object({ id: Uuid }),
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const requeued = await request.inOrg(async (tx, actor) => {
        const done = await requeueUncertain(tx, id);
        if (done) await audit(tx, actor, 'message.requeued', `message:${id}`, {});
        return done;
      });
      if (!requeued) throw Problem.notFound('No uncertain message with this id');
      return reply.code(204).send();
    },
  );

  app.get(
    '/messages',
    { preHandler: staff, schema: { tags: PAGE, summary: 'E-mail outbox (HTML)', produces: ['text/html'] } },
    async (request, reply) => {
      const { counts, messages } = await request.inOrg(async (tx) => ({ counts: await countMessages(tx), messages: await listMessages(tx) }));
      return reply.type(HTML).send(messagesPage(request.pageContext(reply), counts, messages));
    },
  );

  // ------------------------------------------------------------ public unsubscribe
  // The token is the only credential: it names the organisation and the message, signed with an
  // installation key, so the organisation is known without any cross-organisation lookup and all
  // work happens inside `withOrg`. Pages show the organisation's name, never the address.

  /** The organisation and message of a valid token, with what the page shows; undefined otherwise. */
  async function resolveToken(token: string, work: typeof describeUnsubscribe) {
    const ids = verifyUnsubscribeToken(keys, token);
    if (!ids) return undefined;
    return database.withOrg(ids.orgId, (tx) => work(tx, ids.orgId, ids.messageId));
  }

  function sendUnsubscribePage(request: FastifyRequest, reply: FastifyReply, target: UnsubscribeTarget | undefined, view: UnsubscribeView) {
    // The recipient's language unless they chose one on the page.
    const chosen = (request.query as { lang?: string } | undefined)?.lang;
    const lang: Lang = isLang(chosen) ? chosen : (target?.language ?? request.lang);
    const ctx = { ...request.pageContext(reply), lang, t: translator(lang) };
    // Never echo an invalid token back (the language links carry the page's own URL).
    if (view.state === 'invalid') ctx.url = '/unsubscribe/-';
    return reply
      .code(view.state === 'invalid' ? 404 : 200)
      .header('cache-control', 'no-store')
      .header('x-robots-tag', 'noindex')
      .type(HTML)
      .send(unsubscribePage(ctx, view));
  }

  app.get(
    '/unsubscribe/:token',
    {
      config: publicRateLimit,
      schema: {
        tags: PAGE,
        summary: 'Unsubscribe page (HTML, public): asks to confirm',
        params: TokenParams,
        querystring: Type.Object({ lang: Type.Optional(Type.String()) }),
        produces: ['text/html'],
      },
    },
    async (request, reply) => {
      const { token } = request.params as { token: string };
      const target = await resolveToken(token, describeUnsubscribe);
      const view: UnsubscribeView = target ? { state: 'confirm', orgName: target.orgName, action: `/unsubscribe/${token}` } : { state: 'invalid' };
      return sendUnsubscribePage(request, reply, target, view);
    },
  );

  app.post(
    '/unsubscribe/:token',
    {
      config: publicRateLimit,
      schema: {
        tags: PAGE,
        summary: 'Confirm unsubscribing (HTML form, public; CSRF-checked)',
        params: TokenParams,
        body: Type.Object({ _csrf: Type.Optional(Type.String()) }),
        produces: ['text/html'],
      },
    },
    async (request, reply) => {
      const { token } = request.params as { token: string };
      const target = await resolveToken(token, unsubscribe);
      return sendUnsubscribePage(request, reply, target, target ? { state: 'done', orgName: target.orgName } : { state: 'invalid' });
    },
  );

  // RFC 8058 one-click: mail clients POST `List-Unsubscribe=One-Click` here with no cookie and no
  // CSRF token, so the CSRF check is off for this route. That is safe: the unguessable signed
  // token in the path is the credential (a forged request cannot name a message it never saw),
  // and the only effect is adding that message's own address to the suppression list — idempotent,
  // and harmless even if replayed. A GET (link scanners) changes nothing and shows the page.
  // Mail clients may send the body as multipart/form-data: http/upload.ts parses it, and it is not read.

  app.post(
    '/unsubscribe/:token/one-click',
    {
      config: { ...publicRateLimit, csrf: false },
      schema: {
        tags: PAGE,
        summary: 'One-click unsubscribe (RFC 8058), POSTed by mail clients from the List-Unsubscribe header',
        params: TokenParams,
      },
    },
    async (request, reply) => {
      const { token } = request.params as { token: string };
      const target = await resolveToken(token, unsubscribe);
      if (!target) return reply.code(404).type('text/plain; charset=utf-8').send('Not a valid unsubscribe link.\n');
      return reply.code(200).type('text/plain; charset=utf-8').send('Unsubscribed.\n');
    },
  );

  app.get(
    '/unsubscribe/:token/one-click',
    { config: publicRateLimit, schema: { tags: PAGE, summary: 'Opened in a browser: goes to the unsubscribe page', params: TokenParams } },
    async (request, reply) => {
      const { token } = request.params as { token: string };
      return reply.redirect(`/unsubscribe/${encodeURIComponent(token)}`, 303);
    },
  );
};
