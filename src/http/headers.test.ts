// Secure headers on public pages, staff pages and the API, and no caching of what signed-in users see.
import assert from 'node:assert/strict';
import { get, type IncomingHttpHeaders } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TestClient, type TestServer } from '../testing/http.ts';

describe('secure headers', () => {
  let database: Database;
  let server: TestServer;
  let staff: TestClient;

  before(async () => {
    database = await createTestDatabase();
    const org = await createTestOrg(database, 'headers');
    server = await startTestServer(database);
    staff = await TestClient.signedIn(server.url, org.emails.administrator);
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  it('sends a strict content security policy and the usual protections everywhere', async () => {
    for (const response of [await fetch(`${server.url}/catalogue`), await fetch(`${server.url}/login`), await staff.get('/participants'), await staff.get('/api/participants')]) {
      const csp = response.headers.get('content-security-policy') ?? '';
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self'(;|$)/, 'no inline or remote scripts');
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /object-src 'none'/);
      assert.equal(response.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(response.headers.get('referrer-policy'), 'no-referrer');
      assert.equal(response.headers.get('x-powered-by'), null);
    }
  });

  it('sends pages and styles gzipped to browsers that accept it, and plain to those that do not', async () => {
    for (const path of ['/catalogue', '/assets/tracer.css']) {
      const packed = await rawGet(`${server.url}${path}`, { 'accept-encoding': 'gzip' });
      assert.equal(packed.headers['content-encoding'], 'gzip', path);
      const plain = await rawGet(`${server.url}${path}`, {});
      assert.equal(plain.headers['content-encoding'], undefined, path);
      assert.equal(gunzipSync(packed.body).toString(), plain.body.toString(), `${path}: the same document either way`);
      assert.ok(packed.body.length < plain.body.length / 2, `${path}: ${packed.body.length} bytes gzipped vs ${plain.body.length}`);
    }
  });

  it('never lets what a signed-in user sees be cached; public pages may be', async () => {
    assert.equal((await staff.get('/api/participants')).headers.get('cache-control'), 'private, no-store');
    assert.equal((await staff.get('/participants')).headers.get('cache-control'), 'private, no-store');
    assert.notEqual((await fetch(`${server.url}/catalogue`)).headers.get('cache-control'), 'private, no-store');
  });

  it('sets the session cookie HttpOnly and SameSite, and a new one at each sign-in', async () => {
    const signIn = () =>
      fetch(`${server.url}/api/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: 'tracer_session=attacker-chosen-value' },
        body: JSON.stringify({ email: 'administrator@headers.test', password: 'correct horse battery staple' }),
      });
    const first = (await signIn()).headers.getSetCookie().find((c) => c.startsWith('tracer_session='))!;
    const second = (await signIn()).headers.getSetCookie().find((c) => c.startsWith('tracer_session='))!;
    assert.match(first, /HttpOnly/i);
    assert.match(first, /SameSite=Lax/i);
    assert.doesNotMatch(first, /attacker-chosen-value/, 'a session id planted before sign-in is never adopted');
    assert.notEqual(first.split(';')[0], second.split(';')[0]);
  });
});

/** A GET whose body is left as it came over the wire (fetch would unpack it). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}
