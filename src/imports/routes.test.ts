// The import page over real HTTP: upload a CSV or XLSX file from the staff form (multipart, with the
// form's CSRF field), see what was created and updated, or every problem by file, row and column
// with nothing written; skip invalid rows on request; refuse a missing CSRF token, a wrong file type
// and a file over the upload limit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, csrfFromPage, startTestServer, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';
import { writeTable } from './table.ts';

const UPLOAD_LIMIT = 64 * 1024;

describe('import page over HTTP', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;
  let admin: TestClient;
  let pageToken: string;

  /** A multipart form as the import page's form sends it (with the page's CSRF field unless told otherwise). */
  function form(kind: string, fileName: string, content: string | Buffer, options: { skipInvalid?: boolean; csrf?: boolean } = {}): FormData {
    const data = new FormData();
    if (options.csrf !== false) data.set('_csrf', pageToken);
    data.set('kind', kind);
    if (options.skipInvalid) data.set('skip_invalid', 'yes');
    data.set('file', new Blob([typeof content === 'string' ? content : new Uint8Array(content)]), fileName);
    return data;
  }

  async function activityCodes(): Promise<string[]> {
    const list = await admin.get<Array<{ code: string }>>('/api/activities');
    return list.body.map((activity) => activity.code).sort();
  }

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'import-centre');
    server = await startTestServer(database, { uploadLimitBytes: UPLOAD_LIMIT });
    admin = await TestClient.signedIn(server.url, org.emails.administrator);
    const page = await admin.get('/imports?kind=participants', { accept: 'text/html' });
    assert.equal(page.status, 200);
    pageToken = csrfFromPage(page.text);
    // The browser sends the form's _csrf field, not the header the API client uses.
    admin.csrfToken = undefined;
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  it('offers every kind with its templates, and is linked from the list pages', async () => {
    const page = await admin.get('/imports?kind=participants', { accept: 'text/html' });
    for (const kind of ['activities', 'resources', 'participants', 'enrolments']) {
      assert.match(page.text, new RegExp(`<option value="${kind}"`));
      assert.match(page.text, new RegExp(`href="/api/templates/${kind}.csv"`));
      assert.match(page.text, new RegExp(`href="/api/templates/${kind}.xlsx"`));
    }
    assert.match(page.text, /<option value="participants" selected/);
    assert.match(page.text, /enctype="multipart\/form-data"/);
    assert.match(page.text, /name="skip_invalid"/);
    for (const [list, kind] of [['/activities', 'activities'], ['/resources', 'resources'], ['/participants', 'participants']]) {
      assert.match((await admin.get(list!, { accept: 'text/html' })).text, new RegExp(`href="/imports\\?kind=${kind}"`), list);
    }
    const viewer = await TestClient.signedIn(server.url, org.emails.viewer);
    assert.equal((await viewer.get('/imports', { accept: 'text/html' })).status, 403);
    assert.doesNotMatch((await viewer.get('/activities', { accept: 'text/html' })).text, /href="\/imports/);
  });

  it('imports a CSV file and reports rows created, then updated on re-import', async () => {
    const csv = 'code,title,modality,languages,themes\r\nIMP-1,Recrutement équitable,webinar,fr,ethical_recruitment\r\nIMP-2,Skills mobility,blended,en;fr,\r\n';
    const first = await admin.upload('/imports', form('activities', 'activities.csv', csv));
    assert.equal(first.status, 200, first.text);
    assert.match(first.text, /activities\.csv imported/);
    assert.match(first.text, /Created: 2/);
    assert.match(first.text, /Updated \(already there\): 0/);
    assert.deepEqual(await activityCodes(), ['IMP-1', 'IMP-2']);

    const again = await admin.upload('/imports', form('activities', 'activities.csv', csv.replace('Skills mobility', 'Skills mobility and recognition')));
    assert.equal(again.status, 200, again.text);
    assert.match(again.text, /Created: 0/);
    assert.match(again.text, /Updated \(already there\): 2/);
    assert.deepEqual(await activityCodes(), ['IMP-1', 'IMP-2']);
  });

  it('imports an XLSX file', async () => {
    const xlsx = await writeTable('xlsx', ['participant_id', 'gender', 'nationality', 'birth_year'], [['X-1', 'woman', 'NP', '1990'], ['X-2', 'self_described', 'SN', '1985']]);
    const response = await admin.upload('/imports', form('participants', 'people.xlsx', xlsx));
    assert.equal(response.status, 200, response.text);
    assert.match(response.text, /Created: 2/);
  });

  it('rejects a file with bad rows: every problem by file, row and column, and nothing written', async () => {
    const csv = 'code,title,modality,start_date\nBAD-OK,Fine,webinar,2026-01-01\nBAD-1,,webinar,2026-13-40\nBAD-2,Two,carrier_pigeon,\n';
    const response = await admin.upload('/imports', form('activities', 'broken.csv', csv));
    assert.equal(response.status, 422, response.text);
    assert.match(response.text, /Nothing was written/);
    const rows = [...response.text.matchAll(/<tr><td>([^<]*)<\/td><td>(\d+)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => [m[1], m[2], m[3]]);
    assert.deepEqual(
      rows.map((row) => row.join(' ')).sort(),
      ['broken.csv 3 start_date', 'broken.csv 3 title', 'broken.csv 4 modality'].sort(),
      response.text,
    );
    assert.match(response.text, /face_to_face/, 'says which modalities were expected');
    assert.deepEqual(await activityCodes(), ['IMP-1', 'IMP-2'], 'not even the valid row was written');
  });

  it('writes the valid rows and lists the others when “skip invalid rows” is ticked', async () => {
    const csv = 'code,title,modality\nSKIP-OK,Fine,webinar\nSKIP-BAD,Bad,carrier_pigeon\n';
    const response = await admin.upload('/imports', form('activities', 'mixed.csv', csv, { skipInvalid: true }));
    assert.equal(response.status, 200, response.text);
    assert.match(response.text, /Created: 1/);
    assert.match(response.text, /Skipped \(invalid\): 1/);
    assert.match(response.text, /<td>mixed\.csv<\/td><td>3<\/td><td>modality<\/td>/);
    assert.deepEqual(await activityCodes(), ['IMP-1', 'IMP-2', 'SKIP-OK']);
  });

  it('refuses an upload without the CSRF token', async () => {
    const response = await admin.upload('/imports', form('activities', 'nocsrf.csv', 'code,title,modality\nCSRF-1,No token,webinar\n', { csrf: false }));
    assert.equal(response.status, 403, response.text);
    assert.ok(!(await activityCodes()).includes('CSRF-1'));
  });

  it('refuses a file of another type with 415, next to the file field', async () => {
    const response = await admin.upload('/imports', form('activities', 'notes.txt', 'code,title,modality\nTXT-1,Text,webinar\n'));
    assert.equal(response.status, 415, response.text);
    assert.match(response.text, /id="import-file-error"[^>]*>notes\.txt: this kind of file is not accepted here/);
    assert.ok(!(await activityCodes()).includes('TXT-1'));
  });

  it('refuses a file over the upload limit with 413', async () => {
    const header = 'code,title,modality\n';
    const big = header + Array.from({ length: 2000 }, (_, i) => `BIG-${i},A title long enough to fill the file quickly,webinar`).join('\n');
    assert.ok(big.length > UPLOAD_LIMIT);
    const response = await admin.upload('/imports', form('activities', 'big.csv', big));
    assert.equal(response.status, 413, response.text);
    assert.ok(!(await activityCodes()).some((code) => code.startsWith('BIG-')));
  });
});
