// Answers against a version: coercion of submitted values, relevance, constraints, required,
// calculations, knowledge scores, and the flat rows kept for analytics. Pure functions: the
// service decides when to enforce what (a page, a partial save, a final submit).
import { holds, compute, toNumber, toText, type EvaluationContext } from '../instruments/expressions/evaluate.ts';
import { MAX_REPEAT_ITEMS, type AnswerSet, type AnswerValue, type Choice, type InstrumentDefinition, type Page, type Question, type Repeat, type RepeatItem, type ResponseData } from '../instruments/model.ts';

export type IssueCode =
  | 'required'
  | 'constraint'
  | 'not_a_choice'
  | 'not_an_integer'
  | 'not_a_number'
  | 'out_of_range'
  | 'not_a_date'
  | 'too_long'
  | 'unknown_question'
  | 'unknown_resource_person'
  | 'too_many_items';

export interface AnswerIssue {
  /** Question key (matrix rows: `matrix/row`). */
  key: string;
  /** 0, or 1..n within a repeat block (for `too_many_items`, `key` is the repeat's key and this is 0). */
  itemIndex: number;
  code: IssueCode;
  /** The form's own constraint message, when it has one. */
  constraintMessage?: Question['constraintMessage'];
}

export interface ValidationOptions {
  /** Enforce `required` (final submit, or leaving a page). */
  enforceRequired: boolean;
  /** Only these pages (by key); all when absent. */
  pages?: ReadonlySet<string>;
  resourcePersonIds: readonly string[];
  today?: string;
}

const TEXT_LIMIT = { short: 2_000, long: 20_000 };

/** Input keys of a question: one per matrix row, none for notes and calculations. */
export function inputKeys(question: Question): string[] {
  if (question.type === 'matrix') return question.rows.map((row) => `${question.key}/${row.key}`);
  if (question.type === 'note' || question.type === 'calculate') return [];
  return [question.key];
}

/** Turns a submitted value (JSON or form field) into the stored value, or an issue code; undefined = no answer. */
export function coerce(question: Question, raw: unknown): { value: AnswerValue | undefined } | { issue: IssueCode } {
  const list = Array.isArray(raw) ? raw.map(String).filter((v) => v !== '') : undefined;
  const text = raw === undefined || raw === null ? '' : Array.isArray(raw) ? (raw.length > 0 ? String(raw[0]) : '') : String(raw).trim();
  switch (question.type) {
    case 'single_choice':
    case 'scale':
    case 'matrix':
      if (text === '') return { value: undefined };
      return question.choices.some((c) => c.code === text) ? { value: text } : { issue: 'not_a_choice' };
    case 'multiple_choice':
      return coerceCodes(question.choices, list ?? (text === '' ? [] : text.split(/\s+/)));
    case 'knowledge':
      if (question.multiple) return coerceCodes(question.choices, list ?? (text === '' ? [] : text.split(/\s+/)));
      if (text === '') return { value: undefined };
      return question.choices.some((c) => c.code === text) ? { value: text } : { issue: 'not_a_choice' };
    case 'rating':
      return coerceNumber(text, true, 1, question.max);
    case 'integer':
      return coerceNumber(text, true, question.min, question.max);
    case 'decimal':
      return coerceNumber(text, false, question.min, question.max);
    case 'date':
      if (text === '') return { value: undefined };
      return isIsoDate(text) ? { value: text } : { issue: 'not_a_date' };
    case 'text':
      if (text === '') return { value: undefined };
      return text.length > (question.long ? TEXT_LIMIT.long : TEXT_LIMIT.short) ? { issue: 'too_long' } : { value: text };
    case 'note':
    case 'calculate':
      return { value: undefined };
  }
}

function coerceCodes(choices: Array<{ code: string }>, codes: string[]): { value: string[] | undefined } | { issue: IssueCode } {
  const unique = [...new Set(codes)];
  if (unique.length === 0) return { value: undefined };
  return unique.every((code) => choices.some((c) => c.code === code)) ? { value: unique } : { issue: 'not_a_choice' };
}

function coerceNumber(text: string, integer: boolean, min?: number, max?: number): { value: number | undefined } | { issue: IssueCode } {
  if (text === '') return { value: undefined };
  const value = Number(text);
  if (!Number.isFinite(value)) return { issue: 'not_a_number' };
  if (integer && !Number.isInteger(value)) return { issue: 'not_an_integer' };
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) return { issue: 'out_of_range' };
  return { value };
}

function isIsoDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text);
}

/** Questions outside repeat blocks by input key, per definition (built once: imports validate millions of rows). */
const questionIndex = new WeakMap<InstrumentDefinition, { topLevel: Map<string, Question> }>();

function questionsOf(definition: InstrumentDefinition): { topLevel: Map<string, Question> } {
  let index = questionIndex.get(definition);
  if (!index) {
    const topLevel = new Map<string, Question>();
    for (const page of definition.pages) {
      if (page.kind !== 'group') continue; // repeat blocks' questions are answered per item
      for (const q of page.questions) for (const key of inputKeys(q)) topLevel.set(key, q);
    }
    index = { topLevel };
    questionIndex.set(definition, index);
  }
  return index;
}

export interface ValidationResult {
  /** What may be stored: coerced, relevant answers and calculations. Invalid values are left out. */
  data: ResponseData;
  issues: AnswerIssue[];
}

/**
 * Validates `submitted` against `definition`. Previously stored answers (`stored`) fill in what
 * the submission does not mention, so that saving one page never loses another.
 */
/** Repeat items as submitted: per resource person (`resourcePersonId`), or in order for a repeat the respondent fills. */
export type SubmittedRepeats = Record<string, Array<{ resourcePersonId?: string; answers: Record<string, unknown> }>>;

/**
 * Validates `submitted` against `definition`. Previously stored answers (`stored`) fill in what
 * the submission does not mention, so that saving one page never loses another. The items of a
 * repeat the respondent fills are replaced as a whole when the submission names that repeat.
 */
export function validateResponse(
  definition: InstrumentDefinition,
  submitted: { answers?: Record<string, unknown>; repeats?: SubmittedRepeats },
  stored: ResponseData | undefined,
  options: ValidationOptions,
): ValidationResult {
  const issues: AnswerIssue[] = [];
  const { topLevel } = questionsOf(definition);
  const top: AnswerSet = { ...stored?.answers };
  for (const [key, raw] of Object.entries(submitted.answers ?? {})) {
    const question = topLevel.get(key);
    if (!question) {
      issues.push({ key, itemIndex: 0, code: 'unknown_question' });
      continue;
    }
    applyCoerced(top, key, question, raw, 0, issues);
  }
  const repeats: NonNullable<ResponseData['repeats']> = {};
  for (const page of definition.pages) {
    if (page.kind === 'repeat') {
      const items = filledItems(page, submitted.repeats?.[page.key], stored?.repeats?.[page.key], issues);
      if (items) repeats[page.key] = items;
      continue;
    }
    if (page.kind !== 'resource_person_repeat') continue;
    const previous = stored?.repeats?.[page.key] ?? [];
    const incoming = submitted.repeats?.[page.key];
    repeats[page.key] = options.resourcePersonIds.map((resourcePersonId) => {
      const answers: AnswerSet = { ...previous.find((item) => item.resourcePersonId === resourcePersonId)?.answers };
      const itemIndex = options.resourcePersonIds.indexOf(resourcePersonId) + 1;
      for (const [key, raw] of Object.entries(incoming?.find((item) => item.resourcePersonId === resourcePersonId)?.answers ?? {})) {
        const question = page.questions.find((q) => inputKeys(q).includes(key));
        if (!question) issues.push({ key, itemIndex, code: 'unknown_question' });
        else applyCoerced(answers, key, question, raw, itemIndex, issues);
      }
      return { resourcePersonId, answers };
    });
    for (const item of incoming ?? []) {
      if (item.resourcePersonId === undefined || !options.resourcePersonIds.includes(item.resourcePersonId)) issues.push({ key: page.key, itemIndex: 0, code: 'unknown_resource_person' });
    }
  }
  const data: ResponseData = Object.keys(repeats).length > 0 ? { answers: top, repeats } : { answers: top };
  applyRelevanceAndRules(definition, data, options, issues);
  return { data, issues };
}

