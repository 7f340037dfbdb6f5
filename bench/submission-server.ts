// Shared set-up of the submission benchmarks (submissions.bench.ts, load.bench.ts): a throw-away
// PostgreSQL database, a server behind a trusted proxy as in production (TRACER_SECURE_COOKIES),
// a published end-of-activity survey with a collection link, and autocannon requests that each
// come from their own address (X-Forwarded-For), so that the per-address rate limit stays on and
// is paid for without turning the run into a measure of 429 answers.
import type autocannon from 'autocannon';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config.ts';
import { openDatabase, rows, type Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { buildServer } from '../src/http/server.ts';
import { createPostgresDatabase } from '../src/testing/database.ts';
import { createTestOrg, TestClient } from '../src/testing/http.ts';

export const benchDatabaseUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

export interface SubmissionBench {
  url: string;
  database: Database;
  /** The collection link's token: respondents post to `/r/${token}/submissions`. */
  token: string;
  /** One autocannon request: a new final submission with a fresh id, from a new address. */
  requests: autocannon.Request[];
  /** Responses stored in the database. */
  storedResponses(): Promise<number>;
  close(): Promise<void>;
}

export async function startSubmissionBench(): Promise<SubmissionBench> {
  const { url, drop } = await createPostgresDatabase(benchDatabaseUrl);
  const database = await openDatabase({ kind: 'postgres', url });
  await migrate(database);
  const org = await createTestOrg(database, 'bench');
  const app = await buildServer({ database, config: { ...loadConfig({}), database: { kind: 'postgres', url }, secureCookies: true } });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const serverUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const close = async () => {
    await app.close();
    await database.close();
    await drop();
  };
  try {
    const evaluator = await TestClient.signedIn(serverUrl, org.emails.evaluator);
    const created = await evaluator.post<{ id: string }>('/api/instruments/standard', { standard: 'end_of_activity' });
    await evaluator.post(`/api/instruments/${created.body.id}/versions`);
    const activity = await evaluator.post<{ id: string }>('/api/activities', { code: 'BENCH-1', title: 'Benchmark activity', modality: 'webinar' });
    const { token } = (await evaluator.post<{ token: string }>(`/api/instruments/${created.body.id}/links`, { activityId: activity.body.id })).body;
    const answers = { eoa_relevance: 'agree', eoa_theory_practice: 'neutral', eoa_can_apply: 'strongly_agree', eoa_needs_met: 'fully', eoa_overall: 4, eoa_comments: 'Useful.' };
    let respondent = 0;
    const nextAddress = () => {
      respondent++;
      return `10.${(respondent >> 16) & 255}.${(respondent >> 8) & 255}.${respondent & 255}`;
    };
    const requests: autocannon.Request[] = [
      {
        method: 'POST',
        setupRequest: (request) => ({
          ...request,
          headers: { 'content-type': 'application/json', 'x-forwarded-for': nextAddress() },
          body: JSON.stringify({ clientSubmissionId: randomUUID(), answers, final: true }),
        }),
      },
    ];
    const storedResponses = async () => {
      const [row] = await rows<{ n: number }>(database.system, sql`select count(*)::int as n from responses where org_id = ${org.id}`);
      return row!.n;
    };
    return { url: serverUrl, database, token, requests, storedResponses, close };
  } catch (error) {
    await close();
    throw error;
  }
}
