// A small, hand-computable data set for the engine's tests (engine.test.ts, kpi-cli.test.ts):
// three activities, 16 participants, end-of-activity, follow-up, pre- and post-test responses.
// Every expected figure in the tests is worked out by hand from the table below; answer rows are
// made by the real `answerRows` and scores by the real `knowledgeScore`.
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { activities } from '../catalogue/schema.ts';
import { instruments, instrumentVersions } from '../instruments/schema.ts';
import { agreementScale, bankQuestions } from '../instruments/bank.ts';
import type { InstrumentDefinition, Purpose, Question, ResponseData } from '../instruments/model.ts';
import { enrolments, participants } from '../people/schema.ts';
import { answerRows, knowledgeScore } from '../responses/answers.ts';
import { answers, responses } from '../responses/schema.ts';

const t = (en: string) => ({ en, fr: en, es: en });

export const officeQuestion: Question = {
  key: 'office',
  type: 'single_choice',
  label: t('Where do you work?'),
  choices: [
    { code: 'country_office', label: { en: 'Country office', fr: 'Bureau de pays', es: 'Oficina de país' } },
    { code: 'headquarters', label: { en: 'Headquarters', fr: 'Siège', es: 'Sede' } },
  ],
};

const eoa: InstrumentDefinition = {
  title: t('End of activity'),
  languages: ['en'],
  pages: [
    {
      kind: 'group',
      key: 'main',
      label: t('Main'),
      questions: ['eoa_relevance', 'eoa_needs_met', 'eoa_overall'].map((key) => bankQuestions[key]!).concat([officeQuestion]),
    },
  ],
};

const followUp: InstrumentDefinition = {
  title: t('Follow-up'),
  languages: ['en'],
  pages: [
    {
      kind: 'group',
      key: 'main',
      label: t('Main'),
      questions: ['fu_needs_met', 'fu_use', 'fu_application_example', 'fu_tangible_change'].map((key) => bankQuestions[key]!),
    },
  ],
};

const items = ['k1', 'k2', 'k3', 'k4'];
const knowledge = (title: string): InstrumentDefinition => ({
  title: t(title),
  languages: ['en'],
  pages: [
    {
      kind: 'group',
      key: 'items',
      label: t('Items'),
      questions: items.map((key) => ({
        key,
        type: 'knowledge' as const,
        multiple: false,
        points: 1,
        correct: ['right'],
        label: t(key),
        choices: [
          { code: 'right', label: t('Right') },
          { code: 'wrong', label: t('Wrong') },
        ],
      })),
    },
  ],
});

/** A test whose first `score` of four items are right. */
const scored = (score: number): ResponseData => ({ answers: Object.fromEntries(items.map((key, i) => [key, i < score ? 'right' : 'wrong'])) });

type Person = [code: string, gender: string | null, region: string, ldc: boolean, group: string | null, birthYear: number | null];

const people: Person[] = [
  ['P1', 'woman', 'africa', true, 'workers', 1990],
  ['P2', 'woman', 'africa', true, 'employers', 1985],
  ['P3', 'man', 'asia', false, 'government', 1970],
  ['P4', 'man', 'europe', false, 'government', 1980],
  ['P5', 'woman', 'americas', false, 'other', 2000],
  ['P6', 'prefer_not_to_say', 'africa', true, 'workers', null],
  ['P7', 'man', 'asia', true, null, 1995],
  ['P8', 'woman', 'europe', false, 'employers', 1960],
  ['P9', 'woman', 'africa', true, 'government', 1988],
  ['P10', 'man', 'asia', false, 'workers', 1979],
  ['P11', 'woman', 'europe', false, 'other', 1992],
  ['P12', 'man', 'americas', false, 'government', 1983],
  ['P13', 'woman', 'africa', true, 'workers', 1990],
  ['P14', 'man', 'asia', false, 'government', 1990],
  ['P15', 'woman', 'europe', false, 'employers', 1990],
  ['P16', 'man', 'europe', false, 'government', 1975],
];

