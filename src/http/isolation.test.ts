// Organisation isolation and role rules over every route the server has — read from Fastify's own
// route table (`app.routeList`), so a route added later is covered without editing this file.
// Path parameters are filled with identifiers of organisation A's rows (src/testing/route-calls.ts)
// and bodies are sampled from each route's schema. The checks:
// - anonymously, only routes without a role guard (the public ones) answer; the others ask to sign in;
// - within organisation B, each role is refused wherever the route's guard does not list it, viewers
//   and trainers change nothing but their own API tokens, and names and e-mails reach only the roles
//   allowed to read them; exports are pseudonymised (and audit-logged) unless an administrator asks;
// - every role of B (session and API token), on every route and method, sees none of A's data,
//   succeeds on none of A's identifiers, and leaves A's rows exactly as they were.
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { sql } from 'drizzle-orm';
import type { MemberRole } from '../accounts/schema.ts';
import { rows, type Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TestClient, type Response, type TestOrg, type TestServer } from '../testing/http.ts';
import { buildEvidenceFixture } from '../evidence/fixture.ts';
import { collectMarkers, personalDataMarkers, seedIsolationFixture } from '../testing/isolation-fixture.ts';
import {
  asFormFields,
  callableRoutes,
  concretePaths,
  organisationDigest,
  sampleBody,
  valuePoolOf,
  WRITE_METHODS,
  type ValuePool,
} from '../testing/route-calls.ts';
import type { RouteSummary } from './server.ts';

const ROLES: MemberRole[] = ['administrator', 'evaluator', 'viewer', 'trainer'];

interface Actor {
  name: string;
  role: MemberRole | undefined;
  client: TestClient;
}

interface Call {
  method: string;
  path: string;
  response: Response;
  /** Values the request itself carried (ids in the path or body), which an error message may echo. */
  sent: string[];
}

/** Calls a route once per concrete path as `actor`: API routes as JSON, the others as a browser would. */
async function callRoute(actor: Actor, route: RouteSummary, pool: ValuePool): Promise<Call[]> {
  const calls: Call[] = [];
  for (const path of concretePaths(route, pool)) {
    const sentInPath = path.split('/').map(decodeURIComponent);
    const accept = route.url.startsWith('/api/') ? 'application/json' : 'text/html';
    if (route.method === 'GET') {
      calls.push({ method: 'GET', path, response: await actor.client.get(path, { accept }), sent: sentInPath });
      continue;
    }
    const body = sampleBody(route, pool);
    const sent = [...sentInPath, ...JSON.stringify(body ?? {}).split('"')];
    const response = route.url.startsWith('/api/')
      ? await actor.client.request(route.method, path, body)
      : await actor.client.request(route.method, path, asFormFields(body), { 'content-type': 'application/x-www-form-urlencoded', accept });
    calls.push({ method: route.method, path, response, sent });
  }
  return calls;
}

/** The first marker found in the response, ignoring what this request (and `sentBefore`, earlier ones) carried. */
function leakIn(call: Call, markers: string[], sentBefore: Iterable<string> = []): string | undefined {
  let text = call.response.text;
  for (const echoed of [...call.sent, ...sentBefore]) if (echoed.length >= 8) text = text.replaceAll(echoed, '');
  return markers.find((marker) => text.includes(marker));
}

const isSuccess = (status: number) => status >= 200 && status < 400;
const asksToSignIn = (response: Response) =>
  response.status === 401 || response.status === 303 && (response.headers.get('location') ?? '').startsWith('/login');

