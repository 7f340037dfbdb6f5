// Privacy settings per organisation: how long personal data of inactive participants is kept.
import { check, integer, pgTable, primaryKey, timestamp } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { organisations } from '../accounts/schema.ts';
import { orgIdColumn, orgIsolation } from '../db/tenancy-schema.ts';

export const privacySettings = pgTable(
  'privacy_settings',
  {
    orgId: orgIdColumn().references(() => organisations.id, { onDelete: 'cascade' }),
    /** Personal data of participants inactive for this many months is erased; no row means kept until erased by hand. */
    retentionMonths: integer('retention_months').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId] }), check('privacy_settings_retention_positive', sql`${t.retentionMonths} between 1 and 1200`), orgIsolation()],
);
