// Sign-in, sign-out, members, API tokens and the audit log: pages and JSON API.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { Problem } from '../http/problem.ts';
import { csrfToken, requireRole, SESSION_COOKIE } from '../http/request-context.ts';
import { staffSecurity, Uuid } from '../http/schemas.ts';
import { auditPage, loginPage, membersPage, tokensPage } from './pages.tsx';
import { memberRoles } from './schema.ts';
import {
  AccountError,
  changeRole,
  createApiToken,
  listApiTokens,
  listAudit,
  listMembers,
  revokeApiToken,
  signIn,
  signOut,
} from './service.ts';

const RoleSchema = Type.Union(memberRoles.map((role) => Type.Literal(role)));

const ActorSchema = Type.Object({
  userId: Uuid,
  orgId: Uuid,
  role: RoleSchema,
  displayName: Type.String(),
  email: Type.String(),
});
const MemberSchema = Type.Object({ userId: Uuid, email: Type.String(), displayName: Type.String(), role: RoleSchema });
const TokenSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
});
const Credentials = Type.Object({
  email: Type.String({ minLength: 3, maxLength: 320 }),
  password: Type.String({ minLength: 1, maxLength: 1024 }),
});
const LoginForm = Type.Object({
  email: Type.String({ maxLength: 320 }),
  password: Type.String({ maxLength: 1024 }),
  next: Type.Optional(Type.String({ maxLength: 2000 })),
  _csrf: Type.Optional(Type.String()),
});
const loginRateLimit = { rateLimit: { max: 20, timeWindow: '1 minute' } };

const API = ['accounts'];
const PAGE = ['pages'];
const security = staffSecurity;

