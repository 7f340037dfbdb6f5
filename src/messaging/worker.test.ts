import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { eq } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, type TestOrg } from '../testing/http.ts';
import { TestSmtpServer } from '../testing/smtp.ts';
import { outboundMessages } from './schema.ts';
import {
  countMessages,
  enqueueMessage,
  loadMessagingKeys,
  messageStatuses,
  requeueUncertain,
  unsubscribe,
  verifyUnsubscribeToken,
  type NewMessage,
} from './service.ts';
import { classifySmtpError, createMailTransport, type MailTransport } from './transport.ts';
import { MailSender, type MailSenderOptions } from './worker.ts';

const PUBLIC_URL = 'https://tracer.example.org';
const FROM = 'Training Centre <surveys@centre.example.org>';

describe('e-mail outbox and sender over a real SMTP server', () => {
  let database: Database;
  let smtp: TestSmtpServer;
  let org: TestOrg;
  let transport: MailTransport;
  let now: Date;
  let counter = 0;
  const clock = () => now;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'centre');
    smtp = await TestSmtpServer.start();
    transport = smtpTransport(smtp.port);
  });
  after(async () => {
    transport.close();
    await smtp.close();
    await database.close();
  });
  beforeEach(async () => {
    smtp.received.length = 0;
    smtp.refusals.length = 0;
    smtp.beforeReply = async () => {};
    now = new Date('2026-03-01T09:00:00Z');
    // Each test starts with an empty queue: earlier tests' messages are final or taken out of the way.
    await database.system.update(outboundMessages).set({ nextAttemptAt: new Date('2100-01-01T00:00:00Z') });
  });

  function sender(options: Partial<MailSenderOptions> = {}): MailSender {
    return new MailSender({ database, transport, from: FROM, publicUrl: PUBLIC_URL, clock, backoffBaseMs: 60_000, ...options });
  }

  function message(overrides: Partial<NewMessage> = {}): NewMessage {
    counter++;
    return {
      kind: 'invitation',
      to: `participant${counter}@example.net`,
      language: 'en',
      subject: `Your end-of-course survey ${counter}`,
      text: `Please answer: ${PUBLIC_URL}/s/token-${counter}`,
      dedupeKey: `test:${counter}`,
      ...overrides,
    };
  }

  const enqueue = (m: NewMessage) => database.withOrg(org.id, (tx) => enqueueMessage(tx, m, now));

  async function stored(id: string) {
    const [row] = await database.system.select().from(outboundMessages).where(eq(outboundMessages.id, id));
    return row!;
  }

  it('sends a queued message with its language, the unsubscribe link and the RFC 8058 headers, then erases the address', async () => {
    const { id, created } = await enqueue(
      message({
        language: 'fr',
        subject: 'Votre avis sur la formation',
        html: '<html><body><p>Bonjour</p></body></html>',
        participantId: '11111111-2222-4333-8444-555555555555',
      }),
    );
    assert.ok(created);
    const report = await sender().sendDue();
    assert.equal(report.sent, 1);

    assert.equal(smtp.received.length, 1);
    const mail = smtp.received[0]!;
    assert.match(mail.to[0]!, /^participant\d+@example\.net$/);
    assert.match(mail.headers.subject!, /Votre avis sur la formation|=\?UTF-8\?/);
    assert.equal(mail.headers['content-language'], 'fr');
    assert.equal(mail.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
    const oneClick = /^<(https:\/\/tracer\.example\.org\/unsubscribe\/([A-Za-z0-9_-]{64})\/one-click)>$/.exec(mail.headers['list-unsubscribe']!);
    assert.ok(oneClick, `List-Unsubscribe: ${mail.headers['list-unsubscribe']}`);
    const token = oneClick[2]!;
    assert.ok(mail.decoded.includes(`${PUBLIC_URL}/unsubscribe/${token}`), 'the body carries the unsubscribe page link');
    assert.match(mail.decoded, /Vous recevez ce courriel de Organisation centre/);
    assert.match(mail.decoded, /<a href="https:\/\/tracer\.example\.org\/unsubscribe\/[A-Za-z0-9_-]{64}">Se désinscrire<\/a><\/p><\/body>/);
    assert.equal(mail.headers['message-id'], `<${id}@tracer.example.org>`);

    const keys = await loadMessagingKeys(database.system);
    assert.deepEqual(verifyUnsubscribeToken(keys, token), { orgId: org.id, messageId: id });
    const tampered = token.slice(0, 40) + (token[40] === 'A' ? 'B' : 'A') + token.slice(41);
    assert.equal(verifyUnsubscribeToken(keys, tampered), undefined);

    const row = await stored(id);
    assert.equal(row.status, 'sent');
    assert.equal(row.attempts, 1);
    assert.equal(row.recipient, null, 'the address is erased once sent');
    assert.equal(row.textBody, null);
    assert.equal(row.htmlBody, null);
    assert.ok(row.recipientHash, 'a keyed hash remains for unsubscribing');
    assert.equal(row.providerMessageId, `<${id}@tracer.example.org>`);
    assert.deepEqual(row.sentAt, now);
  });

  it('queues a dedupe key once, even when enqueued twice', async () => {
    const first = await enqueue(message({ dedupeKey: 'wave:w1:invitation:e1:reminder:1' }));
    const again = await enqueue(message({ dedupeKey: 'wave:w1:invitation:e1:reminder:1', subject: 'another subject' }));
    assert.equal(again.id, first.id);
    assert.equal(again.created, false);
    assert.equal((await sender().sendDue()).sent, 1);
    assert.equal(smtp.received.length, 1);
  });

  it('refuses invalid messages with the field at fault', async () => {
    await assert.rejects(enqueue(message({ to: 'not an address' })), { field: 'to' });
    await assert.rejects(enqueue(message({ subject: 'two\nlines' })), { field: 'subject' });
    await assert.rejects(enqueue(message({ headers: { 'List-Unsubscribe': '<x>' } })), { field: 'headers' });
    await assert.rejects(enqueue(message({ language: 'de' as never })), { field: 'language' });
  });

  it('retries a 4xx reply once the backoff has passed, and sends it then', async () => {
    const { id } = await enqueue(message());
    smtp.refusals.push({ code: 451, message: 'Temporary local problem, try later' });
    const worker = sender();
    assert.deepEqual(await worker.sendDue(), { sent: 0, retrying: 1, bounced: 0, failed: 0, suppressed: 0, uncertain: 0 });
    let row = await stored(id);
    assert.equal(row.status, 'retrying');
    assert.match(row.lastError!, /451/);
    assert.deepEqual(row.nextAttemptAt, new Date(now.getTime() + 60_000));
    assert.ok(row.recipient, 'the address is kept while the message may still be sent');

    now = new Date(now.getTime() + 59_000);
    assert.equal((await worker.sendDue()).sent, 0, 'not before the backoff has passed');
    now = new Date(now.getTime() + 1_000);
    assert.equal((await worker.sendDue()).sent, 1);
    row = await stored(id);
    assert.equal(row.status, 'sent');
    assert.equal(row.attempts, 2);
    assert.equal(smtp.received.length, 1);
  });

  it('doubles the wait after each transient failure and gives up after the last attempt', async () => {
    const { id } = await enqueue(message());
    const worker = sender({ maxAttempts: 3 });
    smtp.refusals.push(...[1, 2, 3].map(() => ({ code: 421, message: 'Service not available' })));
    assert.equal((await worker.sendDue()).retrying, 1);
    assert.deepEqual((await stored(id)).nextAttemptAt, new Date(now.getTime() + 60_000));
    now = new Date(now.getTime() + 60_000);
    assert.equal((await worker.sendDue()).retrying, 1);
    assert.deepEqual((await stored(id)).nextAttemptAt, new Date(now.getTime() + 120_000));
    now = new Date(now.getTime() + 120_000);
    assert.equal((await worker.sendDue()).failed, 1);
    const row = await stored(id);
    assert.equal(row.status, 'failed');
    assert.match(row.lastError!, /Gave up after 3 attempts/);
    assert.equal(row.recipient, null);
    assert.equal(smtp.received.length, 0);
  });

  it('records a 5xx reply as bounced with the reason, without the address', async () => {
    const { id } = await enqueue(message({ to: 'gone@example.net' }));
    smtp.refusals.push({ code: 550, message: 'Mailbox gone@example.net unavailable' });
    assert.equal((await sender().sendDue()).bounced, 1);
    const row = await stored(id);
    assert.equal(row.status, 'bounced');
    const statuses = await database.withOrg(org.id, (tx) => messageStatuses(tx, [id]));
    assert.equal(statuses.get(id)?.status, 'bounced');
    assert.match(row.lastError!, /550/);
    assert.match(row.lastError!, /Mailbox \[address\] unavailable/);
    assert.doesNotMatch(row.lastError!, /gone@/);
    assert.equal(row.recipient, null);
    now = new Date(now.getTime() + 86_400_000);
    assert.equal((await sender().sendDue()).sent, 0, 'a bounce is final');
  });

  it('retries when the server cannot be reached', async () => {
    const { id } = await enqueue(message());
    const closed = await TestSmtpServer.start();
    await closed.close();
    const unreachable = smtpTransport(closed.port);
    try {
      assert.equal((await sender({ transport: unreachable }).sendDue()).retrying, 1);
      assert.equal((await stored(id)).status, 'retrying');
    } finally {
      unreachable.close();
    }
  });

  it('two workers running at once over the same queue send each message exactly once', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 24; i++) ids.add((await enqueue(message())).id);
    smtp.beforeReply = () => new Promise((resolve) => setTimeout(resolve, 5));
    const otherTransport = smtpTransport(smtp.port);
    try {
      const [a, b] = await Promise.all([sender().sendDue(), sender({ transport: otherTransport }).sendDue()]);
      assert.equal(a.sent + b.sent, 24);
    } finally {
      otherTransport.close();
    }
    const received = smtp.received.map((mail) => /^<([0-9a-f-]{36})@/.exec(mail.headers['message-id']!)![1]!);
    assert.equal(received.length, 24);
    assert.deepEqual(new Set(received), ids, 'every message arrived, none twice');
  });

  it('a worker stopped mid-batch finishes the message in hand, and a new worker sends the rest once', async () => {
    for (let i = 0; i < 6; i++) await enqueue(message());
    const first = sender();
    smtp.beforeReply = async () => {
      if (smtp.received.length === 2) void first.stop();
    };
    const stoppedReport = await first.sendDue();
    assert.equal(stoppedReport.sent, 2);
    const restarted = await sender().sendDue();
    assert.equal(restarted.sent, 4);
    assert.equal(smtp.received.length, 6);
    assert.equal(new Set(smtp.received.map((mail) => mail.headers['message-id'])).size, 6);
  });

  it('a message whose worker died while sending becomes uncertain and is not resent automatically', async () => {
    const { id } = await enqueue(message());
    // The server accepts the message but the worker never hears back: like a process killed
    // after the SMTP transaction and before recording it.
    const dying: MailTransport = { deliver: (mail) => transport.deliver(mail).then(() => new Promise(() => {})), close() {} };
    void sender({ transport: dying, leaseMs: 600_000 }).sendDue();
    await waitFor(() => smtp.received.length === 1);
    assert.equal((await stored(id)).status, 'sending');

    const restarted = sender({ leaseMs: 600_000 });
    assert.equal((await restarted.sendDue()).sent, 0, 'still leased: left alone');
    now = new Date(now.getTime() + 600_000);
    const report = await restarted.sendDue();
    assert.equal(report.uncertain, 1);
    assert.equal(report.sent, 0);
    const row = await stored(id);
    assert.equal(row.status, 'uncertain');
    assert.ok(row.recipient, 'kept, so that a person can decide to resend');
    now = new Date(now.getTime() + 86_400_000);
    assert.equal((await restarted.sendDue()).sent, 0);
    assert.equal(smtp.received.length, 1, 'never sent twice');

    assert.ok(await database.withOrg(org.id, (tx) => requeueUncertain(tx, id, now)));
    assert.equal((await restarted.sendDue()).sent, 1, 'sent again only when a person says so');
  });

  it('never sends to an address that unsubscribed', async () => {
    const first = await enqueue(message({ to: 'Leaving@Example.net' }));
    await sender().sendDue();
    const target = await database.withOrg(org.id, (tx) => unsubscribe(tx, org.id, first.id));
    assert.equal(target?.orgName, 'Organisation centre');
    const later = await enqueue(message({ to: 'leaving@example.net', kind: 'reminder' }));
    const other = await enqueue(message());
    const report = await sender().sendDue();
    assert.equal(report.suppressed, 1);
    assert.equal(report.sent, 1);
    const row = await stored(later.id);
    assert.equal(row.status, 'suppressed');
    assert.equal(row.recipient, null);
    assert.equal((await stored(other.id)).status, 'sent');
    assert.deepEqual(smtp.received.map((mail) => mail.to[0]).slice(1), [`participant${counter}@example.net`]);
    const counts = await database.withOrg(org.id, (tx) => countMessages(tx));
    assert.ok(counts.suppressed >= 1 && counts.sent >= 2);
  });
});

