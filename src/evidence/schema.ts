// Qualitative evidence (codes given to text answers, selected quotes) and the link between a
// trainer's user account and the resource person they are, which confines trainer ratings.
import { foreignKey, index, integer, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { users } from '../accounts/schema.ts';
import { orgIdColumn, orgIsolation } from '../db/tenancy-schema.ts';
import { participants } from '../people/schema.ts';
import { answers } from '../responses/schema.ts';

/**
 * The codes an organisation adds to the standard tangible-change categories (those are constants
 * in `codebook.ts`, the same for every organisation, and never stored here).
 */
export const evidenceCodes = pgTable(
  'evidence_codes',
  {
    orgId: orgIdColumn(),
    code: text('code').notNull(),
    labelEn: text('label_en').notNull(),
    labelFr: text('label_fr').notNull(),
    labelEs: text('label_es').notNull(),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.code] }), orgIsolation()],
);

/** One code given to one text answer (an `answers` row), by whom and when; several codes per text. */
export const evidenceCodings = pgTable(
  'evidence_codings',
  {
    orgId: orgIdColumn(),
    responseId: uuid('response_id').notNull(),
    position: integer('position').notNull(),
    code: text('code').notNull(),
    codedBy: uuid('coded_by'),
    codedAt: timestamp('coded_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.responseId, t.position, t.code] }),
    foreignKey({ columns: [t.orgId, t.responseId, t.position], foreignColumns: [answers.orgId, answers.responseId, answers.position] }).onDelete('cascade'),
    index('evidence_codings_code_idx').on(t.orgId, t.code),
    orgIsolation(),
  ],
);

/** Text answers marked as quotes worth showing (with an anonymous respondent id, never a name). */
export const evidenceQuotes = pgTable(
  'evidence_quotes',
  {
    orgId: orgIdColumn(),
    responseId: uuid('response_id').notNull(),
    position: integer('position').notNull(),
    selectedBy: uuid('selected_by'),
    selectedAt: timestamp('selected_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.responseId, t.position] }),
    foreignKey({ columns: [t.orgId, t.responseId, t.position], foreignColumns: [answers.orgId, answers.responseId, answers.position] }).onDelete('cascade'),
    orgIsolation(),
  ],
);

/**
 * Which resource person (a participant enrolled with role `resource_person`) a user with the
 * trainer role is. Set by an administrator; without a link a trainer sees no ratings at all.
 */
export const trainerLinks = pgTable(
  'trainer_links',
  {
    orgId: orgIdColumn(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    participantId: uuid('participant_id').notNull(),
    linkedBy: uuid('linked_by'),
    linkedAt: timestamp('linked_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.userId] }),
    uniqueIndex('trainer_links_participant_key').on(t.orgId, t.participantId),
    foreignKey({ columns: [t.orgId, t.participantId], foreignColumns: [participants.orgId, participants.id] }).onDelete('cascade'),
    orgIsolation(),
  ],
);
