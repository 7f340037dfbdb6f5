import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, csrfFromPage, startTestServer, TEST_PASSWORD, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';

describe('accounts over HTTP', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'acme');
    server = await startTestServer(database);
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  it('signs in through the HTML form, shows the dashboard, and signs out', async () => {
    const browser = new TestClient(server.url);
    const loginPage = await browser.get<string>('/login');
    assert.equal(loginPage.status, 200);
    const response = await browser.form('/login', {
      _csrf: csrfFromPage(loginPage.body),
      email: org.emails.evaluator,
      password: TEST_PASSWORD,
      next: '/',
    });
    assert.equal(response.status, 303);
    assert.equal(response.headers.get('location'), '/');
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith('tracer_session='));
    assert.ok(cookie, 'session cookie set');
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);

    const home = await browser.get<string>('/', { accept: 'text/html' });
    assert.equal(home.status, 200);
    assert.match(home.body, /Organisation acme/);

    const logout = await browser.form('/logout', { _csrf: csrfFromPage(home.body) });
    assert.equal(logout.status, 303);
    const afterLogout = await browser.get('/', { accept: 'text/html' });
    assert.equal(afterLogout.status, 303);
    assert.match(afterLogout.headers.get('location') ?? '', /^\/login\?next=/);
  });

  it('rejects a form post without a valid CSRF token', async () => {
    const browser = new TestClient(server.url);
    await browser.get('/login');
    const forged = await browser.form('/login', { email: org.emails.viewer, password: TEST_PASSWORD });
    assert.equal(forged.status, 403);
    const wrong = await browser.form('/login', { _csrf: 'not-a-token', email: org.emails.viewer, password: TEST_PASSWORD });
    assert.equal(wrong.status, 403);
  });

  it('requires the CSRF token on cookie-authenticated API writes', async () => {
    const client = await TestClient.signedIn(server.url, org.emails.viewer);
    const token = client.csrfToken;
    client.csrfToken = undefined;
    const withoutToken = await client.post('/api/tokens', { name: 'script' });
    assert.equal(withoutToken.status, 403);
    client.csrfToken = token;
    const withToken = await client.post('/api/tokens', { name: 'script' });
    assert.equal(withToken.status, 201);
  });

  it('gives a new session on every sign-in (no session fixation)', async () => {
    const first = await TestClient.signedIn(server.url, org.emails.viewer);
    const second = await TestClient.signedIn(server.url, org.emails.viewer);
    const a = await first.get<{ userId: string }>('/api/me');
    const b = await second.get<{ userId: string }>('/api/me');
    assert.equal(a.body.userId, b.body.userId);
    await second.request('DELETE', '/api/session');
    assert.equal((await second.get('/api/me')).status, 401);
    assert.equal((await first.get('/api/me')).status, 200, 'signing out one session leaves the other');
  });

  it('says the password is wrong without saying whether the e-mail exists', async () => {
    const client = new TestClient(server.url);
    const wrongPassword = await client.post<{ detail: string }>('/api/session', { email: org.emails.trainer, password: 'wrong-password!' });
    const unknownUser = await client.post<{ detail: string }>('/api/session', { email: 'nobody@acme.test', password: 'wrong-password!' });
    assert.equal(wrongPassword.status, 401);
    assert.equal(unknownUser.status, 401);
    assert.equal(wrongPassword.body.detail, unknownUser.body.detail);
  });

  it('locks an account after five failures, even for the right password', async () => {
    await createTestOrg(database, 'locky');
    const client = new TestClient(server.url);
    for (let attempt = 0; attempt < 5; attempt++) {
      assert.equal((await client.post('/api/session', { email: 'viewer@locky.test', password: 'not-the-password' })).status, 401);
    }
    const locked = await client.post<{ detail: string }>('/api/session', { email: 'viewer@locky.test', password: TEST_PASSWORD });
    assert.equal(locked.status, 429);
    assert.match(locked.body.detail, /try again in \d+ seconds/);
  });

  it('enforces roles: viewers cannot manage members, administrators can and it is audit-logged', async () => {
    const viewer = await TestClient.signedIn(server.url, org.emails.viewer);
    assert.equal((await viewer.get('/api/members')).status, 403);
    assert.equal((await viewer.get('/members', { accept: 'text/html' })).status, 403);

    const admin = await TestClient.signedIn(server.url, org.emails.administrator);
    const members = await admin.get<Array<{ userId: string; email: string; role: string }>>('/api/members');
    assert.equal(members.status, 200);
    assert.equal(members.body.length, 4);
    const trainer = members.body.find((m) => m.email === org.emails.trainer)!;
    const changed = await admin.request<{ role: string }>('PATCH', `/api/members/${trainer.userId}`, { role: 'evaluator' });
    assert.equal(changed.status, 200);
    assert.equal(changed.body.role, 'evaluator');

    const audit = await admin.get<Array<{ action: string; target: string; details: Record<string, string> }>>('/api/audit');
    const entry = audit.body.find((e) => e.action === 'member.role_changed');
    assert.deepEqual(entry?.details, { from: 'trainer', to: 'evaluator' });
    assert.ok(audit.body.some((e) => e.action === 'auth.login'));
    await admin.request('PATCH', `/api/members/${trainer.userId}`, { role: 'trainer' });
  });

  it('authenticates scripts with API tokens, and a revoked token stops working', async () => {
    const evaluator = await TestClient.signedIn(server.url, org.emails.evaluator);
    const created = await evaluator.post<{ token: string; summary: { id: string } }>('/api/tokens', { name: 'nightly export' });
    assert.equal(created.status, 201);
    assert.match(created.body.token, /^trc_[A-Za-z0-9_-]{43}$/);

    const script = new TestClient(server.url, created.body.token);
    const me = await script.get<{ email: string; role: string }>('/api/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.email, org.emails.evaluator);
    assert.equal((await script.get('/api/members')).status, 403, 'a token carries its owner’s role, no more');
    const tokenWrite = await script.post('/api/tokens', { name: 'no csrf needed with a bearer token' });
    assert.equal(tokenWrite.status, 201);

    assert.equal((await evaluator.request('DELETE', `/api/tokens/${created.body.summary.id}`)).status, 204);
    const rejected = await script.get<{ detail: string }>('/api/me');
    assert.equal(rejected.status, 401);
    assert.match(rejected.body.detail, /revoked/);
    assert.equal((await new TestClient(server.url, 'trc_forged').get('/api/me')).status, 401);
  });

  it('creates an API token from the HTML page and shows the secret once', async () => {
    const browser = await TestClient.signedIn(server.url, org.emails.viewer);
    const page = await browser.get<string>('/tokens', { accept: 'text/html' });
    const created = await browser.form('/tokens', { _csrf: csrfFromPage(page.body), name: 'from the page' });
    assert.equal(created.status, 200);
    assert.match(created.body, /<code class="secret">trc_/);
    const again = await browser.get<string>('/tokens', { accept: 'text/html' });
    assert.doesNotMatch(again.body, /trc_/);
    assert.match(again.body, /from the page/);
  });

  it('never redirects outside the site after sign-in', async () => {
    const browser = new TestClient(server.url);
    const page = await browser.get<string>('/login');
    const response = await browser.form('/login', {
      _csrf: csrfFromPage(page.body),
      email: org.emails.viewer,
      password: TEST_PASSWORD,
      next: '//evil.example/phish',
    });
    assert.equal(response.headers.get('location'), '/');
  });
});
