// A small, hand-countable organisation for the evidence tests: two activities (ended 2022 and
// 2023), ten participants with names (which must never surface), two resource persons, follow-up
// application examples and end-of-activity comments in three languages, and trainer ratings.
import type { Actor } from '../accounts/service.ts';
import { saveActivity } from '../catalogue/service.ts';
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../db/database.ts';
import { createCollectionLink, createStandardInstrument, publish } from '../instruments/service.ts';
import { resourcePersonsFromEnrolments } from '../people/directory.ts';
import { writeEnrolments, writeParticipants } from '../people/service.ts';
import { loadCollection, submit } from '../responses/service.ts';

export const fixtureNames = ['Zanele', 'Okonkwo', 'Marguerite', 'Villeneuve', 'Trainerone', 'Trainertwo'];

export interface EvidenceFixture {
  activities: { a1: string; a2: string };
  /** Participant ids by code. */
  participants: Record<string, string>;
  resourcePersons: { r1: string; r2: string };
  /** Text answer ids (`responseId:position`) by label. */
  texts: Record<string, string>;
}

const eoaBase = { eoa_relevance: 'agree', eoa_theory_practice: 'agree', eoa_can_apply: 'agree', eoa_needs_met: 'fully', eoa_overall: 4 };
const fuBase = { fu_needs_met: 'fully', fu_use: 'significant_input', fu_competence_change: 'large', fu_performance_change: 'large', fu_tangible_change: ['policy'], fu_shared_knowledge: 'no' };

/**
 * Ratings of R1: A1 (2022) 5,4,4,5,3,5 → n 6, mean 4.333…; A2 (2023) 4,4,5,5,3 → n 5, mean 4.2.
 * R2: A1 (2022) 2,3,4 → n 3, suppressed.
 */
export const r1Ratings = { a1: [5, 4, 4, 5, 3, 5], a2: [4, 4, 5, 5, 3] };
export const r2Ratings = { a1: [2, 3, 4] };

