// Indicator definitions, baselines and targets through the real HTTP API, the staff page and the
// service, on a real database.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../db/database.ts';
import type { FieldIssue } from '../http/problem.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, csrfFromPage, startTestServer, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';
import { standardIndicators } from './definitions.ts';
import { analyticsDemoStep } from './demo.ts';
import { installStandardIndicators, listIndicators, targetsForPeriod, type Indicator, type Target } from './service.ts';

interface ProblemBody {
  status: number;
  detail: string;
  errors?: FieldIssue[];
}

const customIndicator = {
  names: { en: 'Office share', fr: 'Part des bureaux', es: 'Proporción de oficinas' },
  descriptions: { en: 'Respondents from country offices.', fr: 'Répondants des bureaux de pays.', es: 'Encuestados de oficinas de país.' },
  level: 1,
  criterion: 'relevance',
  direction: 'higher_is_better',
  unit: 'share',
  definition: { kind: 'answer_in_set', questions: ['office'], values: ['country_office'] },
};

describe('indicators, baselines and targets', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;
  let other: TestOrg;
  let admin: TestClient;
  let viewer: TestClient;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'centre');
    other = await createTestOrg(database, 'elsewhere');
    server = await startTestServer(database);
    admin = await TestClient.signedIn(server.url, org.emails.administrator);
    viewer = await TestClient.signedIn(server.url, org.emails.viewer);
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  it('installs the standard set once per organisation, however often it is asked', async () => {
    const first = await database.withOrg(org.id, (tx) => installStandardIndicators(tx));
    const again = await database.withOrg(org.id, (tx) => installStandardIndicators(tx));
    assert.equal(first, standardIndicators.length);
    assert.equal(again, 0);
    const listed = await viewer.get<Indicator[]>('/api/indicators');
    assert.equal(listed.status, 200);
    assert.deepEqual(listed.body.map((i) => i.key).sort(), standardIndicators.map((i) => i.key).sort());
    const relevance = listed.body.find((i) => i.key === 'relevance')!;
    assert.equal(relevance.names.fr, 'Pertinence pour le travail');
    assert.deepEqual(relevance.definition, { kind: 'answer_in_set', questions: ['eoa_relevance'], values: ['agree', 'strongly_agree'] });
    assert.equal(relevance.standard, true);
    assert.deepEqual(relevance.targets, []);
  });

  it('lets administrators set a baseline and target for a year and for a range; others only read', async () => {
    const denied = await viewer.request('PUT', '/api/indicators/relevance/targets/2023', { baseline: 0.8, target: 0.85 });
    assert.equal(denied.status, 403);
    const year = await admin.request<Target>('PUT', '/api/indicators/relevance/targets/2023', { baseline: 0.8, target: 0.85 });
    assert.equal(year.status, 200, year.text);
    assert.deepEqual(year.body, { period: '2023', baseline: 0.8, target: 0.85 });
    const range = await admin.request<Target>('PUT', '/api/indicators/relevance/targets/2022-2023', { baseline: null, target: 0.9 });
    assert.deepEqual(range.body, { period: '2022-2023', baseline: null, target: 0.9 });
    const updated = await admin.request<Target>('PUT', '/api/indicators/relevance/targets/2023', { baseline: 0.81, target: 0.86 });
    assert.deepEqual(updated.body, { period: '2023', baseline: 0.81, target: 0.86 });

    const targets = await viewer.get<Target[]>('/api/indicators/relevance/targets');
    assert.deepEqual(targets.body, [
      { period: '2022-2023', baseline: null, target: 0.9 },
      { period: '2023', baseline: 0.81, target: 0.86 },
    ]);
    const forPeriod = await database.withOrg(org.id, (tx) => targetsForPeriod(tx, { from: 2023, to: 2023 }));
    assert.deepEqual(forPeriod.get('relevance'), { baseline: 0.81, target: 0.86 });

    const otherAdmin = await TestClient.signedIn(server.url, other.emails.administrator);
    const elsewhere = await otherAdmin.get<Target[]>('/api/indicators/relevance/targets');
    assert.deepEqual(elsewhere.body, [], 'targets of one organisation are invisible to another');

    const removed = await admin.request('DELETE', '/api/indicators/relevance/targets/2022-2023');
    assert.equal(removed.status, 204);
    assert.equal((await admin.request('DELETE', '/api/indicators/relevance/targets/2022-2023')).status, 404);
  });

  it('refuses bad periods, values and keys, naming the field', async () => {
    const badPeriod = await admin.request<ProblemBody>('PUT', '/api/indicators/relevance/targets/2023-2021', { baseline: 0.8, target: 0.9 });
    assert.equal(badPeriod.status, 400);
    assert.deepEqual(badPeriod.body.errors?.map((e) => e.field), ['params/period']);
    const notShare = await admin.request<ProblemBody>('PUT', '/api/indicators/relevance/targets/2023', { baseline: 80, target: 0.9 });
    assert.equal(notShare.status, 422);
    assert.deepEqual(notShare.body.errors?.map((e) => e.field), ['body/baseline']);
    const nothing = await admin.request<ProblemBody>('PUT', '/api/indicators/relevance/targets/2023', { baseline: null, target: null });
    assert.equal(nothing.status, 422);
    const wrongType = await admin.request<ProblemBody>('PUT', '/api/indicators/relevance/targets/2023', { baseline: 'high', target: 0.9 });
    assert.equal(wrongType.status, 400);
    assert.ok(wrongType.body.errors?.some((e) => e.field.startsWith('body/baseline')));
    const unknown = await admin.request<ProblemBody>('PUT', '/api/indicators/happiness/targets/2023', { baseline: 0.1, target: 0.2 });
    assert.equal(unknown.status, 404);
    const zero = await admin.request<Target>('PUT', '/api/indicators/tangible_change/targets/2023', { baseline: 0, target: 0.2 });
    assert.deepEqual(zero.body, { period: '2023', baseline: 0, target: 0.2 }, 'a baseline of 0 is a value, not nothing');
    const cost = await admin.request<Target>('PUT', '/api/indicators/cost_per_completion/targets/2023', { baseline: 1850, target: 1600 });
    assert.equal(cost.status, 200, 'costs are not shares');
  });

  it('lets administrators add their own indicators, validated kind by kind', async () => {
    const created = await admin.request<Indicator>('PUT', '/api/indicators/office_share', customIndicator);
    assert.equal(created.status, 200, created.text);
    assert.equal(created.body.standard, false);
    assert.equal(created.body.periodBasis, 'activity_end');
    assert.equal((await viewer.get<Indicator>('/api/indicators/office_share')).body.names.es, 'Proporción de oficinas');

    const badDefinition = await admin.request<ProblemBody>('PUT', '/api/indicators/office_share', {
      ...customIndicator,
      definition: { kind: 'answer_in_set', questions: ['office'] },
    });
    assert.equal(badDefinition.status, 400);
    assert.deepEqual(badDefinition.body.errors?.map((e) => e.field), ['body/definition/values']);
    const badKind = await admin.request<ProblemBody>('PUT', '/api/indicators/office_share', { ...customIndicator, definition: { kind: 'median' } });
    assert.equal(badKind.status, 400);
    assert.ok(badKind.body.errors?.some((e) => e.field === 'body/definition/kind'));
    const badLevel = await admin.request<ProblemBody>('PUT', '/api/indicators/office_share', { ...customIndicator, level: 5 });
    assert.equal(badLevel.status, 400);
    assert.ok(badLevel.body.errors?.some((e) => e.field === 'body/level'));
    const standard = await admin.request<ProblemBody>('PUT', '/api/indicators/relevance', customIndicator);
    assert.equal(standard.status, 409);
    const byViewer = await viewer.request('PUT', '/api/indicators/other_share', customIndicator);
    assert.equal(byViewer.status, 403);
  });

  it('documents the routes in OpenAPI and serves the dimension catalogue', async () => {
    const document = (await viewer.get<{ paths: Record<string, unknown> }>('/api/openapi.json')).body;
    for (const path of ['/api/indicators', '/api/indicators/{key}', '/api/indicators/{key}/targets', '/api/indicators/{key}/targets/{period}', '/api/dimensions']) {
      assert.ok(path in document.paths, path);
    }
    const dimensions = await viewer.get<Array<{ key: string; values: Array<{ code: string }> | null }>>('/api/dimensions');
    assert.equal(dimensions.body.length, 11);
    assert.deepEqual(dimensions.body.find((d) => d.key === 'fee_type')!.values!.map((v) => v.code), ['free', 'fee', 'sponsored']);
  });

  it('shows the staff page, with a working no-script form for administrators only', async () => {
    const page = await admin.get('/indicators', { accept: 'text/html' });
    assert.equal(page.status, 200);
    assert.match(page.text, /Relevance to work/);
    assert.match(page.text, /action="\/indicators\/can_apply\/targets"/);

    const saved = await admin.form('/indicators/can_apply/targets', { _csrf: csrfFromPage(page.text), period: '2024', baseline: '0,8', target: '0.85' });
    assert.equal(saved.status, 303);
    assert.equal(saved.headers.get('location'), '/indicators');
    const after = await admin.get('/indicators', { accept: 'text/html' });
    assert.match(after.text, /2024: baseline 80\s?%, target 85\s?%/);

    const refused = await admin.form('/indicators/can_apply/targets', { _csrf: csrfFromPage(after.text), period: '24', baseline: '', target: '0.9' });
    assert.equal(refused.status, 422);
    assert.match(refused.text, /role="alert"[^>]*>[^<]*not a period/);
    assert.match(refused.text, /value="24"/);

    const french = await viewer.get('/indicators?lang=fr', { accept: 'text/html' });
    assert.match(french.text, /Pertinence pour le travail/);
    assert.doesNotMatch(french.text, /action="\/indicators\//, 'viewers get no form');
    const forbidden = await viewer.form('/indicators/can_apply/targets', { _csrf: csrfFromPage(french.text), period: '2024', target: '0.9' });
    assert.equal(forbidden.status, 403);
  });

  it('loads plausible demo targets for 2021–2023', async () => {
    const demoOrg = await createTestOrg(database, 'demo-centre');
    await analyticsDemoStep({ database, orgId: demoOrg.id });
    const indicators = await database.withOrg(demoOrg.id, (tx) => listIndicators(tx));
    for (const indicator of indicators) {
      assert.deepEqual(indicator.targets.map((t) => t.period), ['2021', '2021-2023', '2022-2023', '2022', '2023'].sort(), indicator.key);
      assert.ok(indicator.targets.every((t) => t.target !== null));
    }
  });
});
