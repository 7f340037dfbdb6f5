// The instrument model: what a version of a questionnaire or knowledge test contains. A published
// version's definition is immutable JSON; every response points at the version it answered.
// One variant per question type, so that e.g. a rating can never carry choices.

export const purposes = ['needs_assessment', 'pre_test', 'post_test', 'end_of_activity', 'follow_up', 'other'] as const;
export type Purpose = (typeof purposes)[number];

/** Text in several languages, by language code (`en`, `fr`, `es`, or any code an XLSForm names). */
export type LocalText = Record<string, string>;

export interface Choice {
  /** Stable code, stored in answers; labels may change between versions, codes do not. */
  code: string;
  label: LocalText;
  /**
   * Other columns of the choices sheet (`cf: 'texas'`), read by the question's choice_filter as
   * bare names. Only choices of a filtered question carry them.
   */
  columns?: Record<string, string>;
}

interface QuestionCommon {
  key: string;
  label: LocalText;
  hint?: LocalText;
  required?: boolean;
  requiredMessage?: LocalText;
  /** XLSForm expression; the question is asked only when it is true. */
  relevant?: string;
  /** XLSForm expression on `.` (the answer); the answer is refused when false. */
  constraint?: string;
  constraintMessage?: LocalText;
  /** Initial value (a literal). */
  default?: string;
}

export type Question =
  /**
   * `choiceFilter`: XLSForm choice_filter, evaluated on each choice (its columns as bare names, the
   * answers as `${name}`); a filtered list may repeat a code with other columns.
   */
  | (QuestionCommon & { type: 'single_choice'; choices: Choice[]; choiceFilter?: string; appearance?: string })
  | (QuestionCommon & { type: 'multiple_choice'; choices: Choice[]; choiceFilter?: string })
  /** Agreement/Likert and other ordered scales: answers also store their 1-based position. */
  | (QuestionCommon & { type: 'scale'; choices: Choice[] })
  | (QuestionCommon & { type: 'rating'; max: 5 | 10 })
  | (QuestionCommon & { type: 'integer'; min?: number; max?: number })
  | (QuestionCommon & { type: 'decimal'; min?: number; max?: number })
  | (QuestionCommon & { type: 'date' })
  | (QuestionCommon & { type: 'text'; long: boolean })
  | (QuestionCommon & { type: 'note' })
  | (QuestionCommon & { type: 'knowledge'; multiple: boolean; choices: Choice[]; correct: string[]; points: number })
  | (QuestionCommon & { type: 'matrix'; rows: Array<{ key: string; label: LocalText }>; choices: Choice[] })
  | (QuestionCommon & { type: 'calculate'; calculation: string });

export type QuestionType = Question['type'];

export interface Group {
  kind: 'group';
  key: string;
  label: LocalText;
  relevant?: string;
  questions: Question[];
}

/** Asked once per resource person (trainer) of the activity, e.g. trainer ratings. */
export interface ResourcePersonRepeat {
  kind: 'resource_person_repeat';
  key: string;
  label: LocalText;
  relevant?: string;
  questions: Question[];
}

/**
 * Items the respondent adds and removes (household members…), or exactly `count` items when the
 * XLSForm has a repeat_count. Inside an item `${x}` names the same item's answer (or a question
 * outside the repeat); questions outside a repeat cannot name questions inside it.
 */
export interface Repeat {
  kind: 'repeat';
  key: string;
  label: LocalText;
  relevant?: string;
  /** repeat_count: a whole number, or an expression on answers outside the repeat. */
  count?: string;
  questions: Question[];
}

/** Most items a repeat can hold (also the bound of an evaluated repeat_count). */
export const MAX_REPEAT_ITEMS = 100;

/** A page of the respondent form. */
export type Page = Group | ResourcePersonRepeat | Repeat;

export interface InstrumentDefinition {
  title: LocalText;
  /** Languages the labels are written in; the first is the default. */
  languages: string[];
  pages: Page[];
}

/** One answer value: a code or text or date (string), codes (string[]), or a number. */
export type AnswerValue = string | number | string[];
export type AnswerSet = Record<string, AnswerValue>;

/** One item of a repeat: of a resource person (per-resource-person block), or the n-th added item. */
export interface RepeatItem {
  resourcePersonId?: string;
  answers: AnswerSet;
}

/** The whole of a response, as kept in `responses.data`. */
export interface ResponseData {
  answers: AnswerSet;
  /** Per repeat key: one entry per resource person, or the items in order (item_index = position + 1). */
  repeats?: Record<string, RepeatItem[]>;
}

export function allQuestions(definition: InstrumentDefinition): Question[] {
  return definition.pages.flatMap((page) => page.questions);
}

export function isChoiceQuestion(
  question: Question,
): question is Extract<Question, { choices: Choice[] }> {
  return 'choices' in question;
}

/** Picks the text in `lang`, else the first language, else any. */
export function localise(text: LocalText | undefined, lang: string, languages: string[] = []): string {
  if (!text) return '';
  return text[lang] ?? languages.map((l) => text[l]).find((v) => v !== undefined) ?? Object.values(text)[0] ?? '';
}
