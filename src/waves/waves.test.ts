// Waves against the real database and a real SMTP server on loopback: dates relative to activities
// with a controllable clock, the default plan, eligibility and consent, exactly-once invitations and
// reminders across a restart and under concurrent schedulers, retries and bounces, unsubscribes,
// and AAPOR response rates on a hand-computed fixture.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../db/database.ts';
import { loadMessagingKeys, unsubscribe } from '../messaging/service.ts';
import { createMailTransport, type MailTransport } from '../messaging/transport.ts';
import { MailSender } from '../messaging/worker.ts';
import { createTestDatabase } from '../testing/database.ts';
import { TestSmtpServer } from '../testing/smtp.ts';
import { scheduleFor, shiftDate } from './model.ts';
import { wavePersonalLinks } from './personal-links.ts';
import { WaveScheduler } from './scheduler.ts';
import * as service from './service.ts';
import { createWaveFixture, type WaveFixture } from './test-fixture.ts';
import { submit } from '../responses/service.ts';

const PUBLIC_URL = 'https://surveys.example.org';

describe('wave dates relative to activities', () => {
  it('shifts dates by months (clamped to the month end) and days', () => {
    assert.equal(shiftDate('2026-03-06', 6, 0), '2026-09-06');
    assert.equal(shiftDate('2026-08-31', 6, 0), '2027-02-28');
    assert.equal(shiftDate('2026-03-02', 0, -7), '2026-02-23');
    assert.equal(shiftDate('2025-12-15', 12, 0), '2026-12-15');
  });

  it('opens a cohort wave relative to the first start or the last end', () => {
    const cohort = [
      { startDate: '2026-03-09', endDate: '2026-03-13' },
      { startDate: '2026-03-02', endDate: '2026-03-06' },
    ];
    const pre = scheduleFor({ anchor: 'start', offsetMonths: 0, offsetDays: -7, openDays: 7 }, cohort)!;
    assert.equal(pre.opensAt.toISOString(), '2026-02-23T00:00:00.000Z');
    assert.equal(pre.closesAt.toISOString(), '2026-03-02T00:00:00.000Z');
    const followUp = scheduleFor({ anchor: 'end', offsetMonths: 6, offsetDays: 0, openDays: 42 }, cohort)!;
    assert.equal(followUp.opensAt.toISOString(), '2026-09-13T00:00:00.000Z');
    assert.equal(scheduleFor({ anchor: 'end', offsetMonths: 0, offsetDays: 0, openDays: 1 }, [{ startDate: '2026-01-01', endDate: null }]), undefined);
  });
});

