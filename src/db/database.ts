// The one place that knows which database Tracer runs on. Everything above this file sees a
// `Database`: drizzle over either PGlite (embedded, one serialised connection) or a
// PostgreSQL server (a pool), with the same schema, migrations and SQL.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite, type Transaction as PgliteTransaction } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect, type PgDatabase, type PgQueryResultHKT, type PgTransaction } from 'drizzle-orm/pg-core';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres, NodePgSession, NodePgTransaction } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { from as copyFromStdin } from 'pg-copy-streams';
import lockfile from 'proper-lockfile';
import { ConfigError, type DatabaseConfig } from '../config.ts';
import * as schema from './schema.ts';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction; inside `withOrg` it runs as the tenant role and sees one organisation only. */
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
/** Anything queries can run on: the system handle or a transaction. */
export type Queryable = Db | Tx;

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  /**
   * Unscoped access, bypassing tenant isolation. Only for what precedes knowing the
   * organisation (sign-in, sessions, tokens), migrations and administrator CLI commands.
   */
  readonly system: Db;
  /** Runs `work` in one transaction as the tenant role, confined to organisation `orgId`. */
  withOrg<T>(orgId: string, work: (tx: Tx) => Promise<T>): Promise<T>;
  /** Connections of this process (for /metrics): the pool on PostgreSQL, the one in-process connection on PGlite. */
  connectionStats(): ConnectionStats;
  close(): Promise<void>;
}

export interface ConnectionStats {
  total: number;
  idle: number;
  /** Requests waiting for a connection. */
  waiting: number;
}

/** Both drivers compile SQL with this dialect (drizzle's default). */
const pgDialect = new PgDialect();

const inProcessConnection = (): ConnectionStats => ({ total: 1, idle: 0, waiting: 0 });

/** Rows of a raw SQL query, the same shape on both drivers. */
export async function rows<T>(db: Queryable, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** Statement name per text of `preparedRows`: as few entries as there are such statements in the code. */
const preparedNames = new Map<string, string>();

/**
 * `rows` for the statements every survey submission runs: sent as a named prepared statement, which
 * PostgreSQL parses once per connection and, after a few runs, stops planning again. Only for
 * statements whose text never varies (the name is a digest of it): each distinct text stays
 * prepared on every pooled connection. PGlite ignores the name.
 */
export async function preparedRows<T>(db: Queryable, query: SQL): Promise<T[]> {
  const compiled = pgDialect.sqlToQuery(query);
  let name = preparedNames.get(compiled.sql);
  if (!name) {
    name = `tracer_${createHash('sha1').update(compiled.sql).digest('hex').slice(0, 24)}`;
    preparedNames.set(compiled.sql, name);
  }
  const result = (await db._.session.prepareQuery(compiled, undefined, name, false).execute()) as { rows: T[] };
  return result.rows;
}

/** One field of a row in PostgreSQL's COPY text format (`copyLine`): null is `\N`. */
export type CopyField = string | number | null;

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A row in COPY text format: fields separated by tabs, backslash escapes, ending in a newline. */
export function copyLine(fields: readonly CopyField[]): string {
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (i > 0) line += '\t';
    if (field === null || field === undefined) line += '\\N';
    else if (typeof field === 'number') line += String(field);
    else line += COPY_SPECIAL.test(field) ? field.replace(COPY_SPECIALS, (c) => COPY_ESCAPES[c]!) : field;
  }
  return `${line}\n`;
}

/**
 * Loads rows in COPY text format (`copyLine`) into a temporary table of this transaction, the
 * fastest way in: `COPY … FROM STDIN` on PostgreSQL, `COPY … FROM '/dev/blob'` on PGlite. Only for
 * staging tables: COPY FROM refuses tables with row-level security, so rows reach organisation
 * tables from there with an INSERT … SELECT under the tenant role. PGlite reads /dev/blob as a
 * server file, which only its superuser may: the COPY runs with the role reset, then the role of
 * the transaction is restored (the rows only land in the session's own temporary table).
 */
export async function copyInto(tx: Tx, table: string, columns: readonly string[], text: string): Promise<void> {
  if (text === '') return;
  const statement = (source: string) => `copy ${quoteIdentifier(table)} (${columns.map(quoteIdentifier).join(', ')}) from ${source}`;
  const client = (tx as unknown as { session: { client: pg.PoolClient | PgliteTransaction } }).session.client;
  if (client instanceof pg.Client) {
    await pipeline(Readable.from([Buffer.from(text)]), client.query(copyFromStdin(statement('stdin'))));
    return;
  }
  const [{ role } = { role: 'none' }] = (await client.query<{ role: string }>(`select current_setting('role') as role`)).rows;
  await client.query(`select set_config('role', 'none', true)`);
  // A failed COPY aborts the transaction, which then rolls back whole: nothing to restore.
  await client.query(statement(`'/dev/blob'`), [], { blob: new Blob([text]) });
  await client.query(`select set_config('role', $1, true)`, [role]);
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.kind === 'pglite' ? openPglite(config.dataDir) : openPostgres(config.url);
}

/** An in-memory PGlite database: used by tests and by benchmarks. */
export async function openMemoryPglite(): Promise<Database> {
  const client = await PGlite.create({ extensions: { pg_trgm, unaccent } });
  return wrap('pglite', drizzlePglite({ client, schema }) as unknown as Db, () => client.close());
}

