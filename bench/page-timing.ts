// Shared by the dashboard and report benchmarks: a throw-away PostgreSQL database filled with about
// 1,000,000 answer rows (analytics-data.ts), a real server, a signed-in viewer, and the median time
// of each page over BENCH_RUNS requests after one warm-up.
import { performance } from 'node:perf_hooks';
import { addMember } from '../src/accounts/service.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPostgresDatabase } from '../src/testing/database.ts';
import { startTestServer, TEST_PASSWORD, TestClient } from '../src/testing/http.ts';
import { activityCount, generate } from './analytics-data.ts';

export interface PageTiming {
  view: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  bytes: number;
}

/** Times each view (a path with its query) as a viewer of the generated organisation; prints and returns the medians. */
export async function timePages(views: string[], runs: number): Promise<PageTiming[]> {
  const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
  const { url, drop } = await createPostgresDatabase(serverUrl);
  const database = await openDatabase({ kind: 'postgres', url });
  try {
    await migrate(database);
    const started = performance.now();
    const { orgId, answers } = await generate(database);
    process.stdout.write(`PostgreSQL: ${answers.toLocaleString('en')} answer rows (${activityCount} activities) generated in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
    await addMember(database.system, orgId, { email: 'viewer@bench.test', role: 'viewer', password: TEST_PASSWORD });
    const server = await startTestServer(database);
    try {
      const client = await TestClient.signedIn(server.url, 'viewer@bench.test');
      const width = Math.max(...views.map((view) => view.length)) + 2;
      const timings: PageTiming[] = [];
      for (const view of views) {
        const timing = await timePage(client, view, runs);
        process.stdout.write(`  ${view.padEnd(width)} median ${timing.medianMs.toFixed(0).padStart(6)} ms  (min ${timing.minMs.toFixed(0)}, max ${timing.maxMs.toFixed(0)}; ${Math.round(timing.bytes / 1024)} KiB)\n`);
        timings.push(timing);
      }
      return timings;
    } finally {
      await server.close();
    }
  } finally {
    await database.close();
    await drop();
  }
}

async function timePage(client: TestClient, view: string, runs: number): Promise<PageTiming> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i <= runs; i++) {
    const begun = performance.now();
    const response = await client.bytes(view);
    const elapsed = performance.now() - begun;
    if (response.status !== 200) throw new Error(`${view}: ${response.status} ${Buffer.from(response.bytes).toString('utf8', 0, 300)}`);
    bytes = response.bytes.byteLength;
    if (i > 0) times.push(elapsed); // the first is a warm-up
  }
  times.sort((a, b) => a - b);
  return { view, medianMs: times[Math.floor(times.length / 2)]!, minMs: times[0]!, maxMs: times.at(-1)!, bytes };
}