describe('waves, invitations and reminders', () => {
  let database: Database;
  let fx: WaveFixture;
  let smtp: TestSmtpServer;
  let transport: MailTransport;
  let now: Date;
  const clock = () => now;

  before(async () => {
    database = await createTestDatabase();
    fx = await createWaveFixture(database, 'wavesorg');
    smtp = await TestSmtpServer.start();
    transport = createMailTransport({ kind: 'smtp', host: '127.0.0.1', port: smtp.port, secure: false, auth: undefined });
  });
  after(async () => {
    transport.close();
    await smtp.close();
    await database.close();
  });

  const scheduler = () => new WaveScheduler({ database, publicUrl: PUBLIC_URL, clock, batchSize: 2 });
  const sender = () => new MailSender({ database, transport, from: 'Centre <surveys@centre.example.org>', publicUrl: PUBLIC_URL, clock, backoffBaseMs: 60_000 });
  const count = async (query: ReturnType<typeof sql>) => (await rows<{ n: number }>(database.system, query))[0]!.n;

  it('applies the default plan to an activity once, with dates relative to it, skipping waves already closed', async () => {
    now = new Date('2026-02-01T00:00:00Z');
    const first = await database.withOrg(fx.org.id, (tx) => service.applyPlanToActivity(tx, fx.actor, fx.activities.a, now));
    // The plan's pre-test instrument does not exist in this organisation: skipped with the reason.
    assert.deepEqual(first.skipped, [{ item: 'pre_test', reason: 'no published instrument "pre_test"' }]);
    assert.equal(first.created.length, 3);
    const planned = await database.withOrg(fx.org.id, (tx) => service.listWaves(tx, { activityId: fx.activities.a }));
    const byKey = new Map(planned.map((w) => [w.planKey!.split(':')[0], w]));
    assert.equal(byKey.get('end_of_activity')!.opensAt.toISOString(), '2026-03-06T00:00:00.000Z');
    assert.equal(byKey.get('end_of_activity')!.closesAt.toISOString(), '2026-03-27T00:00:00.000Z');
    assert.equal(byKey.get('follow_up_6m')!.opensAt.toISOString(), '2026-09-06T00:00:00.000Z');
    assert.equal(byKey.get('follow_up_12m')!.opensAt.toISOString(), '2027-03-06T00:00:00.000Z');
    const again = await database.withOrg(fx.org.id, (tx) => service.applyPlanToActivity(tx, fx.actor, fx.activities.a, now));
    assert.equal(again.created.length, 0);
    // Applied after the end-of-activity wave closed: only the follow-ups are still worth creating.
    const late = await database.withOrg(fx.org.id, (tx) => service.applyPlan(tx, [{ id: fx.activities.b, code: 'B-2026', title: 'x', startDate: '2026-03-09', endDate: '2026-03-13', status: 'completed' }], new Date('2026-04-15T00:00:00Z')));
    assert.deepEqual(late.created.map((w) => w.name).sort(), ['Follow-up at 12 months · B-2026', 'Follow-up at 6 months · B-2026']);
    // Tidy up: these plan waves are cancelled so that the tests below see only their own waves.
    for (const wave of await database.withOrg(fx.org.id, (tx) => service.listWaves(tx))) {
      await database.withOrg(fx.org.id, (tx) => service.cancelWave(tx, fx.actor, wave.id, now));
    }
  });

  it('applies the plan by itself when the organisation turned it on', async () => {
    await database.withOrg(fx.org.id, async (tx) => service.savePlanSettings(tx, fx.actor, { autoApply: true, plan: (await service.planSettings(tx)).plan.filter((i) => i.key === 'follow_up_12m').map((i) => ({ ...i, key: 'follow_up_24m', name: 'Follow-up at 24 months', offsetMonths: 24 })) }));
    now = new Date('2026-05-01T00:00:00Z');
    const report = await scheduler().runDue();
    assert.equal(report.wavesPlanned, 2); // the 24-month follow-up of A and of B
    assert.equal((await scheduler().runDue()).wavesPlanned, 0);
    await database.withOrg(fx.org.id, async (tx) => service.savePlanSettings(tx, fx.actor, { autoApply: false, plan: (await service.planSettings(tx)).plan }));
    for (const wave of await database.withOrg(fx.org.id, (tx) => service.listWaves(tx))) {
      await database.withOrg(fx.org.id, (tx) => service.cancelWave(tx, fx.actor, wave.id, now));
    }
  });

  it('refuses a wave with bad input, naming every field, and writes nothing', async () => {
    const before = await count(sql`select count(*)::int as n from waves`);
    await assert.rejects(
      database.withOrg(fx.org.id, (tx) => service.createWave(tx, fx.actor, { name: ' ', instrumentId: fx.instruments.eoa, activityIds: [], anchor: 'fixed', opensAt: '2026-03-10', closesAt: '2026-03-01' })),
      (error: { status: number; errors: Array<{ field: string }> }) => {
        assert.equal(error.status, 400);
        assert.deepEqual(error.errors.map((e) => e.field).sort(), ['body/activityIds', 'body/closesAt', 'body/name']);
        return true;
      },
    );
    assert.equal(await count(sql`select count(*)::int as n from waves`), before);
  });

  let eoaWave: string;

  it('invites nobody before the wave opens, then each eligible, contactable person exactly once', async () => {
    eoaWave = (await database.withOrg(fx.org.id, (tx) => service.createWave(tx, fx.actor, { name: 'EoA cohort', instrumentId: fx.instruments.eoa, activityIds: [fx.activities.a, fx.activities.b], anchor: 'end', openDays: 21 }))).id;
    now = new Date('2026-03-12T23:59:00Z');
    assert.equal((await scheduler().runDue()).invitations, 0);
    now = new Date('2026-03-13T08:00:00Z');
    // Two schedulers at once (two processes on PostgreSQL), then a restarted one.
    const reports = await Promise.all([scheduler().runDue(), scheduler().runDue()]);
    assert.equal(reports[0].invitations + reports[1].invitations, 3);
    assert.equal((await scheduler().runDue()).invitations, 0);
    const invited = await rows<{ code: string; language: string; messages: number }>(
      database.system,
      sql`select p.code, i.language, (select count(*)::int from outbound_messages m where m.participant_id = i.participant_id) as messages
            from wave_invitations i join participants p on p.org_id = i.org_id and p.id = i.participant_id
           where i.wave_id = ${eoaWave} order by p.code`,
    );
    // p4 enrolled and p5 withdrawn are not eligible; p6 has no address; the resource person is not a participant.
    // The cohort wave opens on the last day of B, a week after A ended: contacting A's people then needs
    // their consent to follow-up, which p2 did not give.
    assert.deepEqual(invited, [
      { code: 'p1', language: 'fr', messages: 1 },
      { code: 'p3', language: 'en', messages: 1 },
      { code: 'p7', language: 'en', messages: 1 },
    ]);
    assert.equal(await count(sql`select count(*)::int as n from wave_invitation_tokens t join wave_invitations i on i.org_id = t.org_id and i.id = t.invitation_id where i.wave_id = ${eoaWave}`), 3);
  });

  it('sends through the outbox, retries a temporary refusal and records a bounce', async () => {
    smtp.received.length = 0;
    smtp.refusals.push({ code: 451, message: 'Try again later' }, { code: 550, message: 'No such user' });
    const first = await sender().sendDue();
    assert.deepEqual([first.sent, first.retrying, first.bounced], [1, 1, 1]);
    now = new Date('2026-03-13T08:02:00Z');
    const second = await sender().sendDue();
    assert.equal(second.sent, 1);
    assert.equal(smtp.received.length, 2);
    const [rates] = await database.withOrg(fx.org.id, (tx) => service.responseRates(tx, 'wave', { waveIds: [eoaWave] }));
    assert.deepEqual({ eligible: rates!.eligible, invited: rates!.invited, delivered: rates!.delivered, bounced: rates!.bounced }, { eligible: 5, invited: 3, delivered: 2, bounced: 1 });
  });

  it('reminds non-respondents only, after 7 and 14 days, once each, across restarts and concurrent runs', async () => {
    // p1 answers through the personal link (opening it counts as opened); the bounced one gets no reminder.
    const [p1Invitation] = await rows<{ id: string }>(database.system, sql`select id from wave_invitations where wave_id = ${eoaWave} and participant_id = ${fx.people.p1}`);
    const links = wavePersonalLinks(clock);
    await database.withOrg(fx.org.id, async (tx) => {
      const access = await links.open(tx, p1Invitation!.id);
      const collection = await access.collection(tx, { resourcePersonsOf: async () => [] });
      const result = await submit(tx, collection, { clientSubmissionId: access.personal!.clientSubmissionId, participantId: access.personal!.participantId, final: true, answers: { eoa_relevance: 'agree', eoa_theory_practice: 'agree', eoa_can_apply: 'agree', eoa_needs_met: 'fully', eoa_overall: 5 } });
      assert.equal(result.outcome, 'completed');
      await access.personal!.onSubmitted!(tx, result.response);
      // The end-of-activity instrument is anonymous: the response names nobody.
      assert.equal(result.response.participantId, null);
    });
    // Once answered, the link only says thank you: the invitation no longer knows its response.
    const again = await database.withOrg(fx.org.id, (tx) => links.open(tx, p1Invitation!.id));
    assert.equal(again.personal!.answered, true);
    assert.equal((await rows<{ n: number }>(database.system, sql`select count(*)::int as n from wave_invitations where anonymous_submission_id is not null`))[0]!.n, 0);
    now = new Date('2026-03-20T07:59:00Z');
    assert.equal((await scheduler().runDue()).reminders, 0);
    now = new Date('2026-03-20T09:00:00Z');
    // Owed a reminder: delivered (which one bounced depends on the sending order) and not answered (p1).
    const owed = await rows<{ code: string }>(
      database.system,
      sql`select p.code from wave_invitations i join participants p on p.org_id = i.org_id and p.id = i.participant_id
            join outbound_messages m on m.org_id = i.org_id and m.id = i.message_id
           where i.wave_id = ${eoaWave} and m.status = 'sent' and p.code <> 'p1' order by p.code`,
    );
    assert.ok(owed.length >= 1);
    const concurrent = await Promise.all([scheduler().runDue(), scheduler().runDue()]);
    assert.equal(concurrent[0].reminders + concurrent[1].reminders, owed.length);
    assert.equal((await scheduler().runDue()).reminders, 0);
    now = new Date('2026-03-27T07:00:00Z'); // not yet 14 days after the invitation
    assert.equal((await scheduler().runDue()).reminders, 0);
    now = new Date('2026-03-27T09:00:00Z');
    assert.equal((await scheduler().runDue()).reminders, owed.length);
    assert.equal((await scheduler().runDue()).reminders, 0);
    const reminded = await rows<{ code: string; reminders: number }>(
      database.system,
      sql`select p.code, i.reminders_sent as reminders from wave_invitations i join participants p on p.org_id = i.org_id and p.id = i.participant_id
           where i.wave_id = ${eoaWave} and i.reminders_sent > 0 order by p.code`,
    );
    assert.deepEqual(reminded, owed.map(({ code }) => ({ code, reminders: 2 })));
    assert.equal(await count(sql`select count(*)::int as n from outbound_messages where kind = 'wave_reminder'`), 2 * owed.length);
  });

  it('honours unsubscribes: no invitation for an unsubscribed address, and its reminder is suppressed', async () => {
    const keys = await loadMessagingKeys(database.system);
    assert.ok(keys);
    // p3 unsubscribes through the link of the invitation they received.
    const [p3Message] = await rows<{ id: string }>(database.system, sql`select message_id as id from wave_invitations where wave_id = ${eoaWave} and participant_id = ${fx.people.p3}`);
    await database.withOrg(fx.org.id, (tx) => unsubscribe(tx, fx.org.id, p3Message!.id));
    const followUp = (await database.withOrg(fx.org.id, (tx) => service.createWave(tx, fx.actor, { name: 'Follow-up', instrumentId: fx.instruments.followUp, activityIds: [fx.activities.a], anchor: 'end', offsetMonths: 6, openDays: 42 }))).id;
    now = new Date('2026-09-07T09:00:00Z');
    const report = await scheduler().runDue();
    const invited = await rows<{ code: string }>(database.system, sql`select p.code from wave_invitations i join participants p on p.org_id = i.org_id and p.id = i.participant_id where i.wave_id = ${followUp} order by p.code`);
    // p2 did not consent to follow-up; p3 unsubscribed; p6 has no address.
    assert.deepEqual(invited.map((r) => r.code), ['p1']);
    assert.equal(report.notContactable, 2);
  });

  it('computes AAPOR RR1 and RR2 on a hand-computed fixture, counting imported responses', async () => {
    const wave = (await database.withOrg(fx.org.id, (tx) => service.createWave(tx, fx.actor, { name: 'Rates', instrumentId: fx.instruments.followUp, activityIds: [fx.activities.a, fx.activities.b], anchor: 'fixed', opensAt: '2027-01-10', closesAt: '2027-02-10' }))).id;
    const version = (await rows<{ id: string }>(database.system, sql`select instrument_version_id as id from waves where id = ${wave}`))[0]!.id;
    const response = (code: string, activity: string, status: 'complete' | 'partial', at: string, key: string) =>
      database.withOrg(fx.org.id, (tx) =>
        tx.execute(sql`insert into responses (org_id, instrument_id, instrument_version_id, activity_id, participant_id, status, started_at, submitted_at, source, client_submission_id, data)
                       values (tracer_current_org(), ${fx.instruments.followUp}, ${version}, ${activity}, ${fx.people[code]!}, ${status}, ${at}::timestamptz, ${status === 'complete' ? at : null}::timestamptz, 'import', ${key}, '{"answers":{}}'::jsonb)`),
      );
    // Eligible: p1 p2 p3 p6 (A) and p7 (B) = 5. Complete: p1, p7 (imported, in the window). Partial: p2.
    // Not counted: p3's response is outside the window; p4 is not eligible; p6's response is about activity B.
    await response('p1', fx.activities.a, 'complete', '2027-01-15T10:00:00Z', 'imp-1');
    await response('p7', fx.activities.b, 'complete', '2027-02-01T10:00:00Z', 'imp-2');
    await response('p2', fx.activities.a, 'partial', '2027-01-20T10:00:00Z', 'imp-3');
    await response('p3', fx.activities.a, 'complete', '2027-03-01T10:00:00Z', 'imp-4');
    await response('p4', fx.activities.a, 'complete', '2027-01-15T10:00:00Z', 'imp-5');
    await response('p6', fx.activities.b, 'complete', '2027-01-15T10:00:00Z', 'imp-6');
    const [rate] = await database.withOrg(fx.org.id, (tx) => service.responseRates(tx, 'wave', { waveIds: [wave] }));
    assert.deepEqual(
      { eligible: rate!.eligible, complete: rate!.complete, partial: rate!.partial, rr1: rate!.rr1, rr2: rate!.rr2 },
      { eligible: 5, complete: 2, partial: 1, rr1: 2 / 5, rr2: 3 / 5 },
    );
    // Rolled up with the 6-month follow-up of activity A (eligible p1 p2 p3 p6, nobody answered): 9 eligible.
    const byPurpose = await database.withOrg(fx.org.id, (tx) => service.responseRates(tx, 'purpose'));
    const followUp = byPurpose.find((r) => r.groupKey === 'follow_up')!;
    assert.deepEqual({ waves: followUp.waves, eligible: followUp.eligible, complete: followUp.complete, partial: followUp.partial, rr1: followUp.rr1 }, { waves: 2, eligible: 9, complete: 2, partial: 1, rr1: 2 / 9 });
    // The anonymous end-of-activity wave counts p1's answer through the invitation: 1 of 5, one link opened.
    const eoa = byPurpose.find((r) => r.groupKey === 'end_of_activity')!;
    assert.deepEqual({ eligible: eoa.eligible, complete: eoa.complete, opened: eoa.opened, rr1: eoa.rr1 }, { eligible: 5, complete: 1, opened: 1, rr1: 1 / 5 });
  });
});
