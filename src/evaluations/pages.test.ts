// The pages over real HTTP, on the demo organisation: every page renders, overdue actions are
// highlighted, forms work without JavaScript, and the public library shows published rows only.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../db/database.ts';
import { DEMO_PASSWORD, loadDemo } from '../demo/load.ts';
import { createTestDatabase } from '../testing/database.ts';
import { csrfFromPage, startTestServer, TestClient, type TestServer } from '../testing/http.ts';

describe('evaluation pages on the demo organisation', () => {
  let database: Database;
  let server: TestServer;
  let evaluator: TestClient;
  let viewer: TestClient;
  let evaluationIds: string[];

  before(async () => {
    database = await createTestDatabase();
    await loadDemo(database, ['catalogue', 'evaluations']);
    server = await startTestServer(database);
    evaluator = await TestClient.signedIn(server.url, 'evaluator@demo.tracer', DEMO_PASSWORD);
    viewer = await TestClient.signedIn(server.url, 'viewer@demo.tracer', DEMO_PASSWORD);
    // Newest first: the annual training evaluation of 2023, the thematic one (2019), the project's (2012).
    evaluationIds = (await viewer.get<Array<{ id: string }>>('/api/evaluations')).body.map((e) => e.id).slice(1);
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  const page = (client: TestClient, path: string) => client.get<string>(path, { accept: 'text/html' });

  it('the demo holds three evaluations, two with actions in every status, some overdue', async () => {
    assert.equal(evaluationIds.length + 1, 3);
    const dashboard = await viewer.get<{ actionsByStatus: Array<{ status: string; overdue: number }>; overdueByUnit: unknown[] }>('/api/follow-up');
    assert.deepEqual(dashboard.body.actionsByStatus.map((s) => s.status).sort(), ['completed', 'in_progress', 'no_longer_applicable', 'not_started']);
    assert.ok(dashboard.body.overdueByUnit.length >= 3);
  });

  it('renders the list, a dossier with overdue actions highlighted, the dashboard and the library', async () => {
    const list = await page(viewer, '/evaluations');
    assert.equal(list.status, 200);
    assert.match(list.body, /Going back – moving on/);
    const dossier = await page(viewer, `/evaluations/${evaluationIds[0]}`);
    assert.equal(dossier.status, 200);
    assert.match(dossier.body, /class="overdue"/);
    assert.match(dossier.body, /<code>knowledge_application<\/code> \d{4} → <span class="muted">not available \(no data for \d{4}\)/, 'evidence is asked of the engine, live');
    assert.doesNotMatch(dossier.body, /Record the management response/, 'viewers get no write forms');
    const project = await page(viewer, `/evaluations/${evaluationIds[1]}`);
    assert.match(project.body, /RAS\/08\/03\/EEC/);
    assert.match(project.body, /<a href="https:\/\/www.ilo.org\/evaluation">Evaluation summary<\/a>/);
    const followUp = await page(viewer, '/follow-up?lang=fr');
    assert.equal(followUp.status, 200);
    assert.match(followUp.body, /Actions en retard par unité/);
    const library = await page(viewer, '/lessons?q=government');
    assert.match(library.body, /Government buy-in/);
    assert.doesNotMatch(library.body, /Build on existing structures/);
  });

  it('shows anonymous visitors only published lessons, with no staff navigation', async () => {
    const anonymous = new TestClient(server.url);
    const all = await page(anonymous, '/public/lessons');
    assert.equal(all.status, 200);
    assert.match(all.body, /Letter of Understanding with the Department of Employment/);
    assert.match(all.body, /Plans stratégiques intégrés/);
    assert.doesNotMatch(all.body, /Involve partners at design/);
    assert.doesNotMatch(all.body, /El seguimiento de la aplicación/);
    const french = await page(anonymous, '/public/lessons?q=strategique+familles');
    assert.match(french.body, /Plans stratégiques intégrés/);
    assert.equal((await page(anonymous, '/lessons')).status, 303);
  });

  it('records a response, an action and progress through plain forms', async () => {
    const id = evaluationIds[1]!;
    const form = await page(evaluator, `/evaluations/${id}`);
    const csrf = csrfFromPage(form.body);
    const added = await evaluator.form(`/evaluations/${id}/recommendations`, { _csrf: csrf, text: 'Offer distance learning on fair recruitment', addressees: 'The Centre, Donors' });
    assert.equal(added.status, 303);
    const dossier = await evaluator.get<{ recommendations: Array<{ id: string; number: number; addressees: string[] }> }>(`/api/evaluations/${id}`);
    const created = dossier.body.recommendations.at(-1)!;
    assert.deepEqual(created.addressees, ['The Centre', 'Donors']);
    const responded = await evaluator.form(`/recommendations/${created.id}/response`, { _csrf: csrf, evaluationId: id, decision: 'accepted', text: 'Yes', date: '2024-01-10' });
    assert.equal(responded.status, 303);
    assert.equal((await evaluator.form(`/recommendations/${created.id}/actions`, { _csrf: csrf, evaluationId: id, description: 'Design the course', responsibleUnit: 'DELTA', dueDate: '2024-12-31' })).status, 303);
    const actionId = (await evaluator.get<{ recommendations: Array<{ id: string; actions: Array<{ id: string }> }> }>(`/api/evaluations/${id}`)).body.recommendations.find((r) => r.id === created.id)!.actions[0]!.id;
    const progress = await evaluator.form(`/actions/${actionId}/updates`, { _csrf: csrf, evaluationId: id, on: '2024-03-01', text: 'Course outline ready', statusAfter: 'in_progress', evidenceUrl: '' });
    assert.equal(progress.status, 303);
    assert.match((await page(evaluator, `/evaluations/${id}`)).body, /Course outline ready/);
    const forbidden = await viewer.form(`/evaluations/${id}/recommendations`, { _csrf: csrfFromPage((await page(viewer, `/evaluations/${id}`)).body), text: 'no' });
    assert.equal(forbidden.status, 403);
  });
});
