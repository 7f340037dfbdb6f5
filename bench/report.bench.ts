// Benchmark (not a test): the full evaluation report (/report over real HTTP: nine engine statements
// — the period, six disaggregations, two earlier periods —, response rates, activities, coded
// evidence and quotes, findings, the charts and the document) over about 1,000,000 answer rows
// (BENCH_ANSWERS) on PostgreSQL, for one year, a biennium under a programme, and the same year
// printed to PDF by chromium.
//   npm run bench report              (BENCH_ANSWERS=1000000; BENCH_RUNS=3)
// Uses a fresh database on the server of BENCH_DATABASE_URL (default postgres://root@127.0.0.1:5432/postgres),
// dropped afterwards. Goal at 1M: the HTML report under 5 s.
import { isChromiumInstalled } from '../src/web/chromium.ts';
import { timePages } from './page-timing.ts';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const GOAL_MS = 5000;
const views = ['/report?period=2023', '/report?period=2022-2023&programme=programme_3', ...(isChromiumInstalled() ? ['/report.pdf?period=2023'] : [])];

const timings = await timePages(views, runs);
if (timings.some((timing) => !timing.view.includes('.pdf') && timing.medianMs > GOAL_MS)) {
  process.stdout.write(`An HTML report took more than ${GOAL_MS / 1000} s.\n`);
  process.exitCode = 1;
}
