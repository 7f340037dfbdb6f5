import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';

describe('errors and headers', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'errs');
    server = await startTestServer(database);
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  it('answers validation failures with RFC 9457 problem details naming each field', async () => {
    const client = new TestClient(server.url);
    const response = await client.post<{ type: string; title: string; status: number; detail: string; errors: Array<{ field: string }> }>(
      '/api/session',
      { email: 'x' },
    );
    assert.equal(response.status, 400);
    assert.equal(response.headers.get('content-type'), 'application/problem+json; charset=utf-8');
    assert.equal(response.body.status, 400);
    assert.equal(response.body.title, 'Bad request');
    assert.equal(response.body.type, 'https://tracer.dev/problems/validation');
    const fields = response.body.errors.map((e) => e.field).sort();
    assert.deepEqual(fields, ['body/email', 'body/password']);
  });

  it('names the offending enum field and its allowed values', async () => {
    const admin = await TestClient.signedIn(server.url, org.emails.administrator);
    const members = await admin.get<Array<{ userId: string }>>('/api/members');
    const response = await admin.request<{ errors: Array<{ field: string; message: string }> }>(
      'PATCH',
      `/api/members/${members.body[0]!.userId}`,
      { role: 'emperor' },
    );
    assert.equal(response.status, 400);
    assert.ok(response.body.errors.some((e) => e.field === 'body/role'));
  });

  it('answers unknown API routes with a 404 problem document, and unknown pages with an HTML page', async () => {
    const client = new TestClient(server.url);
    const api = await client.get<{ status: number; instance: string }>('/api/nothing-here?secret=1');
    assert.equal(api.status, 404);
    assert.equal(api.body.status, 404);
    assert.equal(api.body.instance, '/api/nothing-here');
    const page = await client.get<string>('/nothing-here', { accept: 'text/html' });
    assert.equal(page.status, 404);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(page.body, /This page does not exist/);
  });

  it('sends security headers', async () => {
    const response = await new TestClient(server.url).get('/login');
    assert.match(response.headers.get('content-security-policy') ?? '', /default-src 'self'/);
    assert.match(response.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
    assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
    assert.ok(response.headers.get('referrer-policy'));
  });

  it('reports health with the database kind', async () => {
    const response = await new TestClient(server.url).get<{ status: string; database: string }>('/health');
    assert.equal(response.status, 200);
    assert.deepEqual(response.body, { status: 'ok', database: database.kind });
  });

  it('escapes user-controlled text in pages', async () => {
    const admin = await TestClient.signedIn(server.url, org.emails.administrator);
    const page = await admin.get<string>('/tokens', { accept: 'text/html' });
    const { csrfFromPage } = await import('../testing/http.ts');
    const created = await admin.form('/tokens', { _csrf: csrfFromPage(page.body), name: '<script>alert(1)</script>' });
    assert.doesNotMatch(created.body, /<script>alert\(1\)<\/script>/);
    assert.match(created.body, /&lt;script>alert\(1\)&lt;\/script>/);
  });

  it('serves pages in the language asked for, and remembers it', async () => {
    const client = new TestClient(server.url);
    const french = await client.get<string>('/login?lang=fr');
    assert.match(french.body, /<html lang="fr"/);
    assert.match(french.body, /Mot de passe/);
    const remembered = await client.get<string>('/login');
    assert.match(remembered.body, /Mot de passe/);
    const spanish = await new TestClient(server.url).get<string>('/login', { 'accept-language': 'es-AR,es;q=0.9,en;q=0.5' });
    assert.match(spanish.body, /Contraseña/);
  });
});
