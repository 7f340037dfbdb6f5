// Demo step: the evaluator has coded a realistic share of the application examples and comments
// (deterministic: a fixed seed over the texts in a fixed order), with a few organisation codes
// and selected quotes; the demo trainer account is linked to the most-rated resource person.
import { sql } from 'drizzle-orm';
import { rows } from '../db/database.ts';
import type { DemoContext } from '../demo/load.ts';
import { seededRandom } from '../instruments/demo.ts';
import * as repo from './repository.ts';

/** Codes the demo organisation adds to the standard categories. */
export const demoOrgCodes = [
  { code: 'recruitment_regulation', labelEn: 'Recruitment regulation', labelFr: 'Réglementation du recrutement', labelEs: 'Regulación de la contratación' },
  { code: 'practical_methods', labelEn: 'Practical methods', labelFr: 'Méthodes pratiques', labelEs: 'Métodos prácticos' },
  { code: 'facilitation_quality', labelEn: 'Quality of facilitation', labelFr: 'Qualité de l’animation', labelEs: 'Calidad de la facilitación' },
  { code: 'more_group_work', labelEn: 'Wish for more group work', labelFr: 'Souhait de plus de travail en groupe', labelEs: 'Deseo de más trabajo en grupo' },
];

/** What a coder reads in a text, in any of the three languages. */
const keywordCodes: Array<[RegExp, string]> = [
  [/recruit|recrut|contrataci/i, 'recruitment_regulation'],
  [/practical|pratique|práctic/i, 'practical_methods'],
  [/facilitat|formateur|animat/i, 'facilitation_quality'],
  [/group work|travail en groupe|trabajo en grupo/i, 'more_group_work'],
  [/\blaws?\b|\bloi\b|\bley\b|legislat|législat/i, 'legislation'],
  [/polic|politique|política/i, 'policy'],
  [/protect/i, 'protection_measure'],
  [/dialogue|diálogo/i, 'social_dialogue'],
];

/** Share of texts already coded: application examples are coded first. */
const CODED_SHARE: Record<string, number> = { fu_application_example: 0.7, eoa_comments: 0.45 };
const DEFAULT_SHARE = 0.5;
const QUOTE_SHARE = 0.08;

export async function evidenceDemoStep({ database, orgId }: DemoContext): Promise<string> {
  const members = await rows<{ userId: string; role: string }>(
    database.system,
    sql`select user_id as "userId", role::text as role from memberships where org_id = ${orgId} and role in ('evaluator', 'trainer') order by role, created_at, user_id`,
  );
  const coder = members.find((m) => m.role === 'evaluator')?.userId ?? null;
  const trainer = members.find((m) => m.role === 'trainer')?.userId;
  return database.withOrg(orgId, async (tx) => {
    for (const code of demoOrgCodes) await repo.insertOrgCode(tx, { ...code, createdBy: coder });
    const random = seededRandom(7007);
    const codings: Array<{ responseId: string; position: number; code: string }> = [];
    const quotes: Array<{ responseId: string; position: number }> = [];
    let coded = 0;
    const candidates = await repo.demoCodingCandidates(tx);
    for (const text of candidates) {
      const roll = random();
      const quoteRoll = random();
      if (roll >= (CODED_SHARE[text.questionKey] ?? DEFAULT_SHARE)) continue;
      const codes = new Set<string>(text.tangible);
      for (const [pattern, code] of keywordCodes) if (pattern.test(text.text)) codes.add(code);
      if (codes.size === 0) continue;
      coded++;
      for (const code of codes) codings.push({ responseId: text.responseId, position: text.position, code });
      if (quoteRoll < QUOTE_SHARE) quotes.push({ responseId: text.responseId, position: text.position });
    }
    await repo.insertCodings(tx, codings, coder);
    await repo.insertQuotes(tx, quotes, coder);
    let linked = '';
    const person = await repo.mostRatedResourcePerson(tx);
    if (trainer && person) {
      await repo.upsertTrainerLink(tx, trainer, person, null);
      linked = '; the trainer account sees the ratings of the most-rated resource person';
    }
    return `Evidence: ${coded} of ${candidates.length} texts coded (${codings.length} codes, ${quotes.length} quotes)${linked}.`;
  });
}