/** The items of a repeat the respondent fills: the submitted ones in order, else the stored ones; undefined when neither. */
function filledItems(
  page: Repeat,
  incoming: SubmittedRepeats[string] | undefined,
  previous: RepeatItem[] | undefined,
  issues: AnswerIssue[],
): Array<{ answers: AnswerSet }> | undefined {
  if (incoming === undefined) return previous?.map((item) => ({ answers: { ...item.answers } }));
  if (incoming.length > MAX_REPEAT_ITEMS) issues.push({ key: page.key, itemIndex: 0, code: 'too_many_items' });
  return incoming.slice(0, MAX_REPEAT_ITEMS).map((item, index) => {
    const answers: AnswerSet = {};
    for (const [key, raw] of Object.entries(item.answers ?? {})) {
      const question = page.questions.find((q) => inputKeys(q).includes(key));
      if (!question) issues.push({ key, itemIndex: index + 1, code: 'unknown_question' });
      else applyCoerced(answers, key, question, raw, index + 1, issues);
    }
    return { answers };
  });
}

/** The number of items a repeat_count asks for (0 to MAX_REPEAT_ITEMS), or undefined when the respondent decides. */
export function repeatCount(page: Repeat, answers: AnswerSet, today?: string): number | undefined {
  if (page.count === undefined) return undefined;
  const value = toNumber(compute(page.count, contextFor(answers, undefined, today)));
  return Number.isFinite(value) ? Math.max(0, Math.min(MAX_REPEAT_ITEMS, Math.trunc(value))) : 0;
}

/** Whether a choice passes its question's choice_filter, given the answers (bare names read the choice's columns). */
export function choicePasses(filter: string | undefined, choice: Choice, ctx: EvaluationContext): boolean {
  if (filter === undefined) return true;
  return holds(filter, { ...ctx, choice: (column) => (column === 'name' ? choice.code : choice.columns?.[column]) });
}

function applyCoerced(target: AnswerSet, key: string, question: Question, raw: unknown, itemIndex: number, issues: AnswerIssue[]): void {
  const result = coerce(question, raw);
  if ('issue' in result) issues.push({ key, itemIndex, code: result.issue });
  else if (result.value === undefined) delete target[key];
  else target[key] = result.value;
}

function contextFor(answers: AnswerSet, outer: AnswerSet | undefined, today: string | undefined, self?: AnswerValue): EvaluationContext {
  return { value: (name) => answers[name] ?? outer?.[name], self, today };
}

// Walks the pages in order: drops answers to questions that are not relevant (XLSForm semantics),
// computes calculations, checks constraints and (when asked) required answers.
function applyRelevanceAndRules(definition: InstrumentDefinition, data: ResponseData, options: ValidationOptions, issues: AnswerIssue[]): void {
  for (const page of definition.pages) {
    const checked = !options.pages || options.pages.has(page.key);
    if (page.kind === 'group') {
      checkQuestions(page, page.questions, data.answers, undefined, 0, checked, options, issues);
    } else if (page.kind === 'repeat') {
      const count = repeatCount(page, data.answers, options.today);
      let items = data.repeats?.[page.key];
      if (count !== undefined) {
        items = Array.from({ length: count }, (_, index) => items?.[index] ?? { answers: {} });
        data.repeats = { ...data.repeats, [page.key]: items };
      }
      items?.forEach((item, index) => checkQuestions(page, page.questions, item.answers, data.answers, index + 1, checked, options, issues));
    } else {
      const items = data.repeats?.[page.key] ?? [];
      items.forEach((item, index) => checkQuestions(page, page.questions, item.answers, data.answers, index + 1, checked, options, issues));
    }
  }
}

function checkQuestions(
  page: Page,
  questions: Question[],
  answers: AnswerSet,
  outer: AnswerSet | undefined,
  itemIndex: number,
  checked: boolean,
  options: ValidationOptions,
  issues: AnswerIssue[],
): void {
  const pageRelevant = holds(page.relevant, contextFor(answers, outer, options.today));
  for (const question of questions) {
    const relevant = pageRelevant && holds(question.relevant, contextFor(answers, outer, options.today));
    const keys = inputKeys(question);
    if (!relevant) {
      for (const key of [...keys, question.key]) delete answers[key];
      continue;
    }
    if (question.type === 'calculate') {
      const value = compute(question.calculation, contextFor(answers, outer, options.today));
      if (typeof value === 'number' ? Number.isFinite(value) : toText(value) !== '') answers[question.key] = typeof value === 'boolean' ? String(value) : value;
      else delete answers[question.key];
      continue;
    }
    if (!checked) continue;
    for (const key of keys) {
      const value = answers[key];
      if (value === undefined) {
        const reported = issues.some((issue) => issue.key === key && issue.itemIndex === itemIndex);
        if (question.required && options.enforceRequired && !reported) issues.push({ key, itemIndex, code: 'required' });
        continue;
      }
      if ((question.type === 'single_choice' || question.type === 'multiple_choice') && question.choiceFilter !== undefined) {
        const ctx = contextFor(answers, outer, options.today);
        const offered = new Set(question.choices.filter((choice) => choicePasses(question.choiceFilter, choice, ctx)).map((choice) => choice.code));
        if (![value].flat().every((code) => offered.has(String(code)))) {
          issues.push({ key, itemIndex, code: 'not_a_choice' });
          delete answers[key];
          continue;
        }
      }
      if (question.constraint && !holds(question.constraint, contextFor(answers, outer, options.today, value))) {
        issues.push({ key, itemIndex, code: 'constraint', constraintMessage: question.constraintMessage });
        delete answers[key];
      }
    }
  }
}

