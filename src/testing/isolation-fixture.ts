// Puts rows of every kind into an organisation through its API, so that isolation tests have
// something to leak. Each domain extends this with its own resources; text values contain the
// organisation slug so that a leak is recognisable.
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../db/database.ts';
import { enqueueMessage } from '../messaging/service.ts';
import { seedInstrument } from '../responses/isolation-seed.ts';
import { TestClient, type TestOrg } from './http.ts';
import { seedEvaluationIsolationFixture } from '../evaluations/isolation-fixture.ts';
import { seedEvidence } from '../evidence/isolation-seed.ts';

export async function seedIsolationFixture(database: Database, baseUrl: string, org: TestOrg): Promise<void> {
  const admin = await TestClient.signedIn(baseUrl, org.emails.administrator);
  await admin.post('/api/tokens', { name: `token-${org.slug}` });
  await admin.request('PUT', '/api/indicators/relevance/targets/2023', { baseline: 0.8, target: 0.9 });
  await seedInstrument(admin, org.slug);
  await seedEvidence(admin, org.slug);
  const trainer = await TestClient.signedIn(baseUrl, org.emails.trainer);
  await trainer.post('/api/tokens', { name: `trainer-token-${org.slug}` });
  await database.withOrg(org.id, (tx) =>
    enqueueMessage(tx, {
      kind: 'notice',
      to: `participant@${org.slug}.test`,
      language: 'en',
      subject: `Notice for ${org.slug}`,
      text: `Text for ${org.slug}`,
      dedupeKey: `isolation-${org.slug}`,
    }),
  );
  await seedEvaluationIsolationFixture(admin, org.slug);
  await seedCatalogueAndPeople(admin, org.slug);
}

async function seedCatalogueAndPeople(admin: TestClient, slug: string): Promise<void> {
  const code = `ACT-${slug}`;
  const created = [
    await admin.post('/api/activities', { code, title: `Activity of ${slug}`, modality: 'webinar', contact: `contact-${slug}@x.org`, cost: 1234, published: false }),
    await admin.post('/api/resources', { title: `Resource of ${slug}`, type: 'guide', activityCodes: [code] }),
    await admin.post('/api/participants', { participantId: `P-${slug}`, givenName: `Given-${slug}`, email: `person-${slug}@x.org`, nationality: 'SN' }),
    await admin.post('/api/enrolments', { participantId: `P-${slug}`, activityCode: code, sponsor: `Sponsor-${slug}` }),
  ];
  for (const response of created) if (response.status >= 300) throw new Error(`isolation fixture: ${response.status} ${response.text}`);
}

/** Identifiers and names that belong only to organisation A. */
export async function collectMarkers(database: Database, org: TestOrg): Promise<string[]> {
  const markers = new Set<string>([org.id, org.slug, ...Object.values(org.emails)]);
  const tables = await rows<{ table: string; column: string }>(
    database.system,
    sql`select c.table_name as "table", c.column_name as "column" from information_schema.columns c
         where c.table_schema = 'public' and c.data_type in ('uuid', 'text')
           and exists (select 1 from information_schema.columns o where o.table_schema = 'public' and o.table_name = c.table_name and o.column_name = 'org_id')
           and c.column_name <> 'org_id'`,
  );
  for (const { table, column } of tables) {
    const values = await rows<{ value: string }>(
      database.system,
      sql`select distinct ${sql.identifier(column)}::text as value from ${sql.identifier(table)} where org_id = ${org.id} and ${sql.identifier(column)} is not null`,
    );
    for (const { value } of values) if (value.length >= 8 && value.includes(org.slug) || /^[0-9a-f-]{36}$/.test(value)) markers.add(value);
  }
  return [...markers];
}

/** The personal data (a participant's name and e-mail) the fixture gives an organisation. */
export function personalDataMarkers(org: TestOrg): string[] {
  return [`Given-${org.slug}`, `person-${org.slug}@x.org`];
}
