// Per-request context: who is asking (session cookie or API token), in which language, and the
// one way route handlers reach organisation data: `request.inOrg(...)`, which opens a tenant
// transaction confined by row-level security to the caller's organisation.
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { memberRoles, type MemberRole } from '../accounts/schema.ts';
import { resolveApiToken, resolveSession, type Actor } from '../accounts/service.ts';
import type { Database, Tx } from '../db/database.ts';
import { isLang, negotiateLanguage, translator, type Lang, type Translate } from '../web/i18n/index.ts';
import type { PageContext } from '../web/page.tsx';
import { Problem } from './problem.ts';

export const SESSION_COOKIE = 'tracer_session';
export const LANGUAGE_COOKIE = 'tracer_lang';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | undefined;
    /** How the actor was authenticated; cookie-authenticated writes need a CSRF token. */
    authenticatedBy: 'session' | 'token' | undefined;
    lang: Lang;
    t: Translate;
    /** Runs `work` in one transaction confined to the caller's organisation. 401 when anonymous. */
    inOrg<T>(work: (tx: Tx, actor: Actor) => Promise<T>): Promise<T>;
    pageContext(reply: FastifyReply): PageContext;
  }
}

export const requestContext = fp(
  async (app: FastifyInstance, { database }: { database: Database }) => {
    app.decorateRequest('actor', undefined);
    app.decorateRequest('authenticatedBy', undefined);
    app.decorateRequest('lang', 'en');
    app.decorateRequest('t', translator('en'));
    app.decorateRequest('inOrg', function inOrg<T>(this: FastifyRequest, work: (tx: Tx, actor: Actor) => Promise<T>) {
      const actor = this.actor;
      if (!actor) return Promise.reject(Problem.unauthorized());
      return database.withOrg(actor.orgId, (tx) => work(tx, actor));
    });
    app.decorateRequest('pageContext', function pageContext(this: FastifyRequest, reply: FastifyReply): PageContext {
      return { t: this.t, lang: this.lang, actor: this.actor, csrfToken: csrfToken(this, reply), url: this.url };
    });

    app.addHook('onRequest', async (request, reply) => {
      setLanguage(request, reply);
      await authenticate(request, database);
    });
  },
  { name: 'request-context', dependencies: ['@fastify/cookie'] },
);

/** A CSRF token bound to the request's session (or to "no session" before sign-in). */
export function csrfToken(request: FastifyRequest, reply: FastifyReply): string {
  return reply.generateCsrf({ userInfo: csrfUserInfo(request) });
}

export function csrfUserInfo(request: FastifyRequest): string {
  return request.cookies[SESSION_COOKIE] || 'no-session';
}

function setLanguage(request: FastifyRequest, reply: FastifyReply): void {
  const fromQuery = (request.query as Record<string, unknown> | undefined)?.lang;
  let lang: Lang;
  if (isLang(fromQuery)) {
    lang = fromQuery;
    if (request.cookies[LANGUAGE_COOKIE] !== fromQuery) {
      reply.setCookie(LANGUAGE_COOKIE, fromQuery, { path: '/', sameSite: 'lax', maxAge: 365 * 86_400 });
    }
  } else {
    const fromCookie = request.cookies[LANGUAGE_COOKIE];
    lang = isLang(fromCookie) ? fromCookie : negotiateLanguage(request.headers['accept-language']);
  }
  request.lang = lang;
  request.t = translator(lang);
}

async function authenticate(request: FastifyRequest, database: Database): Promise<void> {
  if (request.routeOptions.config?.authenticatesItself) return;
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const actor = match ? await resolveApiToken(database.system, match[1]!) : undefined;
    if (!actor) throw Problem.unauthorized('The API token is not valid or has been revoked');
    request.actor = actor;
    request.authenticatedBy = 'token';
    return;
  }
  const sessionToken = request.cookies[SESSION_COOKIE];
  if (sessionToken) {
    const actor = await resolveSession(database.system, sessionToken);
    if (actor) {
      request.actor = actor;
      request.authenticatedBy = 'session';
    }
  }
}

/** The roles each guard made by `requireRole` lets through, so the route table can say who may call what. */
const rolesOfGuard = new WeakMap<object, readonly MemberRole[]>();

/** preHandler: the caller must be signed in with one of `roles` (any role when empty). */
export function requireRole(...roles: MemberRole[]): preHandlerHookHandler {
  const guard: preHandlerHookHandler = async (request) => {
    if (!request.actor) throw Problem.unauthorized();
    if (roles.length > 0 && !roles.includes(request.actor.role)) {
      throw Problem.forbidden(`This needs one of the roles: ${roles.join(', ')}`);
    }
  };
  rolesOfGuard.set(guard, roles.length > 0 ? roles : memberRoles);
  return guard;
}

/** The roles a route's preHandler(s) let through, or undefined when no `requireRole` guards it. */
export function rolesAllowedBy(preHandler: unknown): readonly MemberRole[] | undefined {
  const guards = [preHandler].flat().filter((handler): handler is object => typeof handler === 'function');
  return guards.map((guard) => rolesOfGuard.get(guard)).find((roles) => roles !== undefined);
}

export function requireActor(request: FastifyRequest): Actor {
  if (!request.actor) throw Problem.unauthorized();
  return request.actor;
}
