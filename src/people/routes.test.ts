// Participant and enrolment staff pages over real HTTP: create and edit participants from the form
// (errors next to each field, nothing written), personal data only for permitted roles, the
// filtered and paginated list, and enrolments created and edited from both sides.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { activityImport } from '../catalogue/import.ts';
import type { Database } from '../db/database.ts';
import { importTable } from '../imports/importer.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, csrfFromPage, startTestServer, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';
import { participantImport } from './import.ts';

const validForm = {
  participant_id: 'FORM-P1', given_name: 'Awa', family_name: 'Diallo', email: 'awa.diallo@example.org', phone: '+221 77 000 00 00',
  gender: 'woman', gender_description: '', birth_year: '1988', nationality: 'sn', residence_country: 'FR', organisation: 'Ministère du Travail',
  organisation_type: 'ministry_of_labour', wg_seeing: 'no_difficulty', wg_hearing: 'no_difficulty', wg_walking: 'a_lot_of_difficulty',
  wg_cognition: 'no_difficulty', wg_selfcare: 'no_difficulty', wg_communication: 'no_difficulty', preferred_language: 'fr',
  consent_followup: 'yes', consent_date: '2026-11-02',
};

describe('participant and enrolment pages over HTTP', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;
  let admin: TestClient;
  let viewer: TestClient;
  let activityId: string;

  const page = (client: TestClient, path: string) => client.get(path, { accept: 'text/html' });
  const participantIdOf = (location: string | null) => /^\/participants\/([0-9a-f-]{36})$/.exec(location ?? '')?.[1];

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'people-pages');
    const actor = { userId: randomUUID(), orgId: org.id, role: 'administrator' as const, displayName: 'A', email: org.emails.administrator };
    await importTable(database, actor, activityImport, {
      fileName: 'a.csv',
      bytes: Buffer.from('code,title,modality\nACT-1,Ethical recruitment,webinar\nACT-2,Skills recognition,blended\n'),
    });
    // 60 participants for filters and pages: every third a man from Nepal working for a workers' organisation.
    const rows = Array.from({ length: 60 }, (_, i) =>
      i % 3 === 0 ? `BULK-${String(i).padStart(2, '0')},man,NP,NP,workers_organisation` : `BULK-${String(i).padStart(2, '0')},woman,PH,AE,employers_organisation`,
    );
    await importTable(database, actor, participantImport, {
      fileName: 'p.csv',
      bytes: Buffer.from(`participant_id,gender,nationality,residence_country,organisation_type\n${rows.join('\n')}\n`),
    });
    server = await startTestServer(database);
    admin = await TestClient.signedIn(server.url, org.emails.administrator);
    viewer = await TestClient.signedIn(server.url, org.emails.viewer);
    activityId = (await admin.get<Array<{ id: string; code: string }>>('/api/activities')).body.find((a) => a.code === 'ACT-1')!.id;
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  it('shows every problem next to its field and writes nothing', async () => {
    const form = await page(admin, '/participants/new');
    assert.equal(form.status, 200);
    assert.match(form.text, /name="given_name"/, 'administrators see the personal data fields');
    const response = await admin.form('/participants', { ...validForm, _csrf: csrfFromPage(form.text), nationality: 'ZZ', birth_year: 'nineteen', email: 'not-an-email', wg_hearing: 'deaf' });
    assert.equal(response.status, 422, response.text);
    assert.match(response.text, /id="p-nationality-error"[^>]*>expected an ISO 3166-1 alpha-2 country code/);
    assert.match(response.text, /id="p-birth_year-error"[^>]*>expected a whole number/);
    assert.match(response.text, /aria-invalid="true"/);
    assert.match(response.text, /value="Awa"/, 'what was typed is kept');
    const list = await page(admin, '/participants');
    assert.doesNotMatch(list.text, /FORM-P1/);
    const second = await admin.form('/participants', { ...validForm, _csrf: csrfFromPage(form.text), email: 'not-an-email', residence_country: 'XX' });
    assert.match(second.text, /id="p-email-error"[^>]*>expected an e-mail address/);
    assert.match(second.text, /id="p-residence_country-error"/);
  });

  it('creates a participant with personal data and derived inclusion data, then edits it', async () => {
    const form = await page(admin, '/participants/new');
    const created = await admin.form('/participants', { ...validForm, _csrf: csrfFromPage(form.text) });
    assert.equal(created.status, 303, created.text);
    const id = participantIdOf(created.headers.get('location'));
    assert.ok(id);
    const shown = await page(admin, `/participants/${id}`);
    assert.match(shown.text, /FORM-P1/);
    assert.match(shown.text, /value="Awa"/);
    assert.match(shown.text, /sub saharan africa/);
    assert.match(shown.text, /with disability/);
    assert.match(shown.text, /<dd>government<\/dd>/);
    const json = await admin.get<{ nationality: string; residenceCountry: string; consentDate: string; constituentGroup: string }>(`/api/participants/${id}`);
    assert.equal(json.body.nationality, 'SN');
    assert.equal(json.body.residenceCountry, 'FR');
    assert.equal(json.body.consentDate, '2026-11-02');

    const again = await admin.form('/participants', { ...validForm, _csrf: csrfFromPage(form.text) });
    assert.equal(again.status, 422, 'the new-participant form does not overwrite an existing id');
    assert.match(again.text, /id="p-participant_id-error"[^>]*>a participant with id &quot;FORM-P1&quot; already exists/);

    const edited = await admin.form('/participants', {
      ...validForm, _csrf: csrfFromPage(shown.text), id: id!, participant_id: 'IGNORED', given_name: '', gender: 'self_described', gender_description: 'Two-spirit',
    });
    assert.equal(edited.status, 303, edited.text);
    assert.equal(participantIdOf(edited.headers.get('location')), id);
    const after = await admin.get<Array<{ code: string; givenName: string | null; gender: string; genderDescription: string }>>('/api/participants');
    const row = after.body.find((p) => p.code === 'FORM-P1')!;
    assert.equal(row.givenName, null, 'a cleared name is cleared');
    assert.equal(row.gender, 'self_described');
    assert.equal(row.genderDescription, 'Two-spirit');
    assert.ok(!after.body.some((p) => p.code === 'IGNORED'), 'the pseudonymous id does not change on edit');

    const badEdit = await admin.form('/participants', { ...validForm, _csrf: csrfFromPage(shown.text), id: id!, birth_year: '1200' });
    assert.equal(badEdit.status, 422);
    assert.match(badEdit.text, /id="p-birth_year-error"[^>]*>expected a year between/);
  });

  it('keeps personal data and the forms from viewers', async () => {
    const list = await page(viewer, '/participants?residenceCountry=FR');
    assert.equal(list.status, 200);
    const id = /href="\/participants\/([0-9a-f-]{36})">FORM-P1/.exec(list.text)?.[1];
    assert.ok(id);
    const shown = await page(viewer, `/participants/${id}`);
    assert.equal(shown.status, 200);
    assert.doesNotMatch(shown.text, /awa\.diallo|Diallo|name="given_name"|action="\/participants"|action="\/enrolments"/);
    assert.equal((await page(viewer, '/participants/new')).status, 403);
    const token = csrfFromPage(shown.text);
    assert.equal((await viewer.form('/participants', { ...validForm, participant_id: 'VIEWER-1', _csrf: token })).status, 403);
  });

  it('filters the list and pages through it', async () => {
    const all = await page(admin, '/participants');
    assert.match(all.text, /61 participants/);
    assert.match(all.text, /Page 1 of 2/);
    assert.equal((all.text.match(/href="\/participants\/[0-9a-f-]{36}"/g) ?? []).length, 50);
    const second = await page(admin, '/participants?page=2');
    assert.equal((second.text.match(/href="\/participants\/[0-9a-f-]{36}"/g) ?? []).length, 11);
    assert.match(second.text, /rel="prev"/);

    const count = async (query: string) => Number(/(\d+) participants/.exec((await page(admin, `/participants?${query}`)).text)?.[1]);
    assert.equal(await count('gender=man'), 20);
    assert.equal(await count('residenceRegion=southern_asia'), 20, 'Nepal residents');
    assert.equal(await count('residenceRegion=asia'), 60, 'Nepal and the United Arab Emirates');
    assert.equal(await count('residenceRegion=europe'), 1, 'FORM-P1 lives in France');
    assert.equal(await count('residenceCountry=ae'), 40);
    assert.equal(await count('constituentGroup=employers'), 40);
    assert.equal(await count('constituentGroup=workers&gender=man'), 20);
    assert.equal(await count('disabilityStatus=with_disability'), 1);
    assert.equal(await count(`activityId=${activityId}`), 0);
  });

  it('creates and edits enrolments from the activity page and the participant page', async () => {
    const activity = await page(admin, `/activities/${activityId}`);
    assert.match(activity.text, /action="\/enrolments"/);
    const fromActivity = await admin.form('/enrolments', {
      _csrf: csrfFromPage(activity.text), participant_id: 'BULK-00', activity_code: 'ACT-1', role: 'participant', status: 'enrolled', return_to: `/activities/${activityId}`,
    });
    assert.equal(fromActivity.status, 303, fromActivity.text);
    assert.equal(fromActivity.headers.get('location'), `/activities/${activityId}`);

    const participantId = /href="\/participants\/([0-9a-f-]{36})">FORM-P1/.exec((await page(admin, '/participants?residenceCountry=FR')).text)![1]!;
    const participantPage = await page(admin, `/participants/${participantId}`);
    const fromParticipant = await admin.form('/enrolments', {
      _csrf: csrfFromPage(participantPage.text), participant_id: 'FORM-P1', activity_code: 'ACT-1', role: 'resource_person', status: 'completed',
      sponsor: 'Fellowship fund', completion_date: '2026-10-30', return_to: `/participants/${participantId}`,
    });
    assert.equal(fromParticipant.status, 303, fromParticipant.text);
    assert.equal(fromParticipant.headers.get('location'), `/participants/${participantId}`);

    // Edit from the activity page: the form comes pre-filled, and saving updates instead of adding.
    const editing = await page(admin, `/activities/${activityId}?editParticipant=${participantId}`);
    assert.match(editing.text, /id="e-participant" name="participant_id" required="" value="FORM-P1"|id="e-participant" name="participant_id" required value="FORM-P1"/);
    assert.match(editing.text, /value="Fellowship fund"/);
    const edited = await admin.form('/enrolments', {
      _csrf: csrfFromPage(editing.text), participant_id: 'FORM-P1', activity_code: 'ACT-1', role: 'resource_person', status: 'certified',
      sponsor: 'Fellowship fund', completion_date: '2026-10-30', return_to: `/activities/${activityId}`,
    });
    assert.equal(edited.status, 303);
    const enrolments = await admin.get<Array<{ participantCode: string; activityCode: string; status: string; sponsor: string }>>('/api/enrolments');
    assert.deepEqual(
      enrolments.body.map((e) => `${e.participantCode} ${e.activityCode} ${e.status}`).sort(),
      ['BULK-00 ACT-1 enrolled', 'FORM-P1 ACT-1 certified'],
    );

    const shown = await page(admin, `/activities/${activityId}`);
    assert.match(shown.text, /href="\/participants\/[0-9a-f-]{36}">FORM-P1/);
    assert.match(shown.text, /Participants’ profile \(n = 1\)/, 'the profile counts participants (not resource persons)');
    assert.equal(Number(/(\d+) participants/.exec((await page(admin, `/participants?activityId=${activityId}`)).text)?.[1]), 2);

    const bad = await admin.form('/enrolments', {
      _csrf: csrfFromPage(shown.text), participant_id: 'NOBODY', activity_code: 'ACT-1', completion_date: 'yesterday', return_to: `/activities/${activityId}`,
    });
    assert.equal(bad.status, 422);
    assert.match(bad.text, /no participant with id &quot;NOBODY&quot;/);
    assert.match(bad.text, /expected a date as YYYY-MM-DD/);
  });
});
