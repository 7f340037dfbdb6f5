// The report tests' organisation: the evidence fixture (two activities ended 2022 and 2023 in two
// programmes, participants with names that must never surface, trainer ratings that must never
// surface, application examples), two texts coded and selected as quotes, targets, and an
// evaluation of 2023 with a finding on coherence.
import { sql } from 'drizzle-orm';
import type { Actor } from '../accounts/service.ts';
import { setTarget } from '../analytics/service.ts';
import { rows, type Database } from '../db/database.ts';
import { addFinding, createEvaluation } from '../evaluations/service.ts';
import { buildEvidenceFixture, type EvidenceFixture } from '../evidence/fixture.ts';
import { codeText, loadEvidenceKeys } from '../evidence/service.ts';
import type { TestOrg } from '../testing/http.ts';

export const coherenceFinding = 'Courses on recruitment and on skills used the same ILO guidance.';

export async function seedReportFixture(database: Database, org: TestOrg): Promise<EvidenceFixture> {
  const [admin] = await rows<{ id: string }>(database.system, sql`select id from users where email = ${org.emails.administrator}`);
  const actor: Actor = { userId: admin!.id, orgId: org.id, role: 'administrator', displayName: 'admin', email: org.emails.administrator };
  const keys = await loadEvidenceKeys(database.system);
  return database.withOrg(org.id, async (tx) => {
    const fixture = await buildEvidenceFixture(tx, actor);
    await codeText(tx, actor, keys, fixture.texts.law!, { codes: ['legislation'], quote: true });
    await codeText(tx, actor, keys, fixture.texts.domestic!, { codes: ['legislation', 'protection_measure'], quote: true });
    await codeText(tx, actor, keys, fixture.texts.coordination!, { codes: ['coordination_mechanism'], quote: true });
    await setTarget(tx, undefined, 'relevance', '2023', { baseline: 0.6, target: 0.75 });
    await setTarget(tx, undefined, 'relevance', '2022-2023', { baseline: 0.6, target: 0.8 });
    const evaluation = await createEvaluation(tx, org.id, {
      title: 'Review of 2023',
      mode: 'internal',
      kind: 'annual_training',
      status: 'completed',
      startDate: '2023-11-01',
      endDate: '2023-12-01',
      scopeActivityIds: [fixture.activities.a2],
    });
    await addFinding(tx, org.id, evaluation.id, { criterion: 'coherence', text: coherenceFinding });
    return fixture;
  });
}
