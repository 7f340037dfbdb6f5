// Anonymous reads for public pages (the catalogue, the lessons library): one read-only
// transaction as the `tracer_public` role, which row-level security and column grants limit to
// published rows and public columns. Mirrors `withOrg` in database.ts; no organisation is set,
// so tenant policies match nothing.
import { sql } from 'drizzle-orm';
import type { Database, Tx } from './database.ts';

export function withPublic<T>(database: Database, work: (tx: Tx) => Promise<T>): Promise<T> {
  return database.system.transaction(async (tx) => {
    await tx.execute(sql`select set_config('tracer.org_id', '', true), set_config('role', 'tracer_public', true)`);
    await tx.execute(sql`set transaction read only`);
    return work(tx);
  });
}
