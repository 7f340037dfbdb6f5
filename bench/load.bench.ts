// Load: 500 concurrent respondents submitting for 60 seconds against PostgreSQL over loopback
// (issue 9). Standalone: `npx tsx bench/load.bench.ts`; LOAD_SECONDS (default 60) and
// LOAD_CONNECTIONS (default 500) shorten or shrink the run. Set-up shared with
// submissions.bench.ts (submission-server.ts): a throw-away database, the server in its own process behind a trusted
// proxy, every request from its own address. Reports throughput, latency percentiles, errors,
// non-2xx answers and the machine's load average, and checks that every acknowledged submission
// is stored, and no more than those in flight at the deadline besides (goal: no errors, none lost).
// Exits non-zero when the goal is missed.
import autocannon from 'autocannon';
import { cpus, loadavg } from 'node:os';
import { startSubmissionBench } from './submission-server.ts';

const seconds = Number(process.env.LOAD_SECONDS ?? 60);
const connections = Number(process.env.LOAD_CONNECTIONS ?? 500);

const bench = await startSubmissionBench();
let failed: boolean;
try {
  const loadBefore = loadavg();
  const result = await autocannon({
    url: `${bench.url}/r/${bench.token}/submissions`,
    connections,
    duration: seconds,
    timeout: 30,
    requests: bench.requests,
  });
  const loadAfter = loadavg();
  const stored = await bench.storedResponses();
  const acknowledged = result['2xx'];
  const report = {
    connections,
    durationSeconds: result.duration,
    submissionsPerSecond: Math.round(acknowledged / result.duration),
    acknowledged,
    stored,
    // autocannon stops counting at the deadline: submissions still in flight then are stored unacknowledged.
    storedUnacknowledgedAtDeadline: stored - acknowledged,
    latencyMs: { p50: result.latency.p50, p90: result.latency.p90, p97_5: result.latency.p97_5, p99: result.latency.p99, max: result.latency.max, mean: result.latency.average },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    loadAverage: { before: loadBefore.map((n) => n.toFixed(2)), after: loadAfter.map((n) => n.toFixed(2)), cpus: cpus().length },
    goals: { errors: 0, non2xx: 0, lost: 0 },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  failed = result.errors > 0 || result.non2xx > 0 || result.timeouts > 0 || stored < acknowledged || stored > acknowledged + connections;
  if (failed) process.stdout.write('load goal missed: errors, non-2xx answers, timeouts, lost or duplicated submissions\n');
} finally {
  await bench.close();
}
if (failed) process.exitCode = 1;
