import { boolean, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { activities } from '../catalogue/schema.ts';
import { orgIdColumn, orgIsolation } from '../db/tenancy-schema.ts';
import type { InstrumentDefinition, LocalText, Purpose } from './model.ts';

/** A questionnaire or test, identified by a stable key; its content lives in versions. */
export const instruments = pgTable(
  'instruments',
  {
    orgId: orgIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    key: text('key').notNull(),
    purpose: text('purpose').$type<Purpose>().notNull(),
    title: jsonb('title').$type<LocalText>().notNull(),
    /** Responses keep the activity but never the participant. */
    anonymous: boolean('anonymous').notNull().default(false),
    /** The editable next version; null once published until edited again. */
    draft: jsonb('draft').$type<InstrumentDefinition>(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.id] }), uniqueIndex('instruments_key_key').on(t.orgId, t.key), orgIsolation()],
);

/** A published, immutable version (a trigger refuses updates of `definition`). */
export const instrumentVersions = pgTable(
  'instrument_versions',
  {
    orgId: orgIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    instrumentId: uuid('instrument_id').notNull(),
    version: integer('version').notNull(),
    definition: jsonb('definition').$type<InstrumentDefinition>().notNull(),
    publishedAt: timestamp('published_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex('instrument_versions_number_key').on(t.orgId, t.instrumentId, t.version),
    foreignKey({ columns: [t.orgId, t.instrumentId], foreignColumns: [instruments.orgId, instruments.id] }).onDelete('cascade'),
    orgIsolation(),
  ],
);

/**
 * A staff-created link that lets anyone holding its token answer one version for one activity.
 * The token is 256 random bits; lookup by token happens before the organisation is known, so its
 * index cannot include org_id (it is not unique: uniqueness comes from the randomness).
 */
export const collectionLinks = pgTable(
  'collection_links',
  {
    orgId: orgIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    token: text('token').notNull(),
    instrumentVersionId: uuid('instrument_version_id').notNull(),
    /** The activity the answers are about. */
    activityId: uuid('activity_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    index('collection_links_token_idx').on(t.token),
    foreignKey({ columns: [t.orgId, t.instrumentVersionId], foreignColumns: [instrumentVersions.orgId, instrumentVersions.id] }),
    foreignKey({ columns: [t.orgId, t.activityId], foreignColumns: [activities.orgId, activities.id] }),
    orgIsolation(),
  ],
);
