// The e-mail outbox: what other domains call to send mail (`enqueueMessage`), how a queued
// message becomes an e-mail (unsubscribe link and headers added), and unsubscribing.
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Db, Tx } from '../db/database.ts';
import { instanceSecret } from '../db/instance-settings.ts';
import { isLang, translator, type Lang } from '../web/i18n/index.ts';
import {
  countByStatus,
  findUnsubscribeTarget,
  insertMessageOnce,
  insertSuppression,
  isSuppressed,
  listMessageRows,
  requeueUncertainMessage,
  statusesOf,
  type MessageListRow,
  type MessageRow,
} from './repository.ts';
import { messageStatuses as allStatuses, type MessageStatus } from './schema.ts';
import type { OutgoingMail } from './transport.ts';

export class MessagingError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message);
  }
}

export interface NewMessage {
  /** What the message is, e.g. `invitation`, `reminder`, `notice`. */
  kind: string;
  to: string;
  participantId?: string;
  language: Lang;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers; the outbox sets From, To, Subject, Message-ID and the List-Unsubscribe pair itself. */
  headers?: Record<string, string>;
  /**
   * Unique per organisation: enqueueing the same key again returns the first message and sends
   * nothing more, e.g. `wave:<waveId>:invitation:<enrolmentId>:reminder:1`.
   */
  dedupeKey: string;
  /** Not sent before this time (default: now). */
  notBefore?: Date;
}

export interface EnqueuedMessage {
  id: string;
  status: MessageStatus;
  /** False when a message with this dedupe key already existed (nothing new was queued). */
  created: boolean;
}

const KIND_PATTERN = /^[a-z][a-z0-9_.-]{0,62}$/;
const EMAIL_PATTERN = /^[^\s@<>",;]+@[^\s@<>",;]+\.[^\s@<>",;]+$/;
const HEADER_NAME_PATTERN = /^[A-Za-z0-9-]{1,76}$/;
const RESERVED_HEADERS = new Set(['from', 'to', 'cc', 'bcc', 'subject', 'message-id', 'list-unsubscribe', 'list-unsubscribe-post', 'sender', 'reply-to-all']);

/**
 * Queues a message in the organisation of `tx`. Idempotent on `dedupeKey`: calling it twice (even
 * from two processes at once) queues one message. Call it in the transaction that records why the
 * message is sent, so that both commit or neither does.
 */
export async function enqueueMessage(tx: Tx, message: NewMessage, now = new Date()): Promise<EnqueuedMessage> {
  validateMessage(message);
  return insertMessageOnce(
    tx,
    {
      kind: message.kind,
      recipient: message.to.trim(),
      participantId: message.participantId ?? null,
      language: message.language,
      subject: message.subject,
      textBody: message.text,
      htmlBody: message.html ?? null,
      headers: message.headers ?? {},
      dedupeKey: message.dedupeKey,
      nextAttemptAt: message.notBefore ?? now,
    },
    now,
  );
}

function validateMessage(message: NewMessage): void {
  if (!KIND_PATTERN.test(message.kind)) throw new MessagingError(`Message kind "${message.kind}" must be lower-case letters, digits, _ . -`, 'kind');
  if (!EMAIL_PATTERN.test(message.to.trim())) throw new MessagingError('The recipient is not an e-mail address', 'to');
  if (!isLang(message.language)) throw new MessagingError(`Language must be en, fr or es (got "${message.language}")`, 'language');
  if (message.subject.trim() === '' || /[\r\n]/.test(message.subject) || message.subject.length > 250) {
    throw new MessagingError('The subject must be one non-empty line of at most 250 characters', 'subject');
  }
  if (message.text.trim() === '') throw new MessagingError('The text body must not be empty', 'text');
  if (message.dedupeKey.trim() === '' || message.dedupeKey.length > 300) {
    throw new MessagingError('The dedupe key must be 1 to 300 characters', 'dedupeKey');
  }
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (!HEADER_NAME_PATTERN.test(name) || RESERVED_HEADERS.has(name.toLowerCase())) {
      throw new MessagingError(`Header "${name}" is not allowed`, 'headers');
    }
    if (/[\r\n]/.test(value)) throw new MessagingError(`Header "${name}" must be one line`, 'headers');
  }
}

// ---------------------------------------------------------------- keys, address hashes, unsubscribe tokens

/** Installation secrets of the outbox, read once per worker or server from `instance_settings`. */
export interface MessagingKeys {
  unsubscribe: Buffer;
  address: Buffer;
}

export async function loadMessagingKeys(db: Db): Promise<MessagingKeys> {
  return {
    unsubscribe: Buffer.from(await instanceSecret(db, 'mail_unsubscribe_hmac_key'), 'base64url'),
    address: Buffer.from(await instanceSecret(db, 'mail_address_hmac_key'), 'base64url'),
  };
}

/** Keyed and per organisation, so that the suppression list cannot be matched against a list of addresses. */
export function hashAddress(keys: MessagingKeys, orgId: string, address: string): string {
  return createHmac('sha256', keys.address).update(`${orgId}\n${address.trim().toLowerCase()}`).digest('base64url');
}

const MAC_BYTES = 16;

/**
 * The unsubscribe token names the organisation and the message and is signed (128-bit HMAC), so
 * the public routes reach the organisation without any cross-organisation lookup and nobody can
 * forge a token for a message they did not receive.
 */
export function unsubscribeToken(keys: MessagingKeys, orgId: string, messageId: string): string {
  const ids = Buffer.concat([uuidBytes(orgId), uuidBytes(messageId)]);
  return Buffer.concat([ids, mac(keys, ids)]).toString('base64url');
}

