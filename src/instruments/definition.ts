// Structural checks of a definition before it is stored or published: unique keys, known
// choices, expressions that parse, use only supported functions and name existing questions.
import { checkExpression, parseExpression, ExpressionError, referencedNames } from './expressions/evaluate.ts';
import { purposes, type InstrumentDefinition, type Page, type Question } from './model.ts';

export const questionTypes = [
  'single_choice', 'multiple_choice', 'scale', 'rating', 'integer', 'decimal', 'date', 'text', 'note', 'knowledge', 'matrix', 'calculate',
] as const satisfies ReadonlyArray<Question['type']>;

export { purposes };

/** One problem of a definition, located (page, question, field) so that a form can show it next to the field. */
export interface DefinitionIssue {
  pageKey?: string;
  questionKey?: string;
  /** key, choices, correct, max, calculation, relevant, constraint, pages, questions, type */
  field: string;
  message: string;
}

/** Problems with a definition, each naming the page or question; empty when it can be published. */
export function definitionProblems(definition: InstrumentDefinition): string[] {
  return definitionIssues(definition).map(describeIssue);
}

export function describeIssue(issue: DefinitionIssue): string {
  if (issue.questionKey !== undefined) return `question "${issue.questionKey}": ${issue.message}`;
  if (issue.pageKey !== undefined) return `page "${issue.pageKey}": ${issue.message}`;
  return issue.message;
}

export function definitionIssues(definition: InstrumentDefinition): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  if (!Array.isArray(definition.pages) || definition.pages.length === 0) return [{ field: 'pages', message: 'the instrument has no pages' }];
  const keys = new Set<string>();
  const names = new Set<string>();
  /** Question key → the repeat it is in; such a question can be named only from within that repeat. */
  const repeatOf = new Map<string, string>();
  for (const page of definition.pages) {
    for (const q of page.questions ?? []) {
      names.add(q.key);
      if (isRepeat(page)) repeatOf.set(q.key, page.key);
    }
  }
  for (const page of definition.pages) {
    const onPage = (field: string, message: string) => issues.push({ pageKey: page.key, field, message });
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(page.key ?? '')) onPage('key', 'the key must be a name (letters, digits, _ . -)');
    if (keys.has(page.key)) onPage('key', 'the key is used twice');
    keys.add(page.key);
    const outside = (source: string | undefined) => scopeProblems(source, repeatOf, undefined);
    for (const message of [...sourceProblems(page.relevant, names), ...outside(page.relevant)]) onPage('relevant', `relevant: ${message}`);
    if (page.kind === 'repeat' && page.count !== undefined) {
      for (const message of [...sourceProblems(page.count, names), ...outside(page.count)]) onPage('count', `repeat_count: ${message}`);
    }
    if (!Array.isArray(page.questions)) {
      onPage('questions', 'no questions');
      continue;
    }
    for (const question of page.questions) {
      const sources: Array<[string, string | undefined]> = [
        ['relevant', question.relevant],
        ['constraint', question.constraint],
        ['calculation', question.type === 'calculate' ? question.calculation : undefined],
        ['choiceFilter', 'choiceFilter' in question ? question.choiceFilter : undefined],
      ];
      const scoped = sources.flatMap(([field, source]) =>
        scopeProblems(source, repeatOf, isRepeat(page) ? page.key : undefined).map((message) => ({ field, message: `${field === 'choiceFilter' ? 'choice_filter' : field}: ${message}` })),
      );
      issues.push(...[...questionIssues(question, names), ...scoped].map((issue) => ({ ...issue, pageKey: page.key, questionKey: question.key })));
      if (keys.has(question.key)) issues.push({ pageKey: page.key, questionKey: question.key, field: 'key', message: 'the key is used twice' });
      keys.add(question.key);
    }
  }
  return issues;
}

