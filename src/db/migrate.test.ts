import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { openDatabase, rows } from './database.ts';
import { migrate } from './migrate.ts';
import { createPostgresDatabase, createTestDatabase, testDatabaseKind } from '../testing/database.ts';
import { runCli } from '../testing/cli.ts';
import { readFileSync } from 'node:fs';

const journal = JSON.parse(readFileSync(new URL('../../migrations/meta/_journal.json', import.meta.url), 'utf8')) as {
  entries: unknown[];
};

describe(`migrations on ${testDatabaseKind}`, () => {
  it('apply every migration once, and applying again changes nothing', async () => {
    const database = await createTestDatabase();
    try {
      const count = async () =>
        (await rows<{ n: number }>(database.system, sql`select count(*)::int as n from drizzle.__drizzle_migrations`))[0]!.n;
      assert.equal(await count(), journal.entries.length);
      await migrate(database);
      assert.equal(await count(), journal.entries.length);
      const [role] = await rows<{ n: number }>(database.system, sql`select count(*)::int as n from pg_roles where rolname = 'tracer_app'`);
      assert.equal(role!.n, 1);
    } finally {
      await database.close();
    }
  });

  it(
    'two processes starting at once on one PostgreSQL database both succeed and migrate once',
    { skip: testDatabaseKind !== 'postgres' && 'runs in the PostgreSQL pass (TEST_DATABASE_URL)' },
    async () => {
      const { url, drop } = await createPostgresDatabase(process.env.TEST_DATABASE_URL!);
      try {
        const results = await Promise.all([1, 2, 3].map(() => runCli(['migrate'], { env: { DATABASE_URL: url } })));
        for (const result of results) assert.equal(result.code, 0, result.stderr);
        const database = await openDatabase({ kind: 'postgres', url });
        try {
          const [applied] = await rows<{ n: number; distinct: number }>(
            database.system,
            sql`select count(*)::int as n, count(distinct hash)::int as distinct from drizzle.__drizzle_migrations`,
          );
          assert.equal(applied!.n, journal.entries.length);
          assert.equal(applied!.distinct, journal.entries.length);
        } finally {
          await database.close();
        }
      } finally {
        await drop();
      }
    },
  );
});
