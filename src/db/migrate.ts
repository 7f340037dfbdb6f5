import { fileURLToPath } from 'node:url';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { sql } from 'drizzle-orm';
import type { Database } from './database.ts';

const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

// Any constant works; it only has to be the same in every Tracer process.
const MIGRATION_LOCK_KEY = 7_245_031_001;

/**
 * Applies pending migrations. On PostgreSQL, processes starting together queue on an advisory
 * lock, so exactly one applies each migration and the others find it done.
 */
export async function migrate(database: Database): Promise<void> {
  if (database.kind === 'pglite') {
    await migratePglite(database.system as unknown as PgliteDatabase, { migrationsFolder });
    return;
  }
  // The advisory lock is per connection: take it, migrate and release it inside one transaction
  // on one pooled connection (xact lock, released at commit even if this process dies).
  await database.system.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await migratePostgres(tx as unknown as NodePgDatabase, { migrationsFolder });
  });
}