async function openPglite(dataDir: string): Promise<Database> {
  const releaseLock = await lockDataDir(dataDir);
  let client: PGlite;
  try {
    client = await PGlite.create(dataDir, { extensions: { pg_trgm, unaccent } });
  } catch (error) {
    await releaseLock();
    throw new ConfigError(`Cannot open the embedded database in ${dataDir}: ${(error as Error).message}`);
  }
  return wrap('pglite', drizzlePglite({ client, schema }) as unknown as Db, async () => {
    await client.close();
    await releaseLock();
  });
}

// PGlite must never be opened by two processes at once: it would corrupt the folder.
async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new ConfigError(
      `Cannot create the data folder ${dataDir} (${(error as NodeJS.ErrnoException).code}); set TRACER_DATA_DIR to a writable folder`,
    );
  }
  try {
    // A live holder refreshes the lock every 2 s; the lock of a process that was killed goes stale
    // after 10 s. Retrying a little longer than that lets a restart after a crash just work.
    return await lockfile.lock(dataDir, {
      lockfilePath: `${dataDir}.lock`,
      stale: 10_000,
      update: 2_000,
      retries: { retries: 7, factor: 1, minTimeout: 2_000, maxTimeout: 2_000 },
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOCKED') {
      throw new ConfigError(
        `The embedded database in ${dataDir} is in use by another Tracer process (a running server?). ` +
          'Stop it first, or use the web interface or API of the running server.',
      );
    }
    throw new ConfigError(`Cannot lock the data folder ${dataDir} (${code}); set TRACER_DATA_DIR to a writable folder`);
  }
}

/**
 * Connections per server process. A request holds one only for its transaction; most of that time
 * is spent waiting for PostgreSQL to flush the commit to disk, and commits that wait together are
 * flushed together, so 20 serve 100 concurrent submitters better than 10 (bench/submissions.bench.ts).
 */
const POOL_SIZE = 20;

async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: POOL_SIZE });
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on next use.
  });
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end();
    throw new ConfigError(describePostgresError(url, error));
  }
  const system = drizzlePostgres({ client: pool, schema }) as unknown as Db;
  return {
    ...wrap('postgres', system, () => pool.end(), () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount })),
    withOrg: (orgId, work) => withOrgOnPool(pool, orgId, work),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * `withOrg` on a PostgreSQL pool, the same transaction as drizzle's `transaction()` but one round
 * trip shorter: BEGIN and the tenant settings travel as one simple-protocol query. That protocol
 * takes no parameters, so the organisation id is written into the text, which is safe only because
 * it must be a UUID (`assertUuid`). Every request pays each round trip: a survey submission now
 * needs four (this one, the link, the write, commit) instead of five.
 */
async function withOrgOnPool<T>(pool: pg.Pool, orgId: string, work: (tx: Tx) => Promise<T>): Promise<T> {
  assertUuid(orgId);
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(pgDialect.sqlToQuery(sql`begin; ${tenantSettings(sql.raw(`'${orgId}'`))}`).sql);
    // Without the relational schema (`tx.query.…`, which no tenant code uses): building its query
    // helpers for every table on every transaction was a visible share of a submission's server CPU.
    const result = await work(new NodePgTransaction(pgDialect, new NodePgSession(client, pgDialect, undefined), undefined) as unknown as Tx);
    await client.query('commit');
    return result;
  } catch (error) {
    await client.query('rollback').catch((rollbackFailed: Error) => {
      broken = rollbackFailed;
    });
    throw error;
  } finally {
    // A connection that could not even roll back is closed, not handed to the next request.
    client.release(broken);
  }
}

function assertUuid(orgId: string): void {
  if (!UUID.test(orgId)) throw new Error(`withOrg: organisation id ${JSON.stringify(orgId)} is not a UUID`);
}

/**
 * The tenant settings of a transaction. Both are transaction-local: they vanish at
 * COMMIT/ROLLBACK, so a pooled connection never carries one request's organisation into the next.
 */
function tenantSettings(orgId: SQL): SQL {
  return sql`select set_config('tracer.org_id', ${orgId}, true), set_config('role', 'tracer_app', true)`;
}

export function describePostgresError(url: string, error: unknown): string {
  const where = safeDatabaseLabel(url);
  const { code, message } = error as { code?: string; message?: string };
  switch (code) {
    case 'ECONNREFUSED':
      return `Cannot connect to PostgreSQL at ${where}: connection refused. Is the server running? Check DATABASE_URL.`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `Cannot connect to PostgreSQL at ${where}: unknown host. Check DATABASE_URL.`;
    case '28P01':
    case '28000':
      return `PostgreSQL at ${where} refused the login. Check the user and password in DATABASE_URL.`;
    case '3D000':
      return `The database in DATABASE_URL does not exist on ${where}. Create it (createdb) or fix DATABASE_URL.`;
    default:
      return `Cannot connect to PostgreSQL at ${where}: ${message ?? String(error)}. Check DATABASE_URL.`;
  }
}

/** host:port/database, never the password. */
export function safeDatabaseLabel(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return 'DATABASE_URL';
  }
}

function wrap(kind: Database['kind'], system: Db, close: () => Promise<void>, connectionStats = inProcessConnection): Database {
  let closed: Promise<void> | undefined;
  return {
    kind,
    system,
    connectionStats,
    async withOrg(orgId, work) {
      assertUuid(orgId);
      return system.transaction(async (tx) => {
        await tx.execute(tenantSettings(sql`${orgId}`));
        return work(tx);
      });
    },
    close() {
      closed ??= close();
      return closed;
    },
  };
}
