// Instruments, an activity, a link and a complete response for the isolation test (testing/isolation-fixture.ts).
import type { TestClient } from '../testing/http.ts';

export async function seedInstrument(admin: TestClient, slug: string): Promise<void> {
  const created = await admin.post<{ id: string }>('/api/instruments/standard', { standard: 'follow_up', key: `fu-${slug}` });
  await admin.post(`/api/instruments/${created.body.id}/versions`);
  const activity = await admin.post<{ id: string }>('/api/activities', { code: `FU-ACT-${slug}`, title: `Followed-up activity of ${slug}`, modality: 'webinar' });
  if (activity.status !== 200) throw new Error(`seeding an activity failed: ${activity.status} ${activity.text}`);
  const link = await admin.post<{ token: string }>(`/api/instruments/${created.body.id}/links`, { activityId: activity.body.id });
  const answers = { fu_needs_met: 'fully', fu_use: 'helpful_specific', fu_application_example: `example of ${slug}`, fu_competence_change: 'large', fu_performance_change: 'moderate', fu_shared_knowledge: 'no' };
  const submitted = await admin.post(`/r/${link.body.token}/submissions`, { clientSubmissionId: `isolation-${slug}`, answers, final: true });
  if (submitted.status !== 200) throw new Error(`seeding a response failed: ${submitted.status} ${submitted.text}`);
}
