import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { loadConfig } from '../config.ts';
import type { Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, TEST_PASSWORD, TestClient, type TestOrg } from '../testing/http.ts';
import { buildServer, requestSerializer, type App } from './server.ts';

describe('structured logs', () => {
  let database: Database;
  let app: App;
  let url: string;
  let org: TestOrg;
  let logged = '';

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'logs');
    const sink = new Writable({
      write(chunk, _encoding, done) {
        logged += String(chunk);
        done();
      },
    });
    const logger = pino({ level: 'debug', serializers: { req: requestSerializer } }, sink);
    app = await buildServer({ database, config: loadConfig({}), logger });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await app.close();
    await database.close();
  });

  it('are JSON lines that never contain e-mails, passwords, tokens or query strings', async () => {
    const client = await TestClient.signedIn(url, org.emails.administrator);
    const token = await client.post<{ token: string }>('/api/tokens', { name: 'logged?' });
    await new TestClient(url, token.body.token).get('/api/me?email=' + encodeURIComponent(org.emails.viewer));
    await new TestClient(url).post('/api/session', { email: org.emails.viewer, password: 'wrong password here' });
    const lines = logged.trim().split('\n');
    assert.ok(lines.length >= 6);
    for (const line of lines) JSON.parse(line);
    for (const secret of [org.emails.administrator, org.emails.viewer, TEST_PASSWORD, 'wrong password here', token.body.token, 'tracer_session=']) {
      assert.equal(logged.includes(secret), false, `log contains ${secret}`);
    }
    assert.match(logged, /"route":"\/api\/me"/);
  });
});