/** Knowledge score of a response: points earned and available (null when the version has no knowledge items). */
export function knowledgeScore(definition: InstrumentDefinition, data: ResponseData): { score: number; maxScore: number } | null {
  let score = 0;
  let maxScore = 0;
  for (const page of definition.pages) {
    if (page.kind !== 'group') continue;
    for (const q of page.questions) {
      if (q.type !== 'knowledge') continue;
      maxScore += q.points;
      if (isCorrect(q, data.answers[q.key])) score += q.points;
    }
  }
  return maxScore === 0 ? null : { score, maxScore };
}

function isCorrect(question: Extract<Question, { type: 'knowledge' }>, value: AnswerValue | undefined): boolean {
  if (value === undefined) return false;
  const given = [value].flat().map(String).sort();
  const correct = [...question.correct].sort();
  return given.length === correct.length && given.every((code, i) => code === correct[i]);
}

export interface AnswerRow {
  position: number;
  questionKey: string;
  itemIndex: number;
  resourcePersonId: string | null;
  choiceCode: string | null;
  numericValue: number | null;
  textValue: string | null;
}

/** The flat analytics rows of a response (one per selected choice for multiple choice). */
export function answerRows(definition: InstrumentDefinition, data: ResponseData): AnswerRow[] {
  const rows: AnswerRow[] = [];
  const push = (row: Omit<AnswerRow, 'position'>) => rows.push({ position: rows.length, ...row });
  const emit = (questions: Question[], answers: AnswerSet, itemIndex: number, resourcePersonId: string | null) => {
    for (const question of questions) {
      const keys = question.type === 'calculate' ? [question.key] : inputKeys(question);
      for (const questionKey of keys) {
        const value = answers[questionKey];
        if (value === undefined) continue;
        const base = { questionKey, itemIndex, resourcePersonId };
        for (const row of rowsOf(question, value)) push({ ...base, ...row });
      }
    }
  };
  for (const page of definition.pages) {
    if (page.kind === 'group') emit(page.questions, data.answers, 0, null);
    else data.repeats?.[page.key]?.forEach((item, index) => emit(page.questions, item.answers, index + 1, item.resourcePersonId ?? null));
  }
  return rows;
}

type RowValues = Pick<AnswerRow, 'choiceCode' | 'numericValue' | 'textValue'>;

function rowsOf(question: Question, value: AnswerValue): RowValues[] {
  const none = { choiceCode: null, numericValue: null, textValue: null };
  switch (question.type) {
    case 'multiple_choice':
      return [value].flat().map((code) => ({ ...none, choiceCode: String(code) }));
    case 'knowledge': {
      const earned = isCorrect(question, value) ? question.points : 0;
      // Points go on the first row only, so that sum(numeric_value) per response is the score.
      return [value].flat().map((code, i) => ({ ...none, choiceCode: String(code), numericValue: i === 0 ? earned : null }));
    }
    case 'scale':
    case 'matrix':
      return [{ ...none, choiceCode: String(value), numericValue: question.choices.findIndex((c) => c.code === value) + 1 }];
    case 'single_choice':
      return [{ ...none, choiceCode: String(value) }];
    case 'rating':
    case 'integer':
    case 'decimal':
      return [{ ...none, numericValue: Number(value) }];
    case 'calculate':
      return typeof value === 'number' ? [{ ...none, numericValue: value }] : [{ ...none, textValue: String(value) }];
    case 'date':
    case 'text':
      return [{ ...none, textValue: String(value) }];
    case 'note':
      return [];
  }
}
