// `tracer restore`: a backup file into this database, in one transaction — all of it or nothing.
// Every table is then read back from the database and compared with the counts and SHA-256
// checksums the backup recorded, still inside the transaction, so a restore that would not
// reproduce the backup exactly is rolled back rather than committed.
import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { sql } from 'drizzle-orm';
import { rows, type Database, type Queryable } from '../db/database.ts';
import { lastMigration, scopedTables, tableLines, type Progress, type ScopedTable } from './backup.ts';
import { BACKUP_FORMAT, BACKUP_VERSION, BackupFileError, RowDigest, type BackupHeader, type BackupScope, type ControlLine, type TableSummary } from './format.ts';
import type { TableShape } from './tables.ts';

const BATCH_ROWS = 1000;

export interface RestoreOptions {
  /** For one organisation: delete what the database holds of it first (otherwise its presence is an error). */
  replace?: boolean;
}

export interface RestoreReport {
  scope: BackupScope;
  tables: TableSummary[];
  /** Users the database already had (same id), kept as they were. */
  existingUsersKept: number;
}

export async function restoreFrom(database: Database, file: string, options: RestoreOptions = {}, progress: Progress = () => {}): Promise<RestoreReport> {
  await access(file).catch(() => {
    throw new BackupFileError(`${file}: no such file`);
  });
  const lines = readLines(file);
  const header = await readHeader(file, lines);
  return database.system.transaction(async (tx) => {
    await tx.execute(sql`set local timezone = 'UTC'`);
    const migration = await lastMigration(tx);
    if (migration !== header.migration) {
      throw new BackupFileError(
        `${file} was made by a Tracer with a different database schema (migration ${header.migration.slice(0, 12)}, this database is at ${migration.slice(0, 12)}); ` +
          'restore it with the Tracer version that made it, then upgrade',
      );
    }
    // The tables of the scope, read once from the catalogue: for making room, writing and verifying.
    const tables = await scopedTables(tx, header.scope);
    await makeRoom(tx, header.scope, tables, options);
    const shapes = new Map(tables.map((entry) => [entry.shape.name, entry]));
    const written: TableSummary[] = [];
    let existingUsersKept = 0;
    let table: { shape: TableShape; digest: RowDigest; batch: string[] } | undefined;
    const flush = async () => {
      if (!table || table.batch.length === 0) return;
      const inserted = await insertBatch(tx, table.shape, table.batch, header.scope);
      if (table.shape.name === 'users') existingUsersKept += table.batch.length - inserted;
      table.batch = [];
    };
    let done = false;
    for await (const line of lines) {
      if (done) throw new BackupFileError(`${file}: data after the end marker`);
      if (line.startsWith('{')) {
        if (!table) throw new BackupFileError(`${file}: a row outside any table`);
        table.digest.add(line);
        table.batch.push(line);
        if (table.batch.length >= BATCH_ROWS) await flush();
        continue;
      }
      const control = parseControl(file, line);
      if (control[0] === 'table') {
        const entry = shapes.get(control[1]);
        if (!entry) throw new BackupFileError(`${file}: table ${control[1]} does not exist in this database`);
        table = { shape: entry.shape, digest: new RowDigest(), batch: [] };
      } else if (control[0] === 'end') {
        await flush();
        const summary = table?.digest.finish(control[1]);
        if (!summary || summary.table !== control[1] || summary.rows !== control[2] || summary.sha256 !== control[3]) {
          throw new BackupFileError(`${file}: table ${control[1]} is damaged (its rows do not match the recorded count and checksum)`);
        }
        written.push(summary);
        table = undefined;
      } else if (control[0] === 'done') {
        done = true;
      } else {
        throw new BackupFileError(`${file}: unexpected line ${line.slice(0, 60)}`);
      }
    }
    if (!done) throw new BackupFileError(`${file} is incomplete (cut short before its end marker); nothing was restored`);
    await verify(tx, tables, written, existingUsersKept > 0, progress);
    return { scope: header.scope, tables: written, existingUsersKept };
  });
}

async function* readLines(file: string): AsyncGenerator<string> {
  const input = createReadStream(file).pipe(createGunzip());
  try {
    for await (const line of createInterface({ input, crlfDelay: Infinity })) yield line;
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('Z_')) {
      throw new BackupFileError(`${file} is not a Tracer backup, or it is damaged (${(error as Error).message})`);
    }
    throw error;
  }
}

