// Benchmark (not a test): the dashboard page (/dashboard, over real HTTP: four engine statements, the
// charts drawn by Observable Plot, the page rendered) over about 1,000,000 answer rows (BENCH_ANSWERS) on
// PostgreSQL, for three views: the default (every year, every indicator), one year disaggregated by gender,
// and one year under a programme and a modality.
//   npm run bench dashboard           (BENCH_ANSWERS=1000000; BENCH_RUNS=5)
// Uses a fresh database on the server of BENCH_DATABASE_URL or DATABASE_URL (default postgres://root@127.0.0.1:5432/postgres), dropped
// afterwards. Goal at 1M: a view under 1 s.
import { timePages } from './page-timing.ts';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const GOAL_MS = 1000;
const views = ['/dashboard', '/dashboard?period=2023&by=gender', '/dashboard?period=2023&programme=programme_3&modality=blended'];

const timings = await timePages(views, runs);
if (timings.some((timing) => timing.medianMs > GOAL_MS)) {
  process.stdout.write(`A dashboard view took more than ${GOAL_MS / 1000} s.\n`);
  process.exitCode = 1;
}
