import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  doublePrecision,
  integer,
  numeric,
  foreignKey,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { organisations } from '../accounts/schema.ts';
import { activities } from '../catalogue/schema.ts';
import { orgIdColumn, orgIsolation } from '../db/tenancy-schema.ts';
import type { Localised } from './dimensions.ts';
import type { DacCriterion, Direction, IndicatorDefinition, KirkpatrickLevel, Unit } from './definitions.ts';
import type { PeriodBasis } from './periods.ts';

/** Indicator definitions of an organisation: the standard set plus its own. */
export const indicatorDefinitions = pgTable(
  'indicator_definitions',
  {
    orgId: orgIdColumn().references(() => organisations.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    names: jsonb('names').$type<Localised>().notNull(),
    descriptions: jsonb('descriptions').$type<Localised>().notNull(),
    level: smallint('level').$type<KirkpatrickLevel>().notNull(),
    criterion: text('criterion').$type<DacCriterion>().notNull(),
    direction: text('direction').$type<Direction>().notNull(),
    unit: text('unit').$type<Unit>().notNull(),
    periodBasis: text('period_basis').$type<PeriodBasis>().notNull().default('activity_end'),
    definition: jsonb('definition').$type<IndicatorDefinition>().notNull(),
    /** Shipped with Tracer (installed by installStandardIndicators) rather than added by the organisation. */
    standard: boolean('standard').notNull().default(false),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.key] }),
    check('indicator_definitions_level_check', sql`${t.level} between 1 and 4`),
    check('indicator_definitions_key_check', sql`${t.key} ~ '^[a-z][a-z0-9_]{1,62}$'`),
    orgIsolation(),
  ],
);

/** Baseline and target of an indicator for a period: one year (from = to) or a range of years. */
export const indicatorTargets = pgTable(
  'indicator_targets',
  {
    orgId: orgIdColumn().references(() => organisations.id, { onDelete: 'cascade' }),
    indicatorKey: text('indicator_key').notNull(),
    periodFrom: smallint('period_from').notNull(),
    periodTo: smallint('period_to').notNull(),
    baseline: doublePrecision('baseline'),
    target: doublePrecision('target'),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid('updated_by'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.indicatorKey, t.periodFrom, t.periodTo] }),
    foreignKey({ columns: [t.orgId, t.indicatorKey], foreignColumns: [indicatorDefinitions.orgId, indicatorDefinitions.key] }).onDelete('cascade'),
    check('indicator_targets_period_check', sql`${t.periodFrom} <= ${t.periodTo}`),
    check('indicator_targets_values_check', sql`${t.baseline} is not null or ${t.target} is not null`),
    orgIsolation(),
  ],
);

/** Per-organisation analytics settings (one row at most; absent means the defaults). */
export const analyticsSettings = pgTable(
  'analytics_settings',
  {
    orgId: orgIdColumn().references(() => organisations.id, { onDelete: 'cascade' }),
    /** Cells with fewer valid answers than this are suppressed (statistics.ts). */
    minCellSize: smallint('min_cell_size').notNull().default(5),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    updatedBy: uuid('updated_by'),
  },
  (t) => [primaryKey({ columns: [t.orgId] }), check('analytics_settings_min_cell_size_check', sql`${t.minCellSize} between 1 and 1000`), orgIsolation()],
);

/**
 * The rollup of the answer-based indicators: one row per unit (a respondent of an activity, or a
 * response for means) holding its result for every answer-based indicator of the organisation, as
 * the engine's unit-level SQL computes them (engine-repository.ts), so that a request only groups
 * these rows by cell. Dimensions and filters are joined at query time, so an edit of a participant
 * or an activity needs no refresh. Derived: triggers on responses, answers, instruments and indicator
 * definitions mark activities in `indicator_dirty`; the engine recomputes those activities before it
 * reads (exact at every read).
 *   layout     which indicators the arrays hold, in which order: a digest of the organisation's
 *              answer-based definitions (sorted by key) when the row was computed; the engine reads
 *              a row only under the digest of the definitions it was asked for
 *   numerator  per indicator: hits (shares), Σx (means), 0 (paired gains, cost per application)
 *   valid      1/0 (shares), n (means)    missing  1/0 (shares), 1 when n = 0 (means); null: not a unit of it
 *   squares    Σx² (means)                d        the paired difference (paired gains; null: missing)
 */
export const indicatorUnits = pgTable(
  'indicator_units',
  {
    orgId: orgIdColumn().references(() => organisations.id, { onDelete: 'cascade' }),
    activityId: uuid('activity_id').notNull(),
    unitId: uuid('unit_id').notNull(),
    participantId: uuid('participant_id'),
    layout: uuid('layout').notNull(),
    numerator: doublePrecision('numerator').array().notNull(),
    valid: integer('valid').array().notNull(),
    missing: integer('missing').array().notNull(),
    squares: doublePrecision('squares').array().notNull(),
    d: numeric('d').array().notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.activityId, t.unitId] }), orgIsolation()],
);

/**
 * Activities whose rows of `indicator_units` are out of date, one row per writing transaction (`xact`)
 * so that a reader only takes (and deletes) marks whose writes it can see: a mark of a transaction
 * still running stays for the next reader.
 */
export const indicatorDirty = pgTable(
  'indicator_dirty',
  {
    orgId: orgIdColumn(),
    activityId: uuid('activity_id').notNull(),
    xact: bigint('xact', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.activityId, t.xact] }),
    foreignKey({ columns: [t.orgId, t.activityId], foreignColumns: [activities.orgId, activities.id] }).onDelete('cascade'),
    orgIsolation(),
  ],
);