export async function buildEvidenceFixture(tx: Tx, actor: Actor): Promise<EvidenceFixture> {
  const a1 = await saveActivity(tx, actor.orgId, { code: 'EV-A1', title: 'Fair recruitment', modality: 'face_to_face', programme: 'Migration', startDate: '2022-06-20', endDate: '2022-06-30', status: 'completed' });
  const a2 = await saveActivity(tx, actor.orgId, { code: 'EV-A2', title: 'Skills partnerships', modality: 'online_tutored', programme: 'Skills', startDate: '2023-05-01', endDate: '2023-05-10', status: 'completed' });
  const codes = Array.from({ length: 10 }, (_, i) => `P${String(i + 1).padStart(2, '0')}`);
  await writeParticipants(tx, actor, [
    ...codes.map((code, i) => ({
      participantId: code,
      givenName: i % 2 === 0 ? 'Zanele' : 'Marguerite',
      familyName: i % 2 === 0 ? 'Okonkwo' : 'Villeneuve',
      email: `${code.toLowerCase()}@example.org`,
      gender: i % 2 === 0 ? ('woman' as const) : ('man' as const),
      nationality: i < 5 ? 'SN' : 'MX',
    })),
    { participantId: 'R1', givenName: 'Trainerone', familyName: 'Okonkwo', email: 'r1@example.org' },
    { participantId: 'R2', givenName: 'Trainertwo', familyName: 'Villeneuve', email: 'r2@example.org' },
  ]);
  await writeEnrolments(tx, actor.orgId, [
    ...codes.slice(0, 6).map((code) => ({ participantId: code, activityCode: 'EV-A1', status: 'completed' as const })),
    ...codes.slice(4).map((code) => ({ participantId: code, activityCode: 'EV-A2', status: 'completed' as const })),
    { participantId: 'R1', activityCode: 'EV-A1', role: 'resource_person' as const },
    { participantId: 'R2', activityCode: 'EV-A1', role: 'resource_person' as const },
    { participantId: 'R1', activityCode: 'EV-A2', role: 'resource_person' as const },
  ]);
  const ids = Object.fromEntries(
    (await rows<{ code: string; id: string }>(tx, sql`select code, id from participants`)).map((row) => [row.code, row.id]),
  ) as Record<string, string>;

  const eoa = await createStandardInstrument(tx, actor, 'end_of_activity');
  const fu = await createStandardInstrument(tx, actor, 'follow_up');
  await publish(tx, eoa.id);
  await publish(tx, fu.id);
  const collection = async (instrumentId: string, activityId: string) =>
    loadCollection(tx, (await createCollectionLink(tx, instrumentId, { activityId })).id, resourcePersonsFromEnrolments);
  const collections = {
    eoaA1: await collection(eoa.id, a1.id),
    eoaA2: await collection(eoa.id, a2.id),
    fuA1: await collection(fu.id, a1.id),
    fuA2: await collection(fu.id, a2.id),
  };
  const texts: Record<string, string> = {};
  let counter = 0;
  const answer = async (key: keyof typeof collections, participant: string, answers: Record<string, unknown>, repeats?: Array<{ person: string; rating: number }>, textLabel?: string, textQuestion?: string) => {
    const result = await submit(tx, collections[key], {
      clientSubmissionId: `fixture-${counter++}`,
      answers,
      repeats: repeats ? { eoa_trainers: repeats.map((r) => ({ resourcePersonId: ids[r.person]!, answers: { eoa_trainer_rating: r.rating } })) } : undefined,
      final: true,
      participantId: ids[participant]!,
    });
    if (result.outcome !== 'completed') throw new Error(`fixture response not completed: ${JSON.stringify(result)}`);
    if (textLabel) {
      const [found] = await rows<{ position: number }>(tx, sql`select position from answers where response_id = ${result.response.id} and question_key = ${textQuestion}`);
      texts[textLabel] = `${result.response.id}:${found!.position}`;
    }
  };
  // Follow-up application examples (EN, FR, ES) and end-of-activity comments.
  await answer('fuA1', 'P01', { ...fuBase, fu_application_example: 'The ministry adopted a new law on recruitment fees.' }, undefined, 'law', 'fu_application_example');
  await answer('fuA1', 'P02', { ...fuBase, fu_application_example: 'Nous avons créé un mécanisme de coordination entre ministères.' }, undefined, 'coordination', 'fu_application_example');
  await answer('fuA1', 'P03', { ...fuBase, fu_application_example: 'Se aprobó una política nacional de migración laboral.' }, undefined, 'politica', 'fu_application_example');
  await answer('fuA2', 'P05', { ...fuBase, fu_application_example: 'Our union started social dialogue with employers on recruitment.' }, undefined, 'dialogue', 'fu_application_example');
  await answer('fuA2', 'P06', { ...fuBase, fu_application_example: 'The new law now protects domestic workers.' }, undefined, 'domestic', 'fu_application_example');
  // End-of-activity: ratings of R1 and R2 in A1, R1 in A2; two comments.
  for (const [i, participant] of ['P01', 'P02', 'P03', 'P04', 'P05', 'P06'].entries()) {
    const repeats = [{ person: 'R1', rating: r1Ratings.a1[i]! }];
    if (i < r2Ratings.a1.length) repeats.push({ person: 'R2', rating: r2Ratings.a1[i]! });
    const comment = participant === 'P04' ? { eoa_comments: 'Very practical sessions.' } : {};
    await answer('eoaA1', participant, { ...eoaBase, ...comment }, repeats, participant === 'P04' ? 'practical' : undefined, 'eoa_comments');
  }
  for (const [i, participant] of ['P05', 'P06', 'P07', 'P08', 'P09'].entries()) {
    const comment = participant === 'P07' ? { eoa_comments: 'More time for group work, please.' } : {};
    await answer('eoaA2', participant, { ...eoaBase, ...comment }, [{ person: 'R1', rating: r1Ratings.a2[i]! }], participant === 'P07' ? 'group' : undefined, 'eoa_comments');
  }
  return { activities: { a1: a1.id, a2: a2.id }, participants: ids, resourcePersons: { r1: ids.R1!, r2: ids.R2! }, texts };
}
