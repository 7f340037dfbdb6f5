// Edits of a draft definition, as the staff pages make them: add, change, move and remove pages
// and questions, pick from the bank, translate. Pure functions over InstrumentDefinition; the
// service checks the result with definitionIssues before it is saved, so a draft is always valid.
import { bankQuestions } from './bank.ts';
import type { InstrumentDefinition, LocalText, Page, Question } from './model.ts';
import { Problem } from '../http/problem.ts';

/** The languages the staff pages always offer, besides those of the definition. */
export const editorLanguages = ['en', 'fr', 'es'] as const;

export function languagesOf(definition: InstrumentDefinition): string[] {
  return [...new Set([...definition.languages, ...editorLanguages])];
}

const clone = (definition: InstrumentDefinition): InstrumentDefinition => structuredClone(definition);

export function findQuestion(definition: InstrumentDefinition, key: string): { page: Page; pageIndex: number; index: number; question: Question } | undefined {
  for (const [pageIndex, page] of definition.pages.entries()) {
    const index = page.questions.findIndex((q) => q.key === key);
    if (index >= 0) return { page, pageIndex, index, question: page.questions[index]! };
  }
  return undefined;
}

function pageIndexOf(definition: InstrumentDefinition, pageKey: string): number {
  const index = definition.pages.findIndex((p) => p.key === pageKey);
  if (index < 0) throw Problem.notFound(`No page "${pageKey}" in the draft`);
  return index;
}

export function addQuestion(definition: InstrumentDefinition, pageKey: string, question: Question): InstrumentDefinition {
  const next = clone(definition);
  next.pages[pageIndexOf(next, pageKey)]!.questions.push(question);
  return withLanguagesOf(next, question);
}

/** Replaces the question `key` (its key may change). */
export function replaceQuestion(definition: InstrumentDefinition, key: string, question: Question): InstrumentDefinition {
  const next = clone(definition);
  const found = findQuestion(next, key);
  if (!found) throw Problem.notFound(`No question "${key}" in the draft`);
  found.page.questions[found.index] = question;
  return withLanguagesOf(next, question);
}

export function removeQuestion(definition: InstrumentDefinition, key: string): InstrumentDefinition {
  const next = clone(definition);
  const found = findQuestion(next, key);
  if (!found) throw Problem.notFound(`No question "${key}" in the draft`);
  found.page.questions.splice(found.index, 1);
  return next;
}

/**
 * Moves a question one place up or down; past the top or bottom of its page it moves to the end of
 * the previous page or the start of the next one.
 */
export function moveQuestion(definition: InstrumentDefinition, key: string, direction: 'up' | 'down'): InstrumentDefinition {
  const next = clone(definition);
  const found = findQuestion(next, key);
  if (!found) throw Problem.notFound(`No question "${key}" in the draft`);
  const { page, pageIndex, index, question } = found;
  const target = direction === 'up' ? index - 1 : index + 1;
  if (target >= 0 && target < page.questions.length) {
    page.questions.splice(index, 1);
    page.questions.splice(target, 0, question);
    return next;
  }
  const neighbour = next.pages[direction === 'up' ? pageIndex - 1 : pageIndex + 1];
  if (!neighbour) return next;
  page.questions.splice(index, 1);
  if (direction === 'up') neighbour.questions.push(question);
  else neighbour.questions.unshift(question);
  return next;
}

export function addPage(definition: InstrumentDefinition, page: Page): InstrumentDefinition {
  const next = clone(definition);
  next.pages.push(page);
  return withLanguages(next, [page.label]);
}

/** Changes a page's key, kind, label or relevance; its questions stay. */
/** What the page form edits; `count` (repeat_count) only for a repeat the respondent fills. */
export type PageChange = Pick<Page, 'key' | 'kind' | 'label' | 'relevant'> & { count?: string };

export function updatePage(definition: InstrumentDefinition, pageKey: string, change: PageChange): InstrumentDefinition {
  const next = clone(definition);
  const index = pageIndexOf(next, pageKey);
  const { questions } = next.pages[index]!;
  const page = { kind: change.kind, key: change.key, label: change.label, questions } as Page;
  if (change.relevant) page.relevant = change.relevant;
  if (page.kind === 'repeat' && change.count) page.count = change.count;
  next.pages[index] = page;
  return withLanguages(next, [change.label]);
}

export function movePage(definition: InstrumentDefinition, pageKey: string, direction: 'up' | 'down'): InstrumentDefinition {
  const next = clone(definition);
  const index = pageIndexOf(next, pageKey);
  const target = direction === 'up' ? index - 1 : index + 1;
  if (target < 0 || target >= next.pages.length) return next;
  const [page] = next.pages.splice(index, 1);
  next.pages.splice(target, 0, page!);
  return next;
}

/** Removes a page and its questions. */
export function removePage(definition: InstrumentDefinition, pageKey: string): InstrumentDefinition {
  const next = clone(definition);
  next.pages.splice(pageIndexOf(next, pageKey), 1);
  return next;
}

