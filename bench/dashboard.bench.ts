// Benchmark (not a test): the dashboard page (/dashboard, over real HTTP: four engine statements, the
// charts drawn by Observable Plot, the page rendered) over about 1,000,000 answer rows (BENCH_ANSWERS) on
// PostgreSQL, for three views: the default (every year, every indicator), one year disaggregated by gender,
// and one year under a programme and a modality.
//   npm run bench dashboard           (BENCH_ANSWERS=1000000; BENCH_RUNS=5)
// Uses a fresh database on the server of BENCH_DATABASE_URL or DATABASE_URL (default postgres://root@127.0.0.1:5432/postgres), dropped
// afterwards. Goal at 1M: a view under 1 s.
import { performance } from 'node:perf_hooks';
import { addMember } from '../src/accounts/service.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPostgresDatabase } from '../src/testing/database.ts';
import { startTestServer, TEST_PASSWORD, TestClient } from '../src/testing/http.ts';
import { activityCount, generate } from './analytics-data.ts';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
const views = ['/dashboard', '/dashboard?period=2023&by=gender', '/dashboard?period=2023&programme=programme_3&modality=blended'];

const { url, drop } = await createPostgresDatabase(serverUrl);
const database = await openDatabase({ kind: 'postgres', url });
let failed = false;
try {
  await migrate(database);
  const started = performance.now();
  const { orgId, answers } = await generate(database);
  process.stdout.write(`PostgreSQL: ${answers.toLocaleString('en')} answer rows (${activityCount} activities) generated in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  await addMember(database.system, orgId, { email: 'viewer@bench.test', role: 'viewer', password: TEST_PASSWORD });
  const server = await startTestServer(database);
  try {
    const client = await TestClient.signedIn(server.url, 'viewer@bench.test');
    for (const view of views) {
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i <= runs; i++) {
        const begun = performance.now();
        const response = await client.request<string>('GET', view);
        const elapsed = performance.now() - begun;
        if (response.status !== 200) throw new Error(`${view}: ${response.status} ${response.text.slice(0, 300)}`);
        bytes = response.text.length;
        if (i > 0) times.push(elapsed); // the first is a warm-up
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)]!;
      if (median > 1000) failed = true;
      process.stdout.write(`  ${view.padEnd(70)} median ${median.toFixed(0).padStart(6)} ms  (min ${times[0]!.toFixed(0)}, max ${times.at(-1)!.toFixed(0)}; ${Math.round(bytes / 1024)} KiB)\n`);
    }
  } finally {
    await server.close();
  }
} finally {
  await database.close();
  await drop();
}
if (failed) {
  process.stdout.write('A dashboard view took more than 1 s.\n');
  process.exitCode = 1;
}