describe('organisation isolation and role rules over every route', () => {
  let database: Database;
  let server: TestServer;
  let orgA: TestOrg;
  let orgB: TestOrg;
  let routes: RouteSummary[];
  let markersOfA: string[];
  let poolOfA: ValuePool;
  let poolOfB: ValuePool;
  let actorsOfB: Actor[];
  const checked = { anonymous: 0, roles: 0, personalData: 0, crossOrganisation: 0 };

  before(async () => {
    database = await createTestDatabase();
    orgA = await createTestOrg(database, 'victim');
    orgB = await createTestOrg(database, 'intruder');
    server = await startTestServer(database);
    await seedIsolationFixture(database, server.url, orgA);
    await seedIsolationFixture(database, server.url, orgB);
    markersOfA = await collectMarkers(database, orgA);
    const named = (org: TestOrg) => ({ key: ['relevance', 'fu_use'], question: ['fu_use'], period: ['2023'], code: [`own_${org.slug}`], page: ['p1'], token: ['not-a-link-token-0123456789abcdef'] });
    poolOfA = await valuePoolOf(database, orgA.id, named(orgA));
    poolOfB = await valuePoolOf(database, orgB.id, named(orgB));
    routes = callableRoutes(server.app.routeList);
    actorsOfB = [];
    for (const role of ROLES) actorsOfB.push({ name: role, role, client: await TestClient.signedIn(server.url, orgB.emails[role]) });
    const token = await actorsOfB[0]!.client.post<{ token: string }>('/api/tokens', { name: 'isolation-probe' });
    actorsOfB.push({ name: 'administrator (API token)', role: 'administrator', client: new TestClient(server.url, token.body.token) });
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  it('every route either has a role guard or is public, and the public ones are what an anonymous visitor needs', () => {
    assert.ok(routes.length >= 200, `only ${routes.length} routes found`);
    const publicRoutes = routes.filter((route) => route.roles === undefined);
    assert.ok(publicRoutes.length > 0 && publicRoutes.length < routes.length / 4, 'most routes need a signed-in role');
    assert.ok(publicRoutes.some((route) => route.url === '/login') && publicRoutes.some((route) => route.url === '/r/:token'));
  });

  it('anonymously, every guarded route asks to sign in and no route shows A’s data or changes it', async () => {
    const before = await organisationDigest(database, orgA.id);
    const anonymous: Actor = { name: 'anonymous', role: undefined, client: new TestClient(server.url) };
    for (const route of routes) {
      for (const call of await callRoute(anonymous, route, poolOfA)) {
        checked.anonymous++;
        const where = `anonymous ${call.method} ${call.path}: ${call.response.status}`;
        assert.ok(call.response.status < 500, where);
        if (route.roles !== undefined) assert.ok(!isSuccess(call.response.status) || asksToSignIn(call.response), `${where} (a guarded route answered)`);
        assert.equal(leakIn(call, markersOfA), undefined, `${where} shows "${leakIn(call, markersOfA)}" of A`);
      }
    }
    assert.deepEqual(await organisationDigest(database, orgA.id), before);
  });

  it('within an organisation, each role is refused wherever the route does not allow it; viewers and trainers change nothing but their own tokens', async () => {
    // A user's own API tokens are the one thing every role may create and revoke.
    const before = await organisationDigest(database, orgB.id, ['api_tokens', 'audit_log']);
    for (const actor of actorsOfB.filter((a) => a.name === a.role)) {
      for (const route of routes.filter((r) => r.roles !== undefined && !r.roles.includes(actor.role!))) {
        for (const call of await callRoute(actor, route, poolOfB)) {
          checked.roles++;
          const hasInput = route.schema.body !== undefined || route.schema.querystring !== undefined;
          const expected = hasInput ? [400, 403] : [403]; // input is validated before the role is checked
          assert.ok(expected.includes(call.response.status), `${actor.name} ${call.method} ${call.path}: ${call.response.status}, expected ${expected.join(' or ')}`);
        }
      }
      if (actor.role === 'viewer' || actor.role === 'trainer') {
        for (const route of routes.filter((r) => WRITE_METHODS.includes(r.method) && r.roles?.includes(actor.role!))) {
          for (const call of await callRoute(actor, route, poolOfB)) assert.ok(call.response.status < 500, `${actor.name} ${call.method} ${call.path}: ${call.response.status}`);
        }
      }
    }
    assert.deepEqual(await organisationDigest(database, orgB.id, ['api_tokens', 'audit_log']), before);
  });

  it('names and e-mails reach only administrators and evaluators, and no export carries them unless an administrator asks', async () => {
    const personal = personalDataMarkers(orgB);
    const exportRoute = (route: RouteSummary) => /export|\.csv|\.:format/.test(route.url);
    let shownToPermittedRoles = 0;
    for (const actor of actorsOfB.filter((a) => a.name === a.role)) {
      const permitted = actor.role === 'administrator' || actor.role === 'evaluator';
      for (const route of routes.filter((r) => r.method === 'GET' && r.roles?.includes(actor.role!))) {
        for (const call of await callRoute(actor, route, poolOfB)) {
          checked.personalData++;
          const leaked = personal.find((marker) => call.response.text.includes(marker));
          if (permitted && !exportRoute(route)) shownToPermittedRoles += leaked ? 1 : 0;
          else assert.equal(leaked, undefined, `${actor.name} GET ${call.path} shows "${leaked}"`);
        }
      }
    }
    assert.ok(shownToPermittedRoles > 0, 'administrators and evaluators see names somewhere (else this test could not fail)');

    const [administrator, evaluator] = actorsOfB;
    const exportsBefore = await auditedExports(database, orgB.id);
    const named = await administrator!.client.get('/api/exports/participants.csv?personalData=named');
    assert.equal(named.status, 200);
    assert.ok(personal.every((marker) => named.text.includes(marker)), 'an administrator who asks gets names and e-mails');
    const pseudonymised = await evaluator!.client.get('/api/exports/participants.csv');
    assert.equal(pseudonymised.status, 200);
    assert.ok(pseudonymised.text.includes(`P-${orgB.slug}`) && personal.every((marker) => !pseudonymised.text.includes(marker)));
    assert.equal((await evaluator!.client.get('/api/exports/participants.csv?personalData=named')).status, 403);
    assert.deepEqual((await auditedExports(database, orgB.id)).slice(exportsBefore.length), ['named', 'pseudonymised']);
  });

  it('a trainer sees the ratings of no other resource person, and no participant’s name, on any route', async () => {
    const org = await createTestOrg(database, 'rated');
    const [admin] = await rows<{ id: string }>(database.system, sql`select id from users where email = ${org.emails.administrator}`);
    const [trainerUser] = await rows<{ id: string }>(database.system, sql`select id from users where email = ${org.emails.trainer}`);
    const actor = { userId: admin!.id, orgId: org.id, role: 'administrator' as const, displayName: 'admin', email: org.emails.administrator };
    const fixture = await database.withOrg(org.id, (tx) => buildEvidenceFixture(tx, actor));
    const administrator = await TestClient.signedIn(server.url, org.emails.administrator);
    const linked = await administrator.request('PUT', `/api/trainer-links/${trainerUser!.id}`, { participantId: fixture.resourcePersons.r1 });
    assert.equal(linked.status, 204);
    const trainer: Actor = { name: 'trainer', role: 'trainer', client: await TestClient.signedIn(server.url, org.emails.trainer) };
    const pool = await valuePoolOf(database, org.id, {});
    // R2 is the other resource person: its ratings would show as a rating cell of its id anywhere, or as its code in a
    // ratings table or file (elsewhere its code is just an enrolment, open to every staff role). The rest are names
    // (R1's family name is the trainer's own).
    const { r1, r2 } = fixture.resourcePersons;
    const forbiddenEverywhere = [`"resourcePersonId":"${r2}"`, 'Trainertwo', 'Villeneuve', 'Zanele', 'Marguerite', '@example.org'];
    const forbiddenInRatings = [...forbiddenEverywhere, '>R2<', '\nR2,'];
    let ownRatingsSeen = 0;
    for (const route of routes.filter((r) => r.method === 'GET' && r.roles?.includes('trainer'))) {
      for (const call of await callRoute(trainer, route, pool)) {
        checked.personalData++;
        const forbidden = /rating/.test(route.url) ? forbiddenInRatings : forbiddenEverywhere;
        const leaked = forbidden.find((marker) => call.response.text.includes(marker));
        assert.equal(leaked, undefined, `trainer GET ${call.path} shows "${leaked}"`);
        if (call.response.text.includes(`"resourcePersonId":"${r1}"`) || call.response.text.includes('>R1<')) ownRatingsSeen++;
      }
    }
    assert.ok(ownRatingsSeen > 0, 'the trainer sees their own ratings somewhere (else this test could not fail)');
  });

  it('no role of another organisation sees A’s data, succeeds on A’s identifiers, or changes A’s rows, through any route and method', async (t) => {
    const before = await organisationDigest(database, orgA.id);
    const idsOfA = markersOfA.filter((marker) => /^[0-9a-f-]{36}$/.test(marker));
    // What B wrote into its own organisation (A's codes as B's own theme codes…) may come back from B's pages.
    const sentByB = new Set<string>();
    for (const actor of actorsOfB) {
      // Public writes (sign-in, respondent pages, unsubscribe) are covered anonymously; calling them signed in would sign out.
      for (const route of routes.filter((r) => r.roles !== undefined || r.method === 'GET')) {
        for (const call of await callRoute(actor, route, poolOfA)) {
          checked.crossOrganisation++;
          const where = `${actor.name} of B ${call.method} ${call.path}: ${call.response.status}`;
          assert.ok(call.response.status < 500, where);
          for (const value of call.sent) sentByB.add(value).add(value.replaceAll('_', ' ')); // codes are shown humanised
          const leaked = leakIn(call, markersOfA, sentByB);
          assert.equal(leaked, undefined, `${where} shows "${leaked}" of A: ${leaked ? call.response.text.slice(Math.max(0, call.response.text.indexOf(leaked) - 300), call.response.text.indexOf(leaked) + 100) : ''}`);
          // Codes and keys are per organisation (B may have its own theme `x`); ids are not.
          const targetsA = idsOfA.some((id) => call.path.includes(id));
          if (WRITE_METHODS.includes(call.method) && targetsA) assert.ok(!isSuccess(call.response.status), `${where} (a write on A’s identifier succeeded)`);
        }
        if (!actor.client.hasCookie('tracer_session') && actor.name === actor.role) {
          actor.client = await TestClient.signedIn(server.url, orgB.emails[actor.role]);
        }
      }
    }
    assert.deepEqual(await organisationDigest(database, orgA.id), before, 'organisation A’s rows changed');
    reportTotals(t, routes, actorsOfB.length, checked);
  });
});

/** The totals the closing note of issue 9 quotes: routes × roles × methods checked. */
function reportTotals(t: TestContext, routes: RouteSummary[], actors: number, checked: Record<string, number>): void {
  const guarded = routes.filter((route) => route.roles !== undefined);
  const writes = routes.filter((route) => WRITE_METHODS.includes(route.method)).length;
  const total = Object.values(checked).reduce((sum, n) => sum + n, 0);
  t.diagnostic(
    `routes × roles checked: ${routes.length} routes (${routes.length - writes} GET, ${writes} POST/PUT/PATCH/DELETE; ${guarded.length} guarded, ` +
      `${routes.length - guarded.length} public) × (${actors} actors of another organisation: 4 roles by session + an API token; anonymous; ` +
      `each role of the same organisation). Requests: ${JSON.stringify(checked)}, ${total} in all`,
  );
}

async function auditedExports(database: Database, orgId: string): Promise<string[]> {
  const found = await rows<{ personalData: string }>(
    database.system,
    sql`select details->>'personalData' as "personalData" from audit_log where org_id = ${orgId} and action = 'personal_data.export' order by at, id`,
  );
  return found.map((row) => row.personalData);
}
