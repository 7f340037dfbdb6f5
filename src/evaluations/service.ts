// The rules of evaluations and their follow-through: lifecycle (an evaluation closes only when
// every action is settled; actions only follow a response that accepts the recommendation;
// settled actions take no more updates), overdue logic against an injectable clock, recurrence
// detection, and the lessons library. No HTTP here.
import type { Tx } from '../db/database.ts';
import * as repo from './repository.ts';
import type {
  ActionRow,
  ActionUpdateRow,
  EvaluationRow,
  EvaluationValues,
  FindingRow,
  LessonHit,
  LessonQuery,
  LessonRow,
  LessonValues,
  RecommendationRow,
} from './repository.ts';
import {
  dataSourceMethods,
  defaultAddressees,
  defaultCriteria,
  defaultLevels,
  vocabularyLists,
  type ActionStatus,
  type EvaluationQuestion,
  type EvaluationStatus,
  type IndicatorLink,
  type LinkedDocument,
  type ResponseDecision,
  type SampleRow,
  type VocabularyList,
} from './schema.ts';
import type { IndicatorResult, IndicatorResultSource } from './indicator-results.ts';

export class EvaluationError extends Error {
  constructor(
    readonly reason: 'not_found' | 'conflict' | 'invalid',
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

/** Today's date is read through a clock so that tests can move time. */
export type Clock = () => Date;
export const systemClock: Clock = () => new Date();
export const isoDay = (clock: Clock): string => clock().toISOString().slice(0, 10);

const SETTLED: readonly ActionStatus[] = ['completed', 'no_longer_applicable'];

export function ensureFound<T>(row: T | undefined, what: string): T {
  if (row === undefined) throw new EvaluationError('not_found', `No such ${what}`);
  return row;
}

// ---------------------------------------------------------------- evaluations

/** What an evaluation is written from: its columns and, optionally, its scope (catalogue activity ids). */
export type EvaluationFields = EvaluationValues & { scopeActivityIds?: string[] | undefined };
export type EvaluationInput = Partial<EvaluationFields> & Pick<EvaluationValues, 'title' | 'mode' | 'kind'>;

function checkDates(values: Partial<EvaluationValues>): void {
  if (values.startDate && values.endDate && values.endDate < values.startDate) {
    throw new EvaluationError('invalid', 'The end date must not be before the start date', 'endDate');
  }
  if (values.projectStart && values.projectEnd && values.projectEnd < values.projectStart) {
    throw new EvaluationError('invalid', 'The project end must not be before the project start', 'projectEnd');
  }
}

/** Sets the activities an evaluation covers; every id must be an activity of the organisation's catalogue. */
export async function setScope(tx: Tx, evaluationId: string, activityIds: string[]): Promise<void> {
  const unknown = await repo.replaceScope(tx, evaluationId, activityIds);
  if (unknown.length > 0) {
    throw new EvaluationError('invalid', `Not an activity of the catalogue: ${unknown.join(', ')}`, 'scopeActivityIds');
  }
}

export async function createEvaluation(tx: Tx, orgId: string, input: EvaluationInput): Promise<EvaluationRow> {
  const { scopeActivityIds, ...values } = input;
  if (values.title.trim() === '') throw new EvaluationError('invalid', 'The title must not be empty', 'title');
  checkDates(values);
  const created = await repo.insertEvaluation(tx, orgId, { ...values, title: values.title.trim() });
  if (scopeActivityIds === undefined || scopeActivityIds.length === 0) return created;
  await setScope(tx, created.id, scopeActivityIds);
  return ensureFound(await repo.findEvaluation(tx, created.id), 'evaluation');
}

export async function updateEvaluation(tx: Tx, id: string, patch: Partial<EvaluationFields>): Promise<EvaluationRow> {
  const { scopeActivityIds, ...values } = patch;
  const current = ensureFound(await repo.findEvaluation(tx, id), 'evaluation');
  if (values.title !== undefined && values.title.trim() === '') throw new EvaluationError('invalid', 'The title must not be empty', 'title');
  checkDates({ ...current, ...values });
  if (values.status !== undefined && values.status !== current.status) await checkStatusChange(tx, current, values.status);
  await repo.updateEvaluationRow(tx, id, values);
  if (scopeActivityIds !== undefined) await setScope(tx, id, scopeActivityIds);
  return ensureFound(await repo.findEvaluation(tx, id), 'evaluation');
}

async function checkStatusChange(tx: Tx, evaluation: EvaluationRow, to: EvaluationStatus): Promise<void> {
  if (to !== 'closed') return;
  const open = await repo.countOpenActions(tx, evaluation.id);
  if (open > 0) {
    throw new EvaluationError('conflict', `The evaluation cannot be closed while ${open} action(s) are still open`, 'status');
  }
  const unanswered = (await repo.recommendationsOf(tx, evaluation.id)).filter((r) => r.responseDecision === null);
  if (unanswered.length > 0) {
    throw new EvaluationError(
      'conflict',
      `The evaluation cannot be closed before every recommendation has a management response (missing: ${unanswered.map((r) => r.number).join(', ')})`,
      'status',
    );
  }
}

export async function deleteEvaluation(tx: Tx, id: string): Promise<void> {
  if (!(await repo.deleteEvaluationRow(tx, id))) throw new EvaluationError('not_found', 'No such evaluation');
}

export const listEvaluations = (tx: Tx) => repo.listEvaluationRows(tx);
export const listFindings = (tx: Tx, evaluationId: string) => repo.findingsOf(tx, evaluationId);
export const findEvaluationRow = (tx: Tx, id: string) => repo.findEvaluation(tx, id);

// ---------------------------------------------------------------- the whole evaluation

export interface ActionUpdateView extends ActionUpdateRow {
  /** The live result of the indicator the update points at (null when it points at none). */
  evidenceResult: IndicatorResult | null;
}
export interface ActionView extends ActionRow {
  overdue: boolean;
  updates: ActionUpdateView[];
}
export interface RecommendationView extends RecommendationRow {
  actions: ActionView[];
}
export interface FindingView extends FindingRow {
  evidenceResults: Array<{ link: IndicatorLink; result: IndicatorResult }>;
}
export interface EvaluationDossier {
  evaluation: EvaluationRow;
  findings: FindingView[];
  recommendations: RecommendationView[];
  lessons: LessonRow[];
}

export function isOverdue(action: Pick<ActionRow, 'status' | 'dueDate'>, today: string): boolean {
  return !SETTLED.includes(action.status) && action.dueDate < today;
}

/** An evaluation with everything under it; indicator evidence is resolved now, so it stays live. */
export async function getDossier(
  tx: Tx,
  id: string,
  options: { clock: Clock; indicators: IndicatorResultSource },
): Promise<EvaluationDossier> {
  const evaluation = ensureFound(await repo.findEvaluation(tx, id), 'evaluation');
  const today = isoDay(options.clock);
  const recommendationRows = await repo.recommendationsOf(tx, id);
  const actionRows = await repo.actionsOf(
    tx,
    recommendationRows.map((r) => r.id),
  );
  const updateRows = await repo.updatesOf(
    tx,
    actionRows.map((a) => a.id),
  );
  const updateViews: ActionUpdateView[] = await Promise.all(
    updateRows.map(async (update) => ({
      ...update,
      evidenceResult: update.evidenceIndicator ? await options.indicators.resultFor(update.evidenceIndicator, tx) : null,
    })),
  );
  const findingRows = await repo.findingsOf(tx, id);
  const findingViews = await Promise.all(
    findingRows.map(async (finding) => ({
      ...finding,
      evidenceResults: await Promise.all(finding.evidence.map(async (link) => ({ link, result: await options.indicators.resultFor(link, tx) }))),
    })),
  );
  return {
    evaluation,
    findings: findingViews,
    recommendations: recommendationRows.map((recommendation) => ({
      ...recommendation,
      actions: actionRows
        .filter((a) => a.recommendationId === recommendation.id)
        .map((action) => ({
          ...action,
          overdue: isOverdue(action, today),
          updates: updateViews.filter((u) => u.actionId === action.id),
        })),
    })),
    lessons: await repo.lessonsOf(tx, id),
  };
}

// ---------------------------------------------------------------- findings

export async function addFinding(
  tx: Tx,
  orgId: string,
  evaluationId: string,
  input: { criterion: string; text: string; evidence?: IndicatorLink[] },
): Promise<FindingRow> {
  ensureFound(await repo.findEvaluation(tx, evaluationId), 'evaluation');
  if (input.text.trim() === '') throw new EvaluationError('invalid', 'A finding needs a text', 'text');
  return repo.insertFinding(tx, orgId, {
    evaluationId,
    criterion: requireText(input.criterion, 'criterion'),
    text: input.text.trim(),
    evidence: checkIndicatorLinks(input.evidence ?? [], 'evidence'),
  });
}

export async function deleteFinding(tx: Tx, id: string): Promise<void> {
  if (!(await repo.deleteFindingRow(tx, id))) throw new EvaluationError('not_found', 'No such finding');
}

// ---------------------------------------------------------------- recommendations and responses

export type RecommendationInput = Omit<repo.RecommendationValues, 'evaluationId' | 'number' | 'responseDecision' | 'responseText' | 'responseDate'> & {
  number?: number | undefined;
};

export async function addRecommendation(tx: Tx, orgId: string, evaluationId: string, input: RecommendationInput): Promise<RecommendationRow> {
  ensureFound(await repo.findEvaluation(tx, evaluationId), 'evaluation');
  if (input.text.trim() === '') throw new EvaluationError('invalid', 'A recommendation needs a text', 'text');
  const number = input.number ?? (await repo.nextRecommendationNumber(tx, evaluationId));
  const taken = (await repo.recommendationsByNumbers(tx, evaluationId)).has(number);
  if (taken) throw new EvaluationError('conflict', `Recommendation ${number} already exists in this evaluation`, 'number');
  return repo.insertRecommendation(tx, orgId, { ...input, text: input.text.trim(), evaluationId, number });
}

export async function updateRecommendation(tx: Tx, id: string, patch: Partial<RecommendationInput>): Promise<RecommendationRow> {
  const current = ensureFound(await repo.findRecommendation(tx, id), 'recommendation');
  if (patch.number !== undefined && patch.number !== current.number) {
    if ((await repo.recommendationsByNumbers(tx, current.evaluationId)).has(patch.number)) {
      throw new EvaluationError('conflict', `Recommendation ${patch.number} already exists in this evaluation`, 'number');
    }
  }
  return ensureFound(await repo.updateRecommendationRow(tx, id, patch), 'recommendation');
}

export async function deleteRecommendation(tx: Tx, id: string): Promise<void> {
  if (!(await repo.deleteRecommendationRow(tx, id))) throw new EvaluationError('not_found', 'No such recommendation');
}

export interface ManagementResponse {
  decision: ResponseDecision;
  text: string;
  date: string;
}

export async function respondToRecommendation(tx: Tx, id: string, response: ManagementResponse): Promise<RecommendationRow> {
  const current = ensureFound(await repo.findRecommendation(tx, id), 'recommendation');
  if (response.decision === 'not_accepted') {
    const open = (await repo.actionsOf(tx, [id])).filter((a) => !SETTLED.includes(a.status));
    if (open.length > 0) {
      throw new EvaluationError('conflict', 'Settle or remove the open actions before recording that the recommendation is not accepted', 'decision');
    }
  }
  return ensureFound(
    await repo.updateRecommendationRow(tx, current.id, {
      responseDecision: response.decision,
      responseText: response.text.trim(),
      responseDate: response.date,
    }),
    'recommendation',
  );
}

// ---------------------------------------------------------------- actions and progress updates

export interface ActionInput {
  description: string;
  responsibleUnit: string;
  dueDate: string;
  status?: ActionStatus | undefined;
  completedOn?: string | undefined;
}

export async function addAction(tx: Tx, orgId: string, recommendationId: string, input: ActionInput): Promise<ActionRow> {
  const recommendation = ensureFound(await repo.findRecommendation(tx, recommendationId), 'recommendation');
  if (recommendation.responseDecision === null) {
    throw new EvaluationError('conflict', `Record the management response to recommendation ${recommendation.number} before planning actions`);
  }
  if (recommendation.responseDecision === 'not_accepted') {
    throw new EvaluationError('conflict', `Recommendation ${recommendation.number} was not accepted: it takes no actions`);
  }
  const status = input.status ?? 'not_started';
  return repo.insertAction(tx, orgId, {
    recommendationId,
    description: requireText(input.description, 'description'),
    responsibleUnit: requireText(input.responsibleUnit, 'responsibleUnit'),
    dueDate: input.dueDate,
    status,
    completedOn: completionDate(status, input.completedOn),
  });
}

function requireText(value: string, field: string): string {
  if (value.trim() === '') throw new EvaluationError('invalid', `${field} must not be empty`, field);
  return value.trim();
}

function completionDate(status: ActionStatus, completedOn: string | undefined | null): string | null {
  if (status !== 'completed') return null;
  if (!completedOn) throw new EvaluationError('invalid', 'A completed action needs its completion date', 'completedOn');
  return completedOn;
}

export async function updateAction(tx: Tx, id: string, patch: Partial<ActionInput>): Promise<ActionRow> {
  const current = ensureFound(await repo.findAction(tx, id), 'action');
  const status = patch.status ?? current.status;
  const completedOn = completionDate(status, patch.completedOn ?? current.completedOn);
  return ensureFound(await repo.updateActionRow(tx, id, { ...patch, status, completedOn }), 'action');
}

export async function deleteAction(tx: Tx, id: string): Promise<void> {
  if (!(await repo.deleteActionRow(tx, id))) throw new EvaluationError('not_found', 'No such action');
}

export interface ProgressUpdateInput {
  on: string;
  text: string;
  statusAfter: ActionStatus;
  evidenceUrl?: string | undefined;
  evidenceIndicator?: IndicatorLink | undefined;
}

/** Records progress and moves the action to `statusAfter`; a settled action takes no more updates. */
export async function addProgressUpdate(
  tx: Tx,
  orgId: string,
  actionId: string,
  input: ProgressUpdateInput,
  clock: Clock,
): Promise<{ action: ActionRow; update: ActionUpdateRow }> {
  const action = ensureFound(await repo.findAction(tx, actionId), 'action');
  if (SETTLED.includes(action.status)) {
    throw new EvaluationError('conflict', `This action is already ${action.status.replaceAll('_', ' ')}; it takes no more updates`);
  }
  if (input.on > isoDay(clock)) throw new EvaluationError('invalid', 'A progress update cannot be dated in the future', 'on');
  if (input.evidenceUrl && !/^https?:\/\//.test(input.evidenceUrl)) {
    throw new EvaluationError('invalid', 'The evidence link must start with http:// or https://', 'evidenceUrl');
  }
  const update = await repo.insertActionUpdate(tx, orgId, {
    actionId,
    on: input.on,
    text: requireText(input.text, 'text'),
    evidenceUrl: input.evidenceUrl ?? null,
    evidenceIndicator: input.evidenceIndicator ? checkIndicatorLinks([input.evidenceIndicator], 'evidenceIndicator')[0]! : null,
    statusAfter: input.statusAfter,
  });
  const moved = ensureFound(
    await repo.updateActionRow(tx, actionId, {
      status: input.statusAfter,
      completedOn: input.statusAfter === 'completed' ? input.on : null,
    }),
    'action',
  );
  return { action: moved, update };
}

// ---------------------------------------------------------------- lessons learned and good practices

export type LessonInput = Omit<LessonValues, 'published' | 'publishedAt'> & { published?: boolean | undefined };

export async function addLesson(tx: Tx, orgId: string, input: LessonInput, clock: Clock): Promise<LessonRow> {
  if (input.evaluationId) ensureFound(await repo.findEvaluation(tx, input.evaluationId), 'evaluation');
  const published = input.published ?? false;
  return repo.insertLesson(tx, orgId, {
    ...input,
    title: requireText(input.title, 'title'),
    text: requireText(input.text, 'text'),
    published,
    publishedAt: published ? clock() : null,
  });
}

export async function updateLesson(tx: Tx, id: string, patch: Partial<LessonInput>, clock: Clock): Promise<LessonRow> {
  const current = ensureFound(await repo.findLesson(tx, id), 'lesson');
  const texts = {
    ...(patch.title === undefined ? {} : { title: requireText(patch.title, 'title') }),
    ...(patch.text === undefined ? {} : { text: requireText(patch.text, 'text') }),
  };
  // Publishing again keeps the first publication date.
  const publication =
    patch.published === undefined || patch.published === current.published ? {} : { published: patch.published, publishedAt: patch.published ? clock() : null };
  const { published: _published, ...rest } = patch;
  return ensureFound(await repo.updateLessonRow(tx, id, { ...rest, ...texts, ...publication }), 'lesson');
}

export const findLesson = async (tx: Tx, id: string): Promise<LessonRow> => ensureFound(await repo.findLesson(tx, id), 'lesson');

export async function deleteLesson(tx: Tx, id: string): Promise<void> {
  if (!(await repo.deleteLessonRow(tx, id))) throw new EvaluationError('not_found', 'No such lesson');
}

export interface LessonSearchResult {
  hits: LessonHit[];
  facets: repo.LessonFacets;
}

/** The organisation's own library (tenant transaction) or the public catalogue (public transaction). */
export async function searchLessons(tx: Tx, query: LessonQuery, options: { publicView: boolean }): Promise<LessonSearchResult> {
  return { hits: await repo.searchLessonRows(tx, query, options), facets: await repo.lessonFacetRows(tx, query, options) };
}

// ---------------------------------------------------------------- follow-up dashboard

export const DEFAULT_RECURRENCE_THRESHOLD = 0.3;

export interface FollowUpDashboard {
  today: string;
  recommendationsByResponse: Array<{ decision: ResponseDecision | null; count: number }>;
  actionsByStatus: repo.ActionStatusCount[];
  completedOnTimeRate: number | null;
  overdueByUnit: Array<{ unit: string; actions: repo.OverdueActionRow[] }>;
  recurring: repo.RecurrencePairRow[];
  units: string[];
}

export async function followUpDashboard(
  tx: Tx,
  filter: repo.FollowUpFilter,
  options: { clock: Clock; recurrenceThreshold?: number },
): Promise<FollowUpDashboard> {
  const today = isoDay(options.clock);
  const actionsByStatus = await repo.countActionsByStatus(tx, filter, today);
  const completed = actionsByStatus.find((row) => row.status === 'completed');
  const overdue = await repo.overdueActionRows(tx, filter, today);
  return {
    today,
    recommendationsByResponse: await repo.countRecommendationsByResponse(tx, filter),
    actionsByStatus,
    completedOnTimeRate: completed && completed.count > 0 ? completed.completedOnTime / completed.count : null,
    overdueByUnit: groupByUnit(overdue),
    recurring: await repo.recurringRecommendationPairs(tx, options.recurrenceThreshold ?? DEFAULT_RECURRENCE_THRESHOLD, filter),
    units: await repo.responsibleUnits(tx),
  };
}

/** Actions not done whose due date has passed, most overdue first (the home page's to-do list). */
export async function overdueActions(tx: Tx, clock: Clock): Promise<repo.OverdueActionRow[]> {
  const overdue = await repo.overdueActionRows(tx, {}, isoDay(clock));
  return overdue.sort((a, b) => b.daysOverdue - a.daysOverdue);
}

function groupByUnit(overdue: repo.OverdueActionRow[]): FollowUpDashboard['overdueByUnit'] {
  const byUnit = new Map<string, repo.OverdueActionRow[]>();
  for (const action of overdue) byUnit.set(action.responsibleUnit, [...(byUnit.get(action.responsibleUnit) ?? []), action]);
  return [...byUnit].map(([unit, list]) => ({ unit, actions: list }));
}

// ---------------------------------------------------------------- the parts of an evaluation record (pages edit them one by one)

const MAX_LIST_ENTRIES = 100;

function checkIndicatorLinks(links: IndicatorLink[], field: string): IndicatorLink[] {
  return links.map((link, index) => {
    const indicatorKey = link.indicatorKey.trim();
    const period = link.period.trim();
    if (indicatorKey === '') throw new EvaluationError('invalid', `Evidence ${index + 1}: the indicator key must not be empty`, `${field}/${index}/indicatorKey`);
    if (period === '') throw new EvaluationError('invalid', `Evidence ${index + 1}: the period must not be empty`, `${field}/${index}/period`);
    return { indicatorKey, period, filters: link.filters };
  });
}

export async function updateFinding(tx: Tx, id: string, input: { criterion: string; text: string; evidence: IndicatorLink[] }): Promise<FindingRow> {
  return ensureFound(
    await repo.updateFindingRow(tx, id, {
      criterion: requireText(input.criterion, 'criterion'),
      text: requireText(input.text, 'text'),
      evidence: checkIndicatorLinks(input.evidence, 'evidence'),
    }),
    'finding',
  );
}

/** Adds a row to the evaluation questions matrix. */
export async function addQuestion(tx: Tx, evaluationId: string, input: EvaluationQuestion): Promise<EvaluationRow> {
  const evaluation = ensureFound(await repo.findEvaluation(tx, evaluationId), 'evaluation');
  const unknownMethod = input.methods.find((m) => !(dataSourceMethods as readonly string[]).includes(m));
  if (unknownMethod !== undefined) throw new EvaluationError('invalid', `Unknown method: ${unknownMethod}`, 'methods');
  const question: EvaluationQuestion = {
    criterion: requireText(input.criterion, 'criterion'),
    question: requireText(input.question, 'question'),
    subQuestions: input.subQuestions.map((s) => s.trim()).filter((s) => s !== ''),
    methods: input.methods,
    dataSources: input.dataSources.map((s) => s.trim()).filter((s) => s !== ''),
  };
  if (evaluation.questions.length >= 200) throw new EvaluationError('invalid', 'An evaluation holds at most 200 questions', 'question');
  return updateEvaluation(tx, evaluationId, { questions: [...evaluation.questions, question] });
}

export async function addSampleRow(tx: Tx, evaluationId: string, input: SampleRow): Promise<EvaluationRow> {
  const evaluation = ensureFound(await repo.findEvaluation(tx, evaluationId), 'evaluation');
  const row: SampleRow = {
    tool: requireText(input.tool, 'tool'),
    targetGroup: requireText(input.targetGroup, 'targetGroup'),
    targetSample: input.targetSample,
    actualSample: input.actualSample,
  };
  if (!Number.isInteger(row.targetSample) || row.targetSample < 0) throw new EvaluationError('invalid', 'The target sample must be a whole number', 'targetSample');
  if (row.actualSample !== null && (!Number.isInteger(row.actualSample) || row.actualSample < 0)) {
    throw new EvaluationError('invalid', 'The actual sample must be a whole number', 'actualSample');
  }
  if (evaluation.sample.length >= 100) throw new EvaluationError('invalid', 'A sample table holds at most 100 rows', 'tool');
  return updateEvaluation(tx, evaluationId, { sample: [...evaluation.sample, row] });
}

/**
 * Links a document: an http(s) address, or the name of a file kept elsewhere (for example
 * "final-report.pdf" on the shared drive). Anything else that looks like an address is refused.
 */
export async function addDocument(tx: Tx, evaluationId: string, input: LinkedDocument): Promise<EvaluationRow> {
  const evaluation = ensureFound(await repo.findEvaluation(tx, evaluationId), 'evaluation');
  const url = requireText(input.url, 'url');
  const isAddress = /^[a-z][a-z0-9+.-]*:/i.test(url);
  if (isAddress && !/^https?:\/\/[^\s]+$/i.test(url)) {
    throw new EvaluationError('invalid', 'A link must start with http:// or https://; otherwise give a file name', 'url');
  }
  if (!isAddress && /[/\\<>]/.test(url)) throw new EvaluationError('invalid', 'A file name must not contain / \\ < or >', 'url');
  if (evaluation.documents.length >= 100) throw new EvaluationError('invalid', 'An evaluation links at most 100 documents', 'url');
  const label = input.label.trim() === '' ? url : input.label.trim();
  return updateEvaluation(tx, evaluationId, { documents: [...evaluation.documents, { label, url }] });
}

export type EvaluationPart = 'questions' | 'sample' | 'documents';

/** Removes one row (by position) of the questions matrix, the sample table or the linked documents. */
export async function removePart(tx: Tx, evaluationId: string, part: EvaluationPart, index: number): Promise<EvaluationRow> {
  const evaluation = ensureFound(await repo.findEvaluation(tx, evaluationId), 'evaluation');
  const list: unknown[] = evaluation[part];
  if (!Number.isInteger(index) || index < 0 || index >= list.length) throw new EvaluationError('not_found', `No such row in ${part}`, 'index');
  return updateEvaluation(tx, evaluationId, { [part]: list.filter((_, i) => i !== index) });
}

// ---------------------------------------------------------------- editable lists

export type Vocabulary = Record<VocabularyList, string[]>;
const DEFAULT_VOCABULARY: Vocabulary = { criterion: [...defaultCriteria], level: [...defaultLevels], addressee: [...defaultAddressees] };

/** The organisation's lists, or the defaults for a list it has not edited. */
export async function vocabulary(tx: Tx): Promise<Vocabulary> {
  const result = { ...DEFAULT_VOCABULARY };
  for (const list of vocabularyLists) {
    const own = await repo.vocabularyOf(tx, list);
    if (own.length > 0) result[list] = own;
  }
  return result;
}

/** Replaces a list (duplicates and blank entries dropped); an empty list goes back to the defaults. */
export async function setVocabulary(tx: Tx, orgId: string, list: VocabularyList, values: string[]): Promise<string[]> {
  const cleaned = [...new Set(values.map((v) => v.trim()).filter((v) => v !== ''))];
  if (cleaned.length > MAX_LIST_ENTRIES) throw new EvaluationError('invalid', `A list holds at most ${MAX_LIST_ENTRIES} entries`, list);
  const tooLong = cleaned.find((v) => v.length > 200);
  if (tooLong !== undefined) throw new EvaluationError('invalid', `An entry is longer than 200 characters: ${tooLong.slice(0, 40)}…`, list);
  await repo.replaceVocabulary(tx, orgId, list, cleaned);
  return cleaned.length > 0 ? cleaned : DEFAULT_VOCABULARY[list];
}
