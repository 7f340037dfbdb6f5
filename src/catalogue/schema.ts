// Catalogue tables: themes (an editable vocabulary), activities, learning resources and the links
// between resources and activities. `search_vector` columns are filled by triggers (see the custom
// migration) with English, French and Spanish stems, accents removed. The anonymous public
// catalogue reads these tables as the `tracer_public` role, which sees published rows only and has
// no SELECT grant on private columns (cost, contact, capacity, replication notes).
import { sql } from 'drizzle-orm';
import {
  boolean,
  customType,
  date,
  foreignKey,
  index,
  integer,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organisations } from '../accounts/schema.ts';
import { orgIdColumn, orgIsolation } from '../db/tenancy-schema.ts';
import { activityStatuses, feeTypes, modalities, resourceTypes } from './vocabulary.ts';

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

export const activityModality = pgEnum('activity_modality', modalities);
export const activityFeeType = pgEnum('activity_fee_type', feeTypes);
export const activityStatus = pgEnum('activity_status', activityStatuses);
export const resourceType = pgEnum('resource_type', resourceTypes);

export const themes = pgTable(
  'themes',
  {
    orgId: orgIdColumn().references(() => organisations.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    labelEn: text('label_en').notNull(),
    labelFr: text('label_fr').notNull(),
    labelEs: text('label_es').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.code] }), orgIsolation()],
);

