// `tracer backup`: one organisation, or the whole database, to a file, from one consistent
// snapshot. Written to FILE.partial and renamed at the end, so a file with the final name is
// always complete.
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { createGzip } from 'node:zlib';
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Database, type Queryable } from '../db/database.ts';
import { BACKUP_FORMAT, BACKUP_VERSION, RowDigest, type BackupScope, type ControlLine, type TableSummary } from './format.ts';
import { GLOBAL_TABLES, organisationTables, tableShape, type TableShape } from './tables.ts';

const BATCH_ROWS = 2000;

export type Progress = (summary: TableSummary) => void;

export interface ScopedTable {
  shape: TableShape;
  /** Which of the table's rows belong to the scope. */
  rowsOf: SQL;
}

/** The tables of a scope in restore order, each with the rows that belong to the scope. */
export async function scopedTables(db: Queryable, scope: BackupScope): Promise<ScopedTable[]> {
  const owned = (await organisationTables(db)).map((shape) => ({
    shape,
    rowsOf: scope.kind === 'organisation' ? sql`org_id = ${scope.id}` : sql`true`,
  }));
  const globals: ScopedTable[] = [];
  for (const name of GLOBAL_TABLES) {
    const rowsOf = globalRows(name, scope);
    if (rowsOf) globals.push({ shape: await tableShape(db, name), rowsOf });
  }
  return [...globals, ...owned];
}

function globalRows(table: (typeof GLOBAL_TABLES)[number], scope: BackupScope): SQL | undefined {
  if (scope.kind === 'database') return sql`true`;
  switch (table) {
    case 'organisations':
      return sql`id = ${scope.id}`;
    case 'users':
      return sql`id in (select user_id from memberships where org_id = ${scope.id})`;
    case 'instance_settings':
      return undefined; // installation secrets belong to the installation, not to an organisation
  }
}

/** Row lines of one table in primary-key order, read in batches (keyset pagination). */
export async function* tableLines(db: Queryable, shape: TableShape, rowsOf: SQL): AsyncGenerator<string> {
  const table = sql.identifier(shape.name);
  const key = sql.join(shape.primaryKey.map((column) => sql.identifier(column)), sql`, `);
  let last: string | undefined;
  for (;;) {
    const after = last === undefined ? sql`true` : sql`(${key}) > (select ${key} from jsonb_populate_record(null::${table}, ${last}::jsonb))`;
    const batch = await rows<{ line: string }>(
      db,
      sql`select to_jsonb(t)::text as line from ${table} t where ${rowsOf} and ${after} order by ${key} limit ${BATCH_ROWS}`,
    );
    for (const { line } of batch) yield line;
    if (batch.length < BATCH_ROWS) return;
    last = batch[batch.length - 1]!.line;
  }
}

export async function lastMigration(db: Queryable): Promise<string> {
  const [row] = await rows<{ hash: string }>(db, sql`select hash from drizzle.__drizzle_migrations order by created_at desc, id desc limit 1`);
  if (!row) throw new Error('The database has no migrations applied');
  return row.hash;
}

/** Consistent reads in UTC: one snapshot for every table, timestamps rendered the same everywhere. */
export async function inSnapshot<T>(database: Database, work: (tx: Queryable) => Promise<T>): Promise<T> {
  return database.system.transaction(async (tx) => {
    await tx.execute(sql`set transaction isolation level repeatable read, read only`);
    await tx.execute(sql`set local timezone = 'UTC'`);
    return work(tx);
  });
}

export async function backupTo(database: Database, file: string, scope: BackupScope, progress: Progress = () => {}): Promise<TableSummary[]> {
  const partial = `${file}.partial`;
  const gzip = createGzip();
  const output = createWriteStream(partial);
  const finished = once(output, 'close');
  gzip.pipe(output);
  const write = async (line: string) => {
    if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
  };
  const control = (line: ControlLine) => write(JSON.stringify(line));
  try {
    const summaries = await inSnapshot(database, async (tx) => {
      await control([BACKUP_FORMAT, { version: BACKUP_VERSION, scope, migration: await lastMigration(tx), createdAt: new Date().toISOString() }]);
      const done: TableSummary[] = [];
      for (const { shape, rowsOf } of await scopedTables(tx, scope)) {
        await control(['table', shape.name]);
        const digest = new RowDigest();
        for await (const line of tableLines(tx, shape, rowsOf)) {
          digest.add(line);
          await write(line);
        }
        const summary = digest.finish(shape.name);
        await control(['end', summary.table, summary.rows, summary.sha256]);
        progress(summary);
        done.push(summary);
      }
      await control(['done']);
      return done;
    });
    gzip.end();
    await finished;
    await rename(partial, file);
    return summaries;
  } catch (error) {
    gzip.destroy();
    output.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}
