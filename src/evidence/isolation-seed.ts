// Evidence rows for the isolation test (testing/isolation-fixture.ts): an organisation code named
// after the organisation, given to its seeded application example, selected as a quote.
import type { TestClient } from '../testing/http.ts';

export async function seedEvidence(admin: TestClient, slug: string): Promise<void> {
  const code = `own_${slug.replace(/[^a-z0-9]/g, '_')}`;
  const added = await admin.post('/api/evidence/codebook', { code, labels: { en: `Code of ${slug}`, fr: `Code de ${slug}`, es: `Código de ${slug}` } });
  if (added.status !== 201) throw new Error(`seeding an evidence code failed: ${added.status} ${added.text}`);
  const texts = await admin.get<{ texts: Array<{ id: string }> }>('/api/evidence/texts');
  const first = texts.body.texts[0];
  if (!first) throw new Error('seeding evidence: no text to code');
  const coded = await admin.request('PUT', `/api/evidence/texts/${first.id}/codes`, { codes: [code, 'policy'], quote: true });
  if (coded.status !== 200) throw new Error(`seeding a coding failed: ${coded.status} ${coded.text}`);
}
