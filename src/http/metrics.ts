// /metrics in the Prometheus text format, for operators. It is off unless TRACER_METRICS_TOKEN is
// set, and then answers only `Authorization: Bearer <that token>`: request counts per route and
// the e-mail outbox say a lot about an organisation's activity, so they are never public.
//
// Counters that only this process sees (requests, latency, submissions accepted) live in memory;
// what the database knows better (outbox depth, e-mails by final status) is read at scrape time,
// so several server processes report the same truth and a restart loses nothing.
import { timingSafeEqual, createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { rows, type Database } from '../db/database.ts';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Set on routes whose successful answer means a survey submission was accepted. */
    countsAsSubmission?: boolean;
    /** The route checks its own credential (a bearer token that is not an API token); no actor is resolved. */
    authenticatesItself?: boolean;
  }
}

export interface MetricsOptions {
  database: Database;
  /** The bearer token a scraper must present; undefined turns /metrics off. */
  token: string | undefined;
}

export async function registerMetrics(app: FastifyInstance, { database, token }: MetricsOptions): Promise<void> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tracer_' });

  const requests = new Counter({
    name: 'tracer_http_requests_total',
    help: 'HTTP requests answered, by method, route pattern and status code',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'tracer_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method and route pattern',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const submissions = new Counter({
    name: 'tracer_submissions_accepted_total',
    help: 'Survey submissions (partial saves and final submits) accepted by this process',
    registers: [registry],
  });
  new Gauge({
    name: 'tracer_mail_queue_depth',
    help: 'E-mails waiting to be sent (queued, retrying, sending or uncertain), all organisations',
    registers: [registry],
    async collect() {
      const [row] = await rows<{ depth: number }>(
        database.system,
        sql`select count(*)::int as depth from outbound_messages where status in ('queued', 'retrying', 'sending', 'uncertain')`,
      );
      this.set(row?.depth ?? 0);
    },
  });
  new Gauge({
    name: 'tracer_mail_messages',
    help: 'E-mails by status (sent, bounced, failed, suppressed…), all organisations',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      const byStatus = await rows<{ status: string; n: number }>(
        database.system,
        sql`select status::text as status, count(*)::int as n from outbound_messages group by status`,
      );
      for (const { status, n } of byStatus) this.set({ status }, n);
    },
  });
  new Gauge({
    name: 'tracer_database_connections',
    help: 'Database connections of this process by state (PostgreSQL pool; PGlite has one in-process connection)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const stats = database.connectionStats();
      this.set({ state: 'total' }, stats.total);
      this.set({ state: 'idle' }, stats.idle);
      this.set({ state: 'waiting' }, stats.waiting);
    },
  });

  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    latency.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    if (request.routeOptions.config?.countsAsSubmission && reply.statusCode < 400) submissions.inc();
  });

  app.get('/metrics', { config: { authenticatesItself: true }, schema: { hide: true } }, async (request, reply) => {
    if (token === undefined) return reply.code(404).type('text/plain').send('Metrics are off: set TRACER_METRICS_TOKEN to turn them on.\n');
    if (!presentsToken(request, token)) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').type('text/plain').send('Send Authorization: Bearer <TRACER_METRICS_TOKEN>.\n');
    }
    return sendMetrics(reply, registry);
  });
}

function presentsToken(request: FastifyRequest, token: string): boolean {
  const header = request.headers.authorization ?? '';
  const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  // Compare digests so that the comparison takes the same time whatever the lengths.
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(presented), digest(token));
}

async function sendMetrics(reply: FastifyReply, registry: Registry) {
  return reply.type(registry.contentType).header('cache-control', 'no-store').send(await registry.metrics());
}
