// Privacy operations over real HTTP and the real database: erasure on request keeps responses
// and every indicator attribute, the subject-access export, the retention purge with a
// controllable clock, permissions and the audit trail.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../db/database.ts';
import { enqueueMessage } from '../messaging/service.ts';
import { runCli } from '../testing/cli.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';
import { purgeInactive } from './service.ts';

interface Participant {
  id: string;
  participantId?: string;
  code?: string;
}

const person = (code: string, extra: Record<string, unknown> = {}) => ({
  participantId: code,
  givenName: 'Amina',
  familyName: `Diallo-${code}`,
  email: `${code.toLowerCase()}@example.net`,
  gender: 'self_described',
  genderDescription: 'two-spirit',
  birthYear: 1984,
  nationality: 'SN',
  residenceCountry: 'SN',
  organisation: 'Ministère du Travail',
  organisationType: 'ministry_of_labour',
  wg: { seeing: 'some_difficulty', walking: 'a_lot_of_difficulty' },
  preferredLanguage: 'fr',
  consentFollowup: true,
  consentDate: '2023-05-02',
  ...extra,
});

describe('privacy operations', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;
  let otherOrg: TestOrg;
  let admin: TestClient;
  let evaluator: TestClient;
  let viewer: TestClient;
  let otherAdmin: TestClient;
  const ids: Record<string, string> = {};

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'privacy');
    otherOrg = await createTestOrg(database, 'privacy-other');
    server = await startTestServer(database);
    admin = await TestClient.signedIn(server.url, org.emails.administrator);
    evaluator = await TestClient.signedIn(server.url, org.emails.evaluator);
    viewer = await TestClient.signedIn(server.url, org.emails.viewer);
    otherAdmin = await TestClient.signedIn(server.url, otherOrg.emails.administrator);
    for (const [code, endDate] of [['OLD-2019', '2019-06-30'], ['RECENT-2026', '2026-06-30']] as const) {
      const activity = await admin.post('/api/activities', { code: `ACT-${code}`, title: `Course ${code}`, modality: 'blended', startDate: endDate, endDate });
      assert.ok(activity.status < 300, activity.text);
    }
    for (const code of ['P-ERASE', 'OLD-2019', 'RECENT-2026']) {
      const created = await admin.post<Participant>('/api/participants', person(code));
      assert.ok(created.status < 300, created.text);
      ids[code] = created.body.id;
    }
    for (const code of ['OLD-2019', 'RECENT-2026']) {
      const enrolled = await admin.post('/api/enrolments', { participantId: code, activityCode: `ACT-${code}`, status: 'completed' });
      assert.equal(enrolled.status, 204, enrolled.text);
    }
    const enrolled = await admin.post('/api/enrolments', { participantId: 'P-ERASE', activityCode: 'ACT-RECENT-2026', status: 'completed' });
    assert.equal(enrolled.status, 204, enrolled.text);
    await database.withOrg(org.id, async (tx) => {
      await enqueueMessage(tx, { kind: 'invitation', to: 'p-erase@example.net', participantId: ids['P-ERASE'], language: 'fr', subject: 'Votre avis', text: 'Lien personnel', dedupeKey: 'privacy-1' });
      // The old participant's record predates the retention period too.
      await tx.execute(sql`update participants set created_at = '2019-01-01' where code = 'OLD-2019'`);
    });
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  async function attributes() {
    return database.withOrg(org.id, (tx) =>
      rows(tx, sql`select id, gender::text, birth_year, nationality, region, tracer_ldc_on(nationality, current_date) as ldc, constituent_group::text, disability_status::text from participants order by id`),
    );
  }

  it('only administrators of the organisation may erase or export', async () => {
    const id = ids['P-ERASE'];
    for (const client of [evaluator, viewer]) {
      assert.equal((await client.post(`/api/participants/${id}/erase`)).status, 403);
      assert.equal((await client.get(`/api/participants/${id}/dossier`)).status, 403);
    }
    assert.equal((await otherAdmin.post(`/api/participants/${id}/erase`)).status, 404);
    assert.equal((await otherAdmin.get(`/api/participants/${id}/dossier`)).status, 404);
    assert.equal((await new TestClient(server.url).get(`/api/participants/${id}/dossier`)).status, 401);
  });

  it('exports everything held about one participant, and logs that it did', async () => {
    const response = await admin.get<{ participantId: string; tables: Record<string, Array<Record<string, unknown>>> }>(`/api/participants/${ids['P-ERASE']}/dossier`);
    assert.equal(response.status, 200, response.text);
    assert.match(response.headers.get('content-disposition') ?? '', /attachment/);
    const { tables } = response.body;
    assert.equal(tables.participants![0]!.code, 'P-ERASE');
    assert.equal(tables.participant_personal_data![0]!.email, 'p-erase@example.net');
    assert.equal(tables.enrolments!.length, 1);
    assert.equal(tables.outbound_messages![0]!.subject, 'Votre avis');
    const [entry] = await database.withOrg(org.id, (tx) =>
      rows<{ action: string; details: string }>(tx, sql`select action, details::text from audit_log where target = ${ids['P-ERASE']} and action = 'participant.exported'`),
    );
    assert.ok(entry, 'the export is audit-logged');
    assert.doesNotMatch(entry.details, /example\.net|Diallo/);
  });

  it('erases personal data on request: responses and indicator attributes stay, unsent mail is cancelled', async () => {
    const before = await attributes();
    const response = await admin.post<{ participants: number; pendingMessagesCancelled: number }>(`/api/participants/${ids['P-ERASE']}/erase`);
    assert.equal(response.status, 200, response.text);
    assert.deepEqual([response.body.participants, response.body.pendingMessagesCancelled], [1, 1]);
    assert.deepEqual(await attributes(), before, 'every attribute indicators disaggregate by is unchanged');

    const dossier = await admin.get<{ tables: Record<string, Array<Record<string, unknown>>> }>(`/api/participants/${ids['P-ERASE']}/dossier`);
    const { tables } = dossier.body;
    assert.equal(tables.participant_personal_data!.length, 0);
    const record = tables.participants![0]!;
    assert.equal(record.code, `erased-${ids['P-ERASE']}`);
    assert.equal(record.gender_description, null);
    assert.equal(record.organisation_name, null);
    assert.equal(record.consent_followup, false);
    assert.ok(record.erased_at);
    assert.equal(tables.enrolments!.length, 1, 'enrolments (and responses) stay, linked to the pseudonymous id');
    const [message] = tables.outbound_messages!;
    assert.deepEqual([message!.status, message!.recipient, message!.text_body], ['suppressed', null, null]);
    const listing = await admin.get('/api/participants');
    assert.doesNotMatch(listing.text, /p-erase@example\.net|Diallo-P-ERASE/);
    const [audit] = await database.withOrg(org.id, (tx) => rows<{ n: number }>(tx, sql`select count(*)::int as n from audit_log where action = 'participant.erased' and target = ${ids['P-ERASE']}`));
    assert.equal(audit!.n, 1);
  });

  it('purges participants inactive for longer than the retention period, and only them', async () => {
    assert.equal((await evaluator.request('PUT', '/api/privacy/retention', { months: 24 })).status, 403);
    assert.equal((await admin.request('PUT', '/api/privacy/retention', { months: 0 })).status, 400);
    assert.equal((await admin.request('DELETE', '/api/privacy/retention')).status, 200);
    assert.deepEqual((await admin.get('/api/privacy/retention')).body, { months: null });
    const set = await admin.request('PUT', '/api/privacy/retention', { months: 24 });
    assert.equal(set.status, 200, set.text);
    assert.deepEqual((await admin.get('/api/privacy/retention')).body, { months: 24 });

    const dry = await admin.post<{ participants: number; dryRun: boolean }>('/api/privacy/purge?dryRun=true');
    assert.deepEqual([dry.body.participants, dry.body.dryRun], [1, true]);
    const now = new Date('2026-11-22T12:00:00Z');
    const report = await database.withOrg(org.id, (tx) => purgeInactive(tx, { kind: 'cli' }, { now }));
    assert.equal(report.participants, 1);
    const remaining = await database.withOrg(org.id, (tx) =>
      rows<{ code: string; erased: boolean }>(tx, sql`select code, erased_at is not null as erased from participants order by created_at, code`),
    );
    assert.deepEqual(
      remaining.map((r) => [r.code.startsWith('erased-') ? 'erased' : r.code, r.erased]),
      [['erased', true], ['erased', true], ['RECENT-2026', false]],
    );
    const [purged] = await database.withOrg(org.id, (tx) => rows<{ n: number }>(tx, sql`select count(*)::int as n from audit_log where action = 'participants.purged'`));
    assert.equal(purged!.n, 1);
    const again = await database.withOrg(org.id, (tx) => purgeInactive(tx, { kind: 'cli' }, { now }));
    assert.equal(again.participants, 0, 'a second purge finds nothing more');
  });

  it('answers on the command line with a clear message', async () => {
    const env = { TRACER_DATA_DIR: `${process.env.TMPDIR ?? '/tmp'}/tracer-privacy-cli-${process.pid}`, DATABASE_URL: undefined };
    const missing = await runCli(['privacy', 'retention'], { env });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /--months N or --off/);
    const nothing = await runCli(['privacy', 'purge'], { env });
    assert.equal(nothing.code, 0, nothing.stderr);
    assert.match(nothing.stdout, /No organisation has a retention period/);
    await rm(env.TRACER_DATA_DIR, { recursive: true, force: true });
  });
});
