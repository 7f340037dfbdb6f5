// Every query of the evaluations domain. Tenant functions take a `Tx` opened by `withOrg`
// (row-level security confines them to one organisation); public ones a `Tx` from `withPublic`.
import { and, asc, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import { rows, type Tx } from '../db/database.ts';
import {
  actions,
  actionUpdates,
  evaluations,
  evaluationScopeActivities,
  evaluationVocabulary,
  findings,
  lessons,
  recommendations,
  type ActionStatus,
  type ContentLanguage,
  type LessonKind,
  type ResponseDecision,
  type VocabularyList,
} from './schema.ts';

/** An evaluation with its scope (the catalogue activities it covers, from `evaluation_scope_activities`). */
export type EvaluationRow = typeof evaluations.$inferSelect & { scopeActivityIds: string[] };
export type FindingRow = typeof findings.$inferSelect;
export type RecommendationRow = typeof recommendations.$inferSelect;
export type ActionRow = typeof actions.$inferSelect;
export type ActionUpdateRow = typeof actionUpdates.$inferSelect;
export type LessonRow = typeof lessons.$inferSelect;

export type EvaluationValues = Omit<typeof evaluations.$inferInsert, 'orgId' | 'id' | 'createdAt'>;
export type FindingValues = Omit<typeof findings.$inferInsert, 'orgId' | 'id'>;
export type RecommendationValues = Omit<typeof recommendations.$inferInsert, 'orgId' | 'id'>;
export type ActionValues = Omit<typeof actions.$inferInsert, 'orgId' | 'id' | 'createdAt'>;
export type ActionUpdateValues = Omit<typeof actionUpdates.$inferInsert, 'orgId' | 'id' | 'createdAt'>;
export type LessonValues = Omit<typeof lessons.$inferInsert, 'orgId' | 'id' | 'createdAt'>;

// ---------------------------------------------------------------- evaluations

const scopeColumn = sql<string[]>`coalesce((select array_agg(s.activity_id::text order by s.activity_id)
    from evaluation_scope_activities s where s.org_id = ${evaluations.orgId} and s.evaluation_id = ${evaluations.id}), '{}'::text[])`;
const evaluationColumns = { ...getTableColumns(evaluations), scopeActivityIds: scopeColumn };

export async function insertEvaluation(tx: Tx, orgId: string, values: EvaluationValues): Promise<EvaluationRow> {
  const [row] = await tx.insert(evaluations).values({ ...values, orgId }).returning({ id: evaluations.id });
  return (await findEvaluation(tx, row!.id))!;
}

export async function updateEvaluationRow(tx: Tx, id: string, values: Partial<EvaluationValues>): Promise<EvaluationRow | undefined> {
  if (Object.keys(values).length > 0) {
    const updated = await tx.update(evaluations).set(values).where(eq(evaluations.id, id)).returning({ id: evaluations.id });
    if (updated.length === 0) return undefined;
  }
  return findEvaluation(tx, id);
}

/**
 * Sets the activities an evaluation covers; returns the ids that are not activities of the
 * organisation (those are not written — the caller rejects the input).
 */
export async function replaceScope(tx: Tx, evaluationId: string, activityIds: string[]): Promise<string[]> {
  await tx.delete(evaluationScopeActivities).where(eq(evaluationScopeActivities.evaluationId, evaluationId));
  if (activityIds.length === 0) return [];
  const written = await rows<{ activityId: string }>(
    tx,
    sql`insert into evaluation_scope_activities (org_id, evaluation_id, activity_id)
        select e.org_id, e.id, a.id from evaluations e join activities a on a.org_id = e.org_id
         where e.id = ${evaluationId} and a.id in ${activityIds}
        on conflict do nothing
        returning activity_id::text as "activityId"`,
  );
  const known = new Set(written.map((row) => row.activityId));
  return [...new Set(activityIds)].filter((id) => !known.has(id));
}

export async function deleteEvaluationRow(tx: Tx, id: string): Promise<boolean> {
  return (await tx.delete(evaluations).where(eq(evaluations.id, id)).returning({ id: evaluations.id })).length > 0;
}

export async function findEvaluation(tx: Tx, id: string): Promise<EvaluationRow | undefined> {
  const [row] = await tx.select(evaluationColumns).from(evaluations).where(eq(evaluations.id, id));
  return row;
}

export async function listEvaluationRows(tx: Tx): Promise<EvaluationRow[]> {
  return tx.select(evaluationColumns).from(evaluations).orderBy(sql`${evaluations.endDate} desc nulls last`, asc(evaluations.title));
}

/** Actions of an evaluation that are still open (neither completed nor no longer applicable). */
export async function countOpenActions(tx: Tx, evaluationId: string): Promise<number> {
  const [row] = await rows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from recommendation_actions a join recommendations r on r.org_id = a.org_id and r.id = a.recommendation_id
         where r.evaluation_id = ${evaluationId} and a.status in ('not_started', 'in_progress')`,
  );
  return row!.n;
}

// ---------------------------------------------------------------- findings

export async function insertFinding(tx: Tx, orgId: string, values: FindingValues): Promise<FindingRow> {
  const [row] = await tx.insert(findings).values({ ...values, orgId }).returning();
  return row!;
}

export async function updateFindingRow(tx: Tx, id: string, values: Partial<FindingValues>): Promise<FindingRow | undefined> {
  const [row] = await tx.update(findings).set(values).where(eq(findings.id, id)).returning();
  return row;
}

export async function deleteFindingRow(tx: Tx, id: string): Promise<boolean> {
  return (await tx.delete(findings).where(eq(findings.id, id)).returning({ id: findings.id })).length > 0;
}

export async function findingsOf(tx: Tx, evaluationId: string): Promise<FindingRow[]> {
  return tx.select().from(findings).where(eq(findings.evaluationId, evaluationId)).orderBy(asc(findings.position), asc(findings.criterion));
}

// ---------------------------------------------------------------- recommendations

export async function insertRecommendation(tx: Tx, orgId: string, values: RecommendationValues): Promise<RecommendationRow> {
  const [row] = await tx.insert(recommendations).values({ ...values, orgId }).returning();
  return row!;
}

export async function updateRecommendationRow(
  tx: Tx,
  id: string,
  values: Partial<RecommendationValues>,
): Promise<RecommendationRow | undefined> {
  const [row] = await tx.update(recommendations).set(values).where(eq(recommendations.id, id)).returning();
  return row;
}

export async function deleteRecommendationRow(tx: Tx, id: string): Promise<boolean> {
  return (await tx.delete(recommendations).where(eq(recommendations.id, id)).returning({ id: recommendations.id })).length > 0;
}

export async function findRecommendation(tx: Tx, id: string): Promise<RecommendationRow | undefined> {
  const [row] = await tx.select().from(recommendations).where(eq(recommendations.id, id));
  return row;
}

export async function recommendationsOf(tx: Tx, evaluationId: string): Promise<RecommendationRow[]> {
  return tx.select().from(recommendations).where(eq(recommendations.evaluationId, evaluationId)).orderBy(asc(recommendations.number));
}

export async function nextRecommendationNumber(tx: Tx, evaluationId: string): Promise<number> {
  const [row] = await rows<{ n: number }>(
    tx,
    sql`select coalesce(max(number), 0)::int + 1 as n from recommendations where evaluation_id = ${evaluationId}`,
  );
  return row!.n;
}

// ---------------------------------------------------------------- actions and updates

export async function insertAction(tx: Tx, orgId: string, values: ActionValues): Promise<ActionRow> {
  const [row] = await tx.insert(actions).values({ ...values, orgId }).returning();
  return row!;
}

export async function updateActionRow(tx: Tx, id: string, values: Partial<ActionValues>): Promise<ActionRow | undefined> {
  const [row] = await tx.update(actions).set(values).where(eq(actions.id, id)).returning();
  return row;
}

export async function deleteActionRow(tx: Tx, id: string): Promise<boolean> {
  return (await tx.delete(actions).where(eq(actions.id, id)).returning({ id: actions.id })).length > 0;
}

export async function findAction(tx: Tx, id: string): Promise<ActionRow | undefined> {
  const [row] = await tx.select().from(actions).where(eq(actions.id, id));
  return row;
}

export async function actionsOf(tx: Tx, recommendationIds: string[]): Promise<ActionRow[]> {
  if (recommendationIds.length === 0) return [];
  return tx
    .select()
    .from(actions)
    .where(inArray(actions.recommendationId, recommendationIds))
    .orderBy(asc(actions.dueDate), asc(actions.createdAt));
}

export async function insertActionUpdate(tx: Tx, orgId: string, values: ActionUpdateValues): Promise<ActionUpdateRow> {
  const [row] = await tx.insert(actionUpdates).values({ ...values, orgId }).returning();
  return row!;
}

export async function updatesOf(tx: Tx, actionIds: string[]): Promise<ActionUpdateRow[]> {
  if (actionIds.length === 0) return [];
  return tx
    .select()
    .from(actionUpdates)
    .where(inArray(actionUpdates.actionId, actionIds))
    .orderBy(asc(actionUpdates.on), asc(actionUpdates.createdAt));
}

// ---------------------------------------------------------------- lessons

export async function insertLesson(tx: Tx, orgId: string, values: LessonValues): Promise<LessonRow> {
  const [row] = await tx.insert(lessons).values({ ...values, orgId }).returning();
  return row!;
}

export async function updateLessonRow(tx: Tx, id: string, values: Partial<LessonValues>): Promise<LessonRow | undefined> {
  const [row] = await tx.update(lessons).set(values).where(eq(lessons.id, id)).returning();
  return row;
}

export async function deleteLessonRow(tx: Tx, id: string): Promise<boolean> {
  return (await tx.delete(lessons).where(eq(lessons.id, id)).returning({ id: lessons.id })).length > 0;
}

export async function findLesson(tx: Tx, id: string): Promise<LessonRow | undefined> {
  const [row] = await tx.select().from(lessons).where(eq(lessons.id, id));
  return row;
}

export async function lessonsOf(tx: Tx, evaluationId: string): Promise<LessonRow[]> {
  return tx.select().from(lessons).where(eq(lessons.evaluationId, evaluationId)).orderBy(asc(lessons.kind), asc(lessons.createdAt));
}

export interface LessonQuery {
  text?: string | undefined;
  kind?: LessonKind | undefined;
  theme?: string | undefined;
  country?: string | undefined;
  language?: ContentLanguage | undefined;
}

export interface LessonHit {
  id: string;
  orgId: string;
  organisation: string | null;
  evaluationId: string | null;
  kind: LessonKind;
  language: ContentLanguage;
  title: string;
  text: string;
  context: string;
  replicationConditions: string;
  themes: string[];
  countries: string[];
  published: boolean;
  rank: number;
}

export interface Facet {
  value: string;
  count: number;
}
export interface LessonFacets {
  kind: Facet[];
  themes: Facet[];
  countries: Facet[];
  language: Facet[];
}

const searchDocument = sql`(l.title || ' ' || l.text || ' ' || l.context || ' ' || l.replication_conditions)`;

/** Lessons matching `query`, the query text read in each lesson's own language (stemmed, accents ignored). */
function lessonConditions(query: LessonQuery) {
  const conditions = [sql`true`];
  if (query.text && query.text.trim() !== '') {
    conditions.push(
      sql`to_tsvector(tracer_lesson_search_config(l.language), ${searchDocument}) @@ websearch_to_tsquery(tracer_lesson_search_config(l.language), ${query.text})`,
    );
  }
  if (query.kind) conditions.push(sql`l.kind = ${query.kind}`);
  if (query.language) conditions.push(sql`l.language = ${query.language}`);
  if (query.theme) conditions.push(sql`${query.theme} = any(l.themes)`);
  if (query.country) conditions.push(sql`${query.country} = any(l.countries)`);
  return sql.join(conditions, sql` and `);
}

const rankExpression = (text: string | undefined) =>
  text && text.trim() !== ''
    ? sql`ts_rank(to_tsvector(tracer_lesson_search_config(l.language), ${searchDocument}), websearch_to_tsquery(tracer_lesson_search_config(l.language), ${text}))::float8`
    : sql`0::float8`;

/** Searches the lessons this transaction may see: an organisation's own (tenant) or the published ones (public). */
export async function searchLessonRows(tx: Tx, query: LessonQuery, options: { publicView: boolean }): Promise<LessonHit[]> {
  // The public role may read only published rows and public columns, hence the narrower select.
  const privateColumns = options.publicView
    ? sql`null::uuid as "evaluationId", true as published`
    : sql`l.evaluation_id as "evaluationId", l.published`;
  return rows<LessonHit>(
    tx,
    sql`select l.id, l.org_id as "orgId", o.name as organisation, ${privateColumns}, l.kind, l.language, l.title, l.text, l.context,
               l.replication_conditions as "replicationConditions", l.themes, l.countries, ${rankExpression(query.text)} as rank
          from evaluation_lessons l left join organisations o on o.id = l.org_id
         where ${lessonConditions(query)} ${options.publicView ? sql`and l.published` : sql``}
         order by rank desc, l.title
         limit 200`,
  );
}

export async function lessonFacetRows(tx: Tx, query: LessonQuery, options: { publicView: boolean }): Promise<LessonFacets> {
  const base = sql`select l.kind::text as kind, l.language::text as language, l.themes, l.countries from evaluation_lessons l
                    where ${lessonConditions(query)} ${options.publicView ? sql`and l.published` : sql``}`;
  const [facets] = await rows<LessonFacets>(
    tx,
    sql`with hits as (${base})
        select
          coalesce((select json_agg(json_build_object('value', kind, 'count', n) order by n desc, kind)
                      from (select kind, count(*)::int as n from hits group by kind) k), '[]') as kind,
          coalesce((select json_agg(json_build_object('value', language, 'count', n) order by n desc, language)
                      from (select language, count(*)::int as n from hits group by language) g), '[]') as language,
          coalesce((select json_agg(json_build_object('value', theme, 'count', n) order by n desc, theme)
                      from (select theme, count(*)::int as n from hits, unnest(themes) theme group by theme) t), '[]') as themes,
          coalesce((select json_agg(json_build_object('value', country, 'count', n) order by n desc, country)
                      from (select country, count(*)::int as n from hits, unnest(countries) country group by country) c), '[]') as countries`,
  );
  return facets!;
}

// ---------------------------------------------------------------- follow-up dashboard

export interface FollowUpFilter {
  evaluationId?: string | undefined;
  unit?: string | undefined;
}

function actionFilter(filter: FollowUpFilter) {
  const conditions = [sql`true`];
  if (filter.evaluationId) conditions.push(sql`r.evaluation_id = ${filter.evaluationId}`);
  if (filter.unit) conditions.push(sql`a.responsible_unit = ${filter.unit}`);
  return sql.join(conditions, sql` and `);
}

export async function countRecommendationsByResponse(tx: Tx, filter: FollowUpFilter): Promise<Array<{ decision: ResponseDecision | null; count: number }>> {
  return rows(
    tx,
    sql`select r.response_decision as decision, count(*)::int as count from recommendations r
         where ${filter.evaluationId ? sql`r.evaluation_id = ${filter.evaluationId}` : sql`true`}
         group by r.response_decision order by 1 nulls last`,
  );
}

export interface ActionStatusCount {
  status: ActionStatus;
  count: number;
  overdue: number;
  completedOnTime: number;
}

export async function countActionsByStatus(tx: Tx, filter: FollowUpFilter, today: string): Promise<ActionStatusCount[]> {
  return rows(
    tx,
    sql`select a.status, count(*)::int as count,
               count(*) filter (where a.status in ('not_started', 'in_progress') and a.due_date < ${today}::date)::int as overdue,
               count(*) filter (where a.status = 'completed' and a.completed_on <= a.due_date)::int as "completedOnTime"
          from recommendation_actions a join recommendations r on r.org_id = a.org_id and r.id = a.recommendation_id
         where ${actionFilter(filter)}
         group by a.status order by a.status`,
  );
}

export interface OverdueActionRow {
  id: string;
  description: string;
  responsibleUnit: string;
  dueDate: string;
  status: ActionStatus;
  daysOverdue: number;
  recommendationId: string;
  recommendationNumber: number;
  evaluationId: string;
  evaluationTitle: string;
}

export async function overdueActionRows(tx: Tx, filter: FollowUpFilter, today: string): Promise<OverdueActionRow[]> {
  return rows(
    tx,
    sql`select a.id, a.description, a.responsible_unit as "responsibleUnit", a.due_date::text as "dueDate", a.status,
               (${today}::date - a.due_date)::int as "daysOverdue", r.id as "recommendationId", r.number as "recommendationNumber",
               e.id as "evaluationId", e.title as "evaluationTitle"
          from recommendation_actions a
          join recommendations r on r.org_id = a.org_id and r.id = a.recommendation_id
          join evaluations e on e.org_id = r.org_id and e.id = r.evaluation_id
         where a.status in ('not_started', 'in_progress') and a.due_date < ${today}::date and ${actionFilter(filter)}
         order by a.responsible_unit, a.due_date, a.description`,
  );
}

export interface RecurrencePairRow {
  firstId: string;
  firstEvaluationId: string;
  firstEvaluationTitle: string;
  firstNumber: number;
  firstText: string;
  secondId: string;
  secondEvaluationId: string;
  secondEvaluationTitle: string;
  secondNumber: number;
  secondText: string;
  similarity: number;
}

/** Pairs of recommendations from different evaluations whose accent-free, lower-cased texts are alike (trigram similarity). */
export async function recurringRecommendationPairs(tx: Tx, threshold: number, filter: FollowUpFilter): Promise<RecurrencePairRow[]> {
  return rows(
    tx,
    sql`with recs as (
          select r.id, r.evaluation_id, r.number, r.text, e.title, lower(unaccent(r.text)) as plain
            from recommendations r join evaluations e on e.org_id = r.org_id and e.id = r.evaluation_id
        ), pairs as (
          select a.*, b.id as b_id, b.evaluation_id as b_evaluation_id, b.title as b_title, b.number as b_number, b.text as b_text,
                 similarity(a.plain, b.plain) as score
            from recs a join recs b on a.evaluation_id <> b.evaluation_id and a.id < b.id
        )
        select id as "firstId", evaluation_id as "firstEvaluationId", title as "firstEvaluationTitle", number as "firstNumber",
               text as "firstText", b_id as "secondId", b_evaluation_id as "secondEvaluationId", b_title as "secondEvaluationTitle",
               b_number as "secondNumber", b_text as "secondText", round(score::numeric, 3)::float8 as similarity
          from pairs
         where score >= ${threshold}
           and (${filter.evaluationId ?? null}::uuid is null or evaluation_id = ${filter.evaluationId ?? null}::uuid
                or b_evaluation_id = ${filter.evaluationId ?? null}::uuid)
         order by score desc, "firstNumber"
         limit 100`,
  );
}

export async function responsibleUnits(tx: Tx): Promise<string[]> {
  const found = await rows<{ unit: string }>(tx, sql`select distinct responsible_unit as unit from recommendation_actions order by 1`);
  return found.map((row) => row.unit);
}

export async function recommendationsByNumbers(tx: Tx, evaluationId: string): Promise<Map<number, RecommendationRow>> {
  const found = await tx.select().from(recommendations).where(and(eq(recommendations.evaluationId, evaluationId)));
  return new Map(found.map((row) => [row.number, row]));
}

// ---------------------------------------------------------------- editable lists

/** The organisation's own entries of a list, in order ([] when it has not edited the list). */
export async function vocabularyOf(tx: Tx, list: VocabularyList): Promise<string[]> {
  const found = await tx
    .select({ value: evaluationVocabulary.value })
    .from(evaluationVocabulary)
    .where(eq(evaluationVocabulary.list, list))
    .orderBy(asc(evaluationVocabulary.position));
  return found.map((row) => row.value);
}

export async function replaceVocabulary(tx: Tx, orgId: string, list: VocabularyList, values: string[]): Promise<void> {
  await tx.delete(evaluationVocabulary).where(eq(evaluationVocabulary.list, list));
  if (values.length === 0) return;
  await tx.insert(evaluationVocabulary).values(values.map((value, position) => ({ orgId, list, value, position })));
}
