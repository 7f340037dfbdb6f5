// Survey waves: one instrument version sent to the eligible people of one activity or a cohort of
// activities between an open and a close date; personal invitations (one per person and activity,
// each e-mail carrying its own personal link token, stored only as a SHA-256 hash); and the
// organisation's default plan of waves.
import { sql } from 'drizzle-orm';
import { boolean, foreignKey, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../accounts/schema.ts';
import { activities } from '../catalogue/schema.ts';
import { orgIdColumn, orgIsolation } from '../db/tenancy-schema.ts';
import { collectionLinks, instruments, instrumentVersions } from '../instruments/schema.ts';
import { outboundMessages } from '../messaging/schema.ts';
import { participants } from '../people/schema.ts';
import type { WavePlanItem } from './model.ts';

export const waves = pgTable(
  'waves',
  {
    orgId: orgIdColumn().references(() => organisations.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    name: text('name').notNull(),
    instrumentId: uuid('instrument_id').notNull(),
    instrumentVersionId: uuid('instrument_version_id').notNull(),
    /**
     * A collection link created closed for this wave: responses through personal links point to it
     * (`responses.collection_link_id`), and being closed it cannot be used without a personal token.
     */
    collectionLinkId: uuid('collection_link_id').notNull(),
    /** `participants` (enrolments with role participant and one of `eligible_statuses`) or `resource_persons`. */
    population: text('population').$type<'participants' | 'resource_persons'>().notNull(),
    eligibleStatuses: text('eligible_statuses').array().notNull().default(sql`'{completed,certified}'::text[]`),
    /** How the dates were set: relative to the activities' first start or last end, or fixed by hand. */
    anchor: text('anchor').$type<'start' | 'end' | 'fixed'>().notNull(),
    offsetMonths: integer('offset_months').notNull().default(0),
    offsetDays: integer('offset_days').notNull().default(0),
    opensAt: timestamp('opens_at', { withTimezone: true }).notNull(),
    closesAt: timestamp('closes_at', { withTimezone: true }).notNull(),
    /** Days after the invitation when non-respondents get a reminder. */
    reminderDays: integer('reminder_days').array().notNull().default(sql`'{7,14}'::int[]`),
    /** `<plan item key>:<activity id>` for waves created from the default plan (applied once). */
    planKey: text('plan_key'),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex('waves_plan_key').on(t.orgId, t.planKey),
    index('waves_open_idx').on(t.orgId, t.opensAt, t.closesAt),
    foreignKey({ columns: [t.orgId, t.instrumentId], foreignColumns: [instruments.orgId, instruments.id] }),
    foreignKey({ columns: [t.orgId, t.instrumentVersionId], foreignColumns: [instrumentVersions.orgId, instrumentVersions.id] }),
    foreignKey({ columns: [t.orgId, t.collectionLinkId], foreignColumns: [collectionLinks.orgId, collectionLinks.id] }),
    orgIsolation(),
  ],
);

/** The activities a wave covers (one, or a cohort). */
export const waveActivities = pgTable(
  'wave_activities',
  {
    orgId: orgIdColumn(),
    waveId: uuid('wave_id').notNull(),
    activityId: uuid('activity_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.waveId, t.activityId] }),
    index('wave_activities_activity_idx').on(t.orgId, t.activityId),
    foreignKey({ columns: [t.orgId, t.waveId], foreignColumns: [waves.orgId, waves.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.orgId, t.activityId], foreignColumns: [activities.orgId, activities.id] }).onDelete('cascade'),
    orgIsolation(),
  ],
);

/** One person invited to answer a wave about one activity; unique, so a scheduler never invites twice. */
export const waveInvitations = pgTable(
  'wave_invitations',
  {
    orgId: orgIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    waveId: uuid('wave_id').notNull(),
    activityId: uuid('activity_id').notNull(),
    participantId: uuid('participant_id').notNull(),
    language: text('language').notNull(),
    /** The invitation e-mail in the outbox (its status gives delivered / bounced). */
    messageId: uuid('message_id'),
    remindersSent: integer('reminders_sent').notNull().default(0),
    lastReminderAt: timestamp('last_reminder_at', { withTimezone: true }),
    /**
     * Anonymous instruments only: the client submission id of this invitation's response while it
     * is partial (so it can be resumed); erased when the response is complete, after which nothing
     * links the response to the person.
     */
    anonymousSubmissionId: text('anonymous_submission_id'),
    /** Where the response through this invitation stands (kept for anonymous instruments, whose responses name nobody). */
    responseStatus: text('response_status').$type<'partial' | 'complete'>(),
    respondedAt: timestamp('responded_at', { withTimezone: true }),
    /** First time one of its personal links was opened. */
    openedAt: timestamp('opened_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex('wave_invitations_person_key').on(t.orgId, t.waveId, t.activityId, t.participantId),
    index('wave_invitations_participant_idx').on(t.orgId, t.participantId),
    foreignKey({ columns: [t.orgId, t.waveId, t.activityId], foreignColumns: [waveActivities.orgId, waveActivities.waveId, waveActivities.activityId] }).onDelete('cascade'),
    foreignKey({ columns: [t.orgId, t.participantId], foreignColumns: [participants.orgId, participants.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.orgId, t.messageId], foreignColumns: [outboundMessages.orgId, outboundMessages.id] }),
    orgIsolation(),
  ],
);

/**
 * Personal link tokens: SHA-256 of 256 random bits (high entropy, so a plain hash is enough). Each
 * e-mail of an invitation carries a token of its own (the raw token lives only in that e-mail, whose
 * body the outbox erases once sent); every token of an invitation opens the same single response.
 * Looked up before the organisation is known, hence the index without org_id (uniqueness comes from
 * the randomness).
 */
export const waveInvitationTokens = pgTable(
  'wave_invitation_tokens',
  {
    orgId: orgIdColumn(),
    tokenHash: text('token_hash').notNull(),
    invitationId: uuid('invitation_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.tokenHash] }),
    index('wave_invitation_tokens_hash_idx').on(t.tokenHash),
    foreignKey({ columns: [t.orgId, t.invitationId], foreignColumns: [waveInvitations.orgId, waveInvitations.id] }).onDelete('cascade'),
    orgIsolation(),
  ],
);

/** The organisation's default plan of waves and whether the scheduler applies it to activities by itself. */
export const waveSettings = pgTable(
  'wave_settings',
  {
    orgId: orgIdColumn().references(() => organisations.id, { onDelete: 'cascade' }),
    autoApply: boolean('auto_apply').notNull().default(false),
    plan: jsonb('plan').$type<WavePlanItem[]>().notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId] }), orgIsolation()],
);
