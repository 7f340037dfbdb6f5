// The HTTP shell: builds the Fastify app, installs the cross-cutting plugins (security headers,
// cookies, CSRF, rate limits, OpenAPI, errors, request context) and mounts each domain's routes.
// Domain rules live in the domain folders; nothing here knows about catalogues or surveys.
import { readFileSync } from 'node:fs';
import cookie from '@fastify/cookie';
import csrf from '@fastify/csrf-protection';
import formbody from '@fastify/formbody';
import compress from '@fastify/compress';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyContextConfig,
  type FastifySchema,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import { sql } from 'drizzle-orm';
import { accountRoutes } from '../accounts/routes.ts';
import { catalogueRoutes } from '../catalogue/routes.ts';
import { importRoutes } from '../imports/routes.ts';
import { peopleRoutes } from '../people/routes.ts';
import { analyticsRoutes } from '../analytics/routes.ts';
import { instrumentRoutes } from '../instruments/routes.ts';
import { responseRoutes } from '../responses/routes.ts';
import { privacyRoutes } from '../privacy/routes.ts';
import { activityLabelsFromCatalogue, resourcePersonsFromEnrolments } from '../people/directory.ts';
import type { MemberRole } from '../accounts/schema.ts';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import { instanceSecret } from '../db/instance-settings.ts';
import { messagingRoutes } from '../messaging/routes.ts';
import { homeRoutes } from '../web/home.tsx';
import { evaluationRoutes } from '../evaluations/routes.ts';
import { evidenceRoutes } from '../evidence/routes.ts';
import { engineIndicatorResults } from '../analytics/indicator-source.ts';
import { wavePersonalLinks } from '../waves/personal-links.ts';
import { waveRoutes } from '../waves/routes.ts';
import { dashboardRoutes } from '../dashboard/routes.ts';
import { reportRoutes } from '../report/routes.ts';
import { renderErrorPage } from '../web/error-page.tsx';
import { Problem, toProblem } from './problem.ts';
import { csrfUserInfo, requestContext, rolesAllowedBy, SESSION_COOKIE } from './request-context.ts';
import { registerUploads } from './upload.ts';
import { registerMetrics } from './metrics.ts';

export interface AppDependencies {
  database: Database;
  config: Config;
  logger?: FastifyBaseLogger | boolean;
  /** Largest uploaded file in bytes (default MAX_UPLOAD_BYTES); tests lower it. */
  uploadLimitBytes?: number;
}

export type App = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

const stylesheet = readFileSync(new URL('../web/assets/tracer.css', import.meta.url));

/** Request fields that may be logged: never the query string, cookies or authorization. */
export const requestSerializer = (request: FastifyRequest) => ({
  id: request.id,
  method: request.method,
  route: request.routeOptions?.url ?? request.url.split('?')[0],
});

export async function buildServer({ database, config, logger = false, uploadLimitBytes }: AppDependencies): Promise<App> {
  const app = Fastify({
    ...(typeof logger === 'object'
      ? { loggerInstance: logger }
      : { logger: logger ? { level: config.logLevel, serializers: { req: requestSerializer } } : false }),
    bodyLimit: 1024 * 1024,
    trustProxy: config.secureCookies,
    ajv: { customOptions: { allErrors: true, coerceTypes: 'array', removeAdditional: false } },
  } as Parameters<typeof Fastify>[0]).withTypeProvider<TypeBoxTypeProvider>() as unknown as App;

  const routeList: RouteSummary[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      routeList.push({ method, url: route.url, hidden: route.schema?.hide === true, roles: rolesAllowedBy(route.preHandler), config: route.config ?? {}, schema: route.schema ?? {} });
    }
  });
  app.decorate('routeList', routeList);

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        objectSrc: ["'none'"],
        upgradeInsecureRequests: null,
      },
    },
    hsts: config.secureCookies,
  });
  // Respondents answer over slow networks: pages, styles and exports travel gzipped when the browser
  // accepts it (gzip only: brotli at its default quality costs too much CPU per dynamic page).
  await app.register(compress, { global: true, encodings: ['gzip'], threshold: 1024 });
  await app.register(cookie);
  await app.register(formbody);
  await registerUploads(app, uploadLimitBytes);
  await app.register(csrf, {
    cookieOpts: { path: '/', sameSite: 'lax', httpOnly: true, secure: config.secureCookies, signed: false },
    getUserInfo: csrfUserInfo,
    getToken: csrfTokenOfRequest,
    csrfOpts: { hmacKey: await instanceSecret(database.system, 'csrf_hmac_key') },
  });
  await app.register(rateLimit, { global: false });
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Tracer API',
        version: '0.1.0',
        description:
          'Catalogue, participants, learning-cycle instruments, indicators and evaluation follow-through. ' +
          'Authenticate with a session cookie (browser) or an API token: `Authorization: Bearer trc_…`. ' +
          'Errors are RFC 9457 problem details.',
      },
      components: {
        securitySchemes: {
          bearerToken: { type: 'http', scheme: 'bearer', description: 'API token created on the API tokens page' },
          sessionCookie: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', staticCSP: true });
  await app.register(requestContext, { database });
  await registerMetrics(app, { database, token: config.metricsToken });

  installErrorHandling(app);
  installCsrfCheck(app);
  installNulGuard(app);
  // Whatever a signed-in user sees may be personal or unpublished: never kept by a shared cache or the browser.
  app.addHook('onSend', async (request, reply) => {
    if (request.actor && !reply.hasHeader('cache-control')) reply.header('cache-control', 'private, no-store');
  });

  app.get('/api/openapi.json', { schema: { tags: ['meta'], summary: 'This API as an OpenAPI 3 document' } }, async () =>
    app.swagger(),
  );
  app.get('/health', { schema: { tags: ['meta'], summary: 'Liveness and database reachability' } }, async (_request, reply) => {
    try {
      await database.system.execute(sql`select 1`);
      return { status: 'ok', database: database.kind };
    } catch {
      return reply.code(503).send({ status: 'unavailable', database: database.kind });
    }
  });
  app.get('/assets/tracer.css', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(stylesheet),
  );

  const deps = { database, config };
  await app.register(accountRoutes, deps);
  await app.register(homeRoutes, deps);
  await app.register(catalogueRoutes, deps);
  await app.register(peopleRoutes, deps);
  await app.register(importRoutes, deps);
  await app.register(analyticsRoutes, deps);
  await app.register(messagingRoutes, deps);
  await app.register(evaluationRoutes, { ...deps, activities: activityLabelsFromCatalogue, indicators: engineIndicatorResults });
  await app.register(instrumentRoutes, deps);
  await app.register(privacyRoutes, deps);
  await app.register(evidenceRoutes, deps);
  await app.register(responseRoutes, { ...deps, resourcePersons: resourcePersonsFromEnrolments, personalLinks: wavePersonalLinks() });
  await app.register(waveRoutes, deps);
  await app.register(dashboardRoutes, deps);
  await app.register(reportRoutes, deps);
  return app;
}

function wantsHtml(request: FastifyRequest): boolean {
  if (request.url.startsWith('/api/')) return false;
  const accept = request.headers.accept ?? '';
  return accept.includes('text/html') || request.method !== 'GET' && (request.headers['content-type'] ?? '').includes('form');
}

function installErrorHandling(app: App): void {
  app.setErrorHandler(async (error, request, reply) => {
    // A path that holds a secret (a link token) is never echoed: the problem names the route instead.
    const instance = request.routeOptions.config?.secretPath ? request.routeOptions.url! : request.url.split('?')[0]!;
    const problem = toProblem(error, instance);
    if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
    if (problem.status === 429 && (error as { headers?: Record<string, string> }).headers) {
      reply.headers((error as { headers: Record<string, string> }).headers);
    }
    return sendProblem(request, reply, problem);
  });
  app.setNotFoundHandler(async (request, reply) =>
    sendProblem(request, reply, toProblem({ statusCode: 404, message: `No route ${request.method} ${request.url.split('?')[0]}` }, request.url.split('?')[0]!)),
  );
}

function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: ReturnType<typeof toProblem>) {
  if (wantsHtml(request)) {
    if (problem.status === 401) return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 303);
    return reply.code(problem.status).type('text/html; charset=utf-8').send(renderErrorPage(request.pageContext(reply), problem));
  }
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

