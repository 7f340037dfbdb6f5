// Every query of the messaging domain. All run inside a tenant transaction (`withOrg`), so row-level
// security confines them to one organisation. The worker's queries also name `org_id` explicitly:
// not for safety, but so that Citus can route each one to the single node holding the organisation.
import { and, count, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import { rows, type Tx } from '../db/database.ts';
import { mailSuppressions, outboundMessages, type MessageStatus } from './schema.ts';

export type MessageRow = typeof outboundMessages.$inferSelect;

export type NewMessageRow = Pick<
  MessageRow,
  'kind' | 'recipient' | 'participantId' | 'language' | 'subject' | 'textBody' | 'htmlBody' | 'headers' | 'dedupeKey' | 'nextAttemptAt'
>;

/** Inserts unless the organisation already has a message with this dedupe key; returns the id of either. */
export async function insertMessageOnce(tx: Tx, row: NewMessageRow, now: Date): Promise<{ id: string; status: MessageStatus; created: boolean }> {
  const [inserted] = await tx
    .insert(outboundMessages)
    .values({ ...row, orgId: sql`tracer_current_org()`, createdAt: now, updatedAt: now })
    .onConflictDoNothing({ target: [outboundMessages.orgId, outboundMessages.dedupeKey] })
    .returning({ id: outboundMessages.id, status: outboundMessages.status });
  if (inserted) return { ...inserted, created: true };
  const [existing] = await tx
    .select({ id: outboundMessages.id, status: outboundMessages.status })
    .from(outboundMessages)
    .where(eq(outboundMessages.dedupeKey, row.dedupeKey));
  return { ...existing!, created: false };
}

/**
 * Messages whose worker stopped while sending (the lease ran out) become `uncertain`: the SMTP
 * server may have accepted them, so they are not resent blindly.
 */
export async function markExpiredLeasesUncertain(tx: Tx, orgId: string, now: Date): Promise<number> {
  const expired = await tx
    .update(outboundMessages)
    .set({
      status: 'uncertain',
      leaseUntil: null,
      updatedAt: now,
      lastError: 'The worker stopped while sending; the message may or may not have been delivered',
    })
    .where(and(eq(outboundMessages.orgId, orgId), eq(outboundMessages.status, 'sending'), lte(outboundMessages.leaseUntil, now)))
    .returning({ id: outboundMessages.id });
  return expired.length;
}

/** Locks the next due message of the organisation, skipping any another worker holds. */
export async function lockNextDue(tx: Tx, orgId: string, now: Date): Promise<MessageRow | undefined> {
  const [due] = await tx
    .select()
    .from(outboundMessages)
    .where(
      and(
        eq(outboundMessages.orgId, orgId),
        inArray(outboundMessages.status, ['queued', 'retrying']),
        lte(outboundMessages.nextAttemptAt, now),
      ),
    )
    .orderBy(outboundMessages.nextAttemptAt, outboundMessages.id)
    .limit(1)
    .for('update', { skipLocked: true });
  return due;
}

export async function markSending(tx: Tx, orgId: string, id: string, recipientHash: string, leaseUntil: Date, now: Date): Promise<number> {
  const [claimed] = await tx
    .update(outboundMessages)
    .set({ status: 'sending', recipientHash, leaseUntil, attempts: sql`${outboundMessages.attempts} + 1`, updatedAt: now })
    .where(and(eq(outboundMessages.orgId, orgId), eq(outboundMessages.id, id)))
    .returning({ attempts: outboundMessages.attempts });
  return claimed!.attempts;
}

export async function isSuppressed(tx: Tx, orgId: string, recipientHash: string): Promise<boolean> {
  const [found] = await tx
    .select({ n: count() })
    .from(mailSuppressions)
    .where(and(eq(mailSuppressions.orgId, orgId), eq(mailSuppressions.recipientHash, recipientHash)));
  return found!.n > 0;
}

/** A final status: the address and bodies are erased in the same statement. */
export type FinalOutcome =
  | { status: 'sent'; providerMessageId: string }
  | { status: 'bounced' | 'failed'; error: string }
  | { status: 'suppressed' };

/** One worker's claim of a message: its outcome may only be recorded over that same attempt. */
export interface Claim {
  orgId: string;
  id: string;
  attempt: number;
}

// A worker whose lease ran out (its message turned `uncertain`) still records what it learnt, but
// never over a later attempt of the same message.
function isClaim(claim: Claim) {
  return and(
    eq(outboundMessages.orgId, claim.orgId),
    eq(outboundMessages.id, claim.id),
    eq(outboundMessages.attempts, claim.attempt),
    inArray(outboundMessages.status, ['sending', 'uncertain']),
  );
}

export async function recordFinal(tx: Tx, claim: Claim, outcome: FinalOutcome, now: Date): Promise<void> {
  await tx
    .update(outboundMessages)
    .set({
      status: outcome.status,
      recipient: null,
      textBody: null,
      htmlBody: null,
      leaseUntil: null,
      updatedAt: now,
      ...(outcome.status === 'sent' ? { providerMessageId: outcome.providerMessageId, sentAt: now, lastError: null } : {}),
      ...(outcome.status === 'bounced' || outcome.status === 'failed' ? { lastError: outcome.error } : {}),
    })
    .where(isClaim(claim));
}

export async function recordRetry(tx: Tx, claim: Claim, error: string, nextAttemptAt: Date, now: Date): Promise<void> {
  await tx
    .update(outboundMessages)
    .set({ status: 'retrying', lastError: error, nextAttemptAt, leaseUntil: null, updatedAt: now })
    .where(isClaim(claim));
}

export async function recordUncertain(tx: Tx, claim: Claim, error: string, now: Date): Promise<void> {
  await tx
    .update(outboundMessages)
    .set({ status: 'uncertain', lastError: error, leaseUntil: null, updatedAt: now })
    .where(isClaim(claim));
}

/** Puts an uncertain message back in the queue (a person checked it was not delivered). */
export async function requeueUncertainMessage(tx: Tx, id: string, now: Date): Promise<boolean> {
  const requeued = await tx
    .update(outboundMessages)
    .set({ status: 'retrying', nextAttemptAt: now, updatedAt: now })
    .where(and(eq(outboundMessages.id, id), eq(outboundMessages.status, 'uncertain')))
    .returning({ id: outboundMessages.id });
  return requeued.length > 0;
}

export async function countByStatus(tx: Tx): Promise<Array<{ status: MessageStatus; n: number }>> {
  return tx
    .select({ status: outboundMessages.status, n: sql<number>`count(*)::int` })
    .from(outboundMessages)
    .groupBy(outboundMessages.status);
}

export type MessageListRow = Pick<
  MessageRow,
  | 'id'
  | 'kind'
  | 'participantId'
  | 'language'
  | 'subject'
  | 'dedupeKey'
  | 'status'
  | 'attempts'
  | 'nextAttemptAt'
  | 'lastError'
  | 'providerMessageId'
  | 'createdAt'
  | 'sentAt'
>;

export async function listMessageRows(tx: Tx, filter: { status?: MessageStatus; limit: number }): Promise<MessageListRow[]> {
  return tx
    .select({
      id: outboundMessages.id,
      kind: outboundMessages.kind,
      participantId: outboundMessages.participantId,
      language: outboundMessages.language,
      subject: outboundMessages.subject,
      dedupeKey: outboundMessages.dedupeKey,
      status: outboundMessages.status,
      attempts: outboundMessages.attempts,
      nextAttemptAt: outboundMessages.nextAttemptAt,
      lastError: outboundMessages.lastError,
      providerMessageId: outboundMessages.providerMessageId,
      createdAt: outboundMessages.createdAt,
      sentAt: outboundMessages.sentAt,
    })
    .from(outboundMessages)
    .where(filter.status === undefined ? undefined : eq(outboundMessages.status, filter.status))
    .orderBy(desc(outboundMessages.createdAt), outboundMessages.id)
    .limit(filter.limit);
}

export async function statusesOf(tx: Tx, ids: string[]): Promise<Array<{ id: string; status: MessageStatus; sentAt: Date | null }>> {
  if (ids.length === 0) return [];
  return tx
    .select({ id: outboundMessages.id, status: outboundMessages.status, sentAt: outboundMessages.sentAt })
    .from(outboundMessages)
    .where(inArray(outboundMessages.id, ids));
}

export async function findUnsubscribeTarget(
  tx: Tx,
  orgId: string,
  messageId: string,
): Promise<{ recipientHash: string | null; language: string; orgName: string } | undefined> {
  const [found] = await rows<{ recipientHash: string | null; language: string; orgName: string }>(
    tx,
    sql`select m.recipient_hash as "recipientHash", m.language, o.name as "orgName"
          from outbound_messages m join organisations o on o.id = m.org_id
         where m.org_id = ${orgId} and m.id = ${messageId}`,
  );
  return found;
}

export async function insertSuppression(tx: Tx, orgId: string, recipientHash: string, messageId: string): Promise<void> {
  await tx.insert(mailSuppressions).values({ orgId, recipientHash, reason: 'unsubscribed', messageId }).onConflictDoNothing();
}

