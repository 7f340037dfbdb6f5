import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig, ConfigError } from '../config.ts';
import type { Database } from '../db/database.ts';
import { enqueueMessage } from '../messaging/service.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, type TestServer } from '../testing/http.ts';

const TOKEN = 'metrics-token-for-tests-0123456789';

describe('/metrics', () => {
  let database: Database;
  let on: TestServer;
  let off: TestServer;

  before(async () => {
    database = await createTestDatabase();
    on = await startTestServer(database, { metricsToken: TOKEN });
    off = await startTestServer(database);
  });
  after(async () => {
    await on.close();
    await off.close();
    await database.close();
  });

  const scrape = (server: TestServer, authorization?: string) =>
    fetch(`${server.url}/metrics`, { headers: authorization ? { authorization } : {} });

  it('is off without TRACER_METRICS_TOKEN, and says how to turn it on', async () => {
    const response = await scrape(off, `Bearer ${TOKEN}`);
    assert.equal(response.status, 404);
    assert.match(await response.text(), /TRACER_METRICS_TOKEN/);
  });

  it('refuses anonymous scrapers and wrong tokens', async () => {
    assert.equal((await scrape(on)).status, 401);
    assert.equal((await scrape(on, `Bearer ${TOKEN}x`)).status, 401);
    assert.equal((await scrape(on, TOKEN)).status, 401);
  });

  it('reports requests by route pattern, latency, the mail queue and connections', async () => {
    await fetch(`${on.url}/health`);
    await fetch(`${on.url}/catalogue?q=secret-query-text`);
    const org = await createTestOrg(database, 'metrics-org');
    await database.withOrg(org.id, (tx) =>
      enqueueMessage(tx, { kind: 'notice', to: 'someone@example.net', language: 'en', subject: 'Hello', text: 'Hello', dedupeKey: 'metrics-1' }),
    );

    const response = await scrape(on, `Bearer ${TOKEN}`);
    assert.equal(response.status, 200);
    assert.match(response.headers.get('content-type') ?? '', /text\/plain/);
    const text = await response.text();
    assert.match(text, /tracer_http_requests_total\{method="GET",route="\/health",status="200"\} 1/);
    assert.match(text, /tracer_http_request_duration_seconds_count\{method="GET",route="\/health"\} 1/);
    assert.match(text, /^tracer_mail_queue_depth 1$/m);
    assert.match(text, /tracer_mail_messages\{status="queued"\} 1/);
    assert.match(text, /tracer_database_connections\{state="total"\} [1-9]/);
    assert.match(text, /tracer_process_cpu_seconds_total/);
    assert.doesNotMatch(text, /secret-query-text|someone@example\.net/, 'no query strings or addresses in metrics');
  });

  it('refuses a short token at start-up', () => {
    assert.throws(() => loadConfig({ TRACER_METRICS_TOKEN: 'short' }), ConfigError);
  });
});