/** The form's `_csrf` field (urlencoded, or a multipart field part) or the x-csrf-token header. */
function csrfTokenOfRequest(request: FastifyRequest): string | undefined {
  const field = (request.body as Record<string, unknown> | undefined)?._csrf;
  const fromBody = typeof field === 'string' ? field : (field as { value?: unknown } | undefined)?.value;
  if (typeof fromBody === 'string') return fromBody;
  const header = request.headers['x-csrf-token'];
  return typeof header === 'string' ? header : undefined;
}

// PostgreSQL text cannot hold U+0000: a NUL anywhere in the path parameters, query string or
// body is refused up front with a 400 naming the field, instead of failing deep in a query.
function installNulGuard(app: App): void {
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [['params', request.params], ['query', request.query], ['body', request.body]] as const) {
      const field = nulField(value, part, new Set(), 0);
      if (field) throw new Problem(400, `${field} must not contain a NUL character (U+0000)`, [{ field, message: 'must not contain a NUL character (U+0000)' }]);
    }
  });
}

function nulField(value: unknown, path: string, seen: Set<object>, depth: number): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object' || seen.has(value) || depth > 32) return undefined;
  if (ArrayBuffer.isView(value) || typeof (value as { pipe?: unknown }).pipe === 'function') return undefined; // file contents and streams
  seen.add(value);
  for (const [key, inner] of Object.entries(value)) {
    const found = nulField(inner, `${path}/${key}`, seen, depth + 1);
    if (found) return found;
  }
  return undefined;
}

// Writes authenticated by the session cookie (or any HTML form post) need a CSRF token;
// API-token calls carry no ambient credential and are exempt.
function installCsrfCheck(app: App): void {
  app.addHook('preHandler', (request, reply, done) => {
    const unsafe = !['GET', 'HEAD', 'OPTIONS'].includes(request.method);
    const contentType = request.headers['content-type'] ?? '';
    const isForm = contentType.startsWith('application/x-www-form-urlencoded') || contentType.startsWith('multipart/form-data');
    const cookieAuthenticated = request.authenticatedBy === 'session';
    if (unsafe && (isForm || cookieAuthenticated) && request.routeOptions.config?.csrf !== false) {
      app.csrfProtection(request, reply, done);
      return;
    }
    done();
  });
}

export interface RouteSummary {
  method: string;
  url: string;
  hidden: boolean;
  /** Who may call it (`requireRole`), or undefined when no role guard is declared. */
  roles: readonly MemberRole[] | undefined;
  config: FastifyContextConfig;
  schema: FastifySchema;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered, for tests that walk them all. */
    routeList: RouteSummary[];
  }
  interface FastifyContextConfig {
    /** Set to false on routes that do their own request authentication (RFC 8058 one-click unsubscribe). */
    csrf?: boolean;
    /** The path carries a secret (a link token): errors show the route pattern, not the path. */
    secretPath?: boolean;
  }
}
