// The question editor form of the staff pages: turns posted fields into a Question (keeping what
// the form does not show, such as an imported appearance or choice filter) and reports field
// errors the form can show next to each field. Structural rules stay in definition.ts.
import { agreementScale } from './bank.ts';
import type { Choice, LocalText, Question, QuestionType } from './model.ts';

export type FormBody = Record<string, string | string[] | undefined>;
export type FieldErrors = Record<string, string[]>;

/** Blank rows offered for new choices and matrix rows. */
export const BLANK_ROWS = 3;

const field = (body: FormBody, name: string): string => {
  const value = body[name];
  return (Array.isArray(value) ? (value[0] ?? '') : (value ?? '')).trim();
};

export function localTextFrom(body: FormBody, prefix: string, languages: string[]): LocalText {
  const text: LocalText = {};
  for (const lang of languages) {
    const value = field(body, `${prefix}.${lang}`);
    if (value !== '') text[lang] = value;
  }
  return text;
}

const optionalText = (text: LocalText): LocalText | undefined => (Object.keys(text).length > 0 ? text : undefined);

/** A question of `type` to start the editor with. */
export function blankQuestion(type: QuestionType): Question {
  const base = { key: '', label: {} };
  switch (type) {
    case 'single_choice':
    case 'multiple_choice':
      return { ...base, type, choices: [] };
    case 'scale':
      return { ...base, type, choices: structuredClone(agreementScale) };
    case 'rating':
      return { ...base, type, max: 5 };
    case 'integer':
    case 'decimal':
    case 'date':
    case 'note':
      return { ...base, type } as Question;
    case 'text':
      return { ...base, type, long: false };
    case 'knowledge':
      return { ...base, type, multiple: false, choices: [], correct: [], points: 1 };
    case 'matrix':
      return { ...base, type, rows: [], choices: structuredClone(agreementScale) };
    case 'calculate':
      return { ...base, type, calculation: '' };
  }
}

function numberField(body: FormBody, name: string, integer: boolean, errors: FieldErrors, message: string): number | undefined {
  const text = field(body, name);
  if (text === '') return undefined;
  const value = Number(text);
  if (!Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    (errors[name] ??= []).push(message);
    return undefined;
  }
  return value;
}

/** Rows `prefix.<i>.*` that have any content, in the order of their `order` field then position. */
function postedRows(body: FormBody, prefix: string): number[] {
  const indexes = new Set<number>();
  for (const name of Object.keys(body)) {
    const match = new RegExp(`^${prefix}\\.(\\d+)\\.`).exec(name);
    if (match) indexes.add(Number(match[1]));
  }
  const filled = [...indexes].filter((i) => Object.entries(body).some(([name, value]) => name.startsWith(`${prefix}.${i}.`) && !name.endsWith('.order') && [value].flat().some((v) => (v ?? '').trim() !== '')));
  const order = (i: number) => {
    const value = Number(field(body, `${prefix}.${i}.order`));
    return Number.isFinite(value) && field(body, `${prefix}.${i}.order`) !== '' ? value : i + 1;
  };
  return filled.sort((a, b) => order(a) - order(b) || a - b);
}

function choicesFrom(body: FormBody, languages: string[], errors: FieldErrors): { choices: Choice[]; correct: string[] } {
  const choices: Choice[] = [];
  const correct: string[] = [];
  for (const i of postedRows(body, 'choice')) {
    const code = field(body, `choice.${i}.code`);
    const label = localTextFrom(body, `choice.${i}.label`, languages);
    if (code === '') (errors.choices ??= []).push(`a choice (${Object.values(label)[0] ?? i + 1}) has no code`);
    else if (!/^[A-Za-z0-9_.-]+$/.test(code)) (errors.choices ??= []).push(`choice code "${code}": letters, digits, _ . - only (no spaces)`);
    choices.push({ code, label: Object.keys(label).length > 0 ? label : { [languages[0] ?? 'en']: code } });
    if (field(body, `choice.${i}.correct`) !== '') correct.push(code);
  }
  return { choices, correct };
}

/**
 * The question the editor posted. `existing` is the question being edited (its type is kept; the
 * editor never changes a type), or a blank question of the type being added.
 */
export function questionFromForm(existing: Question, body: FormBody, languages: string[]): { question: Question; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const question = structuredClone(existing) as Question & Record<string, unknown>;
  question.key = field(body, 'key');
  question.label = localTextFrom(body, 'label', languages);
  if (Object.keys(question.label).length === 0) (errors.label ??= []).push('write the question in at least one language');
  const hint = optionalText(localTextFrom(body, 'hint', languages));
  if (hint) question.hint = hint;
  else delete question.hint;
  const setOptional = (name: 'relevant' | 'constraint' | 'default') => {
    const value = field(body, name);
    if (value !== '') question[name] = value;
    else delete question[name];
  };
  setOptional('relevant');
  if (question.type !== 'note' && question.type !== 'calculate') {
    setOptional('constraint');
    setOptional('default');
    const message = optionalText(localTextFrom(body, 'constraintMessage', languages));
    if (message) question.constraintMessage = message;
    else delete question.constraintMessage;
    if (field(body, 'required') !== '') question.required = true;
    else delete question.required;
  }
  switch (question.type) {
    case 'single_choice':
    case 'multiple_choice':
    case 'scale':
      question.choices = choicesFrom(body, languages, errors).choices;
      break;
    case 'knowledge': {
      const { choices, correct } = choicesFrom(body, languages, errors);
      question.choices = choices;
      question.correct = correct;
      question.multiple = field(body, 'multiple') !== '';
      question.points = numberField(body, 'points', false, errors, 'points must be a number') ?? 1;
      break;
    }
    case 'matrix': {
      question.choices = choicesFrom(body, languages, errors).choices;
      question.rows = postedRows(body, 'row').map((i) => {
        const key = field(body, `row.${i}.key`);
        const label = localTextFrom(body, `row.${i}.label`, languages);
        return { key, label: Object.keys(label).length > 0 ? label : { [languages[0] ?? 'en']: key } };
      });
      break;
    }
    case 'rating': {
      const max = Number(field(body, 'max'));
      if (max !== 5 && max !== 10) (errors.max ??= []).push('ratings are 1–5 or 1–10');
      question.max = max === 10 ? 10 : 5;
      break;
    }
    case 'integer':
    case 'decimal': {
      const integer = question.type === 'integer';
      const min = numberField(body, 'min', integer, errors, integer ? 'a whole number' : 'a number');
      const max = numberField(body, 'max', integer, errors, integer ? 'a whole number' : 'a number');
      if (min === undefined) delete question.min;
      else question.min = min;
      if (max === undefined) delete question.max;
      else question.max = max;
      break;
    }
    case 'text':
      question.long = field(body, 'long') !== '';
      break;
    case 'calculate': {
      const calculation = field(body, 'calculation');
      if (calculation === '') (errors.calculation ??= []).push('a calculated value needs an expression');
      question.calculation = calculation;
      break;
    }
    case 'date':
    case 'note':
      break;
  }
  return { question, errors };
}
