// The server side of the submission benchmarks, run as its own process by submission-server.ts so
// that the load generator (autocannon, in the parent) never shares the server's event loop. It
// creates a throw-away PostgreSQL database, starts the server behind a trusted proxy as in
// production (TRACER_SECURE_COOKIES), publishes an end-of-activity survey with a collection link,
// tells the parent where to post (IPC), and answers `count` (responses stored), `usage` (CPU time
// used so far by this process and by its database connections), `analyze` (planner statistics) and `close`.
// BENCH_SERVER_PROFILE_DIR (read by the parent) starts it with `node --cpu-prof` into that folder.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { loadConfig } from '../src/config.ts';
import { openDatabase, rows } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { buildServer } from '../src/http/server.ts';
import { createPostgresDatabase } from '../src/testing/database.ts';
import { createTestOrg, TestClient } from '../src/testing/http.ts';
import { benchDatabaseUrl, type ServerMessage, type ParentMessage } from './submission-server.ts';

const send = (message: ServerMessage) => process.send!(message);

const { url, drop } = await createPostgresDatabase(benchDatabaseUrl);
const database = await openDatabase({ kind: 'postgres', url });
let app: Awaited<ReturnType<typeof buildServer>> | undefined;
const close = async () => {
  await app?.close();
  await database.close();
  await drop();
};

async function publishSurvey(): Promise<{ serverUrl: string; orgId: string; token: string }> {
  await migrate(database);
  app = await buildServer({ database, config: { ...loadConfig({}), database: { kind: 'postgres', url }, secureCookies: true } });
  const org = await createTestOrg(database, 'bench');
  await app.listen({ port: 0, host: '127.0.0.1' });
  const serverUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const evaluator = await TestClient.signedIn(serverUrl, org.emails.evaluator);
  const created = await evaluator.post<{ id: string }>('/api/instruments/standard', { standard: 'end_of_activity' });
  await evaluator.post(`/api/instruments/${created.body.id}/versions`);
  const activity = await evaluator.post<{ id: string }>('/api/activities', { code: 'BENCH-1', title: 'Benchmark activity', modality: 'webinar' });
  const { token } = (await evaluator.post<{ token: string }>(`/api/instruments/${created.body.id}/links`, { activityId: activity.body.id })).body;
  return { serverUrl, orgId: org.id, token };
}

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

/**
 * CPU time of the backends serving this database (the server's pool), read from /proc: only when
 * PostgreSQL runs on this Linux machine, else null. Linux counts it in ticks of 10 ms.
 */
async function databaseCpuMs(): Promise<number | null> {
  const backends = await rows<{ pid: number }>(database.system, sql`select pid from pg_stat_activity where datname = current_database() and backend_type = 'client backend' and pid <> pg_backend_pid()`);
  try {
    return backends.reduce((sum, { pid }) => {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return sum + (Number(fields[11]) + Number(fields[12])) * 10;
    }, 0);
  } catch {
    return null;
  }
}

try {
  const { serverUrl, orgId, token } = await publishSurvey();
  process.on('message', async (message: ParentMessage) => {
    if (message === 'count') {
      const [row] = await rows<{ n: number }>(database.system, sql`select count(*)::int as n from responses where org_id = ${orgId}`);
      send({ stored: row!.n });
    } else if (message === 'usage') {
      send({ serverCpuMs: cpuMs(process.cpuUsage()), databaseCpuMs: await databaseCpuMs() });
    } else if (message === 'analyze') {
      await database.system.execute(sql`analyze`);
      send({ analyzed: true });
    } else if (message === 'close') {
      await close();
      process.exit(0);
    }
  });
  send({ url: serverUrl, token });
} catch (error) {
  await close();
  throw error;
}
