// Response import over real HTTP: the staff upload form (multipart, CSRF, file types, roles, the
// outcome page) and the JSON API with an API token.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { activityImport } from '../catalogue/import.ts';
import { rows, type Database } from '../db/database.ts';
import { importTable } from '../imports/importer.ts';
import { createStandardInstrument, publish } from '../instruments/service.ts';
import { participantImport } from '../people/import.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, csrfFromPage, startTestServer, TEST_PASSWORD, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';

const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url));

describe('response import over HTTP', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'resp-import-http');
    const admin = { userId: randomUUID(), orgId: org.id, role: 'administrator' as const, displayName: 'A', email: org.emails.administrator };
    await importTable(database, admin, activityImport, { fileName: 'a.csv', bytes: Buffer.from('code,title,modality\nACT-1,Ethical recruitment,webinar\nACT-2,Statistics,webinar\n') });
    await importTable(database, admin, participantImport, { fileName: 'p.csv', bytes: Buffer.from('participant_id\nP-001\nP-002\nP-003\n') });
    await database.withOrg(org.id, async (tx) => publish(tx, (await createStandardInstrument(tx, admin, 'follow_up')).id));
    server = await startTestServer(database);
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  /** A signed-in browser session: its cookie header and the form's CSRF token. */
  async function session(email: string): Promise<{ cookie: string; csrf: string; page: Response }> {
    const signIn = await fetch(`${server.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: TEST_PASSWORD }) });
    assert.equal(signIn.status, 200);
    const cookie = signIn.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const page = await fetch(`${server.url}/responses/import`, { headers: { cookie, accept: 'text/html' } });
    const html = await page.clone().text();
    return { cookie, csrf: page.status === 200 ? csrfFromPage(html) : '', page };
  }

  const upload = (cookie: string, fields: Record<string, string>, file?: { name: string; bytes: Buffer; type: string }) => {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    if (file) form.set('file', new Blob([new Uint8Array(file.bytes)], { type: file.type }), file.name);
    return fetch(`${server.url}/responses/import`, { method: 'POST', headers: { cookie, accept: 'text/html' }, body: form });
  };

  it('imports a Kobo export from the upload form, then reports it as imported before', async () => {
    const { cookie, csrf, page } = await session(org.emails.evaluator);
    const html = await page.text();
    assert.match(html, /<form method="post" action="\/responses\/import" enctype="multipart\/form-data">/);
    assert.match(html, /<option value="follow_up">/);
    const file = { name: 'kobo-follow-up.csv', bytes: await fixture('kobo-follow-up.csv'), type: 'text/csv' };
    const first = await upload(cookie, { _csrf: csrf, instrument: 'follow_up' }, file);
    assert.equal(first.status, 200);
    assert.match(await first.text(), /Imported 3 of 3 responses \(0 imported before and left unchanged, 0 skipped\)/);
    const again = await upload(cookie, { _csrf: csrf, instrument: 'follow_up' }, file);
    assert.match(await again.text(), /Imported 0 of 3 responses \(3 imported before and left unchanged, 0 skipped\)/);
    const [count] = await rows<{ n: number }>(database.system, sql`select count(*)::int as n from responses where client_submission_id like 'import:follow_up:7f2b1d3e-%'`);
    assert.equal(count!.n, 3);
  });

  it('lists every problem of a rejected file on the page (422) and writes nothing; a mapping in the form is used', async () => {
    const { cookie, csrf } = await session(org.emails.administrator);
    const bad = Buffer.from('submission_id,participant_id,submitted_at,fu_needs_met\nh-1,P-404,2024-01-01,fully\n');
    const rejected = await upload(cookie, { _csrf: csrf, instrument: 'follow_up' }, { name: 'bad.csv', bytes: bad, type: 'text/csv' });
    assert.equal(rejected.status, 422);
    const html = await rejected.text();
    assert.match(html, /problem\(s\) found; nothing was imported/);
    assert.match(html, /bad\.csv, row 2, column participant_id: no participant &quot;P-404&quot;/);
    assert.match(html, /bad\.csv, row 2, column fu_use: an answer is required/);

    const mapping = (await fixture('other-tool-mapping.json')).toString('utf8');
    const mapped = await upload(cookie, { _csrf: csrf, instrument: 'follow_up', mapping, skipInvalid: 'on' }, { name: 'other.csv', bytes: await fixture('other-tool-follow-up.csv'), type: 'text/csv' });
    assert.equal(mapped.status, 200);
    assert.match(await mapped.text(), /Imported 2 of 2 responses/);
  });

  it('refuses a post without the CSRF token, a wrong file type, and viewers', async () => {
    const { cookie, csrf } = await session(org.emails.evaluator);
    const file = { name: 'kobo-follow-up.csv', bytes: await fixture('kobo-follow-up.csv'), type: 'text/csv' };
    assert.equal((await upload(cookie, { instrument: 'follow_up' }, file)).status, 403);
    const wrongType = await upload(cookie, { _csrf: csrf, instrument: 'follow_up' }, { name: 'answers.txt', bytes: Buffer.from('hello'), type: 'text/plain' });
    assert.equal(wrongType.status, 415);
    assert.match(await wrongType.text(), /answers\.txt/);
    const viewer = await session(org.emails.viewer);
    assert.equal(viewer.page.status, 403);
  });

  it('imports through the API with an API token, and says what is wrong as a problem document', async () => {
    const evaluator = await TestClient.signedIn(server.url, org.emails.evaluator);
    const { token } = (await evaluator.post<{ token: string }>('/api/tokens', { name: 'imports' })).body;
    const post = (query: string, body: Buffer) =>
      fetch(`${server.url}/api/responses/import?${query}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' }, body: new Uint8Array(body) });
    const odk = await fixture('odk-follow-up.csv');
    const first = await post('instrument=follow_up&fileName=odk.csv', odk);
    assert.equal(first.status, 200);
    assert.deepEqual((await first.json()) as { written: number; unchanged: number }, { kind: 'responses', file: 'odk.csv', rows: 2, written: 2, skipped: 0, unchanged: 0, issues: [] });
    const unknown = await post('instrument=nope', odk);
    assert.equal(unknown.status, 404);
    const rejected = await post('instrument=follow_up', Buffer.from('participant_id,submitted_at,fu_needs_met\nP-001,2024-01-01,maybe\n'));
    assert.equal(rejected.status, 422);
    const problem = (await rejected.json()) as { detail: string; errors: Array<{ field: string; message: string }> };
    assert.match(problem.detail, /responses\.csv: \d+ problem\(s\); nothing was written/);
    assert.ok(problem.errors.some((e) => e.field === 'row 2/fu_needs_met' && /expected one of not_at_all/.test(e.message)), JSON.stringify(problem.errors));
  });
});
