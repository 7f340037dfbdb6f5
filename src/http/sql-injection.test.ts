// SQL injection through every query-string parameter the OpenAPI document declares (API routes
// and pages alike: catalogue search and facets, participant filters, kpi/freq filters, evidence
// and lessons search, follow-up filters…). Each answer must be a 2xx without another
// organisation's data, a redirect, or a 4xx problem — never a 5xx — and afterwards every table
// must still be there with the same rows.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';
import { collectMarkers, seedIsolationFixture } from '../testing/isolation-fixture.ts';

const INJECTIONS = [
  `' or 1=1 --`,
  `'; drop table participants; --`,
  `%' union select id::text, email, null from users --`,
  `1) or (1=1`,
  `" or ""="`,
  `\\`,
  `\\'; select pg_sleep(0); --`,
  `’ or ’1’=’1`,
  `ʼ; drop table activities; --`,
  `%`,
  `_`,
  `x:y' or 'a'='a`,
  `$1`,
  `\u0000`,
];

interface Operation {
  parameters?: Array<{ in: string; name: string }>;
}

describe('SQL injection through every filter and search parameter', () => {
  let database: Database;
  let server: TestServer;
  let orgA: TestOrg;
  let orgB: TestOrg;
  let markersOfA: string[];

  before(async () => {
    database = await createTestDatabase();
    orgA = await createTestOrg(database, 'victim');
    orgB = await createTestOrg(database, 'attacker');
    server = await startTestServer(database);
    await seedIsolationFixture(database, server.url, orgA);
    await seedIsolationFixture(database, server.url, orgB);
    markersOfA = (await collectMarkers(database, orgA)).filter((marker) => marker !== orgA.id);
  });
  after(async () => {
    await server?.close();
    await database?.close();
  });

  it('every query parameter answers injection strings with a 2xx of its own data or a 4xx, and the tables survive', async (t) => {
    const tablesBefore = await tableCounts(database);
    const attacker = await TestClient.signedIn(server.url, orgB.emails.administrator);
    const anonymous = new TestClient(server.url);
    const document = (await attacker.get<{ paths: Record<string, Record<string, Operation>> }>('/api/openapi.json')).body;
    const idsOfB = await ownIdentifiers(attacker);

    const targets: Array<{ path: string; parameters: string[] }> = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      const names = (operations.get?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
      if (names.length === 0) continue;
      targets.push({ path: await concretePath(attacker, path, idsOfB), parameters: names });
    }
    assert.ok(targets.length >= 20, `routes with query parameters: ${targets.length}`);
    for (const required of ['/api/public/catalogue', '/catalogue', '/participants', '/api/kpi', '/api/evidence/texts', '/api/lessons', '/public/lessons', '/api/follow-up']) {
      assert.ok(targets.some((target) => target.path === required), `${required} is among the targets`);
    }

    let calls = 0;
    const statuses = new Map<number, number>();
    for (const { path, parameters } of targets) {
      for (const parameter of parameters) {
        for (const injection of INJECTIONS) {
          // Alone, and after a plausible prefix for structured filters (`key:value`, `key=value`).
          const values = ['filter', 'by', 'mapping'].includes(parameter) ? [injection, `gender:${injection}`, `${injection}:x`] : [injection];
          const accept = path.startsWith('/api/') ? 'application/json' : 'text/html';
          for (const value of values) {
            for (const client of [attacker, anonymous]) {
              const url = `${path}${path.includes('?') ? '&' : '?'}${new URLSearchParams({ [parameter]: value })}`;
              const response = await client.get(url, { accept });
              calls++;
              statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
              assert.ok(response.status < 500, `GET ${url}: ${response.status} ${response.text.slice(0, 300)}`);
              if (response.status < 300) {
                const leaked = markersOfA.find((marker) => response.text.includes(marker));
                assert.equal(leaked, undefined, `GET ${url} shows "${leaked}" of another organisation`);
              }
            }
          }
        }
      }
    }
    t.diagnostic(`${calls} calls over ${targets.length} routes and ${targets.reduce((n, target) => n + target.parameters.length, 0)} parameters; statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.ok((statuses.get(200) ?? 0) > 100, 'many injection strings are simply searched for');
    const tablesAfter = await tableCounts(database);
    assert.deepEqual(Object.keys(tablesAfter), Object.keys(tablesBefore), 'every table is still there');
    // Reads write only the audit log (exports are audited), the attacker's own session, and the indicator
    // engine's rollup, which a read refreshes for the activities marked as changed (analytics/engine-repository.ts).
    const appendOnly = ['audit_log', 'sessions'];
    const refreshedByReads = ['indicator_units', 'indicator_dirty'];
    for (const name of appendOnly) assert.ok(tablesAfter[name]! >= tablesBefore[name]!, `${name} lost rows`);
    const changed = Object.keys(tablesBefore).filter((name) => ![...appendOnly, ...refreshedByReads].includes(name) && tablesAfter[name] !== tablesBefore[name]);
    assert.deepEqual(changed, [], `rows changed in ${changed.map((name) => `${name} ${tablesBefore[name]} → ${tablesAfter[name]}`).join(', ')}`);
  });

  it('a NUL character, which PostgreSQL text cannot hold, is a 400 naming the field, not a 5xx', async () => {
    const admin = await TestClient.signedIn(server.url, orgB.emails.administrator);
    const body = await admin.post<{ errors: Array<{ field: string }> }>('/api/activities', { code: 'NUL-1', title: 'a\u0000b', modality: 'webinar' });
    assert.equal(body.status, 400, body.text);
    assert.deepEqual(body.body.errors.map((e) => e.field), ['body/title']);
    assert.equal((await admin.get('/api/activities?q=NUL-1')).text.includes('NUL-1'), false, 'nothing was written');
    const query = await admin.get<{ errors: Array<{ field: string }> }>('/api/activities?q=%00');
    assert.ok(query.status === 400 && query.body.errors[0]!.field.startsWith('query/'), query.text);
  });
});

/** Identifiers of the caller's own rows, from the API listings. */
async function ownIdentifiers(client: TestClient): Promise<string[]> {
  const ids = new Set<string>();
  for (const listing of ['/api/activities', '/api/participants', '/api/instruments', '/api/evaluations', '/api/waves', '/api/evidence/texts']) {
    const response = await client.get(listing);
    for (const match of response.text.matchAll(/"id":"([^"]+)"/g)) ids.add(match[1]!);
  }
  return [...ids];
}

/** The path with its parameters filled by the first of the caller's own identifiers it answers 200 for. */
async function concretePath(client: TestClient, path: string, ids: string[]): Promise<string> {
  if (!path.includes('{')) return path;
  const candidates = [...ids, 'fu_application_example', 'fu_needs_met'];
  for (const id of candidates) {
    const concrete = path.replace(/\{[^}]+\}/g, id);
    if ((await client.get(concrete)).status === 200) return concrete;
  }
  return path.replace(/\{[^}]+\}/g, ids[0] ?? 'x');
}

async function tableCounts(database: Database): Promise<Record<string, number>> {
  const tables = await rows<{ name: string }>(database.system, sql`select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`);
  const counts: Record<string, number> = {};
  for (const { name } of tables) {
    const [row] = await rows<{ n: number }>(database.system, sql`select count(*)::int as n from ${sql.identifier(name)}`);
    counts[name] = row!.n;
  }
  return counts;
}