export const activities = pgTable(
  'activities',
  {
    orgId: orgIdColumn().references(() => organisations.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    code: text('code').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    themes: text('themes').array().notNull().default(sql`'{}'::text[]`),
    modality: activityModality('modality').notNull(),
    languages: text('languages').array().notNull().default(sql`'{}'::text[]`),
    startDate: date('start_date'),
    endDate: date('end_date'),
    /** ISO 3166-1 alpha-2; null for online activities. */
    country: text('country'),
    city: text('city'),
    /** M49 region and sub-region of `country`, derived on write for facets. */
    region: text('region'),
    subRegion: text('sub_region'),
    feeType: activityFeeType('fee_type').notNull().default('free'),
    /** Open to individual applicants (true) or tailor-made for one client (false). */
    isOpen: boolean('is_open').notNull().default(true),
    targetGroups: text('target_groups').array().notNull().default(sql`'{}'::text[]`),
    programme: text('programme'),
    markers: text('markers').array().notNull().default(sql`'{}'::text[]`),
    status: activityStatus('status').notNull().default('planned'),
    capacity: integer('capacity'),
    cost: numeric('cost', { precision: 14, scale: 2 }),
    replicationNotes: text('replication_notes'),
    contact: text('contact'),
    published: boolean('published').notNull().default(false),
    searchVector: tsvector('search_vector'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex('activities_code_key').on(t.orgId, t.code),
    index('activities_start_idx').on(t.orgId, t.startDate),
    index('activities_search_idx').using('gin', t.searchVector),
    orgIsolation(),
  ],
);

export const resources = pgTable(
  'resources',
  {
    orgId: orgIdColumn().references(() => organisations.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    title: text('title').notNull(),
    description: text('description').notNull().default(''),
    type: resourceType('type').notNull(),
    languages: text('languages').array().notNull().default(sql`'{}'::text[]`),
    licence: text('licence'),
    url: text('url'),
    themes: text('themes').array().notNull().default(sql`'{}'::text[]`),
    openAccess: boolean('open_access').notNull().default(true),
    published: boolean('published').notNull().default(false),
    searchVector: tsvector('search_vector'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex('resources_title_key').on(t.orgId, t.title),
    index('resources_search_idx').using('gin', t.searchVector).with({ fastupdate: false }),
    orgIsolation(),
  ],
);

export const resourceActivities = pgTable(
  'resource_activities',
  {
    orgId: orgIdColumn(),
    resourceId: uuid('resource_id').notNull(),
    activityId: uuid('activity_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.resourceId, t.activityId] }),
    foreignKey({ columns: [t.orgId, t.resourceId], foreignColumns: [resources.orgId, resources.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.orgId, t.activityId], foreignColumns: [activities.orgId, activities.id] }).onDelete('cascade'),
    orgIsolation(),
  ],
);

/**
 * The public catalogue's search projection: one narrow row per *published* activity, written by the
 * trigger on `activities` (custom migration) in the same statement as the activity, never by code.
 * It holds only public values, so the `tracer_public` role reads it without a row filter and `@@`
 * and `@>` use the GIN indexes. `facets` lists every facet value of the activity as `facet:value`
 * (`theme:social_dialogue`, `year:2024`, …): facet filters are one array containment, facet counts
 * one unnest of the matched rows. `rank_vector` (the title alone, weight A) ranks them: ranking reads
 * a small value per match rather than the whole three-language vector. Distributed by org_id like
 * `activities`, with which it is co-located.
 */
export const catalogueActivitySearch = pgTable(
  'catalogue_activity_search',
  {
    orgId: orgIdColumn(),
    activityId: uuid('activity_id').notNull(),
    title: text('title').notNull(),
    startDate: date('start_date'),
    /** End date, or start date when there is none: what "upcoming" and "past" compare with today. */
    lastDate: date('last_date'),
    facets: text('facets').array().notNull(),
    rankVector: tsvector('rank_vector').notNull(),
    searchVector: tsvector('search_vector').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.activityId] }),
    foreignKey({ columns: [t.orgId, t.activityId], foreignColumns: [activities.orgId, activities.id] }).onDelete('cascade'),
    // fastupdate off: a search would otherwise also read the pending list linearly (measured 1–6 ms a search).
    index('catalogue_activity_search_text_idx').using('gin', t.searchVector).with({ fastupdate: false }),
    index('catalogue_activity_search_facets_idx').using('gin', t.facets).with({ fastupdate: false }),
    index('catalogue_activity_search_start_idx').on(t.startDate.desc().nullsLast(), t.activityId),
    index('catalogue_activity_search_title_idx').on(t.title, t.activityId),
    index('catalogue_activity_search_last_idx').on(t.lastDate),
    orgIsolation(),
  ],
);

/**
 * How many published activities of an organisation carry each facet value (`facet_key` as in
 * `catalogue_activity_search.facets`; the key `total` counts them all), kept by the same trigger.
 * Browsing without words or filters reads these few rows instead of counting the whole catalogue.
 */
export const catalogueFacetCounts = pgTable(
  'catalogue_facet_counts',
  {
    orgId: orgIdColumn().references(() => organisations.id, { onDelete: 'cascade' }),
    facetKey: text('facet_key').notNull(),
    activities: integer('activities').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.facetKey] }), orgIsolation()],
);

/**
 * The same counts split by when each activity ends (`last_date` of the projection), so that browsing
 * the upcoming or the past activities without words or filters adds stored counts instead of counting
 * the matched rows: one row per organisation, key and year (`month` 0) and one per organisation, key
 * and month of that year (`month` 1–12). Past = the years before the current one, the months of the
 * current year before the current one, and the current month's activities ended before today, counted
 * live (search.ts); upcoming is the mirror image. Activities without dates are in neither. Same trigger.
 */
export const catalogueFacetPeriodCounts = pgTable(
  'catalogue_facet_period_counts',
  {
    orgId: orgIdColumn().references(() => organisations.id, { onDelete: 'cascade' }),
    facetKey: text('facet_key').notNull(),
    year: integer('year').notNull(),
    /** 1–12, or 0 for the whole year. */
    month: smallint('month').notNull(),
    activities: integer('activities').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.facetKey, t.year, t.month] }),
    // One index per kind of row the search reads: whole years before or after one, months of one year.
    index('catalogue_facet_period_counts_years_idx').on(t.month, t.year),
    index('catalogue_facet_period_counts_months_idx').on(t.year, t.month),
    orgIsolation(),
  ],
);