/** [activity, participant, enrolment status]. */
const enrolled: Array<[string, string, string]> = [
  ...['P1', 'P2', 'P3', 'P4', 'P5', 'P6'].map((p): [string, string, string] => ['A1', p, 'completed']),
  ['A1', 'P7', 'certified'],
  ['A1', 'P8', 'enrolled'],
  ...['P9', 'P10', 'P11', 'P12', 'P16'].map((p): [string, string, string] => ['A2', p, 'completed']),
  ...['P13', 'P14', 'P15'].map((p): [string, string, string] => ['A3', p, 'completed']),
];

type Answers = Record<string, string | string[] | number>;
const eoaAnswers: Array<[string, string, Answers]> = [
  ['A1', 'P1', { eoa_relevance: 'strongly_agree', eoa_needs_met: 'fully', eoa_overall: 5, office: 'country_office' }],
  ['A1', 'P2', { eoa_relevance: 'agree', eoa_needs_met: 'great_extent', eoa_overall: 4, office: 'country_office' }],
  ['A1', 'P3', { eoa_relevance: 'neutral', eoa_needs_met: 'partially', eoa_overall: 3, office: 'headquarters' }],
  ['A1', 'P4', { eoa_relevance: 'disagree', eoa_needs_met: 'sufficiently', eoa_overall: 2, office: 'headquarters' }],
  ['A1', 'P5', { eoa_relevance: 'agree', eoa_overall: 4, office: 'country_office' }],
  ['A1', 'P6', { eoa_needs_met: 'not_at_all', office: 'country_office' }],
  ['A1', 'P7', { eoa_relevance: 'strongly_agree', eoa_needs_met: 'fully', eoa_overall: 5, office: 'headquarters' }],
  ['A2', 'P9', { eoa_relevance: 'agree', eoa_needs_met: 'fully', eoa_overall: 4, office: 'country_office' }],
  ['A2', 'P10', { eoa_relevance: 'agree', eoa_needs_met: 'partially', eoa_overall: 3, office: 'headquarters' }],
  ['A2', 'P11', { eoa_relevance: 'strongly_disagree', eoa_needs_met: 'not_at_all', eoa_overall: 1, office: 'headquarters' }],
  ['A2', 'P12', { eoa_relevance: 'agree', eoa_needs_met: 'great_extent', eoa_overall: 4, office: 'country_office' }],
  ['A3', 'P13', { eoa_relevance: 'agree' }],
  ['A3', 'P14', { eoa_relevance: 'agree' }],
  ['A3', 'P15', { eoa_relevance: 'disagree' }],
];

const followUpAnswers: Array<[string, string, Answers]> = [
  ['A1', 'P1', { fu_needs_met: 'great_extent', fu_use: 'significant_input', fu_application_example: 'Drafted a policy', fu_tangible_change: ['policy', 'social_dialogue'] }],
  ['A1', 'P2', { fu_use: 'helpful_specific', fu_application_example: '  ', fu_tangible_change: ['none'] }],
  ['A1', 'P3', { fu_needs_met: 'partially', fu_use: 'not_used' }],
  ['A1', 'P5', { fu_needs_met: 'sufficiently', fu_use: 'significant_input', fu_application_example: 'Trained colleagues', fu_tangible_change: ['legislation'] }],
];

/** [participant, pre score, post score] of A1 (four one-point items); null: no such test. */
const tests: Array<[string, number | null, number | null]> = [
  ['P1', 1, 3],
  ['P2', 2, 4],
  ['P3', 2, 2],
  ['P4', 3, 2],
  ['P5', 0, 3],
  ['P6', 4, 4],
  ['P7', 1, null],
  ['P8', null, 2],
];

export interface EngineFixture {
  activityIds: Record<string, string>;
  participantIds: Record<string, string>;
}

