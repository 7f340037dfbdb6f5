// Puts rows of every kind into an organisation through its API, so that isolation tests have
// something to leak. Each domain extends this with its own resources; text values contain the
// organisation slug so that a leak is recognisable.
import type { Database } from '../db/database.ts';
import { seedInstrument } from '../responses/isolation-seed.ts';
import { TestClient, type TestOrg } from './http.ts';

export async function seedIsolationFixture(_database: Database, baseUrl: string, org: TestOrg): Promise<void> {
  const admin = await TestClient.signedIn(baseUrl, org.emails.administrator);
  await admin.post('/api/tokens', { name: `token-${org.slug}` });
  await seedInstrument(admin, org.slug);
  const trainer = await TestClient.signedIn(baseUrl, org.emails.trainer);
  await trainer.post('/api/tokens', { name: `trainer-token-${org.slug}` });
}