function questionIssues(question: Question, names: Set<string>): Array<{ field: string; message: string }> {
  const issues: Array<{ field: string; message: string }> = [];
  const add = (field: string, message: string) => issues.push({ field, message });
  if (!(questionTypes as readonly string[]).includes(question.type)) return [{ field: 'type', message: `unknown type "${(question as { type: string }).type}"` }];
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(question.key ?? '')) add('key', 'the key must be a name (letters, digits, _ . -)');
  if ('choices' in question) {
    if (!Array.isArray(question.choices) || question.choices.length === 0) add('choices', 'no choices');
    else {
      const codes = question.choices.map((c) => c.code);
      const duplicate = codes.find((code, i) => codes.indexOf(code) !== i);
      // A filtered list may repeat a code under other columns (XLSForm allow_choice_duplicates).
      const filtered = 'choiceFilter' in question && question.choiceFilter !== undefined;
      if (duplicate !== undefined && !filtered) add('choices', `choice code "${duplicate}" is used twice`);
      if (codes.some((code) => typeof code !== 'string' || code === '')) add('choices', 'a choice has no code');
    }
  }
  if (question.type === 'matrix') {
    const rowKeys = question.rows.map((r) => r.key);
    if (rowKeys.length === 0) add('rows', 'no rows');
    const duplicate = rowKeys.find((key, i) => rowKeys.indexOf(key) !== i);
    if (duplicate !== undefined) add('rows', `row key "${duplicate}" is used twice`);
    if (rowKeys.some((key) => !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(key ?? ''))) add('rows', 'a row key must be a name (letters, digits, _ . -)');
  }
  if (question.type === 'knowledge') {
    if (question.correct.length === 0) add('correct', 'no correct answer');
    for (const code of question.correct) if (!question.choices.some((c) => c.code === code)) add('correct', `correct answer "${code}" is not a choice`);
    if (!question.multiple && question.correct.length > 1) add('correct', 'a single-choice item has one correct answer');
    if (!Number.isFinite(question.points) || question.points < 0) add('points', 'points must be a number, 0 or more');
  }
  if (question.type === 'rating' && question.max !== 5 && question.max !== 10) add('max', 'ratings are 1–5 or 1–10');
  if ((question.type === 'integer' || question.type === 'decimal') && question.min !== undefined && question.max !== undefined && question.min > question.max) add('max', 'the maximum is below the minimum');
  if (question.type === 'calculate') for (const message of sourceProblems(question.calculation, names)) add('calculation', `calculation: ${message}`);
  if ((question.type === 'single_choice' || question.type === 'multiple_choice') && question.choiceFilter !== undefined) {
    const columns = new Set(['name', ...question.choices.flatMap((c) => Object.keys(c.columns ?? {}))]);
    for (const message of sourceProblems(question.choiceFilter, names, columns)) add('choiceFilter', `choice_filter: ${message}`);
  }
  for (const message of sourceProblems(question.relevant, names)) add('relevant', `relevant: ${message}`);
  for (const message of sourceProblems(question.constraint, names)) add('constraint', `constraint: ${message}`);
  return issues;
}

function isRepeat(page: Page): boolean {
  return page.kind === 'repeat' || page.kind === 'resource_person_repeat';
}

/** References from outside a repeat (or from another repeat) to a question inside it: they would not say which item. */
function scopeProblems(source: string | undefined, repeatOf: Map<string, string>, ownRepeat: string | undefined): string[] {
  if (source === undefined || source.trim() === '') return [];
  try {
    return referencedNames(parseExpression(source))
      .filter((name) => repeatOf.has(name) && repeatOf.get(name) !== ownRepeat)
      .map((name) => `\${${name}} is inside the repeat "${repeatOf.get(name)}" and can be named only from within it`);
  } catch {
    return []; // reported by sourceProblems
  }
}

function sourceProblems(source: string | undefined, names: Set<string>, choiceColumns?: ReadonlySet<string>): string[] {
  if (source === undefined || source.trim() === '') return [];
  try {
    return checkExpression(parseExpression(source), names, choiceColumns);
  } catch (error) {
    if (error instanceof ExpressionError) return [error.message];
    throw error;
  }
}