/** Seeds the fixture into organisation `orgId` (one transaction). */
export async function seedEngineFixture(database: Database, orgId: string): Promise<EngineFixture> {
  return database.withOrg(orgId, async (tx) => {
    const org = sql`tracer_current_org()`;
    const activityIds: Record<string, string> = { A1: randomUUID(), A2: randomUUID(), A3: randomUUID() };
    await tx.insert(activities).values([
      { orgId: org, id: activityIds.A1!, code: 'A1', title: 'Labour migration', modality: 'face_to_face', programme: 'labour', feeType: 'free', languages: ['en'], themes: ['migration'], startDate: '2023-06-01', endDate: '2023-06-30', cost: '10000' },
      { orgId: org, id: activityIds.A2!, code: 'A2', title: 'Social protection', modality: 'online_tutored', programme: 'labour', feeType: 'fee', languages: ['fr', 'en'], themes: ['social_protection'], startDate: '2023-10-01', endDate: '2023-11-15', cost: null },
      { orgId: org, id: activityIds.A3!, code: 'A3', title: 'Skills', modality: 'face_to_face', programme: 'skills', feeType: 'free', languages: ['es'], themes: ['skills'], startDate: '2022-04-01', endDate: '2022-05-01', cost: '6000' },
    ] as never);
    const participantIds: Record<string, string> = {};
    for (const [code, gender, region, ldc, group, birthYear] of people) {
      participantIds[code] = randomUUID();
      await tx.insert(participants).values({
        orgId: org,
        id: participantIds[code],
        code,
        gender,
        region,
        // LDC status is derived from nationality on the activity's date (tracer_ldc_on).
        nationality: ldc ? (region === 'asia' ? 'KH' : 'SN') : { africa: 'ZA', asia: 'IN', europe: 'FR', americas: 'BR' }[region],
        constituentGroup: group,
        birthYear,
      } as never);
    }
    for (const [activity, participant, status] of enrolled) {
      await tx.insert(enrolments).values({ orgId: org, activityId: activityIds[activity]!, participantId: participantIds[participant]!, status } as never);
    }
    const instrument = async (key: string, purpose: Purpose, definition: InstrumentDefinition) => {
      const id = randomUUID();
      const versionId = randomUUID();
      await tx.insert(instruments).values({ orgId: org, id, key, purpose, title: definition.title } as never);
      await tx.insert(instrumentVersions).values({ orgId: org, id: versionId, instrumentId: id, version: 1, definition } as never);
      return { id, versionId, purpose, definition };
    };
    const forms = {
      eoa: await instrument('eoa', 'end_of_activity', eoa),
      fu: await instrument('fu', 'follow_up', followUp),
      pre: await instrument('pre', 'pre_test', knowledge('Pre-test')),
      post: await instrument('post', 'post_test', knowledge('Post-test')),
    };
    let submitted = 0;
    const respond = async (form: (typeof forms)[keyof typeof forms], activity: string, participant: string, data: ResponseData) => {
      const id = randomUUID();
      const score = knowledgeScore(form.definition, data);
      await tx.insert(responses).values({
        orgId: org,
        id,
        instrumentId: form.id,
        instrumentVersionId: form.versionId,
        activityId: activityIds[activity]!,
        participantId: participantIds[participant]!,
        status: 'complete',
        submittedAt: new Date(Date.UTC(2023, 0, 1) + submitted++ * 60_000),
        clientSubmissionId: id,
        data,
        score: score?.score ?? null,
        maxScore: score?.maxScore ?? null,
      } as never);
      const rows = answerRows(form.definition, data);
      if (rows.length > 0) {
        await tx.insert(answers).values(
          rows.map((row) => ({ orgId: org, responseId: id, instrumentId: form.id, purpose: form.purpose, activityId: activityIds[activity]!, ...row })) as never,
        );
      }
    };
    for (const [activity, participant, given] of eoaAnswers) await respond(forms.eoa, activity, participant, { answers: given });
    for (const [activity, participant, given] of followUpAnswers) await respond(forms.fu, activity, participant, { answers: given });
    for (const [participant, pre, post] of tests) {
      if (pre !== null) await respond(forms.pre, 'A1', participant, scored(pre));
      if (post !== null) await respond(forms.post, 'A1', participant, scored(post));
    }
    return { activityIds, participantIds };
  });
}

/** The agreement scale codes in their order (for frequency-table expectations). */
export const agreementCodes = agreementScale.map((choice) => choice.code);

