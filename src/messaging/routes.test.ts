import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, csrfFromPage, startTestServer, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';
import { TestSmtpServer, type ReceivedMail } from '../testing/smtp.ts';
import { enqueueMessage, type NewMessage } from './service.ts';
import { createMailTransport, type MailTransport } from './transport.ts';
import { MailSender } from './worker.ts';

describe('unsubscribing and the staff view of the outbox', () => {
  let database: Database;
  let server: TestServer;
  let smtp: TestSmtpServer;
  let transport: MailTransport;
  let org: TestOrg;
  let counter = 0;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'unsub');
    server = await startTestServer(database);
    smtp = await TestSmtpServer.start();
    transport = createMailTransport({ kind: 'smtp', host: '127.0.0.1', port: smtp.port, secure: false, auth: undefined });
  });
  after(async () => {
    transport.close();
    await smtp.close();
    await server.close();
    await database.close();
  });

  /** Queues a message to `to` and runs the sender; returns what the SMTP server received, if anything. */
  async function sendTo(to: string, overrides: Partial<NewMessage> = {}): Promise<{ id: string; mail: ReceivedMail | undefined }> {
    counter++;
    const before = smtp.received.length;
    const { id } = await database.withOrg(org.id, (tx) =>
      enqueueMessage(tx, { kind: 'invitation', to, language: 'en', subject: `Survey ${counter}`, text: 'Please answer.', dedupeKey: `k${counter}`, ...overrides }),
    );
    await new MailSender({ database, transport, from: 'Centre <c@example.org>', publicUrl: server.url }).sendDue();
    return { id, mail: smtp.received[before] };
  }

  function links(mail: ReceivedMail): { page: string; oneClick: string } {
    const oneClick = /^<(.+)>$/.exec(mail.headers['list-unsubscribe']!)![1]!;
    const page = new RegExp(`${server.url}/unsubscribe/[A-Za-z0-9_-]{64}`).exec(mail.decoded)![0];
    return { page: page.slice(server.url.length), oneClick: oneClick.slice(server.url.length) };
  }

  it('unsubscribes through the page (in the message language, without JavaScript, CSRF-checked); later mail is suppressed', async () => {
    const { mail } = await sendTo('Reader@Example.net', { language: 'fr' });
    const { page } = links(mail!);

    const visitor = new TestClient(server.url);
    const shown = await visitor.get<string>(page, { accept: 'text/html' });
    assert.equal(shown.status, 200);
    assert.match(shown.body, /<html lang="fr"/);
    assert.match(shown.body, /Voulez-vous ne plus recevoir de courriels de Organisation unsub/);
    assert.doesNotMatch(shown.body, /reader@example\.net/i, 'the page never shows the address');
    assert.doesNotMatch(shown.body, /<script/);
    assert.equal(shown.headers.get('cache-control'), 'no-store');

    const forged = await visitor.form(page, {});
    assert.equal(forged.status, 403, 'the confirmation form needs its CSRF token');
    const spanish = await visitor.get<string>(`${page}?lang=es`, { accept: 'text/html' });
    assert.match(spanish.body, /¿Quiere dejar de recibir correos/);

    const confirmed = await visitor.form(page, { _csrf: csrfFromPage(shown.body) });
    assert.equal(confirmed.status, 200);
    assert.match(confirmed.body, /Organisation unsub ne vous enverra plus de courriels/);

    const later = await sendTo('reader@example.net');
    assert.equal(later.mail, undefined, 'nothing reaches the SMTP server');
    const admin = await TestClient.signedIn(server.url, org.emails.administrator);
    const listed = await admin.get<Array<{ id: string; status: string }>>('/api/messages?status=suppressed');
    assert.ok(listed.body.some((m) => m.id === later.id));
  });

  it('unsubscribes with the RFC 8058 one-click POST, without cookie or CSRF token', async () => {
    const { mail } = await sendTo('oneclick@example.net');
    const { oneClick, page } = links(mail!);

    const scanned = await new TestClient(server.url).get(oneClick);
    assert.equal(scanned.status, 303, 'a GET (link scanner) changes nothing');
    assert.equal(scanned.headers.get('location'), page);
    assert.ok((await sendTo('oneclick@example.net')).mail, 'still subscribed after the GET');

    const response = await fetch(server.url + oneClick, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(response.status, 200);
    assert.equal((await sendTo('oneclick@example.net')).mail, undefined);

    const multipart = new FormData();
    multipart.set('List-Unsubscribe', 'One-Click');
    const { mail: other } = await sendTo('multipart@example.net');
    const again = await fetch(server.url + links(other!).oneClick, { method: 'POST', body: multipart });
    assert.equal(again.status, 200, 'multipart/form-data, as some clients send it, works too');
    assert.equal((await sendTo('multipart@example.net')).mail, undefined);
    assert.ok((await sendTo('someone-else@example.net')).mail, 'other addresses are not affected');
  });

  it('answers a forged or damaged token with a clear page that names nobody', async () => {
    const { mail } = await sendTo('victim@example.net');
    const { page, oneClick } = links(mail!);
    const damaged = page.slice(0, -1) + (page.endsWith('A') ? 'B' : 'A');
    for (const path of [damaged, '/unsubscribe/nonsense', `/unsubscribe/${'A'.repeat(64)}`]) {
      const response = await new TestClient(server.url).get<string>(path, { accept: 'text/html' });
      assert.equal(response.status, 404, path);
      assert.match(response.body, /This link does not work/);
      assert.doesNotMatch(response.body, /Organisation unsub/);
    }
    const forgedClick = await fetch(server.url + oneClick.replace(/[A-Za-z0-9_-]{64}/, 'B'.repeat(64)), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(forgedClick.status, 404);
    assert.ok((await sendTo('victim@example.net')).mail, 'still subscribed');
  });

  it('shows staff the outbox without addresses or bodies; other roles are refused', async () => {
    await sendTo('private.person@example.net', { subject: 'Follow-up survey', text: 'secret personal link' });
    const evaluator = await TestClient.signedIn(server.url, org.emails.evaluator);
    const listed = await evaluator.get<Array<Record<string, unknown>>>('/api/messages');
    assert.equal(listed.status, 200);
    const entry = listed.body.find((m) => m.subject === 'Follow-up survey')!;
    assert.equal(entry.status, 'sent');
    assert.equal(entry.kind, 'invitation');
    assert.doesNotMatch(listed.text, /private\.person|secret personal link|@example\.net/);

    const counts = await evaluator.get<Record<string, number>>('/api/messages/counts');
    assert.equal(counts.status, 200);
    assert.ok(counts.body.sent! >= 5);
    assert.ok(counts.body.suppressed! >= 2);
    assert.equal(counts.body.queued, 0);

    const page = await evaluator.get<string>('/messages', { accept: 'text/html' });
    assert.equal(page.status, 200);
    assert.match(page.body, /Follow-up survey/);
    assert.match(page.body, /href="\/messages"/);
    assert.doesNotMatch(page.body, /private\.person/);

    for (const role of ['viewer', 'trainer'] as const) {
      const client = await TestClient.signedIn(server.url, org.emails[role]);
      assert.equal((await client.get('/api/messages')).status, 403);
      assert.equal((await client.get('/api/messages/counts')).status, 403);
      assert.doesNotMatch((await client.get<string>('/', { accept: 'text/html' })).body, /href="\/messages"/);
    }
    assert.equal((await new TestClient(server.url).get('/api/messages')).status, 401);
    const admin = await TestClient.signedIn(server.url, org.emails.administrator);
    assert.equal((await admin.post(`/api/messages/${entry.id as string}/requeue`)).status, 404, 'only uncertain messages can be requeued');
  });
});
