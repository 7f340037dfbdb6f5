// Evaluations and their follow-through: evaluation records (quick facts, scope, criteria, questions
// matrix, sample), findings with live links to indicator results, recommendations with their
// management response, actions with dated progress updates, and lessons learned / good practices.
import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { organisations } from '../accounts/schema.ts';
import { activities } from '../catalogue/schema.ts';
import { orgIdColumn, orgIsolation } from '../db/tenancy-schema.ts';

export const evaluationModes = ['independent', 'internal'] as const;
export const evaluationKinds = ['annual_training', 'thematic', 'project_mid_term', 'project_final'] as const;
export const evaluationStatuses = ['planned', 'ongoing', 'completed', 'closed'] as const;
export const responseDecisions = ['accepted', 'partially_accepted', 'not_accepted'] as const;
export const actionStatuses = ['not_started', 'in_progress', 'completed', 'no_longer_applicable'] as const;
export const priorities = ['high', 'medium', 'low'] as const;
export const lessonKinds = ['lesson_learned', 'good_practice'] as const;
export const contentLanguages = ['en', 'fr', 'es'] as const;

export type EvaluationMode = (typeof evaluationModes)[number];
export type EvaluationKind = (typeof evaluationKinds)[number];
export type EvaluationStatus = (typeof evaluationStatuses)[number];
export type ResponseDecision = (typeof responseDecisions)[number];
export type ActionStatus = (typeof actionStatuses)[number];
export type Priority = (typeof priorities)[number];
export type LessonKind = (typeof lessonKinds)[number];
export type ContentLanguage = (typeof contentLanguages)[number];

export const evaluationMode = pgEnum('evaluation_mode', evaluationModes);
export const evaluationKind = pgEnum('evaluation_kind', evaluationKinds);
export const evaluationStatus = pgEnum('evaluation_status', evaluationStatuses);
export const responseDecision = pgEnum('response_decision', responseDecisions);
export const actionStatus = pgEnum('recommendation_action_status', actionStatuses);
export const priority = pgEnum('recommendation_priority', priorities);
export const lessonKind = pgEnum('lesson_kind', lessonKinds);
export const contentLanguage = pgEnum('lesson_language', contentLanguages);

/** The OECD-DAC criteria and common cross-cutting ones; each evaluation keeps its own editable list. */
export const defaultCriteria = [
  'relevance',
  'coherence',
  'effectiveness',
  'efficiency',
  'impact',
  'sustainability',
  'gender',
  'disability',
  'international_labour_standards',
  'social_dialogue',
] as const;
export const defaultLevels = ['overarching', 'organisational', 'unit', 'project'] as const;
export const defaultAddressees = ['the_organisation', 'national_authorities', 'donors', 'participants_organisations'] as const;
export const dataSourceMethods = ['desk_review', 'survey', 'key_informant_interviews', 'focus_group', 'case_study'] as const;

/** One row of the evaluation questions matrix. */
export interface EvaluationQuestion {
  criterion: string;
  question: string;
  subQuestions: string[];
  methods: string[];
  dataSources: string[];
}
/** One row of the sample table. */
export interface SampleRow {
  tool: string;
  targetGroup: string;
  targetSample: number;
  actualSample: number | null;
}
export interface LinkedDocument {
  label: string;
  url: string;
}
/** A pointer to an indicator result: which KPI, for which period, with which filters. Resolved live. */
export interface IndicatorLink {
  indicatorKey: string;
  period: string;
  filters: Record<string, string>;
}

export const evaluations = pgTable(
  'evaluations',
  {
    orgId: orgIdColumn().references(() => organisations.id, { onDelete: 'cascade' }),
    id: uuid('id').notNull().defaultRandom(),
    title: text('title').notNull(),
    mode: evaluationMode('mode').notNull(),
    kind: evaluationKind('kind').notNull(),
    status: evaluationStatus('status').notNull().default('planned'),
    commissioningUnit: text('commissioning_unit').notNull().default(''),
    evaluators: text('evaluators').array().notNull().default(sql`'{}'::text[]`),
    startDate: date('start_date'),
    endDate: date('end_date'),
    countries: text('countries').array().notNull().default(sql`'{}'::text[]`),
    projectCode: text('project_code').notNull().default(''),
    donor: text('donor').notNull().default(''),
    budgetAmount: numeric('budget_amount', { precision: 16, scale: 2 }),
    budgetCurrency: text('budget_currency').notNull().default(''),
    technicalArea: text('technical_area').notNull().default(''),
    keywords: text('keywords').array().notNull().default(sql`'{}'::text[]`),
    projectStart: date('project_start'),
    projectEnd: date('project_end'),
    criteria: text('criteria').array().notNull().default(sql`'{}'::text[]`),
    questions: jsonb('questions').$type<EvaluationQuestion[]>().notNull().default([]),
    sample: jsonb('sample').$type<SampleRow[]>().notNull().default([]),
    limitations: text('limitations').notNull().default(''),
    documents: jsonb('documents').$type<LinkedDocument[]>().notNull().default([]),
    summary: text('summary').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    check('evaluations_dates_ordered', sql`${t.endDate} is null or ${t.startDate} is null or ${t.endDate} >= ${t.startDate}`),
    orgIsolation(),
  ],
);

