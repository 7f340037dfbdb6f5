// Organisation isolation through every GET route the server has: as each role of organisation
// B, call each route (with path parameters filled with identifiers of organisation A's rows)
// and fail if any response carries an identifier, e-mail or name belonging to A.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { MemberRole } from '../accounts/schema.ts';
import { type Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';
import { collectMarkers, seedIsolationFixture } from '../testing/isolation-fixture.ts';

describe('organisation isolation over HTTP', () => {
  let database: Database;
  let server: TestServer;
  let orgA: TestOrg;
  let orgB: TestOrg;
  let markersOfA: string[];

  before(async () => {
    database = await createTestDatabase();
    orgA = await createTestOrg(database, 'victim');
    orgB = await createTestOrg(database, 'intruder');
    server = await startTestServer(database);
    await seedIsolationFixture(database, server.url, orgA);
    await seedIsolationFixture(database, server.url, orgB);
    markersOfA = await collectMarkers(database, orgA);
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  it('no GET route shows organisation A’s data to any role of organisation B', async () => {
    const document = (await new TestClient(server.url).get<{ paths: Record<string, Record<string, unknown>> }>('/api/openapi.json')).body;
    const getPaths = Object.entries(document.paths)
      .filter(([, operations]) => 'get' in operations)
      .map(([path]) => path)
      .filter((path) => !path.startsWith('/api/docs'));
    assert.ok(getPaths.length >= 8);
    const idsOfA = markersOfA.filter((m) => /^[0-9a-f-]{36}$/.test(m)).slice(0, 25);
    let calls = 0;
    for (const role of ['administrator', 'evaluator', 'viewer', 'trainer'] as MemberRole[]) {
      const client = await TestClient.signedIn(server.url, orgB.emails[role]);
      for (const path of getPaths) {
        const concrete = path.includes('{') ? idsOfA.map((id) => path.replace(/\{[^}]+\}/g, id)) : [path];
        for (const url of concrete) {
          for (const accept of ['application/json', 'text/html']) {
            const response = await client.get(url, { accept });
            calls++;
            assert.ok(response.status < 500, `${role} GET ${url}: ${response.status}`);
            const leaked = markersOfA.find((marker) => response.text.replaceAll(url, '').includes(marker)); // echoing the requested path is no leak
            assert.equal(leaked, undefined, `${role} of B sees "${leaked}" of A at GET ${url}`);
          }
        }
      }
    }
    assert.ok(calls > 50);
  });
});
