// Personal links and invitation e-mail over real HTTP and a real SMTP server on loopback: the
// received e-mail (language, link, unsubscribe headers), the link bound to one participant and one
// response, wrong / expired / revoked / rate-limited tokens, unsubscribing from the e-mail, and the
// staff pages and API with response rates.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../db/database.ts';
import { createMailTransport, type MailTransport } from '../messaging/transport.ts';
import { MailSender } from '../messaging/worker.ts';
import { createTestDatabase } from '../testing/database.ts';
import { csrfFromPage, startTestServer, TestClient, type TestServer } from '../testing/http.ts';
import { TestSmtpServer, type ReceivedMail } from '../testing/smtp.ts';
import { WaveScheduler } from './scheduler.ts';
import * as service from './service.ts';
import { createWaveFixture, type WaveFixture } from './test-fixture.ts';

const day = 86_400_000;
const isoDay = (offsetDays: number) => new Date(Date.now() + offsetDays * day).toISOString().slice(0, 10);

describe('personal links and invitation e-mail', () => {
  let database: Database;
  let fx: WaveFixture;
  let server: TestServer;
  let smtp: TestSmtpServer;
  let transport: MailTransport;
  let evaluator: TestClient;
  let waveId: string;
  const mailTo = (address: string) => smtp.received.find((mail) => mail.to.includes(address))!;
  const tokenOf = (mail: ReceivedMail) => /\/r\/([A-Za-z0-9_-]{43})\?lang=/.exec(mail.decoded)![1]!;

  before(async () => {
    database = await createTestDatabase();
    fx = await createWaveFixture(database, 'linksorg');
    server = await startTestServer(database);
    smtp = await TestSmtpServer.start();
    transport = createMailTransport({ kind: 'smtp', host: '127.0.0.1', port: smtp.port, secure: false, auth: undefined });
    evaluator = await TestClient.signedIn(server.url, fx.org.emails.evaluator);
    // A follow-up wave about activity A, open from yesterday for ten days (the real clock: links are opened over HTTP now).
    const created = await evaluator.post<{ id: string }>('/api/waves', { name: 'Follow-up A', instrumentId: fx.instruments.followUp, activityIds: [fx.activities.a], anchor: 'fixed', opensAt: isoDay(-1), closesAt: isoDay(10) });
    assert.equal(created.status, 201, created.text);
    waveId = created.body.id;
    await new WaveScheduler({ database, publicUrl: server.url }).runDue();
    await new MailSender({ database, transport, from: 'Centre <surveys@centre.example.org>', publicUrl: server.url }).sendDue();
  });
  after(async () => {
    transport.close();
    await smtp.close();
    await server.close();
    await database.close();
  });

  it('sends the invitation in the participant’s language with the personal link and the unsubscribe headers', () => {
    // p1 (French) and p3 (English) consented to follow-up; p2 did not; p6 has no address.
    assert.deepEqual(smtp.received.map((m) => m.to[0]).sort(), ['p1@example.net', 'p3@example.net']);
    const french = mailTo('p1@example.net');
    assert.match(french.headers.subject!, /une_courte_enq/); // encoded words: =?UTF-8?Q?…une_courte_enq?= =?UTF-8?Q?u=C3=AAte…
    assert.equal(french.headers['content-language'], 'fr');
    assert.match(french.decoded, /Bonjour Aïcha,/);
    assert.match(french.decoded, /Votre lien personnel/);
    assert.ok(french.decoded.includes(`${server.url}/r/${tokenOf(french)}?lang=fr`));
    assert.match(french.headers['list-unsubscribe']!, new RegExp(`^<${server.url}/unsubscribe/[A-Za-z0-9_-]{64}/one-click>$`));
    assert.equal(french.headers['list-unsubscribe-post'], 'List-Unsubscribe=One-Click');
    const english = mailTo('p3@example.net');
    assert.match(english.decoded, /Dear Chen,/);
    assert.match(english.decoded, /Your personal link \(please do not share it\)/);
    assert.notEqual(tokenOf(english), tokenOf(french));
  });

  it('binds the link to its participant and to one response, which resumes', async () => {
    const token = tokenOf(mailTo('p1@example.net'));
    const respondent = new TestClient(server.url);
    const page = await respondent.get(`/r/${token}?lang=en`, { accept: 'text/html' });
    assert.equal(page.status, 200);
    assert.match(page.text, /Using what you learnt/);
    // Whatever submission id the client sends, the link writes its one response, naming p1.
    const saved = await respondent.post<{ responseId: string; outcome: string }>(`/r/${token}/submissions`, { clientSubmissionId: 'chosen-by-client-1', answers: { fu_needs_met: 'fully' }, final: false });
    assert.equal(saved.status, 200, saved.text);
    const other = await new TestClient(server.url).post<{ responseId: string }>(`/r/${token}/submissions`, { clientSubmissionId: 'another-client-2', answers: { fu_use: 'helpful_specific' }, final: false });
    assert.equal(other.body.responseId, saved.body.responseId);
    // Resuming in a new browser shows the saved answer.
    const resumed = await new TestClient(server.url).get(`/r/${token}?lang=en`, { accept: 'text/html' });
    assert.match(resumed.text, /value="fully" checked/);
    const [stored] = await rows<{ participant: string; sid: string; n: number }>(
      database.system,
      sql`select participant_id as participant, client_submission_id as sid, (select count(*)::int from responses where instrument_id = ${fx.instruments.followUp}) as n from responses where id = ${saved.body.responseId}`,
    );
    assert.equal(stored!.participant, fx.people.p1);
    assert.match(stored!.sid, /^wave-[0-9a-f-]{36}$/);
    assert.equal(stored!.n, 1);
    // Another person's link never shows p1's answers, even when asked for p1's response id.
    const p3 = await new TestClient(server.url).get(`/r/${tokenOf(mailTo('p3@example.net'))}?s=${saved.body.responseId}&lang=en`, { accept: 'text/html' });
    assert.equal(p3.status, 200);
    assert.doesNotMatch(p3.text, /value="fully" checked/);
    // Opened links show in the rates.
    const wave = await evaluator.get<{ rates: { invited: number; delivered: number; opened: number; partial: number; eligible: number } }>(`/api/waves/${waveId}`);
    assert.deepEqual({ ...wave.body.rates }, { ...wave.body.rates, eligible: 4, invited: 2, delivered: 2, opened: 2, partial: 1 });
  });

  it('answers a wrong token with a plain 404 that never echoes the token', async () => {
    const wrong = randomBytes(32).toString('base64url');
    const page = await new TestClient(server.url).get(`/r/${wrong}`, { accept: 'text/html' });
    assert.equal(page.status, 404);
    const api = await new TestClient(server.url).post<{ status: number; instance: string }>(`/r/${wrong}/submissions`, { clientSubmissionId: 'abcdefgh', final: false });
    assert.equal(api.status, 404);
    assert.equal(api.body.instance, '/r/:token/submissions');
    assert.ok(!api.text.includes(wrong));
  });

  it('refuses a revoked invitation and an expired wave with a clear page', async () => {
    const token = tokenOf(mailTo('p3@example.net'));
    const [invitation] = await rows<{ id: string }>(database.system, sql`select id from wave_invitations where participant_id = ${fx.people.p3} and wave_id = ${waveId}`);
    const viewer = await TestClient.signedIn(server.url, fx.org.emails.viewer);
    assert.equal((await viewer.post(`/api/wave-invitations/${invitation!.id}/revoke`)).status, 403);
    assert.equal((await evaluator.post(`/api/wave-invitations/${invitation!.id}/revoke`)).status, 204);
    const revoked = await new TestClient(server.url).get(`/r/${token}`, { accept: 'text/html' });
    assert.equal(revoked.status, 410);
    assert.match(revoked.text, /This invitation has been withdrawn/);
    const api = await new TestClient(server.url).post<{ instance: string }>(`/r/${token}/submissions`, { clientSubmissionId: 'abcdefgh', final: false });
    assert.equal(api.status, 410);
    assert.ok(!api.text.includes(token));

    const p1 = tokenOf(mailTo('p1@example.net'));
    await database.system.execute(sql`update waves set closes_at = now() - interval '1 hour' where id = ${waveId}`);
    const expired = await new TestClient(server.url).get(`/r/${p1}`, { accept: 'text/html' });
    assert.equal(expired.status, 410);
    assert.match(expired.text, /Cette enquête a fermé le/); // in p1's language
    await database.system.execute(sql`update waves set closes_at = now() + interval '10 days' where id = ${waveId}`);
    assert.equal((await new TestClient(server.url).get(`/r/${p1}`, { accept: 'text/html' })).status, 200);
  });

  it('honours the one-click unsubscribe of the e-mail: the next wave does not invite that address', async () => {
    const oneClick = /^<(.+)>$/.exec(mailTo('p1@example.net').headers['list-unsubscribe']!)![1]!;
    const done = await fetch(oneClick, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    assert.equal(done.status, 200);
    const next = await evaluator.post<{ id: string }>('/api/waves', { name: 'Second follow-up A', instrumentId: fx.instruments.followUp, activityIds: [fx.activities.a], anchor: 'fixed', opensAt: isoDay(-1), closesAt: isoDay(10) });
    await new WaveScheduler({ database, publicUrl: server.url }).runDue();
    const invited = await rows<{ participant: string }>(database.system, sql`select participant_id as participant from wave_invitations where wave_id = ${next.body.id}`);
    assert.deepEqual(invited.map((i) => i.participant), [fx.people.p3]);
  });

  it('shows waves and rates to staff, creates a wave from the form, and applies the default plan', async () => {
    const list = await evaluator.get('/waves', { accept: 'text/html' });
    assert.equal(list.status, 200);
    assert.match(list.text, /Follow-up A/);
    assert.match(list.text, /RR1/);
    const page = await evaluator.get(`/waves/${waveId}`, { accept: 'text/html' });
    assert.match(page.text, /p1/);
    const form = await evaluator.get('/waves/new', { accept: 'text/html' });
    const bad = await evaluator.form('/waves', { _csrf: csrfFromPage(form.text), name: 'From the form', instrumentId: fx.instruments.followUp, anchor: 'end', offsetMonths: '6', openDays: '0', reminderDays: '7 14' });
    assert.equal(bad.status, 400);
    assert.match(bad.text, /Choose at least one activity/);
    const created = await evaluator.form('/waves', { _csrf: csrfFromPage(form.text), name: 'From the form', instrumentId: fx.instruments.followUp, activityIds: fx.activities.b, eligibleStatuses: 'completed', anchor: 'end', offsetMonths: '6', openDays: '30', reminderDays: '7 14' });
    assert.equal(created.status, 303, created.text);
    const wave = await evaluator.get<{ opensAt: string; closesAt: string; reminderDays: number[] }>(`/api${created.headers.get('location')!}`);
    assert.deepEqual([wave.body.opensAt, wave.body.closesAt, wave.body.reminderDays], ['2026-09-13T00:00:00.000Z', '2026-10-13T00:00:00.000Z', [7, 14]]);
    const plan = await evaluator.post<service.PlanOutcome>(`/api/activities/${fx.activities.b}/wave-plan`);
    assert.equal(plan.status, 200, plan.text);
    const rates = await evaluator.get<Array<{ groupKey: string; eligible: number; rr1: number | null }>>('/api/wave-rates?groupBy=purpose');
    assert.equal(rates.status, 200);
    assert.ok(rates.body.some((r) => r.groupKey === 'follow_up' && r.eligible > 0));
  });

  it('rate-limits the token routes', async () => {
    const client = new TestClient(server.url);
    let status = 0;
    for (let i = 0; i < 301 && status !== 429; i++) status = (await client.get(`/r/${randomBytes(32).toString('base64url')}`)).status;
    assert.equal(status, 429);
  });
});
