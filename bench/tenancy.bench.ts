// What the tenancy mechanism costs: one tenant transaction (set org + role, one query, commit)
// versus the same query without it, on PGlite and on PostgreSQL.
import { performance } from 'node:perf_hooks';
import { sql } from 'drizzle-orm';
import { createOrganisation } from '../src/accounts/service.ts';
import { openDatabase, openMemoryPglite, type Database } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPostgresDatabase } from '../src/testing/database.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2000);
const serverUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function time(label: string, work: () => Promise<unknown>): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await work();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  const fmt = (ms: number) => `${(ms * 1000).toFixed(0)} µs`;
  console.log(`  ${label.padEnd(44)} p50 ${fmt(percentile(samples, 50)).padStart(9)}  p95 ${fmt(percentile(samples, 95)).padStart(9)}  p99 ${fmt(percentile(samples, 99)).padStart(9)}`);
}

async function measure(kind: string, database: Database): Promise<void> {
  await migrate(database);
  const org = await createOrganisation(database.system, 'bench', 'Bench');
  console.log(`${kind} (${ROUNDS} rounds each)`);
  await time('plain query (no tenancy)', () => database.system.execute(sql`select count(*) from memberships`));
  await time('tenant transaction + same query', () =>
    database.withOrg(org.id, (tx) => tx.execute(sql`select count(*) from memberships`)),
  );
}

const pglite = await openMemoryPglite();
await measure('PGlite', pglite);
await pglite.close();

const { url, drop } = await createPostgresDatabase(serverUrl);
const postgres = await openDatabase({ kind: 'postgres', url });
try {
  await measure('PostgreSQL', postgres);
} finally {
  await postgres.close();
  await drop();
}
