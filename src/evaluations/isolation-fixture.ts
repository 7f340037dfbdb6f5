// Evaluation rows of every kind for the organisation isolation tests, created through the API,
// with the organisation slug in their texts. The lesson stays unpublished: published ones are public by design.
import type { TestClient } from '../testing/http.ts';

export async function seedEvaluationIsolationFixture(admin: TestClient, slug: string): Promise<void> {
  const evaluation = await admin.post<{ id: string }>('/api/evaluations', {
    title: `Evaluation of ${slug}`,
    mode: 'independent',
    kind: 'thematic',
    countries: [`Country of ${slug}`],
  });
  const id = evaluation.body.id;
  await admin.post(`/api/evaluations/${id}/findings`, {
    criterion: 'effectiveness',
    text: `Finding of ${slug}`,
    evidence: [{ indicatorKey: `kpi-${slug}`, period: '2024', filters: {} }],
  });
  const recommendation = await admin.post<{ id: string }>(`/api/evaluations/${id}/recommendations`, { text: `Recommendation of ${slug}`, addressees: [`Ministry of ${slug}`] });
  await admin.request('PUT', `/api/recommendations/${recommendation.body.id}/response`, { decision: 'accepted', text: `Response of ${slug}`, date: '2024-01-10' });
  const action = await admin.post<{ id: string }>(`/api/recommendations/${recommendation.body.id}/actions`, {
    description: `Action of ${slug}`,
    responsibleUnit: `Unit of ${slug}`,
    dueDate: '2024-06-30',
  });
  await admin.post(`/api/actions/${action.body.id}/updates`, { on: '2024-02-01', text: `Progress of ${slug}`, statusAfter: 'in_progress' });
  await admin.post('/api/lessons', { kind: 'lesson_learned', evaluationId: id, title: `Lesson of ${slug}`, text: `Unpublished lesson of ${slug}` });
}
