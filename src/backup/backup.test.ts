// Backup and restore round trips: one organisation from the embedded database into PostgreSQL
// (when TEST_DATABASE_URL names a server; PGlite into PGlite otherwise), the whole database, and
// files that are damaged, cut short or meet data already there.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { resolveOrganisation } from '../accounts/service.ts';
import { openMemoryPglite, rows, type Database, type Queryable } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { DEMO_ORG_SLUG, loadDemo } from '../demo/load.ts';
import { runCli } from '../testing/cli.ts';
import { createPostgresDatabase, createTestDatabase } from '../testing/database.ts';
import { createTestOrg, type TestOrg } from '../testing/http.ts';
import { backupTo, inSnapshot, scopedTables } from './backup.ts';
import { BackupFileError, type BackupScope } from './format.ts';
import { restoreFrom } from './restore.ts';

/** Rows per table of a scope, as the database counts them. */
async function countsOf(database: Database, scope: BackupScope): Promise<Record<string, number>> {
  return inSnapshot(database, async (tx: Queryable) => {
    const counts: Record<string, number> = {};
    for (const { shape, rowsOf } of await scopedTables(tx, scope)) {
      const [row] = await rows<{ n: number }>(tx, sql`select count(*)::int as n from ${sql.identifier(shape.name)} where ${rowsOf}`);
      counts[shape.name] = row!.n;
    }
    return counts;
  });
}

/** The tables triggers derive (left out of backups), as they stand for one organisation. */
async function derivedOf(database: Database, orgId: string) {
  return database.withOrg(orgId, (tx) =>
    rows<{ projection: string | null; counts: string | null }>(
      tx,
      sql`select (select string_agg(title || '|' || array_to_string(facets, ','), ';' order by title, activity_id) from catalogue_activity_search) as projection,
                 (select string_agg(facet_key || '=' || activities, ';' order by facet_key) from catalogue_facet_counts where activities <> 0) as counts`,
    ),
  );
}

/** A few figures an evaluator would read, to show the restored data means the same. */
async function figuresOf(database: Database, orgId: string) {
  return database.withOrg(orgId, (tx) =>
    rows<{ activities: number; women: number; overdue: number; title: string }>(
      tx,
      sql`select (select count(*)::int from activities) as activities,
                 (select count(*)::int from participants where gender = 'woman') as women,
                 (select count(*)::int from recommendation_actions where status in ('not_started', 'in_progress') and due_date < date '2026-11-22') as overdue,
                 (select string_agg(title, '|' order by title) from evaluations) as title`,
    ),
  );
}