/** Only same-site paths: never an open redirect. */
function safeNext(next: string | undefined): string {
  return next !== undefined && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

export const accountRoutes: FastifyPluginAsync<{ database: Database; config: Config }> = async (app, { database, config }) => {
  const setSessionCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(SESSION_COOKIE, token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: config.secureCookies,
      maxAge: 14 * 86_400,
    });

  // ------------------------------------------------------------ pages
  app.get(
    '/login',
    { schema: { tags: PAGE, summary: 'Sign-in form (HTML)', querystring: Type.Object({ next: Type.Optional(Type.String()) }) } },
    async (request, reply) => {
      const { next } = request.query as { next?: string };
      if (request.actor) return reply.redirect(safeNext(next), 303);
      return reply.type('text/html; charset=utf-8').send(loginPage(request.pageContext(reply), { next: safeNext(next) }));
    },
  );

  app.post(
    '/login',
    { config: loginRateLimit, schema: { tags: PAGE, summary: 'Sign in from the form (HTML)', body: LoginForm } },
    async (request, reply) => {
      const body = request.body as Static<typeof LoginForm>;
      const result = await signIn(database.system, body.email, body.password);
      if (result.ok) {
        setSessionCookie(reply, result.sessionToken);
        return reply.redirect(safeNext(body.next), 303);
      }
      const t = request.t;
      const error =
        result.reason === 'locked'
          ? t('login.locked', { minutes: Math.ceil((result.retryAfterSeconds ?? 60) / 60) })
          : result.reason === 'no_membership'
            ? t('login.no_membership')
            : t('login.invalid');
      return reply
        .code(result.reason === 'locked' ? 429 : 401)
        .type('text/html; charset=utf-8')
        .send(loginPage(request.pageContext(reply), { next: safeNext(body.next), error, email: body.email }));
    },
  );

  app.post('/logout', { schema: { tags: PAGE, summary: 'Sign out (HTML form)' } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await signOut(database.system, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login', 303);
  });

  app.get(
    '/members',
    { preHandler: requireRole('administrator'), schema: { tags: PAGE, summary: 'Members and roles (HTML)' } },
    async (request, reply) => {
      const members = await request.inOrg((tx) => listMembers(tx));
      return reply.type('text/html; charset=utf-8').send(membersPage(request.pageContext(reply), members));
    },
  );

  app.post(
    '/members/:userId/role',
    {
      preHandler: requireRole('administrator'),
      schema: {
        tags: PAGE,
        summary: 'Change a member role (HTML form)',
        params: Type.Object({ userId: Uuid }),
        body: Type.Object({ role: RoleSchema, _csrf: Type.Optional(Type.String()) }),
      },
    },
    async (request, reply) => {
      const { userId } = request.params as { userId: string };
      const { role } = request.body as { role: (typeof memberRoles)[number] };
      await request.inOrg((tx, actor) => changeRole(tx, actor, userId, role).catch(rethrowAccountError));
      return reply.redirect('/members', 303);
    },
  );

  app.get('/tokens', { preHandler: requireRole(), schema: { tags: PAGE, summary: 'API tokens (HTML)' } }, async (request, reply) => {
    const tokens = await request.inOrg((tx, actor) => listApiTokens(tx, actor));
    return reply.type('text/html; charset=utf-8').send(tokensPage(request.pageContext(reply), tokens));
  });

  app.post(
    '/tokens',
    {
      preHandler: requireRole(),
      schema: {
        tags: PAGE,
        summary: 'Create an API token (HTML form)',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }), _csrf: Type.Optional(Type.String()) }),
      },
    },
    async (request, reply) => {
      const { name } = request.body as { name: string };
      const { token, tokens } = await request.inOrg(async (tx, actor) => {
        const created = await createApiToken(tx, actor, name).catch(rethrowAccountError);
        return { token: created.token, tokens: await listApiTokens(tx, actor) };
      });
      return reply
        .header('cache-control', 'no-store')
        .type('text/html; charset=utf-8')
        .send(tokensPage(request.pageContext(reply), tokens, token));
    },
  );

  app.post(
    '/tokens/:id/revoke',
    {
      preHandler: requireRole(),
      schema: { tags: PAGE, summary: 'Revoke an API token (HTML form)', params: Type.Object({ id: Uuid }) },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const revoked = await request.inOrg((tx, actor) => revokeApiToken(tx, actor, id));
      if (!revoked) throw Problem.notFound('No such active token');
      return reply.redirect('/tokens', 303);
    },
  );

  app.get(
    '/audit',
    { preHandler: requireRole('administrator'), schema: { tags: PAGE, summary: 'Audit log (HTML)' } },
    async (request, reply) => {
      const entries = await request.inOrg((tx) => listAudit(tx));
      return reply.type('text/html; charset=utf-8').send(auditPage(request.pageContext(reply), entries));
    },
  );

  // ------------------------------------------------------------ JSON API
  app.post(
    '/api/session',
    {
      config: loginRateLimit,
      schema: {
        tags: API,
        summary: 'Sign in; sets the session cookie',
        body: Credentials,
        response: { 200: Type.Object({ actor: ActorSchema, csrfToken: Type.String() }) },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body as Static<typeof Credentials>;
      const result = await signIn(database.system, email, password);
      if (!result.ok) {
        if (result.reason === 'locked') {
          throw new Problem(429, `Too many failed attempts; try again in ${result.retryAfterSeconds} seconds`);
        }
        throw Problem.unauthorized(result.reason === 'no_membership' ? 'This account belongs to no organisation' : 'Wrong e-mail or password');
      }
      setSessionCookie(reply, result.sessionToken);
      request.cookies[SESSION_COOKIE] = result.sessionToken; // the CSRF token below is bound to the new session
      return { actor: result.actor, csrfToken: csrfToken(request, reply) };
    },
  );

  app.delete(
    '/api/session',
    { schema: { tags: API, summary: 'Sign out', security, response: { 204: Type.Null() } } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await signOut(database.system, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/me',
    { preHandler: requireRole(), schema: { tags: API, summary: 'The signed-in user', security, response: { 200: ActorSchema } } },
    async (request) => request.actor!,
  );

  app.get(
    '/api/members',
    {
      preHandler: requireRole('administrator'),
      schema: { tags: API, summary: 'Members of the organisation', security, response: { 200: Type.Array(MemberSchema) } },
    },
    async (request) => request.inOrg((tx) => listMembers(tx)),
  );

  app.patch(
    '/api/members/:userId',
    {
      preHandler: requireRole('administrator'),
      schema: {
        tags: API,
        summary: "Change a member's role (audit-logged)",
        security,
        params: Type.Object({ userId: Uuid }),
        body: Type.Object({ role: RoleSchema }),
        response: { 200: MemberSchema },
      },
    },
    async (request) => {
      const { userId } = request.params as { userId: string };
      const { role } = request.body as { role: (typeof memberRoles)[number] };
      return request.inOrg((tx, actor) => changeRole(tx, actor, userId, role).catch(rethrowAccountError));
    },
  );

  app.get(
    '/api/tokens',
    { preHandler: requireRole(), schema: { tags: API, summary: 'Your API tokens', security, response: { 200: Type.Array(TokenSchema) } } },
    async (request) => request.inOrg((tx, actor) => listApiTokens(tx, actor)),
  );

  app.post(
    '/api/tokens',
    {
      preHandler: requireRole(),
      schema: {
        tags: API,
        summary: 'Create an API token; the secret is returned once',
        security,
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 100 }) }),
        response: { 201: Type.Object({ token: Type.String(), summary: TokenSchema }) },
      },
    },
    async (request, reply) => {
      const { name } = request.body as { name: string };
      const created = await request.inOrg((tx, actor) => createApiToken(tx, actor, name).catch(rethrowAccountError));
      return reply.code(201).header('cache-control', 'no-store').send(created);
    },
  );

  app.delete(
    '/api/tokens/:id',
    {
      preHandler: requireRole(),
      schema: { tags: API, summary: 'Revoke an API token', security, params: Type.Object({ id: Uuid }), response: { 204: Type.Null() } },
    },
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const revoked = await request.inOrg((tx, actor) => revokeApiToken(tx, actor, id));
      if (!revoked) throw Problem.notFound('No such active token');
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/audit',
    {
      preHandler: requireRole('administrator'),
      schema: {
        tags: API,
        summary: 'Audit log of sensitive actions (latest first)',
        security,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })) }),
        response: {
          200: Type.Array(
            Type.Object({
              at: Type.String({ format: 'date-time' }),
              actorUserId: Type.Union([Uuid, Type.Null()]),
              action: Type.String(),
              target: Type.Union([Type.String(), Type.Null()]),
              details: Type.Record(Type.String(), Type.Unknown()),
            }),
          ),
        },
      },
    },
    async (request) => {
      const { limit } = request.query as { limit?: number };
      return request.inOrg((tx) => listAudit(tx, limit));
    },
  );
};

function rethrowAccountError(error: unknown): never {
  if (error instanceof AccountError) throw new Problem(422, error.message, error.field ? [{ field: `body/${error.field}`, message: error.message }] : undefined);
  throw error;
}
