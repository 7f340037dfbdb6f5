import { pgTable, text, timestamp } from 'drizzle-orm/pg-core';

/** Per-installation values such as generated secrets. Tenant code has no access (RLS on, no policy). */
export const instanceSettings = pgTable('instance_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
}).enableRLS();