export function verifyUnsubscribeToken(keys: MessagingKeys, token: string): { orgId: string; messageId: string } | undefined {
  if (!/^[A-Za-z0-9_-]{64}$/.test(token)) return undefined;
  const bytes = Buffer.from(token, 'base64url');
  const ids = bytes.subarray(0, 32);
  if (!timingSafeEqual(bytes.subarray(32), mac(keys, ids))) return undefined;
  return { orgId: uuidText(ids.subarray(0, 16)), messageId: uuidText(ids.subarray(16)) };
}

function mac(keys: MessagingKeys, ids: Buffer): Buffer {
  return createHmac('sha256', keys.unsubscribe).update(ids).digest().subarray(0, MAC_BYTES);
}

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

function uuidText(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function unsubscribeUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/unsubscribe/${token}`;
}

/** The address mail clients POST to for RFC 8058 one-click unsubscribe. */
export function oneClickUrl(publicUrl: string, token: string): string {
  return `${publicUrl}/unsubscribe/${token}/one-click`;
}

// ---------------------------------------------------------------- composing

export interface Sender {
  from: string;
  publicUrl: string;
  orgName: string;
  keys: MessagingKeys;
}

/** The e-mail for a queued message: its bodies with an unsubscribe footer, and the unsubscribe headers. */
export function composeMail(message: MessageRow, sender: Sender): OutgoingMail {
  const token = unsubscribeToken(sender.keys, message.orgId, message.id);
  const pageUrl = unsubscribeUrl(sender.publicUrl, token);
  const t = translator(isLang(message.language) ? message.language : 'en');
  const footerText = t('mail.footer', { org: sender.orgName, url: pageUrl });
  const footerHtml =
    `<hr><p style="font-size:small;color:#555">${escapeHtml(t('mail.footer_html_before', { org: sender.orgName }))} ` +
    `<a href="${escapeHtml(pageUrl)}">${escapeHtml(t('mail.footer_html_link'))}</a></p>`;
  return {
    from: sender.from,
    to: message.recipient!,
    subject: message.subject,
    text: `${message.textBody}\n\n-- \n${footerText}\n`,
    html: message.htmlBody === null ? undefined : appendToHtmlBody(message.htmlBody, footerHtml),
    headers: {
      ...message.headers,
      'Message-ID': `<${message.id}@${new URL(sender.publicUrl).hostname}>`,
      'Content-Language': message.language,
      'List-Unsubscribe': `<${oneClickUrl(sender.publicUrl, token)}>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    },
    logFields: { messageId: message.id, orgId: message.orgId, participantId: message.participantId, language: message.language },
  };
}

function appendToHtmlBody(html: string, footer: string): string {
  const closing = html.search(/<\/body>/i);
  return closing === -1 ? html + footer : html.slice(0, closing) + footer + html.slice(closing);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// ---------------------------------------------------------------- unsubscribing

/** Whether this address asked the organisation of `tx` for no more e-mail (so nothing is queued for it). */
export function isUnsubscribed(tx: Tx, keys: MessagingKeys, orgId: string, address: string): Promise<boolean> {
  return isSuppressed(tx, orgId, hashAddress(keys, orgId, address));
}

export interface UnsubscribeTarget {
  orgName: string;
  language: Lang;
}

/** What the unsubscribe page needs: never the address. Undefined for a token of no message. */
export async function describeUnsubscribe(tx: Tx, orgId: string, messageId: string): Promise<UnsubscribeTarget | undefined> {
  const found = await findUnsubscribeTarget(tx, orgId, messageId);
  if (!found || found.recipientHash === null) return undefined;
  return { orgName: found.orgName, language: isLang(found.language) ? found.language : 'en' };
}

/** Adds the message's address to the organisation's suppression list. Idempotent. */
export async function unsubscribe(tx: Tx, orgId: string, messageId: string): Promise<UnsubscribeTarget | undefined> {
  const found = await findUnsubscribeTarget(tx, orgId, messageId);
  if (!found || found.recipientHash === null) return undefined;
  await insertSuppression(tx, orgId, found.recipientHash, messageId);
  return { orgName: found.orgName, language: isLang(found.language) ? found.language : 'en' };
}

// ---------------------------------------------------------------- staff views

export type MessageCounts = Record<MessageStatus, number>;

export async function countMessages(tx: Tx): Promise<MessageCounts> {
  const counts = Object.fromEntries(allStatuses.map((status) => [status, 0])) as MessageCounts;
  for (const { status, n } of await countByStatus(tx)) counts[status] = n;
  return counts;
}

export type MessageSummary = MessageListRow;

export function listMessages(tx: Tx, filter: { status?: MessageStatus; limit?: number } = {}): Promise<MessageSummary[]> {
  return listMessageRows(tx, { ...(filter.status ? { status: filter.status } : {}), limit: filter.limit ?? 100 });
}

/** Where given messages stand (e.g. the invitations of a wave, for delivered / bounced counts). */
export async function messageStatuses(tx: Tx, ids: string[]): Promise<Map<string, { status: MessageStatus; sentAt: Date | null }>> {
  return new Map((await statusesOf(tx, ids)).map(({ id, ...rest }) => [id, rest]));
}

/** After a person checked that an `uncertain` message did not arrive: send it again. */
export function requeueUncertain(tx: Tx, messageId: string, now = new Date()): Promise<boolean> {
  return requeueUncertainMessage(tx, messageId, now);
}
