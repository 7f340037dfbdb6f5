// Demo step: two evaluations modelled on real evaluation summaries (an ILO project final
// evaluation and an ITC thematic evaluation with its management response): recommendations to
// several addressees, responses, actions in every status (some overdue), findings linked to
// indicators, lessons learned and good practices (some published).
import { activitiesEndedIn } from '../catalogue/service.ts';
import type { Tx } from '../db/database.ts';
import type { DemoContext } from '../demo/load.ts';
import type { ActionStatus, IndicatorLink, ResponseDecision } from './schema.ts';
import * as service from './service.ts';

const clock = service.systemClock;

/** A date `days` from today (negative: in the past), so that some open actions are always overdue. */
function fromToday(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

interface DemoAction {
  description: string;
  unit: string;
  due: string;
  status: ActionStatus;
  progress?: string;
  on?: string;
  /** An indicator that should move if the action works, shown live on the progress update. */
  evidence?: IndicatorLink;
}
interface DemoRecommendation {
  text: string;
  addressees: string[];
  level: string;
  priority: 'high' | 'medium' | 'low';
  criteria: string[];
  response: [ResponseDecision, string, string];
  actions: DemoAction[];
}

async function addRecommendations(tx: Tx, orgId: string, evaluationId: string, list: DemoRecommendation[]): Promise<number> {
  let actionCount = 0;
  for (const item of list) {
    const rec = await service.addRecommendation(tx, orgId, evaluationId, {
      text: item.text,
      addressees: item.addressees,
      level: item.level,
      priority: item.priority,
      criteria: item.criteria,
    });
    const [decision, text, date] = item.response;
    await service.respondToRecommendation(tx, rec.id, { decision, text, date });
    for (const action of item.actions) {
      const created = await service.addAction(tx, orgId, rec.id, { description: action.description, responsibleUnit: action.unit, dueDate: action.due });
      actionCount++;
      if (action.status === 'not_started') continue;
      if (action.status === 'no_longer_applicable') {
        await service.updateAction(tx, created.id, { status: 'no_longer_applicable' });
        continue;
      }
      const on = action.on ?? fromToday(-10);
      await service.addProgressUpdate(tx, orgId, created.id, { on, text: action.progress ?? 'Progress recorded', statusAfter: action.status, evidenceIndicator: action.evidence }, clock);
    }
  }
  return actionCount;
}

async function projectFinalEvaluation(tx: Tx, orgId: string): Promise<number> {
  const evaluation = await service.createEvaluation(tx, orgId, {
    title: 'Going back – moving on: economic and social empowerment of migrants including victims of trafficking returned from the EU',
    mode: 'independent',
    kind: 'project_final',
    status: 'completed',
    commissioningUnit: 'Regional Office for Asia and the Pacific, Bangkok',
    evaluators: ['Independent evaluator'],
    startDate: '2012-02-15',
    endDate: '2012-03-31',
    countries: ['Thailand', 'Philippines'],
    projectCode: 'RAS/08/03/EEC',
    donor: 'European Union',
    budgetAmount: '2199813',
    budgetCurrency: 'EUR',
    technicalArea: 'Migration',
    keywords: ['labour migration', 'return and reintegration', 'migrant workers'],
    projectStart: '2009-02-01',
    projectEnd: '2012-05-31',
    criteria: ['relevance', 'effectiveness', 'efficiency', 'sustainability'],
    questions: [
      {
        criterion: 'effectiveness',
        question: 'To what extent did the project improve the capacity of service providers to reintegrate returned migrants?',
        subQuestions: ['Were referral mechanisms among focal agencies set up and used?', 'Was the target of 1,000 beneficiaries met?'],
        methods: ['desk_review', 'key_informant_interviews'],
        dataSources: ['project progress reports', 'service providers'],
      },
      {
        criterion: 'sustainability',
        question: 'Will the benefits last after the project closes?',
        subQuestions: ['Is there national ownership of the working groups?'],
        methods: ['key_informant_interviews', 'focus_group'],
        dataSources: ['national authorities', 'returnees'],
      },
    ],
    sample: [
      { tool: 'Structured interviews', targetGroup: 'Implementing partners', targetSample: 30, actualSample: 26 },
      { tool: 'Focus groups', targetGroup: 'Returnees in self-help groups', targetSample: 6, actualSample: 5 },
    ],
    limitations: 'Field visits took place in the final weeks of the project; some partners were no longer available.',
    summary:
      'Field visits established that the benefits of the activities were largely perceived, both at the institutional level and by returnees. The target of 1,000 beneficiaries was exceeded.',
    documents: [{ label: 'Evaluation summary', url: 'https://www.ilo.org/evaluation' }],
  });
  await service.addFinding(tx, orgId, evaluation.id, {
    criterion: 'effectiveness',
    text: 'Trained service providers applied the referral approach with returnees in both countries.',
    evidence: [{ indicatorKey: 'knowledge_application', period: '2011', filters: {} }],
  });
  await service.addFinding(tx, orgId, evaluation.id, { criterion: 'sustainability', text: 'Ownership of the multi-disciplinary team in Petchabun remains questionable.' });
  const actions = await addRecommendations(tx, orgId, evaluation.id, [
    {
      text: 'Prepare a comprehensive exit strategy, pointing out what needs to be done, where, when and by whom after project closure.',
      addressees: ['ILO', 'Project partners'],
      level: 'project',
      priority: 'high',
      criteria: ['sustainability'],
      response: ['accepted', 'The project team will draft the exit strategy with partners before closure.', '2012-04-10'],
      actions: [{ description: 'Draft and validate the exit strategy with the Technical Working Group', unit: 'ROAP', due: '2012-05-31', status: 'completed', on: '2012-05-25', progress: 'Validated at the final conference' }],
    },
    {
      text: 'Consolidate project results through other ongoing and future interventions, such as the TRIANGLE project.',
      addressees: ['ILO'],
      level: 'organisational',
      priority: 'medium',
      criteria: ['sustainability', 'coherence'],
      response: ['partially_accepted', 'Results will be brought into TRIANGLE where its scope allows.', '2012-04-10'],
      actions: [
        { description: 'Brief the TRIANGLE team on the Department of Employment working group', unit: 'Migration specialist', due: fromToday(-45), status: 'in_progress', progress: 'First briefing held' },
        { description: 'Include returnee self-help groups in the TRIANGLE work plan', unit: 'Migration specialist', due: fromToday(60), status: 'not_started' },
      ],
    },
    {
      text: 'Further develop activities in the framework of the Letter of Understanding signed with the Department of Employment.',
      addressees: ['National authorities'],
      level: 'project',
      priority: 'medium',
      criteria: ['sustainability'],
      response: ['accepted', 'ILO will support the working group in its next work plan.', '2012-04-10'],
      actions: [{ description: 'Support the working group in preparing its next work plan', unit: 'ROAP', due: fromToday(-20), status: 'not_started' }],
    },
    {
      text: 'Organise self-help groups and cooperatives to extend assistance to new returnees and guidance to new migrants.',
      addressees: ['Returnees', 'NGOs'],
      level: 'project',
      priority: 'low',
      criteria: ['impact'],
      response: ['accepted', 'Partner NGOs will coach group leaders.', '2012-04-10'],
      actions: [{ description: 'Fund a second round of group-leader coaching', unit: 'Partner NGOs', due: '2013-06-30', status: 'no_longer_applicable' }],
    },
    {
      text: 'Include migration as a key issue under the governance component of the Policy Dialogue Support Facility.',
      addressees: ['European Union'],
      level: 'overarching',
      priority: 'low',
      criteria: ['relevance'],
      response: ['not_accepted', 'This is for the European Union to decide.', '2012-04-10'],
      actions: [],
    },
  ]);
  const lessons: Array<[string, string, boolean]> = [
    ['Build on existing structures', 'Consolidating achievements of earlier initiatives and making best use of existing structures is a prerequisite to push things further.', true],
    ['Government buy-in', 'Government buy-in is a must to achieve impact and ensure longer-term sustainability.', true],
    ['Involve partners at design', 'Involving implementing partners at the project design stage leads to more realistic approaches and ownership.', false],
  ];
  for (const [title, text, published] of lessons) {
    await service.addLesson(tx, orgId, { evaluationId: evaluation.id, kind: 'lesson_learned', language: 'en', title, text, themes: ['return and reintegration'], countries: ['Thailand', 'Philippines'], published }, clock);
  }
  await service.addLesson(
    tx,
    orgId,
    {
      evaluationId: evaluation.id,
      kind: 'good_practice',
      language: 'en',
      title: 'Letter of Understanding with the Department of Employment',
      text: 'Formalising cooperation at the highest level through a Letter of Understanding confirmed the commitment of the government to combat illegal recruitment and protect migrant workers.',
      replicationConditions: 'A ministry willing to commit staff and budget to joint activities.',
      themes: ['institutional development'],
      countries: ['Thailand'],
      published: true,
    },
    clock,
  );
  await service.addLesson(
    tx,
    orgId,
    {
      evaluationId: evaluation.id,
      kind: 'good_practice',
      language: 'fr',
      title: 'Plans stratégiques intégrés migration et développement',
      text: 'Les plans stratégiques provinciaux intègrent le point de vue des migrants, de leurs familles et de leurs associations, ainsi que des collectivités locales.',
      themes: ['planification locale'],
      countries: ['Philippines'],
      published: true,
    },
    clock,
  );
  return actions;
}

async function thematicEvaluation(tx: Tx, orgId: string): Promise<number> {
  const evaluation = await service.createEvaluation(tx, orgId, {
    title: 'Independent evaluation of training and learning activities on labour migration',
    mode: 'independent',
    kind: 'thematic',
    status: 'completed',
    commissioningUnit: 'Board of the Centre',
    evaluators: ['Independent evaluator'],
    startDate: '2019-05-01',
    endDate: '2019-07-31',
    countries: ['Global'],
    technicalArea: 'Labour migration',
    keywords: ['labour migration', 'training', 'knowledge application'],
    criteria: ['relevance', 'effectiveness', 'efficiency', 'impact', 'sustainability', 'international_labour_standards'],
    questions: [
      {
        criterion: 'impact',
        question: 'Did participants apply what they learned one to two years after training?',
        subQuestions: ['Which factors helped or hindered application?'],
        methods: ['survey', 'key_informant_interviews', 'case_study'],
        dataSources: ['former participants', 'their supervisors'],
      },
    ],
    sample: [
      { tool: 'Online survey', targetGroup: 'Former participants of 15 activities', targetSample: 400, actualSample: 164 },
      { tool: 'Interviews', targetGroup: 'Programme managers and ILO specialists', targetSample: 20, actualSample: 18 },
    ],
    limitations: 'Response rates to the follow-up survey were modest; results were triangulated with interviews.',
    summary: 'The evaluation covered a sample of 15 training activities delivered from early 2017 to mid-2018.',
  });
  await service.addFinding(tx, orgId, evaluation.id, {
    criterion: 'impact',
    text: 'A majority of respondents reported applying new knowledge in their organisation.',
    evidence: [{ indicatorKey: 'knowledge_application', period: '2018', filters: {} }],
  });
  const actions = await addRecommendations(tx, orgId, evaluation.id, [
    {
      text: 'Define a strategic, programmatic approach for training in the field of migration.',
      addressees: ['The Centre'],
      level: 'organisational',
      priority: 'high',
      criteria: ['relevance'],
      response: ['accepted', 'The SPGT Programme will develop a capacity profile linked to the ILO Programme and Budget.', '2019-10-25'],
      actions: [{ description: 'Publish the labour migration capacity profile', unit: 'SPGT', due: '2020-03-31', status: 'completed', on: '2020-03-15', progress: 'Capacity profile published', evidence: { indicatorKey: 'relevance', period: '2021-2023', filters: {} } }],
    },
    {
      text: 'Strengthen deliberate incorporation of ILO basics in a written core curriculum on migration for employment.',
      addressees: ['The Centre', 'ILO Labour Migration Branch'],
      level: 'unit',
      priority: 'medium',
      criteria: ['international_labour_standards'],
      response: ['accepted', 'SPGT will compile the core policy messages and share them with all programmes.', '2019-10-25'],
      actions: [{ description: 'Compile the compendium of ILO policy messages on labour migration', unit: 'SPGT', due: '2020-06-30', status: 'completed', on: '2020-09-30', progress: 'Compendium shared, three months late' }],
    },
    {
      text: 'Build implementation and impact monitoring into the agendas of constituent organisations and projects, so that monitoring is conducted where learning is applied.',
      addressees: ['The Centre', 'Constituent organisations'],
      level: 'overarching',
      priority: 'medium',
      criteria: ['impact'],
      response: ['partially_accepted', 'The Centre will explore the demand before deciding on a new advisory service.', '2019-10-25'],
      actions: [
        { description: 'Survey constituents on their demand for monitoring and evaluation tools', unit: 'PRODEV', due: fromToday(-90), status: 'in_progress', progress: 'Questionnaire drafted', evidence: { indicatorKey: 'knowledge_application', period: '2021-2023', filters: {} } },
        { description: 'Decide whether to launch an advisory service on training impact monitoring', unit: 'PRODEV', due: fromToday(120), status: 'not_started' },
      ],
    },
    {
      text: 'Develop a strategic approach to communications on migration for employment beyond the core constituencies.',
      addressees: ['The Centre', 'Donors'],
      level: 'organisational',
      priority: 'low',
      criteria: ['effectiveness'],
      response: ['accepted', 'A targeted awareness-raising campaign will be developed with PRODEV.', '2019-10-25'],
      actions: [{ description: 'Run the awareness-raising campaign among policy-level decision makers', unit: 'Communications', due: fromToday(-5), status: 'not_started' }],
    },
  ]);
  await service.addLesson(
    tx,
    orgId,
    {
      evaluationId: evaluation.id,
      kind: 'lesson_learned',
      language: 'es',
      title: 'El seguimiento de la aplicación requiere socios',
      text: 'La aplicación de los conocimientos solo puede medirse con la colaboración de las organizaciones de los participantes.',
      themes: ['seguimiento'],
      countries: ['Global'],
      published: false,
    },
    clock,
  );
  return actions;
}

/** The Centre's own annual training evaluation of 2023: its findings, one or two per OECD-DAC criterion, feed the 2023 evaluation report. */
async function annualTrainingEvaluation(tx: Tx, orgId: string): Promise<void> {
  const scope = await activitiesEndedIn(tx, { from: 2023, to: 2023 });
  const evaluation = await service.createEvaluation(tx, orgId, {
    title: 'Annual training evaluation 2023',
    mode: 'internal',
    kind: 'annual_training',
    status: 'completed',
    commissioningUnit: 'Planning, Monitoring and Evaluation',
    evaluators: ['Evaluation team of the Centre'],
    startDate: '2023-10-01',
    endDate: '2023-12-15',
    countries: ['Global'],
    technicalArea: 'Training',
    keywords: ['annual evaluation', 'training', 'knowledge application'],
    criteria: ['relevance', 'coherence', 'effectiveness', 'efficiency', 'impact', 'sustainability'],
    limitations: 'Follow-up surveys reached fewer than one participant in four; results of level 3 and 4 indicators were triangulated with coded application examples.',
    summary: 'The evaluation covered every activity that ended in 2023, from end-of-activity and follow-up surveys and knowledge tests.',
    scopeActivityIds: scope.map((activity) => activity.id),
  });
  const findings: Array<[string, string, string?]> = [
    ['relevance', 'Participants found the activities relevant to their work; tailor-made courses scored higher than open ones.', 'relevance'],
    ['coherence', 'Activities on labour migration and social protection drew on the same ILO policy messages, so participants of both met consistent guidance.'],
    ['effectiveness', 'Knowledge tests show a clear gain from pre- to post-test in every modality, largest in blended courses.', 'knowledge_gain'],
    ['effectiveness', 'Most follow-up respondents applied what they learnt, but fewer report large improvements in competence than targeted.', 'competence_improvement'],
    ['efficiency', 'The cost per completion fell below its target as online, tutored courses grew.', 'cost_per_completion'],
    ['impact', 'Half of follow-up respondents report a tangible change in their organisation, most often new recruitment regulations.', 'tangible_change'],
    ['sustainability', 'Application is sustained where a participant’s organisation takes part in follow-up; isolated participants report less lasting change.'],
  ];
  for (const [criterion, text, indicator] of findings) {
    await service.addFinding(tx, orgId, evaluation.id, { criterion, text, evidence: indicator ? [{ indicatorKey: indicator, period: '2023', filters: {} }] : [] });
  }
}

export async function evaluationsDemoStep({ database, orgId }: DemoContext): Promise<string> {
  const actions = await database.withOrg(orgId, async (tx) => {
    const count = (await projectFinalEvaluation(tx, orgId)) + (await thematicEvaluation(tx, orgId));
    await annualTrainingEvaluation(tx, orgId);
    return count;
  });
  return `Evaluations: 3 evaluations with 9 recommendations, ${actions} actions and 7 lessons learned / good practices.`;
}