async function readHeader(file: string, lines: AsyncGenerator<string>): Promise<BackupHeader> {
  const first = await lines.next();
  const control = first.done ? undefined : parseControl(file, first.value);
  if (!control || control[0] !== BACKUP_FORMAT) throw new BackupFileError(`${file} is not a Tracer backup (no header line)`);
  const header = control[1];
  if (header.version !== BACKUP_VERSION) throw new BackupFileError(`${file} is a version ${header.version} backup; this Tracer reads version ${BACKUP_VERSION}`);
  return header;
}

function parseControl(file: string, line: string): ControlLine {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    throw new BackupFileError(`${file}: a line is not valid JSON (${line.slice(0, 60)}…)`);
  }
  if (!Array.isArray(parsed) || typeof parsed[0] !== 'string') throw new BackupFileError(`${file}: unexpected line ${line.slice(0, 60)}`);
  return parsed as ControlLine;
}

/** The target must not already hold what the backup brings, unless --replace says to drop it. */
async function makeRoom(tx: Queryable, scope: BackupScope, tables: ScopedTable[], options: RestoreOptions): Promise<void> {
  if (scope.kind === 'database') {
    const [row] = await rows<{ n: number }>(tx, sql`select (select count(*) from organisations) + (select count(*) from users)::int as n`);
    if (Number(row!.n) > 0) throw new BackupFileError('A whole-database backup restores only into an empty database (this one has organisations or users)');
    await tx.execute(sql`delete from instance_settings`);
    return;
  }
  const [existing] = await rows<{ id: string; slug: string }>(tx, sql`select id, slug from organisations where id = ${scope.id} or slug = ${scope.slug}`);
  if (!existing) return;
  if (existing.id !== scope.id) {
    throw new BackupFileError(`Another organisation already uses the slug "${scope.slug}" here; rename it before restoring`);
  }
  if (!options.replace) {
    throw new BackupFileError(`Organisation "${scope.slug}" already exists here; restore with --replace to replace its data with the backup's`);
  }
  const owned = tables.filter((entry) => entry.shape.name !== 'organisations' && entry.shape.name !== 'users');
  for (const { shape } of [...owned].reverse()) {
    await tx.execute(sql`delete from ${sql.identifier(shape.name)} where org_id = ${scope.id}`);
  }
  await tx.execute(sql`delete from organisations where id = ${scope.id}`);
}

/** Inserts a batch of row lines; returns how many rows were written (users that exist are kept). */
async function insertBatch(tx: Queryable, shape: TableShape, batch: string[], scope: BackupScope): Promise<number> {
  const table = sql.identifier(shape.name);
  const columns = sql.join(shape.columns.map((column) => sql.identifier(column)), sql`, `);
  const json = `[${batch.join(',')}]`;
  if (shape.name === 'users' && scope.kind === 'organisation') {
    const [clash] = await rows<{ email: string }>(
      tx,
      sql`select u.email from users u join jsonb_populate_recordset(null::users, ${json}::jsonb) b on b.email = u.email where b.id <> u.id limit 1`,
    );
    if (clash) throw new BackupFileError(`A different account with the e-mail ${clash.email} already exists here; the backup cannot bring its own`);
    const inserted = await rows<{ id: string }>(
      tx,
      sql`insert into users (${columns}) select ${columns} from jsonb_populate_recordset(null::users, ${json}::jsonb) on conflict (id) do nothing returning id`,
    );
    return inserted.length;
  }
  await tx.execute(sql`insert into ${table} (${columns}) select ${columns} from jsonb_populate_recordset(null::${table}, ${json}::jsonb)`);
  return batch.length;
}

async function verify(tx: Queryable, tables: ScopedTable[], written: TableSummary[], usersWereShared: boolean, progress: Progress): Promise<void> {
  const expected = new Map(written.map((summary) => [summary.table, summary]));
  for (const { shape, rowsOf } of tables) {
    const want = expected.get(shape.name);
    if (!want) throw new BackupFileError(`The backup has no section for table ${shape.name}; it was made by a different Tracer`);
    if (shape.name === 'users' && usersWereShared) {
      progress(want);
      continue;
    }
    const digest = new RowDigest();
    for await (const line of tableLines(tx, shape, rowsOf)) digest.add(line);
    const got = digest.finish(shape.name);
    if (got.rows !== want.rows || got.sha256 !== want.sha256) {
      throw new BackupFileError(`Table ${shape.name} did not restore identically (${got.rows} rows, expected ${want.rows}); nothing was restored`);
    }
    progress(got);
  }
}
