// The tenancy rule, as schema building blocks. Every organisation-owned table:
//   1. has an `org_id` column and puts it first in its primary key (so Citus can distribute by it);
//   2. carries the `org_isolation` row-level-security policy below, so that code running as the
//      `tracer_app` role (every request, see db/database.ts `withOrg`) only ever sees and writes
//      rows of the organisation named in the transaction setting `tracer.org_id`.
import { sql } from 'drizzle-orm';
import { pgPolicy, pgRole, uuid } from 'drizzle-orm/pg-core';

/** The role that tenant transactions switch to. Created (if absent) by migration 0000. */
export const tenantRole = pgRole('tracer_app').existing();

/** SQL for "the organisation of the current transaction" (NULL when none is set: no rows match). */
export const currentOrgId = sql`tracer_current_org()`;

export const orgIdColumn = () => uuid('org_id').notNull();

/**
 * The one policy every organisation-owned table carries. The function is wrapped in a scalar
 * subquery so that PostgreSQL evaluates it once per statement (an InitPlan) instead of once per row
 * scanned, which costs tens of milliseconds on a scan of a million rows.
 */
export const orgIsolation = () =>
  pgPolicy('org_isolation', {
    for: 'all',
    to: tenantRole,
    using: sql`org_id = (select tracer_current_org())`,
    withCheck: sql`org_id = (select tracer_current_org())`,
  });
