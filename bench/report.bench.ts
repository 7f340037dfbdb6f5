// Benchmark (not a test): the full evaluation report (/report over real HTTP: nine engine statements
// — the period, six disaggregations, two earlier periods —, response rates, activities, coded
// evidence and quotes, findings, the charts and the document) over about 1,000,000 answer rows
// (BENCH_ANSWERS) on PostgreSQL, for one year, a biennium under a programme, and the same year
// printed to PDF by chromium.
//   npm run bench report              (BENCH_ANSWERS=1000000; BENCH_RUNS=3)
// Uses a fresh database on the server of BENCH_DATABASE_URL (default postgres://root@127.0.0.1:5432/postgres),
// dropped afterwards. Goal at 1M: the HTML report under 5 s.
import { performance } from 'node:perf_hooks';
import { addMember } from '../src/accounts/service.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPostgresDatabase } from '../src/testing/database.ts';
import { startTestServer, TEST_PASSWORD, TestClient } from '../src/testing/http.ts';
import { isChromiumInstalled } from '../src/web/chromium.ts';
import { activityCount, generate } from './analytics-data.ts';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
const views = ['/report?period=2023', '/report?period=2022-2023&programme=programme_3', ...(isChromiumInstalled() ? ['/report.pdf?period=2023'] : [])];
const GOAL_MS = 5000;

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
        const response = await client.bytes(view);
        const elapsed = performance.now() - begun;
        if (response.status !== 200) throw new Error(`${view}: ${response.status} ${Buffer.from(response.bytes).toString('utf8', 0, 300)}`);
        bytes = response.bytes.byteLength;
        if (i > 0) times.push(elapsed); // the first is a warm-up
      }
      times.sort((a, b) => a - b);
      const median = times[Math.floor(times.length / 2)]!;
      if (!view.includes('.pdf') && median > GOAL_MS) failed = true;
      process.stdout.write(`  ${view.padEnd(55)} median ${median.toFixed(0).padStart(6)} ms  (min ${times[0]!.toFixed(0)}, max ${times.at(-1)!.toFixed(0)}; ${Math.round(bytes / 1024)} KiB)\n`);
    }
  } finally {
    await server.close();
  }
} finally {
  await database.close();
  await drop();
}
if (failed) {
  process.stdout.write(`An HTML report took more than ${GOAL_MS / 1000} s.\n`);
  process.exitCode = 1;
}
