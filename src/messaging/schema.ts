// The outbox of e-mail and the suppression list. Other domains (waves, notices) put messages in
// with `enqueueMessage`; the sender worker (worker.ts) delivers them.
import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { organisations } from '../accounts/schema.ts';
import { orgIdColumn, orgIsolation } from '../db/tenancy-schema.ts';

/**
 * - queued / retrying: waiting for `next_attempt_at`;
 * - sending: claimed by a worker until `lease_until`;
 * - sent, bounced (permanent SMTP refusal), failed (gave up after the last transient failure),
 *   suppressed (the address unsubscribed): final;
 * - uncertain: a worker stopped while sending, so the message may or may not have left; never
 *   resent automatically (a person decides, see `requeueUncertain`).
 */
export const messageStatuses = ['queued', 'sending', 'sent', 'retrying', 'bounced', 'failed', 'suppressed', 'uncertain'] as const;
export type MessageStatus = (typeof messageStatuses)[number];
export const messageStatus = pgEnum('message_status', messageStatuses);

/** Statuses in which the message may still be sent, so the address and bodies are kept. */
export const pendingStatuses = ['queued', 'retrying', 'sending', 'uncertain'] as const satisfies readonly MessageStatus[];

export const outboundMessages = pgTable(
  'outbound_messages',
  {
    orgId: orgIdColumn().references(() => organisations.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    kind: text('kind').notNull(),
    /** Personal data: erased (null) once the message reaches a final status. */
    recipient: text('recipient'),
    /** HMAC of the normalised address (instance key): what unsubscribe and suppression use. Set at first claim. */
    recipientHash: text('recipient_hash'),
    /** A participant of the people domain (no foreign key: built elsewhere). */
    participantId: uuid('participant_id'),
    language: text('language').notNull(),
    subject: text('subject').notNull(),
    /** Erased with the recipient: bodies hold personal links. */
    textBody: text('text_body'),
    htmlBody: text('html_body'),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    dedupeKey: text('dedupe_key').notNull(),
    status: messageStatus('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    lastError: text('last_error'),
    providerMessageId: text('provider_message_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull(),
    sentAt: timestamp('sent_at', { withTimezone: true }),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    uniqueIndex('outbound_messages_dedupe_key').on(t.orgId, t.dedupeKey),
    index('outbound_messages_due_idx').on(t.orgId, t.status, t.nextAttemptAt),
    index('outbound_messages_participant_idx').on(t.orgId, t.participantId),
    check(
      'outbound_messages_personal_data_only_while_pending',
      sql`(${t.status} in ('queued', 'retrying', 'sending', 'uncertain')) = (${t.recipient} is not null and ${t.textBody} is not null)`,
    ),
    check('outbound_messages_lease_only_while_sending', sql`(${t.status} = 'sending') = (${t.leaseUntil} is not null)`),
    orgIsolation(),
  ],
);

/** Addresses (hashed, per organisation) that asked to receive no more e-mail. */
export const mailSuppressions = pgTable(
  'mail_suppressions',
  {
    orgId: orgIdColumn().references(() => organisations.id, { onDelete: 'cascade' }),
    recipientHash: text('recipient_hash').notNull(),
    reason: text('reason').$type<'unsubscribed'>().notNull(),
    /** The message whose link was used. */
    messageId: uuid('message_id'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.recipientHash] }), orgIsolation()],
);