/** Appends bank questions (copies: the bank's keys and codes, so results compare across instruments). */
export function addBankQuestions(definition: InstrumentDefinition, pageKey: string, keys: string[]): InstrumentDefinition {
  let next = definition;
  for (const key of keys) {
    const question = bankQuestions[key];
    if (!question) throw Problem.badRequest(`No bank question "${key}"`, 'bank');
    next = addQuestion(next, pageKey, structuredClone(question));
  }
  return next;
}

/** Adds the languages used by `texts` to the definition's languages (in editor order). */
function withLanguages(definition: InstrumentDefinition, texts: Array<LocalText | undefined>): InstrumentDefinition {
  const used = new Set(texts.flatMap((text) => Object.entries(text ?? {}).filter(([, value]) => value.trim() !== '').map(([lang]) => lang)));
  for (const lang of used) if (!definition.languages.includes(lang)) definition.languages.push(lang);
  return definition;
}

function withLanguagesOf(definition: InstrumentDefinition, question: Question): InstrumentDefinition {
  return withLanguages(definition, textsOf(question).map((entry) => entry.text));
}

/** One translatable text of a definition. `path` addresses it for the translation form. */
export interface TranslatableText {
  path: string;
  /** What the text is, for people: the question or page key and the part. */
  owner: string;
  part: 'title' | 'page' | 'label' | 'hint' | 'constraint_message' | 'choice' | 'row';
  text: LocalText;
}

function textsOf(question: Question, prefix = ''): TranslatableText[] {
  const texts: TranslatableText[] = [{ path: `${prefix}label`, owner: question.key, part: 'label', text: question.label }];
  if (question.hint) texts.push({ path: `${prefix}hint`, owner: question.key, part: 'hint', text: question.hint });
  if (question.constraintMessage) texts.push({ path: `${prefix}constraintMessage`, owner: question.key, part: 'constraint_message', text: question.constraintMessage });
  if (question.type === 'matrix') question.rows.forEach((row, i) => texts.push({ path: `${prefix}rows.${i}`, owner: `${question.key} · ${row.key}`, part: 'row', text: row.label }));
  if ('choices' in question) question.choices.forEach((choice, i) => texts.push({ path: `${prefix}choices.${i}`, owner: `${question.key} · ${choice.code}`, part: 'choice', text: choice.label }));
  return texts;
}

/** Every translatable text of a definition, in reading order. */
export function translatableTexts(definition: InstrumentDefinition): TranslatableText[] {
  const texts: TranslatableText[] = [{ path: 'title', owner: 'title', part: 'title', text: definition.title }];
  definition.pages.forEach((page, p) => {
    texts.push({ path: `pages.${p}.label`, owner: page.key, part: 'page', text: page.label });
    page.questions.forEach((question, q) => texts.push(...textsOf(question, `pages.${p}.questions.${q}.`)));
  });
  return texts;
}

/** Languages of the definition that `text` lacks (what the translation page flags). */
export function missingLanguages(text: LocalText, languages: string[]): string[] {
  return languages.filter((lang) => (text[lang] ?? '').trim() === '');
}

/**
 * Applies translations `path → lang → text` (as posted by the translation form). An emptied
 * translation is removed; a language that gains a text joins the definition's languages.
 */
export function applyTranslations(definition: InstrumentDefinition, translations: Record<string, Record<string, string>>): InstrumentDefinition {
  const next = clone(definition);
  const texts = new Map(translatableTexts(next).map((entry) => [entry.path, entry]));
  const changed: LocalText[] = [];
  for (const [path, byLang] of Object.entries(translations)) {
    const entry = texts.get(path);
    if (!entry) throw Problem.badRequest(`No translatable text "${path}" (the draft changed meanwhile?)`, path);
    const target = resolveText(next, path);
    for (const [lang, value] of Object.entries(byLang)) {
      if (value.trim() === '') delete target[lang];
      else target[lang] = value.trim();
    }
    changed.push(target);
  }
  // A hint or constraint message emptied in every language is removed, not kept as an empty text.
  for (const question of next.pages.flatMap((page) => page.questions)) {
    if (question.hint && Object.keys(question.hint).length === 0) delete question.hint;
    if (question.constraintMessage && Object.keys(question.constraintMessage).length === 0) delete question.constraintMessage;
  }
  return withLanguages(next, changed);
}

/** The LocalText object at `path`, inside `definition` (so it can be changed in place). */
function resolveText(definition: InstrumentDefinition, path: string): LocalText {
  let node: unknown = definition;
  const parts = path.split('.');
  for (const [i, part] of parts.entries()) {
    const container = node as Record<string, unknown>;
    const isLast = i === parts.length - 1;
    if ((part === 'hint' || part === 'constraintMessage') && isLast && container[part] === undefined) container[part] = {};
    node = Array.isArray(container) ? container[Number(part)] : container[part];
    if (node === undefined) throw Problem.badRequest(`No translatable text "${path}"`, path);
  }
  // Choices and matrix rows are addressed by their object; the text is their label.
  const value = node as Record<string, unknown>;
  return (('code' in value || 'key' in value) && typeof value.label === 'object' ? value.label : value) as LocalText;
}
