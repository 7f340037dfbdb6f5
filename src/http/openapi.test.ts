import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import SwaggerParser from '@apidevtools/swagger-parser';
import type { Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { startTestServer, TestClient, type TestServer } from '../testing/http.ts';

describe('OpenAPI document', () => {
  let database: Database;
  let server: TestServer;
  let document: { openapi: string; paths: Record<string, Record<string, unknown>> };

  before(async () => {
    database = await createTestDatabase();
    server = await startTestServer(database);
    const response = await new TestClient(server.url).get<typeof document>('/api/openapi.json');
    assert.equal(response.status, 200);
    document = response.body;
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  it('is a valid OpenAPI 3 document', async () => {
    assert.match(document.openapi, /^3\./);
    await SwaggerParser.validate(structuredClone(document) as never);
  });

  it('lists every route the server answers, except the docs page’s own assets', () => {
    const documented = new Set(
      Object.entries(document.paths).flatMap(([path, operations]) =>
        Object.keys(operations).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      ),
    );
    const undocumented = server.app.routeList
      .filter((route) => !route.hidden && route.method !== 'HEAD' && !route.url.startsWith('/api/docs'))
      .map((route) => `${route.method} ${route.url}`)
      .filter((route) => !documented.has(route));
    assert.deepEqual(undocumented, []);
    assert.ok(documented.size >= 15);
  });

  it('has a human-readable docs page', async () => {
    const response = await new TestClient(server.url).get<string>('/api/docs/');
    assert.equal(response.status, 200);
    assert.match(response.body, /swagger-ui/i);
  });
});