describe('e-mail without SMTP settings', () => {
  it('writes each message to the JSON-lines file, without the address, and marks it sent', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tracer-mail-'));
    const database = await createTestDatabase();
    try {
      const org = await createTestOrg(database, 'offline');
      const file = join(folder, 'mail-outbox.jsonl');
      const transport = createMailTransport({ kind: 'log', file });
      const { id } = await database.withOrg(org.id, (tx) =>
        enqueueMessage(tx, { kind: 'notice', to: 'someone@example.net', language: 'es', subject: 'Aviso', text: 'Hola', dedupeKey: 'n1' }),
      );
      const report = await new MailSender({ database, transport, from: 'Tracer <t@example.org>', publicUrl: PUBLIC_URL }).sendDue();
      assert.equal(report.sent, 1);
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      assert.equal(lines.length, 1);
      const logged = JSON.parse(lines[0]!);
      assert.equal(logged.messageId, id);
      assert.equal(logged.language, 'es');
      assert.equal(logged.subject, 'Aviso');
      assert.match(logged.text, /Hola[\s\S]*Recibe este correo de Organisation offline[\s\S]*\/unsubscribe\//);
      assert.equal(logged.headers['List-Unsubscribe-Post'], 'List-Unsubscribe=One-Click');
      assert.doesNotMatch(lines[0]!, /someone@example\.net/);
      const [row] = await database.system.select().from(outboundMessages).where(eq(outboundMessages.id, id));
      assert.equal(row!.status, 'sent');
    } finally {
      await database.close();
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('SMTP failures', () => {
  it('retries only what surely did not leave; a broken connection after the data may have delivered it', () => {
    assert.equal(classifySmtpError({ message: 'x', code: 'EENVELOPE', responseCode: 452 }).outcome, 'transient');
    assert.equal(classifySmtpError({ message: 'x', code: 'EMESSAGE', responseCode: 554 }).outcome, 'permanent');
    assert.equal(classifySmtpError({ message: 'x', code: 'ESOCKET', originalCode: 'ECONNREFUSED' }).outcome, 'transient');
    assert.equal(classifySmtpError({ message: 'x', code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT' }).outcome, 'transient');
    assert.equal(classifySmtpError({ message: 'Invalid login: 535', code: 'EAUTH', responseCode: 535 }).outcome, 'transient');
    assert.equal(classifySmtpError({ message: 'Timeout', code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT' }).outcome, 'uncertain');
    assert.equal(classifySmtpError({ message: 'Connection closed unexpectedly', code: 'ECONNECTION' }).outcome, 'uncertain');
  });
});

function smtpTransport(port: number): MailTransport {
  return createMailTransport({ kind: 'smtp', host: '127.0.0.1', port, secure: false, auth: undefined });
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
