// Submissions per second over HTTP on PostgreSQL with 100 concurrent clients, and page weight.
// Standalone: `npx tsx bench/submissions.bench.ts` (BENCH_SECONDS, default 15; needs
// BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL naming a PostgreSQL server; a throw-away
// database is used). Set-up shared with load.bench.ts in submission-server.ts: every request comes
// from its own address through a trusted proxy. Only 2xx answers count as submissions.
import autocannon from 'autocannon';
import { gzipSync } from 'node:zlib';
import { TestClient } from '../src/testing/http.ts';
import { startSubmissionBench } from './submission-server.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 15);

const bench = await startSubmissionBench();
try {
  const result = await autocannon({ url: `${bench.url}/r/${bench.token}/submissions`, connections: 100, duration: seconds, requests: bench.requests });
  const anonymous = new TestClient(bench.url);
  const parts = await Promise.all([`/r/${bench.token}`, '/assets/tracer.css', '/assets/respondent.css', '/assets/respondent.js'].map((path) => anonymous.get(path)));
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
  await bench.close();
}
