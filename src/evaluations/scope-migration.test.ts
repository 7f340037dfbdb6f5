// The migration that moved evaluation scopes from a uuid[] column to evaluation_scope_activities
// keeps existing scopes: a database migrated up to just before it, holding an evaluation whose
// array names a catalogue activity (and an id the catalogue never knew), is migrated the rest of
// the way; the known activity is in the join table, the unknown id is dropped, the column is gone.
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/node-postgres/migrator';
import type { PgliteDatabase } from 'drizzle-orm/pglite';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { rows, type Database } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { openDatabase, openMemoryPglite } from '../db/database.ts';
import { createPostgresDatabase } from '../testing/database.ts';

const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url));

async function migrateFrom(database: Database, folder: string): Promise<void> {
  if (database.kind === 'pglite') await migratePglite(database.system as unknown as PgliteDatabase, { migrationsFolder: folder });
  else await migratePostgres(database.system as unknown as NodePgDatabase, { migrationsFolder: folder });
}

describe('evaluation scope migration', () => {
  let database: Database;
  let drop: (() => Promise<void>) | undefined;
  let earlier: string;

  before(async () => {
    const serverUrl = process.env.TEST_DATABASE_URL;
    if (serverUrl) {
      const created = await createPostgresDatabase(serverUrl);
      drop = created.drop;
      database = await openDatabase({ kind: 'postgres', url: created.url });
    } else {
      database = await openMemoryPglite();
    }
    // A copy of the migrations that stops just before the scope migration (found by name: numbers change at merge).
    earlier = await mkdtemp(join(tmpdir(), 'tracer-migrations-'));
    await cp(migrationsFolder, earlier, { recursive: true });
    const journalPath = join(earlier, 'meta', '_journal.json');
    const journal = JSON.parse(await readFile(journalPath, 'utf8')) as { entries: Array<{ tag: string }> };
    const at = journal.entries.findIndex((entry) => entry.tag.endsWith('_evaluation_scope_lists'));
    assert.ok(at > 0, 'the scope migration is in the journal');
    journal.entries = journal.entries.slice(0, at);
    await writeFile(journalPath, JSON.stringify(journal));
  });
  after(async () => {
    await database.close();
    await drop?.();
    await rm(earlier, { recursive: true, force: true });
  });

  it('moves known activities of scope_activity_ids into the join table and drops the column', async () => {
    await migrateFrom(database, earlier);
    const org = '11111111-1111-4111-8111-111111111111';
    const activity = '22222222-2222-4222-8222-222222222222';
    const unknown = '33333333-3333-4333-8333-333333333333';
    const evaluation = '44444444-4444-4444-8444-444444444444';
    await database.system.execute(sql`insert into organisations (id, slug, name) values (${org}, 'migrated', 'Migrated')`);
    await database.system.execute(sql`insert into activities (org_id, id, code, title, modality) values (${org}, ${activity}, 'A1', 'Kept activity', 'face_to_face')`);
    await database.system.execute(
      sql`insert into evaluations (org_id, id, title, mode, kind, scope_activity_ids)
          values (${org}, ${evaluation}, 'Old evaluation', 'internal', 'thematic', array[${activity}, ${unknown}, ${activity}]::uuid[])`,
    );

    await migrate(database);

    const scope = await rows<{ evaluationId: string; activityId: string }>(
      database.system,
      sql`select evaluation_id::text as "evaluationId", activity_id::text as "activityId" from evaluation_scope_activities where org_id = ${org}`,
    );
    assert.deepEqual(scope, [{ evaluationId: evaluation, activityId: activity }]);
    const column = await rows<{ n: number }>(
      database.system,
      sql`select count(*)::int as n from information_schema.columns where table_name = 'evaluations' and column_name = 'scope_activity_ids'`,
    );
    assert.equal(column[0]!.n, 0);
  });
});
