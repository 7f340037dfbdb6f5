// Test databases: PGlite in memory by default; a fresh PostgreSQL database per test file when
// TEST_DATABASE_URL names a server (CI runs the whole suite both ways).
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, openMemoryPglite, type Database } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';

export const testDatabaseKind: 'pglite' | 'postgres' = process.env.TEST_DATABASE_URL ? 'postgres' : 'pglite';

/** A new, migrated, empty database. Close it when done (on PostgreSQL that drops it). */
export async function createTestDatabase(): Promise<Database> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const database = await openMemoryPglite();
    await migrate(database);
    return database;
  }
  const { url, drop } = await createPostgresDatabase(serverUrl);
  const database = await openDatabase({ kind: 'postgres', url });
  await migrate(database);
  return {
    ...database,
    withOrg: database.withOrg,
    async close() {
      await database.close();
      await drop();
    },
  };
}

/** Creates an empty database on the server of `serverUrl`; `drop` removes it. */
export async function createPostgresDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `tracer_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
