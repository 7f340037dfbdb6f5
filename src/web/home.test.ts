// The home page lists what needs attention — open survey waves with their response rates, overdue
// follow-up actions, failed e-mails — each only to the roles that may open the page it links to.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import * as evaluations from '../evaluations/service.ts';
import { enqueueMessage } from '../messaging/service.ts';
import { createTestDatabase } from '../testing/database.ts';
import { startTestServer, TestClient, type TestServer } from '../testing/http.ts';
import { createWaveFixture, type WaveFixture } from '../waves/test-fixture.ts';
import { WaveScheduler } from '../waves/scheduler.ts';
import { createWave } from '../waves/service.ts';

const day = 86_400_000;

describe('home page', () => {
  let database: Database;
  let server: TestServer;
  let fx: WaveFixture;

  before(async () => {
    database = await createTestDatabase();
    fx = await createWaveFixture(database, 'home');
    const now = Date.now();
    await database.withOrg(fx.org.id, async (tx) => {
      await createWave(tx, fx.actor, {
        name: 'Open follow-up', instrumentId: fx.instruments.followUp, activityIds: [fx.activities.a], anchor: 'fixed',
        opensAt: new Date(now - 3 * day).toISOString(), closesAt: new Date(now + 20 * day).toISOString(),
      });
      await createWave(tx, fx.actor, {
        name: 'Closed end-of-activity', instrumentId: fx.instruments.eoa, activityIds: [fx.activities.b], anchor: 'fixed',
        opensAt: '2026-03-13', closesAt: '2026-04-03',
      });
      const evaluation = await evaluations.createEvaluation(tx, fx.org.id, { title: 'Labour migration academy 2025', mode: 'independent', kind: 'thematic' });
      const recommendation = await evaluations.addRecommendation(tx, fx.org.id, evaluation.id, { text: 'Follow participants up at 12 months' });
      await evaluations.respondToRecommendation(tx, recommendation.id, { decision: 'accepted', text: 'Agreed', date: '2019-10-25' });
      await evaluations.addAction(tx, fx.org.id, recommendation.id, { description: 'Schedule the 12-month wave', responsibleUnit: 'Evaluation unit', dueDate: '2020-01-31' });
      await evaluations.addAction(tx, fx.org.id, recommendation.id, { description: 'Not due yet', responsibleUnit: 'Evaluation unit', dueDate: '2999-01-31' });
      const failed = await enqueueMessage(tx, { kind: 'notice', to: 'nobody@example.net', language: 'en', subject: 'Hello', text: 'Hello', dedupeKey: 'home-test' });
      await tx.execute(sql`update outbound_messages set status = 'failed', recipient = null, text_body = null, html_body = null, last_error = '550 no such user' where id = ${failed.id}`);
    });
    server = await startTestServer(database);
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  it('shows an evaluator the open wave (not the closed one), the overdue action and the failed e-mail', async () => {
    const page = await (await TestClient.signedIn(server.url, fx.org.emails.evaluator)).get('/', { accept: 'text/html' });
    assert.equal(page.status, 200);
    assert.match(page.text, /<h1>Home<\/h1>/);
    assert.match(page.text, /Survey waves open now \(1\)/);
    assert.match(page.text, /Open follow-up/);
    assert.doesNotMatch(page.text, /Closed end-of-activity/);
    assert.match(page.text, /Follow-up actions past their due date \(1\)/);
    assert.match(page.text, /Schedule the 12-month wave/);
    assert.doesNotMatch(page.text, /Not due yet/);
    assert.match(page.text, /1 e-mails failed or bounced/);
  });

  it('shows the open wave’s invited, complete and RR1 exactly as the waves API gives them', async () => {
    await new WaveScheduler({ database, publicUrl: server.url }).runDue();
    await database.withOrg(fx.org.id, (tx) =>
      tx.execute(sql`insert into responses (org_id, instrument_id, instrument_version_id, activity_id, participant_id, status, started_at, submitted_at, source, client_submission_id, data)
                     select w.org_id, w.instrument_id, w.instrument_version_id, ${fx.activities.a}, ${fx.people.p1}, 'complete', now(), now(), 'import', 'home-1', '{"answers":{}}'::jsonb
                       from waves w where w.name = 'Open follow-up'`),
    );
    const admin = await TestClient.signedIn(server.url, fx.org.emails.administrator);
    const page = await admin.get('/', { accept: 'text/html' });
    const row = /<tr><td><a href="\/waves\/([^"]+)">Open follow-up<\/a>[\s\S]*?<\/tr>/.exec(page.text);
    assert.ok(row, 'the open wave has a row');
    const cells = [...row[0].matchAll(/<td class="num">([^<]*)<\/td>/g)].map((m) => m[1]);
    const api = (await admin.get<{ rates: { invited: number; complete: number; rr1: number | null } }>(`/api/waves/${row[1]}`)).body.rates;
    assert.ok(api.invited > 0, 'the scheduler invited the eligible participants with an address');
    assert.equal(api.complete, 1);
    assert.deepEqual(cells, [String(api.invited), String(api.complete), `${Math.round(api.rr1! * 1000) / 10}%`]);
  });

  it('shows a viewer waves and actions but not the outbox, and a trainer none of them', async () => {
    const viewer = await (await TestClient.signedIn(server.url, fx.org.emails.viewer)).get('/', { accept: 'text/html' });
    assert.match(viewer.text, /Open follow-up/);
    assert.doesNotMatch(viewer.text, /e-mails failed/);
    const trainer = await (await TestClient.signedIn(server.url, fx.org.emails.trainer)).get('/', { accept: 'text/html' });
    assert.equal(trainer.status, 200);
    assert.doesNotMatch(trainer.text, /Open follow-up|Schedule the 12-month wave|e-mails failed/);
    assert.match(trainer.text, /href="\/trainer-ratings"/);
  });

  it('speaks the user’s language', async () => {
    const page = await (await TestClient.signedIn(server.url, fx.org.emails.evaluator)).get('/?lang=fr', { accept: 'text/html' });
    assert.match(page.text, /<h1>Accueil<\/h1>/);
    assert.match(page.text, /Vagues d’enquête ouvertes \(1\)/);
  });
});