/** The scope of an evaluation: the catalogue activities it covers (one row per activity). */
export const evaluationScopeActivities = pgTable(
  'evaluation_scope_activities',
  {
    orgId: orgIdColumn(),
    evaluationId: uuid('evaluation_id').notNull(),
    activityId: uuid('activity_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.evaluationId, t.activityId] }),
    foreignKey({ columns: [t.orgId, t.evaluationId], foreignColumns: [evaluations.orgId, evaluations.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.orgId, t.activityId], foreignColumns: [activities.orgId, activities.id] }).onDelete('cascade'),
    index('evaluation_scope_activities_activity_idx').on(t.orgId, t.activityId),
    orgIsolation(),
  ],
);

export const vocabularyLists = ['criterion', 'level', 'addressee'] as const;
export type VocabularyList = (typeof vocabularyLists)[number];
export const vocabularyList = pgEnum('evaluation_vocabulary_list', vocabularyLists);

/**
 * The organisation's editable lists: evaluation criteria, recommendation levels, addressees.
 * An organisation that has not edited a list uses the defaults (`defaultCriteria`, `defaultLevels`, `defaultAddressees`).
 */
export const evaluationVocabulary = pgTable(
  'evaluation_vocabulary',
  {
    orgId: orgIdColumn(),
    list: vocabularyList('list').notNull(),
    value: text('value').notNull(),
    position: integer('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.list, t.value] }), check('evaluation_vocabulary_value', sql`${t.value} <> ''`), orgIsolation()],
);

export const findings = pgTable(
  'evaluation_findings',
  {
    orgId: orgIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    evaluationId: uuid('evaluation_id').notNull(),
    criterion: text('criterion').notNull(),
    text: text('text').notNull(),
    evidence: jsonb('evidence').$type<IndicatorLink[]>().notNull().default([]),
    position: integer('position').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ columns: [t.orgId, t.evaluationId], foreignColumns: [evaluations.orgId, evaluations.id] }).onDelete('cascade'),
    index('evaluation_findings_evaluation_idx').on(t.orgId, t.evaluationId),
    orgIsolation(),
  ],
);

export const recommendations = pgTable(
  'recommendations',
  {
    orgId: orgIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    evaluationId: uuid('evaluation_id').notNull(),
    number: integer('number').notNull(),
    text: text('text').notNull(),
    level: text('level').notNull().default(''),
    addressees: text('addressees').array().notNull().default(sql`'{}'::text[]`),
    priority: priority('priority').notNull().default('medium'),
    criteria: text('criteria').array().notNull().default(sql`'{}'::text[]`),
    responseDecision: responseDecision('response_decision'),
    responseText: text('response_text'),
    responseDate: date('response_date'),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ columns: [t.orgId, t.evaluationId], foreignColumns: [evaluations.orgId, evaluations.id] }).onDelete('cascade'),
    uniqueIndex('recommendations_number_key').on(t.orgId, t.evaluationId, t.number),
    check('recommendations_number_positive', sql`${t.number} > 0`),
    // A management response is all there (decision, text, date) or not at all.
    check(
      'recommendations_response_complete',
      sql`(${t.responseDecision} is null) = (${t.responseDate} is null) and (${t.responseDecision} is null) = (${t.responseText} is null)`,
    ),
    orgIsolation(),
  ],
);

export const actions = pgTable(
  'recommendation_actions',
  {
    orgId: orgIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    recommendationId: uuid('recommendation_id').notNull(),
    description: text('description').notNull(),
    responsibleUnit: text('responsible_unit').notNull(),
    dueDate: date('due_date').notNull(),
    status: actionStatus('status').notNull().default('not_started'),
    completedOn: date('completed_on'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ columns: [t.orgId, t.recommendationId], foreignColumns: [recommendations.orgId, recommendations.id] }).onDelete(
      'cascade',
    ),
    index('recommendation_actions_recommendation_idx').on(t.orgId, t.recommendationId),
    check('recommendation_actions_completion', sql`(${t.status} = 'completed') = (${t.completedOn} is not null)`),
    orgIsolation(),
  ],
);

export const actionUpdates = pgTable(
  'action_updates',
  {
    orgId: orgIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    actionId: uuid('action_id').notNull(),
    on: date('on').notNull(),
    text: text('text').notNull(),
    evidenceUrl: text('evidence_url'),
    evidenceIndicator: jsonb('evidence_indicator').$type<IndicatorLink>(),
    statusAfter: actionStatus('status_after').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ columns: [t.orgId, t.actionId], foreignColumns: [actions.orgId, actions.id] }).onDelete('cascade'),
    index('action_updates_action_idx').on(t.orgId, t.actionId),
    orgIsolation(),
  ],
);

/** Lessons learned and good practices: searchable in their language, publishable to the public catalogue. */
export const lessons = pgTable(
  'evaluation_lessons',
  {
    orgId: orgIdColumn(),
    id: uuid('id').notNull().defaultRandom(),
    evaluationId: uuid('evaluation_id'),
    kind: lessonKind('kind').notNull(),
    language: contentLanguage('language').notNull().default('en'),
    title: text('title').notNull(),
    text: text('text').notNull(),
    context: text('context').notNull().default(''),
    replicationConditions: text('replication_conditions').notNull().default(''),
    themes: text('themes').array().notNull().default(sql`'{}'::text[]`),
    countries: text('countries').array().notNull().default(sql`'{}'::text[]`),
    published: boolean('published').notNull().default(false),
    publishedAt: timestamp('published_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.orgId, t.id] }),
    foreignKey({ columns: [t.orgId, t.evaluationId], foreignColumns: [evaluations.orgId, evaluations.id] }).onDelete('cascade'),
    index('evaluation_lessons_published_idx').on(t.published),
    check('evaluation_lessons_published_at', sql`${t.published} = (${t.publishedAt} is not null)`),
    orgIsolation(),
  ],
);
