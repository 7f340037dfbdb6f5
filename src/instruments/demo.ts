// Demo instruments and responses for given activities (wired by the demo loader once activities
// and enrolments exist): a pre/post knowledge test with believable gains, end-of-activity ratings
// skewed positive with some item non-response, and follow-ups at 6 and 12 months answered by fewer.
import type { Actor } from '../accounts/service.ts';
import type { Tx } from '../db/database.ts';
import { validateSubmission, writeResponses, type BulkResponse, type BulkTarget } from '../responses/bulk.ts';
import type { ResourcePerson } from '../responses/service.ts';
import { knowledgeTest, type KnowledgeItem } from './bank.ts';
import { createCollectionLink, createInstrument, createStandardInstrument, latestVersion, publish } from './service.ts';

export interface DemoActivity {
  id: string;
  startDate: string;
  endDate: string;
  modality: 'face_to_face' | 'online' | 'blended';
  participantIds: string[];
  resourcePersons?: ResourcePerson[];
}

/** Small deterministic generator (mulberry32): the same seed gives the same demo. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const choices = (codes: string[]) => codes.map((code) => ({ code, label: { en: code.toUpperCase(), fr: code.toUpperCase(), es: code.toUpperCase() } }));
const itemBank: KnowledgeItem[] = [
  ['ilo_c97', 'Which ILO convention concerns migration for employment?', ['c97', 'c29', 'c138'], ['c97']],
  ['ilo_c143', 'Convention 143 covers…', ['abuse', 'wages', 'childcare'], ['abuse']],
  ['fair_recruitment', 'Under fair recruitment, who pays recruitment fees?', ['worker', 'employer', 'shared'], ['employer']],
  ['bla_parties', 'Who signs a bilateral labour agreement?', ['states', 'agencies', 'workers'], ['states']],
  ['social_security', 'Which make social security portable? (two)', ['totalisation', 'export', 'waiver', 'levy'], ['totalisation', 'export']],
  ['gcm_year', 'The Global Compact for Migration was adopted in…', ['2016', '2018', '2020'], ['2018']],
  ['skills_recognition', 'Skills recognition helps migrants to…', ['use_skills', 'pay_less', 'stay_longer'], ['use_skills']],
  ['remittances', 'Remittance costs target (SDG 10.c)', ['3pct', '5pct', '10pct'], ['3pct']],
].map(([key, label, codes, correct]) => ({ key: key as string, label: { en: label as string }, choices: choices(codes as string[]), correct: correct as string[] }));

const weighted = <T>(random: () => number, options: Array<[T, number]>): T => {
  const total = options.reduce((sum, [, w]) => sum + w, 0);
  let pick = random() * total;
  for (const [value, weight] of options) if ((pick -= weight) <= 0) return value;
  return options[options.length - 1]![0];
};

const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T12:00:00Z`) + days * 86_400_000);

export async function loadInstrumentsDemo(tx: Tx, actor: Actor, activities: DemoActivity[], seed = 4): Promise<{ responses: number }> {
  const random = seededRandom(seed);
  const eoa = await createStandardInstrument(tx, actor, 'end_of_activity');
  const followUp = await createStandardInstrument(tx, actor, 'follow_up');
  const pre = await createInstrument(tx, actor, { key: 'pre_test', purpose: 'pre_test', definition: knowledgeTest('pre_test', { en: 'Pre-test' }, itemBank) });
  const post = await createInstrument(tx, actor, { key: 'post_test', purpose: 'post_test', definition: knowledgeTest('post_test', { en: 'Post-test' }, itemBank) });
  for (const instrument of [eoa, followUp, pre, post]) await publish(tx, instrument.id);
  // Submissions are gathered (in the same order, so the seeded draws are the same) and written
  // per instrument with the bulk writer: the rows of a final submit, a few statements in all.
  const targets = new Map<string, { target: BulkTarget; items: BulkResponse[] }>();
  for (const instrument of [pre, post, eoa, followUp]) {
    const version = await latestVersion(tx, instrument.id);
    targets.set(instrument.id, {
      target: { instrumentId: instrument.id, versionId: version.id, purpose: instrument.purpose, anonymous: instrument.anonymous, definition: version.definition },
      items: [],
    });
  }
  const links = new Map<string, string>();
  const linkFor = async (instrumentId: string, activity: DemoActivity) => {
    const key = `${instrumentId}:${activity.id}`;
    let linkId = links.get(key);
    if (!linkId) {
      linkId = (await createCollectionLink(tx, instrumentId, { activityId: activity.id })).id;
      links.set(key, linkId);
    }
    return linkId;
  };
  const answer = async (
    instrumentId: string,
    activity: DemoActivity,
    participantId: string,
    answers: Record<string, unknown>,
    at: Date,
    repeats?: Record<string, Array<{ resourcePersonId: string; answers: Record<string, unknown> }>>,
    occasion = '',
  ) => {
    const { target, items } = targets.get(instrumentId)!;
    const collectionLinkId = await linkFor(instrumentId, activity);
    const { data, issues } = validateSubmission(target.definition, { answers, repeats }, { resourcePersonIds: (activity.resourcePersons ?? []).map((p) => p.id) });
    const complete = issues.length === 0;
    items.push({
      // One response per instrument, activity, participant (and follow-up occasion).
      clientSubmissionId: `demo-${instrumentId.slice(0, 8)}-${activity.id}-${participantId}${occasion}`,
      activityId: activity.id,
      participantId,
      collectionLinkId,
      data,
      complete,
      // As a web submission that failed validation: kept as a partial response, started now.
      submittedAt: complete ? at : null,
      startedAt: complete ? new Date(at.getTime() - 3_600_000) : null,
      source: 'web',
    });
  };
  for (const activity of activities) {
    const quality = activity.modality === 'online' ? -0.3 : 0.2; // online courses rate a little lower
    for (const participantId of activity.participantIds) {
      const ability = random();
      const knows = (gain: number) => Object.fromEntries(itemBank.map((item) => [item.key, random() < 0.3 + 0.4 * ability + gain ? item.correct.join(' ') : item.choices.find((c) => !item.correct.includes(c.code))!.code]).map(([k, v]) => [k, itemBank.find((i) => i.key === k)!.correct.length > 1 ? String(v).split(' ') : v]));
      if (random() < 0.9) await answer(pre.id, activity, participantId, knows(0), addDays(activity.startDate, 0));
      if (random() < 0.85) await answer(post.id, activity, participantId, knows(0.2 + 0.1 * random()), addDays(activity.endDate, 0));
      if (random() < 0.7) {
        const agree = () => weighted(random, [['strongly_disagree', 1], ['disagree', 3], ['neutral', 10], ['agree', 45 + 10 * quality], ['strongly_agree', 30 + 20 * quality]]);
        const answers: Record<string, unknown> = {
          eoa_relevance: agree(),
          eoa_theory_practice: agree(),
          eoa_can_apply: agree(),
          eoa_needs_met: weighted(random, [['not_at_all', 1], ['partially', 8], ['sufficiently', 25], ['great_extent', 45], ['fully', 21]]),
          eoa_overall: weighted(random, [[2, 3], [3, 12], [4, 50], [5, 35 + 10 * quality]]),
        };
        if (random() < 0.35) answers.eoa_comments = weighted(random, [['Very practical sessions.', 2], ['More time for group work, please.', 1], ['Excellent facilitators.', 1]]);
        const repeats = activity.resourcePersons?.length
          ? { eoa_trainers: activity.resourcePersons.filter(() => random() < 0.8).map((person) => ({ resourcePersonId: person.id, answers: { eoa_trainer_rating: weighted(random, [[3, 10], [4, 50], [5, 40]]) } })) }
          : undefined;
        await answer(eoa.id, activity, participantId, answers, addDays(activity.endDate, 1), repeats);
      }
      // Invited again 6 and 12 months after the end (each wave open until the next): fewer answer,
      // and fewer still the second time.
      for (const [share, fromDay, spanDays] of [[0.32, 185, 150], [0.27, 367, 300]] as const) {
        if (random() >= share) continue;
        const used = weighted(random, [['significant_input', 35], ['helpful_specific', 50], ['not_used', 15]]);
        const shared = random() < 0.6 ? 'yes' : 'no';
        const answers: Record<string, unknown> = {
          fu_needs_met: weighted(random, [['partially', 15], ['sufficiently', 30], ['great_extent', 40], ['fully', 15]]),
          fu_use: used,
          fu_competence_change: weighted(random, [['none', 5], ['small', 20], ['moderate', 45], ['large', 25], ['very_large', 5]]),
          fu_performance_change: weighted(random, [['none', 8], ['small', 27], ['moderate', 40], ['large', 20], ['very_large', 5]]),
          fu_tangible_change: random() < 0.5 ? ['none'] : [weighted(random, [['policy', 3], ['coordination_mechanism', 2], ['institutional_attention', 4], ['legislation', 1]])],
          fu_shared_knowledge: shared,
        };
        if (used !== 'not_used' && random() < 0.7) answers.fu_application_example = 'Used the checklist when reviewing recruitment agency licences.';
        if (shared === 'yes') answers.fu_shared_count = 2 + Math.floor(random() * 25);
        await answer(followUp.id, activity, participantId, answers, addDays(activity.endDate, fromDay + Math.floor(random() * spanDays)), undefined, `-${fromDay}`);
      }
    }
  }
  let responses = 0;
  for (const { target, items } of targets.values()) {
    responses += (await writeResponses(tx, target, items)).completed;
  }
  return { responses };
}