describe('backup and restore', () => {
  let source: Database;
  let other: TestOrg;
  let demoScope: Extract<BackupScope, { kind: 'organisation' }>;
  let folder: string;

  before(async () => {
    // The source is always the embedded database: restoring into PostgreSQL is the move an installation makes.
    source = await openMemoryPglite();
    await migrate(source);
    await loadDemo(source, ['catalogue', 'people', 'evaluations']);
    other = await createTestOrg(source, 'other-org');
    const demo = await resolveOrganisation(source.system, DEMO_ORG_SLUG);
    demoScope = { kind: 'organisation', id: demo.id, slug: demo.slug };
    folder = await mkdtemp(join(tmpdir(), 'tracer-backup-'));
  });
  after(async () => {
    await source.close();
    await rm(folder, { recursive: true, force: true });
  });

  it('moves one organisation into another database: same rows, same figures, nothing of other organisations', async () => {
    const file = join(folder, 'demo.tracer-backup.gz');
    const written = await backupTo(source, file, demoScope);
    assert.ok(written.find((t) => t.table === 'participants')!.rows > 100);

    const target = await createTestDatabase();
    try {
      const report = await restoreFrom(target, file);
      assert.deepEqual(report.scope, demoScope);
      assert.deepEqual(await countsOf(target, demoScope), await countsOf(source, demoScope));
      assert.deepEqual(await figuresOf(target, demoScope.id), await figuresOf(source, demoScope.id));
      const [derived] = await derivedOf(source, demoScope.id);
      assert.ok(derived!.projection && derived!.counts, 'the demo publishes activities');
      assert.deepEqual(await derivedOf(target, demoScope.id), [derived], 'the public search projection and its counts are rebuilt');
      const [orgs] = await rows<{ slugs: string }>(target.system, sql`select string_agg(slug, ',') as slugs from organisations`);
      assert.equal(orgs!.slugs, DEMO_ORG_SLUG, 'only the backed-up organisation arrives');
      const [users] = await rows<{ n: number }>(target.system, sql`select count(*)::int as n from users where email like ${`%@${other.slug}.test`}`);
      assert.equal(users!.n, 0, "other organisations' members stay behind");

      await assert.rejects(restoreFrom(target, file), (error: Error) => error instanceof BackupFileError && /already exists.*--replace/.test(error.message));
      await target.withOrg(demoScope.id, (tx) => tx.execute(sql`delete from recommendation_actions`));
      await restoreFrom(target, file, { replace: true });
      assert.deepEqual(await countsOf(target, demoScope), await countsOf(source, demoScope), '--replace brings back what was deleted');
      assert.deepEqual(await derivedOf(target, demoScope.id), await derivedOf(source, demoScope.id), 'and replacing does not count activities twice');
    } finally {
      await target.close();
    }
  });

  it('refuses a damaged or truncated file and writes nothing', async () => {
    const file = join(folder, 'demo-for-damage.gz');
    await backupTo(source, file, demoScope);
    const text = gunzipSync(await readFile(file)).toString('utf8');

    const tampered = join(folder, 'tampered.gz');
    await writeFile(tampered, gzipSync(text.replace(/"gender": "woman"/, '"gender": "man"')));
    const cut = join(folder, 'cut.gz');
    await writeFile(cut, gzipSync(text.slice(0, Math.floor(text.length * 0.6))));
    const notBackup = join(folder, 'not-a-backup.csv');
    await writeFile(notBackup, 'code,title\nA,B\n');

    const target = await createTestDatabase();
    try {
      await assert.rejects(restoreFrom(target, tampered), /participants is damaged/);
      await assert.rejects(restoreFrom(target, cut), /incomplete|not valid JSON/);
      await assert.rejects(restoreFrom(target, notBackup), /not a Tracer backup/);
      await assert.rejects(restoreFrom(target, join(folder, 'missing.gz')), /no such file/);
      const [row] = await rows<{ n: number }>(target.system, sql`select count(*)::int as n from organisations`);
      assert.equal(row!.n, 0, 'nothing was written by any failed restore');
    } finally {
      await target.close();
    }
  });

  it('backs up and restores the whole database, only into an empty one', async () => {
    const file = join(folder, 'all.gz');
    await backupTo(source, file, { kind: 'database' });
    const target = await createTestDatabase();
    try {
      await restoreFrom(target, file);
      assert.deepEqual(await countsOf(target, { kind: 'database' }), await countsOf(source, { kind: 'database' }));
      assert.deepEqual(await figuresOf(target, other.id), await figuresOf(source, other.id));
      await assert.rejects(restoreFrom(target, file), /only into an empty database/);
    } finally {
      await target.close();
    }
  });

  it('works from the command line: embedded data folder to a fresh database (PostgreSQL when the tests run on it)', async () => {
    const embedded = { TRACER_DATA_DIR: join(folder, 'embedded'), DATABASE_URL: undefined };
    const file = join(folder, 'cli.gz');
    const unsaid = await runCli(['backup', file], { env: embedded });
    assert.equal(unsaid.code, 1);
    assert.match(unsaid.stderr, /--org SLUG or --all/);
    assert.equal((await runCli(['org', 'create', 'acme', '--name', 'Acme Training'], { env: embedded })).code, 0);
    const backup = await runCli(['backup', '--org', 'acme', file], { env: embedded });
    assert.equal(backup.code, 0, backup.stderr);
    assert.match(backup.stdout, /Backed up organisation acme/);

    const server = process.env.TEST_DATABASE_URL;
    const postgres = server ? await createPostgresDatabase(server) : undefined;
    const target = postgres ? { DATABASE_URL: postgres.url } : { TRACER_DATA_DIR: join(folder, 'restored'), DATABASE_URL: undefined };
    try {
      const restore = await runCli(['restore', file], { env: target });
      assert.equal(restore.code, 0, restore.stderr);
      assert.match(restore.stdout, /Restored organisation acme: \d+ rows in \d+ tables, checksums verified/);
      const list = await runCli(['org', 'list'], { env: target });
      assert.match(list.stdout, /acme/);
      const again = await runCli(['restore', file], { env: target });
      assert.equal(again.code, 1);
      assert.match(again.stderr, /already exists here; restore with --replace/);
    } finally {
      await postgres?.drop();
    }
  });
});
