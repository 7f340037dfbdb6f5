// The guided entry form of an evaluation summary: its flat form fields, read into the service's
// inputs (quick facts, criteria, recommendations to several addressees, lessons, good practices).
import { contentLanguages, defaultLevels, evaluationKinds, evaluationModes, priorities, type ContentLanguage } from './schema.ts';
import type { EvaluationInput, LessonInput, RecommendationInput } from './service.ts';

export const GUIDED_RECOMMENDATION_ROWS = 5;
export const GUIDED_LESSON_ROWS = 3;
export const GUIDED_PRACTICE_ROWS = 2;

/** Form values as posted, one string per field (checkbox lists joined with commas). */
export type GuidedFormValues = Record<string, string>;

export interface GuidedEntry {
  evaluation: EvaluationInput;
  recommendations: RecommendationInput[];
  lessons: Array<Omit<LessonInput, 'evaluationId'>>;
}

export type GuidedResult = { ok: true; entry: GuidedEntry } | { ok: false; errors: Array<{ field: string; message: string }> };

export function formValues(body: Record<string, string | string[] | undefined>): GuidedFormValues {
  return Object.fromEntries(
    Object.entries(body)
      .filter(([key]) => key !== '_csrf')
      .map(([key, value]) => [key, Array.isArray(value) ? value.join(',') : (value ?? '').trim()]),
  );
}

/** What a blank form starts with: the four core criteria, project-level recommendations of medium priority. */
export function initialGuidedValues(): GuidedFormValues {
  const values: GuidedFormValues = { criteria: 'relevance,effectiveness,efficiency,sustainability', mode: 'independent', kind: 'project_final' };
  for (let n = 1; n <= GUIDED_RECOMMENDATION_ROWS; n++) {
    values[`rec${n}_level`] = 'project';
    values[`rec${n}_priority`] = 'medium';
  }
  return values;
}

const splitList = (value: string | undefined) =>
  (value ?? '')
    .split(/[;,]/)
    .map((part) => part.trim())
    .filter((part) => part !== '');

const oneOf = <T extends string>(allowed: readonly T[], value: string | undefined, fallback: T): T =>
  (allowed as readonly string[]).includes(value ?? '') ? (value as T) : fallback;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** `levels`: the organisation's recommendation levels (its editable list). */
export function readGuidedForm(values: GuidedFormValues, levels: readonly string[] = defaultLevels): GuidedResult {
  const errors: Array<{ field: string; message: string }> = [];
  const date = (field: string) => {
    const value = values[field] ?? '';
    if (value === '') return null;
    if (!DATE.test(value)) errors.push({ field, message: `${field}: YYYY-MM-DD` });
    return value;
  };
  const title = values.title ?? '';
  if (title === '') errors.push({ field: 'title', message: 'title: required' });
  const budget = (values.budgetAmount ?? '').replace(/[\s,]/g, '');
  if (budget !== '' && !/^\d{1,14}(\.\d{1,2})?$/.test(budget)) errors.push({ field: 'budgetAmount', message: 'budgetAmount: a number such as 2199813' });
  const evaluation: EvaluationInput = {
    title,
    mode: oneOf(evaluationModes, values.mode, 'independent'),
    kind: oneOf(evaluationKinds, values.kind, 'project_final'),
    status: 'completed',
    countries: splitList(values.countries),
    endDate: date('endDate'),
    technicalArea: values.technicalArea ?? '',
    commissioningUnit: values.commissioningUnit ?? '',
    evaluators: splitList(values.evaluators),
    projectStart: date('projectStart'),
    projectEnd: date('projectEnd'),
    projectCode: values.projectCode ?? '',
    donor: values.donor ?? '',
    budgetAmount: budget === '' ? null : budget,
    budgetCurrency: values.budgetCurrency ?? '',
    keywords: splitList(values.keywords),
    criteria: splitList(values.criteria),
    summary: values.summary ?? '',
    limitations: values.limitations ?? '',
  };
  const recommendations: RecommendationInput[] = [];
  for (let n = 1; n <= GUIDED_RECOMMENDATION_ROWS; n++) {
    const text = values[`rec${n}_text`] ?? '';
    if (text === '') continue;
    recommendations.push({
      text,
      addressees: splitList(values[`rec${n}_addressees`]),
      level: oneOf(levels, values[`rec${n}_level`], levels.includes('project') ? 'project' : (levels[0] ?? '')),
      priority: oneOf(priorities, values[`rec${n}_priority`], 'medium'),
    });
  }
  const language: ContentLanguage = oneOf(contentLanguages, values.lessonLanguage, 'en');
  const published = values.publishLessons === 'yes';
  const lessons: GuidedEntry['lessons'] = [];
  const collect = (prefix: string, count: number, kind: LessonInput['kind']) => {
    for (let n = 1; n <= count; n++) {
      const lessonTitle = values[`${prefix}${n}_title`] ?? '';
      const text = values[`${prefix}${n}_text`] ?? '';
      if (lessonTitle === '' && text === '') continue;
      if (text === '') errors.push({ field: `${prefix}${n}_text`, message: `${prefix}${n}_text: required with a title` });
      lessons.push({
        kind,
        language,
        published,
        title: lessonTitle || text.slice(0, 80),
        text,
        themes: evaluation.keywords ?? [],
        countries: evaluation.countries ?? [],
      });
    }
  };
  collect('lesson', GUIDED_LESSON_ROWS, 'lesson_learned');
  collect('practice', GUIDED_PRACTICE_ROWS, 'good_practice');
  if (evaluation.endDate && evaluation.startDate && evaluation.endDate < evaluation.startDate) errors.push({ field: 'endDate', message: 'endDate' });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, entry: { evaluation, recommendations, lessons } };
}
