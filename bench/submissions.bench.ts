// Submissions per second over HTTP on PostgreSQL with 100 concurrent clients, and page weight.
// Standalone: `npx tsx bench/submissions.bench.ts` (BENCH_SECONDS, default 15; needs
// TEST_DATABASE_URL or DATABASE_URL naming a PostgreSQL server; a throw-away database is used).
// Respondents answer from their own phones, so each request comes from its own address: the server
// runs behind a proxy (trustProxy, as in production with TRACER_SECURE_COOKIES) and every request
// carries its own X-Forwarded-For, so the per-address rate limit stays on and is paid for, but does
// not turn the run into a measure of 429 answers. Only 2xx answers count as submissions.
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPostgresDatabase } from '../src/testing/database.ts';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../src/config.ts';
import { buildServer } from '../src/http/server.ts';
import { createTestOrg, TestClient } from '../src/testing/http.ts';

const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
const seconds = Number(process.env.BENCH_SECONDS ?? 15);

const { url, drop } = await createPostgresDatabase(serverUrl);
const database = await openDatabase({ kind: 'postgres', url });
await migrate(database);
const org = await createTestOrg(database, 'bench');
const app = await buildServer({ database, config: { ...loadConfig({}), database: { kind: 'postgres', url }, secureCookies: true } });
await app.listen({ port: 0, host: '127.0.0.1' });
const server = { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
let respondent = 0;
const nextAddress = () => {
  respondent++;
  return `10.${(respondent >> 16) & 255}.${(respondent >> 8) & 255}.${respondent & 255}`;
};
try {
  const evaluator = await TestClient.signedIn(server.url, org.emails.evaluator);
  const created = await evaluator.post<{ id: string }>('/api/instruments/standard', { standard: 'end_of_activity' });
  await evaluator.post(`/api/instruments/${created.body.id}/versions`);
  const activity = await evaluator.post<{ id: string }>('/api/activities', { code: 'BENCH-1', title: 'Benchmark activity', modality: 'webinar' });
  const { token } = (await evaluator.post<{ token: string }>(`/api/instruments/${created.body.id}/links`, { activityId: activity.body.id })).body;
  const answers = { eoa_relevance: 'agree', eoa_theory_practice: 'neutral', eoa_can_apply: 'strongly_agree', eoa_needs_met: 'fully', eoa_overall: 4, eoa_comments: 'Useful.' };

  const result = await autocannon({
    url: `${server.url}/r/${token}/submissions`,
    connections: 100,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest: (request) => ({
          ...request,
          headers: { 'content-type': 'application/json', 'x-forwarded-for': nextAddress() },
          body: JSON.stringify({ clientSubmissionId: randomUUID(), answers, final: true }),
        }),
      },
    ],
  });
  const anonymous = new TestClient(server.url);
  const parts = await Promise.all([`/r/${token}`, '/assets/tracer.css', '/assets/respondent.css', '/assets/respondent.js'].map((path) => anonymous.get(path)));
  const raw = parts.reduce((sum, part) => sum + Buffer.byteLength(part.text), 0);
  const gzipped = parts.reduce((sum, part) => sum + gzipSync(part.text).length, 0);
  const report = {
    submissionsPerSecond: Math.round(result['2xx'] / result.duration),
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    pageWeightBytes: raw,
    pageWeightGzipBytes: gzipped,
    goals: { submissionsPerSecond: 1000, p99Ms: 50, pageWeightBytes: 30 * 1024 },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await server.close();
  await database.close();
  await drop();
}
