// The catalogue and people over real HTTP: public search without signing in, staff API and
// pages, roles, import over HTTP, and isolation between organisations in the public catalogue.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';
import { runCli } from '../testing/cli.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('catalogue over HTTP', () => {
  let database: Database;
  let server: TestServer;
  let orgA: TestOrg;
  let orgB: TestOrg;
  let adminA: TestClient;

  before(async () => {
    database = await createTestDatabase();
    orgA = await createTestOrg(database, 'centre-a');
    orgB = await createTestOrg(database, 'centre-b');
    server = await startTestServer(database);
    adminA = await TestClient.signedIn(server.url, orgA.emails.administrator);
    const adminB = await TestClient.signedIn(server.url, orgB.emails.administrator);
    for (const [client, slug] of [[adminA, 'centre-a'], [adminB, 'centre-b']] as const) {
      const response = await client.post('/api/activities', {
        code: `GOV-${slug}`, title: `Gouvernance des migrations ${slug}`, modality: 'blended', languages: ['fr'], themes: ['labour_migration_governance'],
        country: 'SN', startDate: '2023-04-01', cost: 777777, contact: `boss-${slug}@secret.org`, replicationNotes: `notes-${slug}`, published: true,
      });
      assert.equal(response.status, 200, response.text);
    }
    await adminB.post('/api/activities', { code: 'HIDDEN', title: 'Gouvernance brouillon', modality: 'webinar', published: false });
    const participant = await adminA.post('/api/participants', { participantId: 'PA-1', givenName: 'Secret', familyName: 'Person', email: 'secret.person@x.org', gender: 'woman', nationality: 'ML' });
    assert.equal(participant.status, 200, participant.text);
    assert.equal((await adminA.post('/api/enrolments', { participantId: 'PA-1', activityCode: 'GOV-centre-a' })).status, 204);
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  it('searches published activities of every organisation anonymously, without private fields', async () => {
    const anonymous = new TestClient(server.url);
    const response = await anonymous.get<{ total: number; activities: Array<{ code: string; organisation: { slug: string } }> }>('/api/public/catalogue?q=gouvernance');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body.activities.map((a) => a.code).sort(), ['GOV-centre-a', 'GOV-centre-b']);
    for (const secret of ['777777', 'boss-', 'notes-', 'HIDDEN', 'secret.person', 'PA-1', 'cost', 'contact']) assert.ok(!response.text.includes(secret), secret);
    const onlyA = await anonymous.get<{ activities: Array<{ code: string }> }>('/api/public/catalogue?q=gouvernance&org=centre-a');
    assert.deepEqual(onlyA.body.activities.map((a) => a.code), ['GOV-centre-a']);
  });

  it('serves the public catalogue page without signing in, with facets and no private fields', async () => {
    const page = await new TestClient(server.url).get('/catalogue?q=migration&lang=fr', { accept: 'text/html' });
    assert.equal(page.status, 200);
    assert.match(page.text, /Gouvernance des migrations centre-a/);
    assert.match(page.text, /Gouvernance des migrations de main-d’œuvre/, 'theme facet in French');
    assert.match(page.text, /Sénégal/);
    assert.match(page.text, /<ul class="facet" data-facet="modality"><li><a [^>]*>Mixte<\/a>/, 'modality facet label in French, not the code');
    assert.match(page.text, /<ul class="facet" data-facet="region"><li><a [^>]*>Afrique<\/a>/);
    assert.match(page.text, /<ul class="facet" data-facet="status"><li><a [^>]*>Prévu<\/a>/);
    assert.doesNotMatch(page.text, />blended<|>planned<|>africa</, 'no raw codes in facets');
    const spanish = await new TestClient(server.url).get('/catalogue?q=migration&lang=es', { accept: 'text/html' });
    assert.match(spanish.text, /data-facet="fee_type"><li><a [^>]*>Gratuito<\/a>/);
    for (const secret of ['777777', 'boss-', 'HIDDEN', 'Secret Person']) assert.ok(!page.text.includes(secret), secret);
  });

  it('shows staff the activity with its participants and breakdown; names only to permitted roles', async () => {
    const list = await adminA.get<Array<{ id: string; code: string; cost: string }>>('/api/activities');
    assert.deepEqual(list.body.map((a) => a.code), ['GOV-centre-a']);
    const page = await adminA.get(`/activities/${list.body[0]!.id}`, { accept: 'text/html' });
    assert.match(page.text, /PA-1/);
    assert.match(page.text, /woman/);
    const viewer = await TestClient.signedIn(server.url, orgA.emails.viewer);
    const forViewer = await viewer.get('/api/participants');
    assert.ok(!forViewer.text.includes('secret.person'));
    assert.ok(forViewer.text.includes('PA-1'));
    const forAdmin = await adminA.get('/api/participants');
    assert.ok(forAdmin.text.includes('secret.person@x.org'));
    assert.equal((await viewer.post('/api/activities', { code: 'X', title: 'X', modality: 'webinar' })).status, 403);
  });

  it('creates an activity and a resource from the staff forms (no JavaScript needed)', async () => {
    const created = await adminA.form('/activities', { code: 'FORM-1', title: 'Formulaire', modality: 'webinar', languages: 'fr;en', themes: 'social_dialogue', country: 'ma', published: 'yes' });
    assert.equal(created.status, 303, created.text);
    const page = await adminA.get(created.headers.get('location')!, { accept: 'text/html' });
    assert.match(page.text, /Formulaire/);
    const resource = await adminA.form('/resources', { title: 'Boîte à outils', type: 'toolkit', activities: 'FORM-1', published: 'yes' });
    assert.equal(resource.status, 303, resource.text);
    const list = await adminA.get('/resources', { accept: 'text/html' });
    assert.match(list.text, /Boîte à outils/);
    assert.match(list.text, /FORM-1/);
    const resourceId = /href="\/resources\?edit=([0-9a-f-]{36})#resource-form"/.exec(list.text)?.[1];
    assert.ok(resourceId, 'each resource has an edit link');
    const editing = await adminA.get(`/resources?edit=${resourceId}`, { accept: 'text/html' });
    assert.match(editing.text, /id="r-title" name="title" required value="Boîte à outils" readonly/);
    const edited = await adminA.form('/resources', {
      title: 'Boîte à outils', type: 'guide', description: 'Guide pratique', licence: 'CC BY 4.0', themes: 'ethical_recruitment', activities: '', published: 'yes',
    });
    assert.equal(edited.status, 303, edited.text);
    const resources = await adminA.get<Array<{ title: string; type: string; licence: string; themes: string[]; openAccess: boolean; activityCodes: string[] }>>('/api/resources');
    assert.equal(resources.body.length, 1, 'edited, not duplicated');
    assert.deepEqual(
      { ...resources.body[0], id: undefined, description: undefined, languages: undefined, url: undefined, published: undefined },
      { ...resources.body[0], id: undefined, description: undefined, languages: undefined, url: undefined, published: undefined, type: 'guide', licence: 'CC BY 4.0', themes: ['ethical_recruitment'], openAccess: false, activityCodes: [] },
    );
    const invalid = await adminA.form('/activities', { code: 'FORM-2', title: 'Bad', modality: 'webinar', country: 'QQ' });
    assert.equal(invalid.status, 422);
  });

  it('imports a file over HTTP and reports bad rows as a problem naming row and column', async () => {
    const csv = 'code,title,modality,country\nOK-1,Fine,webinar,PH\nBAD-1,Bad,webinar,XX\n';
    const token = (await adminA.post<{ token: string }>('/api/tokens', { name: 'import script' })).body.token;
    const upload = (query: string) =>
      fetch(`${server.url}/api/imports/activities${query}`, { method: 'POST', body: csv, headers: { 'content-type': 'text/csv', authorization: `Bearer ${token}` } });
    const response = await upload('?fileName=upload.csv');
    const problem = (await response.json()) as { errors: Array<{ field: string }>; detail: string };
    assert.equal(response.status, 422);
    assert.deepEqual(problem.errors.map((e) => e.field), ['row 3/country']);
    assert.match(problem.detail, /upload\.csv, row 3, column country: expected an ISO 3166-1 alpha-2/);
    const skipped = (await (await upload('?skipInvalid=true')).json()) as { written: number };
    assert.equal(skipped.written, 1);
    const template = await new TestClient(server.url).get('/api/templates/participants.csv');
    assert.match(template.text, /^participant_id,given_name,family_name,email,gender,birth_year,nationality,residence_country,organisation,organisation_type,preferred_language,wg_seeing/);
  });

  it('imports from the command line with file, row and column in every error', { timeout: 900_000 }, async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tracer-import-'));
    const file = join(folder, 'participants.csv');
    writeFileSync(file, 'participant_id,gender,nationality\nCLI-1,woman,SN\nCLI-2,robot,SN\n');
    const env = { DATABASE_URL: undefined, TRACER_DATA_DIR: join(folder, 'data'), TRACER_ORG: undefined };
    assert.equal((await runCli(['org', 'create', 'cli-org', '--name', 'CLI'], { env, timeoutMs: 240_000 })).code, 0);
    const rejected = await runCli(['import', 'participants', file], { env, timeoutMs: 240_000 });
    assert.equal(rejected.code, 1);
    assert.match(rejected.stderr, /participants\.csv, row 3, column gender: expected one of woman, man/);
    assert.match(rejected.stderr, /nothing was written/);
    const partial = await runCli(['import', 'participants', file, '--skip-invalid'], { env, timeoutMs: 240_000 });
    assert.equal(partial.code, 0, partial.stderr);
    assert.match(partial.stdout, /Imported 1 of 2 participants into cli-org \(1 rows skipped\)/);
  });
});
