// Submissions per second over HTTP on PostgreSQL with 100 concurrent clients, and page weight.
// Standalone: `npx tsx bench/submissions.bench.ts` (BENCH_SECONDS, default 15; needs
// TEST_DATABASE_URL or DATABASE_URL naming a PostgreSQL server; a throw-away database is used).
import autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPostgresDatabase } from '../src/testing/database.ts';
import { createTestOrg, startTestServer, TestClient } from '../src/testing/http.ts';

const serverUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
const seconds = Number(process.env.BENCH_SECONDS ?? 15);

const { url, drop } = await createPostgresDatabase(serverUrl);
const database = await openDatabase({ kind: 'postgres', url });
await migrate(database);
const org = await createTestOrg(database, 'bench');
const server = await startTestServer(database);
try {
  const evaluator = await TestClient.signedIn(server.url, org.emails.evaluator);
  const created = await evaluator.post<{ id: string }>('/api/instruments/standard', { standard: 'end_of_activity' });
  await evaluator.post(`/api/instruments/${created.body.id}/versions`);
  const { token } = (await evaluator.post<{ token: string }>(`/api/instruments/${created.body.id}/links`, { activityId: randomUUID() })).body;
  const answers = { eoa_relevance: 'agree', eoa_theory_practice: 'neutral', eoa_can_apply: 'strongly_agree', eoa_needs_met: 'fully', eoa_overall: 4, eoa_comments: 'Useful.' };

  const result = await autocannon({
    url: `${server.url}/r/${token}/submissions`,
    connections: 100,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ clientSubmissionId: randomUUID(), answers, final: true }) }),
      },
    ],
  });
  const anonymous = new TestClient(server.url);
  const parts = await Promise.all([`/r/${token}`, '/assets/tracer.css', '/assets/respondent.css', '/assets/respondent.js'].map((path) => anonymous.get(path)));
  const raw = parts.reduce((sum, part) => sum + Buffer.byteLength(part.text), 0);
  const gzipped = parts.reduce((sum, part) => sum + gzipSync(part.text).length, 0);
  const report = {
    submissionsPerSecond: Math.round(result.requests.average),
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
