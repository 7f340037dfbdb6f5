// Structural checks of a definition before it is stored or published: unique keys, known
// choices, expressions that parse, use only supported functions and name existing questions.
import { checkExpression, parseExpression, ExpressionError } from './expressions/evaluate.ts';
import { purposes, type InstrumentDefinition, type Question } from './model.ts';

export const questionTypes = [
  'single_choice', 'multiple_choice', 'scale', 'rating', 'integer', 'decimal', 'date', 'text', 'note', 'knowledge', 'matrix', 'calculate',
] as const satisfies ReadonlyArray<Question['type']>;

export { purposes };

/** Problems with a definition, each naming the page or question; empty when it can be published. */
export function definitionProblems(definition: InstrumentDefinition): string[] {
  const problems: string[] = [];
  if (!Array.isArray(definition.pages) || definition.pages.length === 0) return ['the instrument has no pages'];
  const keys = new Set<string>();
  const names = new Set<string>();
  for (const page of definition.pages) for (const q of page.questions ?? []) names.add(q.key);
  for (const page of definition.pages) {
    if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(page.key ?? '')) problems.push(`page "${page.key}": the key must be a name (letters, digits, _ . -)`);
    if (keys.has(page.key)) problems.push(`page "${page.key}": the key is used twice`);
    keys.add(page.key);
    checkSource(page.relevant, `page ${page.key} relevant`, names, problems);
    if (!Array.isArray(page.questions)) {
      problems.push(`page "${page.key}": no questions`);
      continue;
    }
    for (const question of page.questions) {
      problems.push(...questionProblems(question, names).map((p) => `question "${question.key}": ${p}`));
      if (keys.has(question.key)) problems.push(`question "${question.key}": the key is used twice`);
      keys.add(question.key);
    }
  }
  return problems;
}

function questionProblems(question: Question, names: Set<string>): string[] {
  const problems: string[] = [];
  if (!(questionTypes as readonly string[]).includes(question.type)) return [`unknown type "${(question as { type: string }).type}"`];
  if (!/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(question.key ?? '')) problems.push('the key must be a name (letters, digits, _ . -)');
  if ('choices' in question) {
    if (!Array.isArray(question.choices) || question.choices.length === 0) problems.push('no choices');
    else {
      const codes = question.choices.map((c) => c.code);
      const duplicate = codes.find((code, i) => codes.indexOf(code) !== i);
      if (duplicate !== undefined) problems.push(`choice code "${duplicate}" is used twice`);
      if (codes.some((code) => typeof code !== 'string' || code === '')) problems.push('a choice has no code');
    }
  }
  if (question.type === 'knowledge') {
    if (question.correct.length === 0) problems.push('no correct answer');
    for (const code of question.correct) if (!question.choices.some((c) => c.code === code)) problems.push(`correct answer "${code}" is not a choice`);
    if (!question.multiple && question.correct.length > 1) problems.push('a single-choice item has one correct answer');
  }
  if (question.type === 'rating' && question.max !== 5 && question.max !== 10) problems.push('ratings are 1–5 or 1–10');
  if (question.type === 'calculate') checkSource(question.calculation, 'calculation', names, problems);
  checkSource(question.relevant, 'relevant', names, problems);
  checkSource(question.constraint, 'constraint', names, problems);
  return problems;
}

function checkSource(source: string | undefined, what: string, names: Set<string>, problems: string[]): void {
  if (source === undefined || source.trim() === '') return;
  try {
    problems.push(...checkExpression(parseExpression(source), names).map((p) => `${what}: ${p}`));
  } catch (error) {
    if (error instanceof ExpressionError) problems.push(`${what}: ${error.message}`);
    else throw error;
  }
}
