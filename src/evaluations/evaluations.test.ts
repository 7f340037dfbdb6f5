// The evaluation lifecycle and permissions over real HTTP, on a real database.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';
import type { EvaluationDossier } from './service.ts';

interface Created {
  id: string;
}

describe('evaluations over HTTP', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;
  let admin: TestClient;
  let evaluator: TestClient;
  let viewer: TestClient;
  let trainer: TestClient;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'eval-http');
    server = await startTestServer(database);
    admin = await TestClient.signedIn(server.url, org.emails.administrator);
    evaluator = await TestClient.signedIn(server.url, org.emails.evaluator);
    viewer = await TestClient.signedIn(server.url, org.emails.viewer);
    trainer = await TestClient.signedIn(server.url, org.emails.trainer);
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  async function createEvaluation(client: TestClient, title: string) {
    return client.post<Created>('/api/evaluations', {
      title,
      mode: 'independent',
      kind: 'project_final',
      countries: ['Thailand', 'Philippines'],
      projectCode: 'RAS/08/03/EEC',
      donor: 'European Union',
      budgetAmount: '2199813',
      budgetCurrency: 'EUR',
      evaluators: ['Pierre Mahy'],
      criteria: ['relevance', 'effectiveness', 'efficiency', 'sustainability'],
      questions: [
        {
          criterion: 'effectiveness',
          question: 'To what extent were the objectives achieved?',
          subQuestions: ['Were 1,000 returnees reached?'],
          methods: ['desk_review', 'key_informant_interviews'],
          dataSources: ['project reports'],
        },
      ],
      sample: [{ tool: 'Interviews', targetGroup: 'Returnees', targetSample: 40, actualSample: 33 }],
      startDate: '2012-02-01',
      endDate: '2012-03-31',
    });
  }

  it('runs the full lifecycle: evaluation → recommendation → response → actions → updates → completion → closed', async () => {
    const evaluation = await createEvaluation(evaluator, 'Going back – moving on (final evaluation)');
    assert.equal(evaluation.status, 201, evaluation.text);
    const evaluationId = evaluation.body.id;

    const recommendation = await evaluator.post<Created & { number: number }>(`/api/evaluations/${evaluationId}/recommendations`, {
      text: 'Prepare a comprehensive exit strategy',
      addressees: ['ILO', 'Project partners'],
      level: 'project',
      priority: 'high',
      criteria: ['sustainability'],
    });
    assert.equal(recommendation.status, 201, recommendation.text);
    assert.equal(recommendation.body.number, 1);
    const recommendationId = recommendation.body.id;

    const tooEarly = await evaluator.post(`/api/recommendations/${recommendationId}/actions`, {
      description: 'Draft the exit strategy',
      responsibleUnit: 'ROAP',
      dueDate: '2012-05-31',
    });
    assert.equal(tooEarly.status, 409, 'actions wait for the management response');

    const response = await evaluator.request('PUT', `/api/recommendations/${recommendationId}/response`, {
      decision: 'accepted',
      text: 'The project team will draft the exit strategy with partners.',
      date: '2012-04-10',
    });
    assert.equal(response.status, 200, response.text);

    const action = await evaluator.post<Created>(`/api/recommendations/${recommendationId}/actions`, {
      description: 'Draft the exit strategy',
      responsibleUnit: 'ROAP',
      dueDate: '2012-05-31',
    });
    assert.equal(action.status, 201, action.text);

    const closeTooEarly = await evaluator.request('PATCH', `/api/evaluations/${evaluationId}`, { status: 'closed' });
    assert.equal(closeTooEarly.status, 409, 'cannot close while an action is open');

    const progress = await evaluator.post(`/api/actions/${action.body.id}/updates`, {
      on: '2012-05-02',
      text: 'First draft shared with the DOE working group',
      statusAfter: 'in_progress',
      evidenceUrl: 'https://example.org/exit-strategy-draft',
    });
    assert.equal(progress.status, 201, progress.text);
    const done = await evaluator.post<{ action: { status: string; completedOn: string } }>(`/api/actions/${action.body.id}/updates`, {
      on: '2012-05-28',
      text: 'Exit strategy adopted at the final conference',
      statusAfter: 'completed',
    });
    assert.equal(done.status, 201, done.text);
    assert.equal(done.body.action.status, 'completed');
    assert.equal(done.body.action.completedOn, '2012-05-28');
    const afterSettled = await evaluator.post(`/api/actions/${action.body.id}/updates`, { on: '2012-06-01', text: 'more', statusAfter: 'in_progress' });
    assert.equal(afterSettled.status, 409, 'a completed action takes no more updates');

    const closed = await evaluator.request<{ status: string }>('PATCH', `/api/evaluations/${evaluationId}`, { status: 'closed' });
    assert.equal(closed.status, 200, closed.text);
    assert.equal(closed.body.status, 'closed');

    const dossier = await viewer.get<EvaluationDossier>(`/api/evaluations/${evaluationId}`);
    assert.equal(dossier.status, 200);
    const [only] = dossier.body.recommendations;
    assert.deepEqual(only!.addressees, ['ILO', 'Project partners']);
    assert.equal(only!.responseDecision, 'accepted');
    assert.equal(only!.actions[0]!.updates.length, 2);
    assert.equal(only!.actions[0]!.overdue, false);
    assert.equal(dossier.body.evaluation.questions[0]!.methods[1], 'key_informant_interviews');
  });

  it('rejects a not-accepted recommendation’s actions and invalid input with field names', async () => {
    const evaluation = await createEvaluation(evaluator, 'Second evaluation');
    const rec = await evaluator.post<Created>(`/api/evaluations/${evaluation.body.id}/recommendations`, { text: 'Include migration in the EU policy dialogue' });
    await evaluator.request('PUT', `/api/recommendations/${rec.body.id}/response`, { decision: 'not_accepted', text: 'Out of our hands', date: '2012-04-10' });
    const action = await evaluator.post(`/api/recommendations/${rec.body.id}/actions`, { description: 'x', responsibleUnit: 'EU desk', dueDate: '2012-06-01' });
    assert.equal(action.status, 409);
    const invalid = await evaluator.post<{ errors: Array<{ field: string }> }>('/api/evaluations', { title: 'x', mode: 'sideways', kind: 'thematic' });
    assert.equal(invalid.status, 400);
    assert.ok(invalid.body.errors.some((e) => e.field === 'body/mode'));
    const backwards = await evaluator.post<{ errors: Array<{ field: string }> }>('/api/evaluations', {
      title: 'x',
      mode: 'internal',
      kind: 'thematic',
      startDate: '2020-02-01',
      endDate: '2020-01-01',
    });
    assert.equal(backwards.status, 422);
    assert.equal(backwards.body.errors[0]!.field, 'body/endDate');
  });

  it('lets viewers read, evaluators write, and only administrators delete', async () => {
    const created = await createEvaluation(evaluator, 'Permissions');
    const id = created.body.id;
    assert.equal((await viewer.get(`/api/evaluations/${id}`)).status, 200);
    assert.equal((await viewer.get('/api/follow-up')).status, 200);
    assert.equal((await trainer.get('/api/evaluations')).status, 403);
    assert.equal((await viewer.post(`/api/evaluations/${id}/recommendations`, { text: 'no' })).status, 403);
    assert.equal((await createEvaluation(viewer, 'no')).status, 403);
    assert.equal((await evaluator.request('DELETE', `/api/evaluations/${id}`)).status, 403);
    assert.equal((await viewer.request('DELETE', `/api/evaluations/${id}`)).status, 403);
    assert.equal((await new TestClient(server.url).get('/api/evaluations')).status, 401);
    assert.equal((await admin.request('DELETE', `/api/evaluations/${id}`)).status, 204);
    assert.equal((await viewer.get(`/api/evaluations/${id}`)).status, 404);
  });
});
