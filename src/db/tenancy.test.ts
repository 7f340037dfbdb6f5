// The tenancy rule, checked against the real schema: every table is either organisation-owned
// (org_id first in its primary key, row-level security with the org_isolation policy) or one of
// the few declared global tables. Adding a table that follows neither fails here.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { createApiToken, resolveSession, signIn } from '../accounts/service.ts';
import { rows, type Database } from './database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, TEST_PASSWORD, type TestOrg } from '../testing/http.ts';

/** Tables that are deliberately not organisation-owned, and why. */
const GLOBAL_TABLES: Record<string, string> = {
  organisations: 'the tenants themselves; tenant code sees its own row only',
  users: 'a person may belong to several organisations; tenant code reads its members only',
  sessions: 'looked up before the organisation is known; no tenant access',
  instance_settings: 'installation secrets; no tenant access',
};

describe('tenancy rule', () => {
  let database: Database;
  let orgA: TestOrg;
  let orgB: TestOrg;

  before(async () => {
    database = await createTestDatabase();
    orgA = await createTestOrg(database, 'org-a');
    orgB = await createTestOrg(database, 'org-b');
    for (const org of [orgA, orgB]) {
      const signedIn = await signIn(database.system, org.emails.evaluator, TEST_PASSWORD);
      assert.ok(signedIn.ok);
      const actor = await resolveSession(database.system, signedIn.sessionToken);
      await database.withOrg(org.id, (tx) => createApiToken(tx, actor!, `token of ${org.slug}`));
    }
  });
  after(() => database.close());

  async function publicTables(): Promise<Array<{ table: string; rls: boolean; hasOrgId: boolean; pkFirst: string | null }>> {
    return rows(
      database.system,
      sql`select c.relname as "table", c.relrowsecurity as rls,
                 exists (select 1 from information_schema.columns col
                         where col.table_schema = 'public' and col.table_name = c.relname and col.column_name = 'org_id') as "hasOrgId",
                 (select a.attname from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = i.indkey[0]
                   where i.indrelid = c.oid and i.indisprimary) as "pkFirst"
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
           where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
           order by 1`,
    );
  }

  it('every table is organisation-owned with org_id first in its key and RLS on, or a declared global table', async () => {
    const tables = await publicTables();
    assert.ok(tables.length >= 6);
    const policies = await rows<{ table: string; policy: string }>(
      database.system,
      sql`select tablename as "table", policyname as policy from pg_policies where schemaname = 'public'`,
    );
    for (const { table, rls, hasOrgId, pkFirst } of tables) {
      assert.ok(rls, `${table}: row-level security must be enabled`);
      if (table in GLOBAL_TABLES) continue;
      assert.ok(hasOrgId, `${table}: has no org_id column and is not a declared global table`);
      assert.equal(pkFirst, 'org_id', `${table}: org_id must be the first column of the primary key`);
      assert.ok(
        policies.some((p) => p.table === table && p.policy === 'org_isolation'),
        `${table}: must carry the org_isolation policy`,
      );
    }
  });

  it('a tenant transaction sees only its own organisation’s rows in every organisation-owned table', async () => {
    const owned = (await publicTables()).filter((t) => t.hasOrgId && !(t.table in GLOBAL_TABLES));
    let tablesWithData = 0;
    for (const { table } of owned) {
      const identifier = sql.identifier(table);
      const [total] = await rows<{ a: number; b: number }>(
        database.system,
        sql`select count(*) filter (where org_id = ${orgA.id})::int as a, count(*) filter (where org_id = ${orgB.id})::int as b from ${identifier}`,
      );
      const [seenByB] = await database.withOrg(orgB.id, (tx) =>
        rows<{ own: number; foreign: number }>(
          tx,
          sql`select count(*) filter (where org_id = ${orgB.id})::int as own, count(*) filter (where org_id <> ${orgB.id})::int as foreign from ${identifier}`,
        ),
      );
      assert.equal(seenByB!.foreign, 0, `${table}: organisation B can see other organisations' rows`);
      assert.equal(seenByB!.own, total!.b, `${table}: organisation B cannot see all of its own rows`);
      if (total!.a > 0) tablesWithData++;
    }
    assert.ok(tablesWithData >= 3, 'the fixture must put rows in several tables for this test to mean anything');
  });

  it('a tenant transaction cannot write rows of another organisation', async () => {
    await assert.rejects(
      database.withOrg(orgB.id, (tx) =>
        tx.execute(sql`insert into audit_log (org_id, action) values (${orgA.id}, 'forged')`),
      ),
      (error: Error) => /row-level security/.test(String((error.cause as Error | undefined)?.message ?? error.message)),
    );
  });

  it('a tenant transaction cannot read sessions, secrets or users of other organisations', async () => {
    const seen = await database.withOrg(orgB.id, async (tx) => ({
      sessions: (await rows<{ n: number }>(tx, sql`select count(*)::int as n from sessions`))[0]!.n,
      settings: (await rows<{ n: number }>(tx, sql`select count(*)::int as n from instance_settings`))[0]!.n,
      users: (await rows<{ email: string }>(tx, sql`select email from users`)).map((u) => u.email).sort(),
      orgs: (await rows<{ slug: string }>(tx, sql`select slug from organisations`)).map((o) => o.slug),
    }));
    assert.equal(seen.sessions, 0);
    assert.equal(seen.settings, 0);
    assert.deepEqual(seen.users, Object.values(orgB.emails).sort());
    assert.deepEqual(seen.orgs, ['org-b']);
  });

  it('a tenant transaction that fails writes nothing and leaves neither its organisation nor its role on the connection', async () => {
    await assert.rejects(
      database.withOrg(orgA.id, async (tx) => {
        await tx.execute(sql`insert into audit_log (org_id, action) values (${orgA.id}, 'rolled back')`);
        throw new Error('work failed');
      }),
      /work failed/,
    );
    const [written] = await rows<{ n: number }>(database.system, sql`select count(*)::int as n from audit_log where action = 'rolled back'`);
    assert.equal(written!.n, 0);
    // The pool hands out the connection released last: the one that ran the failed transaction.
    const [after] = await rows<{ role: string; org: string | null }>(
      database.system,
      sql`select current_user as role, nullif(current_setting('tracer.org_id', true), '') as org`,
    );
    assert.notEqual(after!.role, 'tracer_app');
    assert.equal(after!.org, null);
  });

  it('an organisation id that is not a UUID never opens a tenant transaction', async () => {
    // Valid SQL if it were pasted into the settings query unchecked.
    const forged = `${orgA.id}'::text, true), set_config('tracer.forged', '`;
    await assert.rejects(database.withOrg(forged, (tx) => rows(tx, sql`select count(*)::int as n from memberships`)), /is not a UUID/);
  });

  it('without an organisation set, the tenant role sees nothing', async () => {
    const count = await database.system.transaction(async (tx) => {
      await tx.execute(sql`select set_config('role', 'tracer_app', true)`);
      return (await rows<{ n: number }>(tx, sql`select count(*)::int as n from memberships`))[0]!.n;
    });
    assert.equal(count, 0);
  });
});
