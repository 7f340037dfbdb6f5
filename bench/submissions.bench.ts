// Submissions per second over HTTP on PostgreSQL with 100 concurrent clients, and page weight.
// Standalone: `npx tsx bench/submissions.bench.ts` (BENCH_SECONDS per run, default 15; needs
// BENCH_DATABASE_URL, TEST_DATABASE_URL or DATABASE_URL naming a PostgreSQL server; a throw-away
// database is used). Set-up shared with load.bench.ts in submission-server.ts: the server runs in
// its own process, every request comes from its own address through a trusted proxy. Only 2xx
// answers count as submissions.
//
// Two runs over the same 100 connections, because one closed loop cannot show both goals: with 100
// clients each waiting for its answer, Little's law ties throughput to latency (100 in flight at
// p50 50 ms is 2,000/s), so a closed loop below 2,000/s reports latencies over 50 ms by
// construction. `closedLoop` measures the most the server sustains (each client sends again as
// soon as it is answered); `offered1000PerSecond` offers 1,000 submissions per second spread over
// the 100 connections and measures their latency: the goal is met when the closed loop sustains
// ≥ 1,000/s and, at an offered 1,000/s, p99 < 50 ms.
//
// On a shared machine throughput and latency depend on what else runs, so each run also reports
// the CPU time one submission costs the server process and its PostgreSQL backends (cpuMsPerSubmission),
// which other load hardly changes: on 2 cores, 1,000/s needs their sum (plus the load generator's) under 2 ms.
//
// Both runs follow a warm-up (BENCH_WARMUP_SECONDS, default 3, reported as `warmUp`) and an ANALYZE,
// so that they measure the steady state of a server in use. PostgreSQL plans the foreign-key check
// of each answer row (`select 1 from responses where org_id = $1 and id = $2`) once per connection
// and keeps that plan until the table's statistics change; on a table never analyzed and nearly
// empty, every index starting with org_id costs the same, and it may keep one that scans all the
// organisation's responses for each answer row: CPU per submission then grows with the table.
// In production autovacuum analyzes a table once it has
// changed by 50 rows and 10 %, which replaces those plans within a minute; a benchmark database is
// only seconds old (and autovacuum may be off on a test server), so the benchmark analyzes it itself.
//
// A PostgreSQL server on this machine can be reached through its Unix socket, as a same-machine
// installation should (README, Operations): BENCH_DATABASE_URL='postgres://root@localhost/postgres?host=/var/run/postgresql'.
import autocannon from 'autocannon';
import { loadavg } from 'node:os';
import { get } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { startSubmissionBench, type SubmissionBench } from './submission-server.ts';

const seconds = Number(process.env.BENCH_SECONDS ?? 15);
const warmUpSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const connections = 100;
const goals = { submissionsPerSecond: 1000, p99Ms: 50, pageWeightBytes: 30 * 1024 };

async function run(bench: SubmissionBench, overallRate?: number, duration = seconds) {
  const before = await bench.cpuUsage();
  const result = await autocannon({
    url: `${bench.url}/r/${bench.token}/submissions`,
    connections,
    duration,
    requests: bench.requests,
    ...(overallRate ? { overallRate } : {}),
  });
  const after = await bench.cpuUsage();
  const perSubmission = (from: number | null, to: number | null) => (from === null || to === null ? null : Number(((to - from) / result['2xx']).toFixed(2)));
  return {
    submissionsPerSecond: Math.round(result['2xx'] / result.duration),
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
    non2xx: result.non2xx,
    errors: result.errors,
    cpuMsPerSubmission: { server: perSubmission(before.serverCpuMs, after.serverCpuMs), database: perSubmission(before.databaseCpuMs, after.databaseCpuMs) },
  };
}

/** Bytes on the wire for one GET as a phone's browser sends it (accepting gzip), and the bytes it unpacks to. */
function transfer(url: string): Promise<{ wire: number; unpacked: number }> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': 'gzip' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ wire: body.length, unpacked: response.headers['content-encoding'] === 'gzip' ? gunzipSync(body).length : body.length });
      });
    }).on('error', reject);
  });
}

/** The respondent page with everything it loads: transferred (what the goal counts) and unpacked. */
async function pageWeight(bench: SubmissionBench) {
  const parts = await Promise.all([`/r/${bench.token}`, '/assets/tracer.css', '/assets/respondent.css', '/assets/respondent.js'].map((path) => transfer(bench.url + path)));
  return {
    pageWeightTransferredBytes: parts.reduce((sum, part) => sum + part.wire, 0),
    pageWeightUnpackedBytes: parts.reduce((sum, part) => sum + part.unpacked, 0),
  };
}

const bench = await startSubmissionBench();
try {
  const loadBefore = loadavg().map((n) => n.toFixed(2));
  const warmUp = await run(bench, undefined, warmUpSeconds);
  await bench.analyze();
  const closedLoop = await run(bench);
  const offered1000PerSecond = await run(bench, goals.submissionsPerSecond);
  const weight = await pageWeight(bench);
  const report = {
    connections,
    secondsPerRun: seconds,
    warmUp: { seconds: warmUpSeconds, ...warmUp },
    closedLoop,
    offered1000PerSecond,
    ...weight,
    loadAverage: { before: loadBefore, after: loadavg().map((n) => n.toFixed(2)) },
    goals,
    goalMet: closedLoop.submissionsPerSecond >= goals.submissionsPerSecond && offered1000PerSecond.latencyMs.p99 < goals.p99Ms,
    pageWeightGoalMet: weight.pageWeightTransferredBytes < goals.pageWeightBytes,
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
} finally {
  await bench.close();
}
