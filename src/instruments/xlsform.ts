// XLSForm import and export (.xlsx and old .xls, both through SheetJS). Import maps the survey,
// choices and settings sheets to an InstrumentDefinition, or refuses with every problem named by
// sheet and row. Nothing that changes what is asked or stored is dropped silently: such forms are
// refused; purely presentational columns are reported in `notes`.
import * as XLSX from 'xlsx';
import { checkExpression, ExpressionError, parseExpression } from './expressions/evaluate.ts';
import { definitionProblems } from './definition.ts';
import messagesEn from './messages/en.json' with { type: 'json' };
import messagesEs from './messages/es.json' with { type: 'json' };
import messagesFr from './messages/fr.json' with { type: 'json' };
import { purposes, type Choice, type InstrumentDefinition, type LocalText, type Page, type Purpose, type Question } from './model.ts';

export type ImportResult =
  | { ok: true; key: string; purpose: Purpose; definition: InstrumentDefinition; notes: string[] }
  | { ok: false; problems: string[] };

type Row = { rowNumber: number; cells: Record<string, string> };

const LANGUAGE_NAMES: Record<string, string> = {
  english: 'en', french: 'fr', français: 'fr', spanish: 'es', español: 'es', chinese: 'zh', arabic: 'ar', portuguese: 'pt', russian: 'ru',
  swahili: 'sw', hindi: 'hi', german: 'de', italian: 'it',
};
const METADATA_TYPES = new Set(['start', 'end', 'today', 'deviceid', 'subscriberid', 'simserial', 'phonenumber', 'username', 'email', 'audit', 'uri:deviceid', 'uri:username', 'uri:email', 'uri:phonenumber', 'uri:subscriberid', 'uri:simserial', 'start-geopoint']);
const PRESENTATIONAL_COLUMNS = new Set(['appearance', 'image', 'audio', 'video', 'big-image', 'media::image', 'media::audio', 'media::video', 'autoplay', 'buttontext', 'noapperrorstring', 'read_only', 'readonly', 'parameters', 'guidance_hint', 'tutorial notes', 'trigger']);
/** Columns of the choices sheet that are not data a choice_filter can read. */
const CHOICE_SHEET_TEXT = /^(list_name|name|label|image|audio|video|big-image|media|tutorial notes)(::|$)/;
const TRACER_COLUMNS = ['tracer_type', 'tracer_correct', 'tracer_points', 'tracer_min', 'tracer_max', 'tracer_repeat', 'tracer_long'];

/** Reads a workbook, touching only cells that exist (some templates declare a million empty rows). */
export function readSheets(buffer: Buffer): Record<string, Row[]> {
  const workbook = XLSX.read(buffer, { type: 'buffer', cellFormula: false, cellHTML: false, cellStyles: false });
  const sheets: Record<string, Row[]> = {};
  for (const name of workbook.SheetNames) {
    const sheet = workbook.Sheets[name]!;
    const grid = new Map<number, Map<number, string>>();
    for (const address of Object.keys(sheet)) {
      if (address.startsWith('!')) continue;
      const cell = sheet[address] as XLSX.CellObject;
      const text = cell.w ?? (cell.v === undefined ? '' : String(cell.v));
      if (text.trim() === '') continue;
      const { r, c } = XLSX.utils.decode_cell(address);
      if (!grid.has(r)) grid.set(r, new Map());
      grid.get(r)!.set(c, text.trim());
    }
    const rowNumbers = [...grid.keys()].sort((a, b) => a - b);
    const headerRow = rowNumbers[0];
    if (headerRow === undefined) {
      sheets[name.trim().toLowerCase()] = [];
      continue;
    }
    const headers = new Map([...grid.get(headerRow)!].map(([c, text]) => [c, normaliseHeader(text)]));
    sheets[name.trim().toLowerCase()] = rowNumbers.slice(1).map((r) => {
      const cells: Record<string, string> = {};
      for (const [c, text] of grid.get(r)!) {
        const header = headers.get(c);
        if (header) cells[header] = text;
      }
      return { rowNumber: r + 1, cells };
    });
  }
  return sheets;
}

/** `label:English`, `label::English (en)`, `bind:relevant`, `bind:jr:constraintMsg` → canonical names. */
function normaliseHeader(header: string): string {
  let h = header.trim().toLowerCase().replace(/\s*::?\s*/g, '::');
  h = h.replace(/^bind::jr::constraintmsg/, 'constraint_message').replace(/^bind::jr::requiredmsg/, 'required_message').replace(/^bind::/, '');
  h = h.replace(/^requiredmsg/, 'required_message').replace(/^list name$/, 'list_name');
  const [base, ...rest] = h.split('::');
  if (rest.length === 0) return base!;
  return `${base}::${languageCode(rest.join(' '))}`;
}

function languageCode(name: string): string {
  const code = /\(([a-z]{2,3}(?:-[a-z0-9]+)?)\)\s*$/.exec(name);
  if (code) return code[1]!;
  return LANGUAGE_NAMES[name.trim()] ?? name.trim();
}

function localText(cells: Record<string, string>, base: string, defaultLang: string): LocalText | undefined {
  const text: LocalText = {};
  for (const [header, value] of Object.entries(cells)) {
    if (header === base) text[defaultLang] = value;
    else if (header.startsWith(`${base}::`)) text[header.slice(base.length + 2)] = value;
  }
  return Object.keys(text).length > 0 ? text : undefined;
}

export function importXlsForm(buffer: Buffer, fileName: string): ImportResult {
  let sheets: Record<string, Row[]>;
  try {
    sheets = readSheets(buffer);
  } catch (error) {
    return { ok: false, problems: [`${fileName}: not a readable .xlsx or .xls workbook (${(error as Error).message})`] };
  }
  return convert(sheets, fileName);
}

function convert(sheets: Record<string, Row[]>, fileName: string): ImportResult {
  const problems: string[] = [];
  const notes: string[] = [];
  const survey = sheets.survey;
  if (!survey) return { ok: false, problems: ['the workbook has no "survey" sheet'] };
  const settings = sheets.settings?.[0]?.cells ?? {};
  const choiceRows = sheets.choices ?? [];
  const languages = collectLanguages(survey, choiceRows, settings);
  const defaultLang = languages[0]!;
  const lists = readChoiceLists(choiceRows, defaultLang, isYes(settings.allow_choice_duplicates), problems);

  const pages: Page[] = [];
  let loose: Page | undefined;
  const stack: Array<{ page: Page; relevant: string | undefined; kind: 'group' | 'repeat'; nested: boolean; name: string; rowNumber: number }> = [];
  const names = new Map<string, number>();
  const at = (row: Row) => `survey sheet, row ${row.rowNumber}${row.cells.name ? ` (${row.cells.name})` : ''}`;
  const ignored = new Set<string>();
  let matrix: (Extract<Question, { type: 'matrix' }> & { nestedIn: Page | undefined }) | undefined;

  for (const row of survey) {
    const cells = row.cells;
    const rawType = (cells.type ?? '').trim();
    if (rawType === '') {
      if (cells.name || cells.label) problems.push(`${at(row)}: no type`);
      continue;
    }
    for (const header of Object.keys(cells)) {
      const base = header.split('::')[0]!;
      if (PRESENTATIONAL_COLUMNS.has(base) || base.startsWith('media')) ignored.add(base);
    }
    const type = rawType.toLowerCase().replace(/\s+/g, ' ');
    if (/^begin[ _]group$/.test(type) && cells.tracer_type === 'matrix') {
      registerName(cells.name ?? '', row, names, problems, at);
      const base = toQuestions(row, 'note', rawType, lists, defaultLang, problems, at)![0]!;
      matrix = { ...base, type: 'matrix', rows: [], choices: [], nestedIn: stack[stack.length - 1]?.page };
      continue;
    }
    if (matrix && cells.tracer_type === 'matrix_row') {
      const listName = /^select_one (\S+)$/.exec(type)?.[1];
      const choices = listName ? lists.get(listName) : undefined;
      if (!choices) problems.push(`${at(row)}: a matrix row must be select_one from a list on the choices sheet`);
      else matrix.choices = choices;
      const rowKey = (cells.name ?? '').startsWith(`${matrix.key}__`) ? cells.name!.slice(matrix.key.length + 2) : cells.name ?? '';
      matrix.rows.push({ key: rowKey, label: localText(cells, 'label', defaultLang) ?? { [defaultLang]: rowKey } });
      continue;
    }
    if (matrix && /^end[ _]group$/.test(type)) {
      const { nestedIn, ...question } = matrix;
      if (nestedIn) nestedIn.questions.push(question);
      else problems.push(`${at(row)}: a matrix must be inside a group`);
      matrix = undefined;
      continue;
    }
    if (/^begin[ _](group|repeat)$/.test(type)) {
      const isRepeat = type.endsWith('repeat');
      const name = cells.name ?? '';
      registerName(name, row, names, problems, at);
      const perResourcePerson = isRepeat && cells.tracer_repeat === 'resource_person';
      const outer = stack[stack.length - 1];
      const relevant = andAll([outer?.relevant, cells.relevant]);
      checkExpressionCell(cells.relevant, 'relevant', row, problems, at);
      if (cells.repeat_count && !isRepeat) problems.push(`${at(row)}, column repeat_count: only a begin_repeat row can have a repeat_count`);
      if (cells.repeat_count && perResourcePerson) problems.push(`${at(row)}, column repeat_count: a block per resource person has one item per resource person; it takes no repeat_count`);
      if (cells.repeat_count && isRepeat) checkExpressionCell(cells.repeat_count, 'repeat_count', row, problems, at);
      if (outer) {
        if (isRepeat) {
          const enclosing = [...stack].reverse().find((entry) => entry.kind === 'repeat') ?? outer;
          problems.push(
            enclosing.kind === 'repeat'
              ? `${at(row)}: a repeat inside a repeat is not supported (repeat "${enclosing.name}" begins on row ${enclosing.rowNumber})`
              : `${at(row)}: a repeat inside a group is not supported; end the group "${enclosing.name}" (row ${enclosing.rowNumber}) before the repeat`,
          );
        }
        stack.push({ page: outer.page, relevant, kind: isRepeat ? 'repeat' : 'group', nested: true, name, rowNumber: row.rowNumber });
      } else {
        const label = localText(cells, 'label', defaultLang) ?? { [defaultLang]: name };
        const page: Page = perResourcePerson
          ? { kind: 'resource_person_repeat', key: name, label, questions: [] }
          : isRepeat
            ? { kind: 'repeat', key: name, label, questions: [], ...(cells.repeat_count ? { count: cells.repeat_count } : {}) }
            : { kind: 'group', key: name, label, questions: [] };
        if (cells.relevant) page.relevant = cells.relevant;
        pages.push(page);
        stack.push({ page, relevant: undefined, kind: isRepeat ? 'repeat' : 'group', nested: false, name, rowNumber: row.rowNumber });
        loose = undefined;
      }
      continue;
    }
    if (/^end[ _](group|repeat)$/.test(type)) {
      if (!stack.pop()) problems.push(`${at(row)}: "${rawType}" without a matching begin`);
      continue;
    }
    if (METADATA_TYPES.has(type)) {
      notes.push(`${at(row)}: metadata "${rawType}" is not asked; Tracer records start and submission times itself`);
      continue;
    }
    const questions = toQuestions(row, type, rawType, lists, defaultLang, problems, at, languages);
    if (!questions) continue;
    for (const question of questions) {
      registerName(question.key, row, names, problems, at);
      const container = stack[stack.length - 1];
      if (container?.nested && container.relevant) {
        question.relevant = andAll([container.relevant, question.relevant]);
      }
      if (container) container.page.questions.push(question);
      else {
        if (!loose) {
          loose = { kind: 'group', key: `page_${pages.length + 1}`, label: { [defaultLang]: localTitle(settings, fileName) }, questions: [] };
          pages.push(loose);
        }
        loose.questions.push(question);
      }
    }
  }
  if (problems.length === 0 && pages.every((p) => p.questions.length === 0)) problems.push('survey sheet: no questions (only a header row)');
  if (stack.length > 0) problems.push(`survey sheet: ${stack.length} group(s) or repeat(s) never ended`);
  if (ignored.size > 0) notes.push(`presentation columns not used by Tracer's pages: ${[...ignored].sort().join(', ')}`);

  const title: LocalText = localText(settings, 'form_title', defaultLang) ?? { [defaultLang]: localTitle(settings, fileName) };
  const definition: InstrumentDefinition = { title, languages, pages: pages.filter((p) => p.questions.length > 0) };
  if (problems.length === 0) problems.push(...definitionProblems(definition).map((p) => `survey sheet: ${p}`));
  if (problems.length > 0) return { ok: false, problems };
  const purpose = (purposes as readonly string[]).includes(settings.tracer_purpose ?? '') ? (settings.tracer_purpose as Purpose) : 'other';
  const key = (settings.form_id ?? fileName.replace(/\.[^.]+$/, '')).replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[^A-Za-z_]/, '_$&').slice(0, 100);
  return { ok: true, key, purpose, definition, notes };
}

function localTitle(settings: Record<string, string>, fileName: string): string {
  return settings.form_title ?? fileName.replace(/\.[^.]+$/, '');
}

function andAll(parts: Array<string | undefined>): string | undefined {
  const present = parts.filter((p): p is string => p !== undefined && p.trim() !== '');
  if (present.length === 0) return undefined;
  return present.length === 1 ? present[0] : present.map((p) => `(${p})`).join(' and ');
}

function collectLanguages(survey: Row[], choices: Row[], settings: Record<string, string>): string[] {
  const found = new Set<string>();
  let plain = false;
  for (const row of [...survey, ...choices]) {
    for (const header of Object.keys(row.cells)) {
      if (header === 'label') plain = true;
      else if (header.startsWith('label::')) found.add(header.slice(7));
    }
  }
  const preferred = settings.default_language ? languageCode(settings.default_language.toLowerCase()) : undefined;
  const list = [...found];
  if (plain || list.length === 0) list.unshift(preferred && !found.has(preferred) ? preferred : 'en');
  if (preferred && list.includes(preferred)) return [preferred, ...list.filter((l) => l !== preferred)].filter((l, i, a) => a.indexOf(l) === i);
  return list.filter((l, i, a) => a.indexOf(l) === i);
}

function isYes(value: string | undefined): boolean {
  return ['yes', 'true', 'true()', '1'].includes((value ?? '').trim().toLowerCase());
}

/** Choice lists by name; each choice keeps its other columns (`columns`) for choice_filter. */
function readChoiceLists(rows: Row[], defaultLang: string, allowDuplicates: boolean, problems: string[]): Map<string, Choice[]> {
  const lists = new Map<string, Choice[]>();
  for (const row of rows) {
    const list = row.cells.list_name;
    const code = row.cells.name;
    if (!list && !code) continue;
    if (!list || !code) {
      problems.push(`choices sheet, row ${row.rowNumber}: a choice needs a list_name and a name`);
      continue;
    }
    const choices = lists.get(list) ?? [];
    if (!allowDuplicates && choices.some((c) => c.code === code)) {
      problems.push(`choices sheet, row ${row.rowNumber}: choice "${code}" appears twice in list "${list}" (settings allow_choice_duplicates is not yes)`);
    }
    const columns = Object.fromEntries(Object.entries(row.cells).filter(([header]) => !CHOICE_SHEET_TEXT.test(header)));
    const choice: Choice = { code, label: localText(row.cells, 'label', defaultLang) ?? { [defaultLang]: code } };
    if (Object.keys(columns).length > 0) choice.columns = columns;
    choices.push(choice);
    lists.set(list, choices);
  }
  return lists;
}

function registerName(name: string, row: Row, names: Map<string, number>, problems: string[], at: (row: Row) => string): void {
  if (name === '') {
    problems.push(`${at(row)}: no name`);
    return;
  }
  const earlier = names.get(name);
  if (earlier !== undefined) problems.push(`${at(row)}: the name "${name}" is already used on row ${earlier}`);
  else names.set(name, row.rowNumber);
}

function checkExpressionCell(
  source: string | undefined,
  column: string,
  row: Row,
  problems: string[],
  at: (row: Row) => string,
  choiceColumns?: ReadonlySet<string>,
): void {
  if (source === undefined || source.trim() === '') return;
  try {
    for (const problem of checkExpression(parseExpression(source), undefined, choiceColumns)) problems.push(`${at(row)}, column ${column}: ${problem}`);
  } catch (error) {
    if (error instanceof ExpressionError) problems.push(`${at(row)}, column ${column}: ${error.message}`);
    else throw error;
  }
}

/** The labels Tracer gives the choice and the text question that `or_other` adds, in each language it has them in. */
const OR_OTHER_TEXTS: Record<string, Record<string, string>> = { en: messagesEn, fr: messagesFr, es: messagesEs };
function orOtherText(key: 'instruments.or_other.choice' | 'instruments.or_other.specify', languages: string[]): LocalText {
  return Object.fromEntries(languages.map((lang) => [lang, (OR_OTHER_TEXTS[lang] ?? messagesEn)[key]!]));
}

/** The question of a survey row: one, or two for `select_one list or_other` (the "other" choice, then `${name}_other`). */
function toQuestions(
  row: Row,
  type: string,
  rawType: string,
  lists: Map<string, Choice[]>,
  defaultLang: string,
  problems: string[],
  at: (row: Row) => string,
  languages: string[] = [defaultLang],
): Question[] | undefined {
  const question = toQuestion(row, type, rawType, lists, defaultLang, problems, at);
  if (!question) return undefined;
  if (!/ (or_other|or other|or specify other)$/.test(type)) return [question];
  if (question.type !== 'single_choice' && question.type !== 'multiple_choice') {
    problems.push(`${at(row)}: "or_other" is supported on select_one and select_multiple questions only`);
    return [question];
  }
  if (question.choices.some((choice) => choice.code === 'other')) {
    problems.push(`${at(row)}: "or_other" adds a choice "other", but the list already has one; remove or_other or the choice`);
    return [question];
  }
  question.choices = [...question.choices, { code: 'other', label: orOtherText('instruments.or_other.choice', languages) }];
  const specify: Question = {
    key: `${question.key}_other`,
    type: 'text',
    long: false,
    label: orOtherText('instruments.or_other.specify', languages),
    relevant: `selected(\${${question.key}}, 'other')`,
  };
  return [question, specify];
}

function toQuestion(
  row: Row,
  type: string,
  rawType: string,
  lists: Map<string, Choice[]>,
  defaultLang: string,
  problems: string[],
  at: (row: Row) => string,
): Question | undefined {
  const cells = row.cells;
  const common: Omit<Extract<Question, { type: 'note' }>, 'type'> = {
    key: cells.name ?? '',
    label: localText(cells, 'label', defaultLang) ?? (type === 'calculate' ? {} : { [defaultLang]: cells.name ?? '' }),
  };
  const hint = localText(cells, 'hint', defaultLang);
  if (hint) common.hint = hint;
  const required = parseRequired(cells.required, row, problems, at);
  if (required) common.required = true;
  for (const column of ['relevant', 'constraint', 'calculation'] as const) checkExpressionCell(cells[column], column, row, problems, at);
  if (cells.relevant) common.relevant = cells.relevant;
  if (cells.constraint) common.constraint = cells.constraint;
  const constraintMessage = localText(cells, 'constraint_message', defaultLang);
  if (constraintMessage) common.constraintMessage = constraintMessage;
  const requiredMessage = localText(cells, 'required_message', defaultLang);
  if (requiredMessage) common.requiredMessage = requiredMessage;
  if (cells.default) common.default = cells.default;
  if (cells.repeat_count) problems.push(`${at(row)}, column repeat_count: only a begin_repeat row can have a repeat_count`);
  const tracerType = cells.tracer_type;

  const select = /^(select_one|select one|select1|select_multiple|select multiple|select all that apply)(?: from)? (\S+)(?: (or_other|or other|or specify other))?$/.exec(type);
  if (select) {
    const multiple = !/one|select1/.test(select[1]!);
    const listed = lists.get(select[2]!);
    if (!listed) {
      problems.push(`${at(row)}: the choice list "${select[2]}" is not on the choices sheet`);
      return undefined;
    }
    const filter = cells.choice_filter;
    if (filter && (tracerType === 'knowledge' || tracerType === 'scale' || tracerType === 'matrix_row')) {
      problems.push(`${at(row)}, column choice_filter: a ${tracerType} question cannot filter its choices`);
    }
    if (filter) {
      const columns = new Set(['name', ...listed.flatMap((c) => Object.keys(c.columns ?? {}))]);
      checkExpressionCell(filter, 'choice_filter', row, problems, at, columns);
    }
    // Only a filtered question keeps the choices' other columns: nothing else reads them.
    const choices = filter ? listed : listed.map(({ code, label }) => ({ code, label }));
    const filtered = filter ? { choiceFilter: filter } : {};
    if (tracerType === 'knowledge') {
      const correct = (cells.tracer_correct ?? '').split(/\s+/).filter(Boolean);
      return { ...common, type: 'knowledge', multiple, choices, correct, points: Number(cells.tracer_points ?? 1) };
    }
    if (multiple) return { ...common, type: 'multiple_choice', choices, ...filtered };
    if (tracerType === 'scale') return { ...common, type: 'scale', choices };
    if (tracerType === 'matrix_row') problems.push(`${at(row)}: tracer_type matrix_row is only valid inside a matrix group`);
    return { ...common, type: 'single_choice', choices, ...filtered, ...(cells.appearance ? { appearance: cells.appearance } : {}) };
  }
  switch (type) {
    case 'text':
    case 'string':
      return { ...common, type: 'text', long: cells.tracer_long === 'yes' || /multiline/.test(cells.appearance ?? '') };
    case 'integer':
    case 'int':
      if (tracerType === 'rating') return { ...common, type: 'rating', max: Number(cells.tracer_max) === 10 ? 10 : 5 };
      return { ...common, type: 'integer', ...bounds(cells) };
    case 'decimal':
      return { ...common, type: 'decimal', ...bounds(cells) };
    case 'date':
      return { ...common, type: 'date' };
    case 'note':
      return { ...common, type: 'note' };
    case 'calculate':
      if (!cells.calculation) {
        problems.push(`${at(row)}: a calculate row needs a calculation`);
        return undefined;
      }
      return { ...common, type: 'calculate', calculation: cells.calculation };
    default:
      problems.push(`${at(row)}: type "${rawType}" is not supported`);
      return undefined;
  }
}

function bounds(cells: Record<string, string>): { min?: number; max?: number } {
  const result: { min?: number; max?: number } = {};
  if (cells.tracer_min !== undefined && Number.isFinite(Number(cells.tracer_min))) result.min = Number(cells.tracer_min);
  if (cells.tracer_max !== undefined && Number.isFinite(Number(cells.tracer_max))) result.max = Number(cells.tracer_max);
  return result;
}

function parseRequired(value: string | undefined, row: Row, problems: string[], at: (row: Row) => string): boolean {
  const v = (value ?? '').trim().toLowerCase();
  if (['', 'no', 'false', 'false()', '0'].includes(v)) return false;
  if (['yes', 'true', 'true()', '1'].includes(v)) return true;
  problems.push(`${at(row)}, column required: "${value}" (a condition) is not supported; use yes or no`);
  return false;
}

// ------------------------------------------------------------------ export

/** Writes an instrument as an .xlsx XLSForm (survey, choices, settings); import reads it back identically. */
export function exportXlsForm(key: string, purpose: Purpose, definition: InstrumentDefinition): Buffer {
  const langs = definition.languages;
  const lab = (base: string) => langs.map((l) => `${base}::${l}`);
  const surveyHeader = ['type', 'name', ...lab('label'), ...lab('hint'), 'required', ...lab('required_message'), 'relevant', 'constraint', ...lab('constraint_message'), 'calculation', 'default', 'appearance', 'choice_filter', 'repeat_count', ...TRACER_COLUMNS];
  const survey: Array<Record<string, string>> = [];
  const choices: Array<Record<string, string>> = [];
  const listNames = new Map<string, string>();
  const choiceColumns = new Set<string>();
  let duplicateCodes = false;
  const texts = (base: string, text: LocalText | undefined) => Object.fromEntries(langs.map((l) => [`${base}::${l}`, text?.[l] ?? '']));
  const listFor = (question: Question & { choices: Choice[] }) => {
    const signature = JSON.stringify(question.choices);
    let name = listNames.get(signature);
    if (!name) {
      name = `${question.key}_choices`;
      listNames.set(signature, name);
      for (const c of question.choices) {
        choices.push({ list_name: name, name: c.code, ...texts('label', c.label), ...c.columns });
        for (const column of Object.keys(c.columns ?? {})) choiceColumns.add(column);
      }
      if (new Set(question.choices.map((c) => c.code)).size < question.choices.length) duplicateCodes = true;
    }
    return name;
  };
  for (const page of definition.pages) {
    const isRepeat = page.kind !== 'group';
    survey.push({
      type: isRepeat ? 'begin_repeat' : 'begin_group',
      name: page.key,
      ...texts('label', page.label),
      relevant: page.relevant ?? '',
      ...(page.kind === 'resource_person_repeat' ? { tracer_repeat: 'resource_person' } : {}),
      ...(page.kind === 'repeat' && page.count !== undefined ? { repeat_count: page.count } : {}),
    });
    for (const q of page.questions) survey.push(...questionRows(q, texts, listFor));
    survey.push({ type: isRepeat ? 'end_repeat' : 'end_group' });
  }
  const workbook = XLSX.utils.book_new();
  XLSX.utils.book_append_sheet(workbook, XLSX.utils.json_to_sheet(survey, { header: surveyHeader }), 'survey');
  XLSX.utils.book_append_sheet(workbook, XLSX.utils.json_to_sheet(choices, { header: ['list_name', 'name', ...lab('label'), ...choiceColumns] }), 'choices');
  const settings = { form_id: key, ...texts('form_title', definition.title), default_language: langs[0] ?? 'en', tracer_purpose: purpose, ...(duplicateCodes ? { allow_choice_duplicates: 'yes' } : {}) };
  XLSX.utils.book_append_sheet(workbook, XLSX.utils.json_to_sheet([settings]), 'settings');
  return XLSX.write(workbook, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}

function questionRows(
  q: Question,
  texts: (base: string, text: LocalText | undefined) => Record<string, string>,
  listFor: (q: Question & { choices: Choice[] }) => string,
): Array<Record<string, string>> {
  const common = {
    name: q.key,
    ...texts('label', q.label),
    ...texts('hint', q.hint),
    required: q.required ? 'yes' : '',
    ...texts('required_message', q.requiredMessage),
    relevant: q.relevant ?? '',
    constraint: q.constraint ?? '',
    ...texts('constraint_message', q.constraintMessage),
    default: q.default ?? '',
  };
  switch (q.type) {
    case 'single_choice':
      return [{ ...common, type: `select_one ${listFor(q)}`, appearance: q.appearance ?? '', choice_filter: q.choiceFilter ?? '' }];
    case 'scale':
      return [{ ...common, type: `select_one ${listFor(q)}`, tracer_type: 'scale' }];
    case 'multiple_choice':
      return [{ ...common, type: `select_multiple ${listFor(q)}`, choice_filter: q.choiceFilter ?? '' }];
    case 'knowledge':
      return [{ ...common, type: `${q.multiple ? 'select_multiple' : 'select_one'} ${listFor(q)}`, tracer_type: 'knowledge', tracer_correct: q.correct.join(' '), tracer_points: String(q.points) }];
    case 'rating':
      return [{ ...common, type: 'integer', tracer_type: 'rating', tracer_max: String(q.max), constraint: q.constraint ?? '' }];
    case 'integer':
    case 'decimal':
      return [{ ...common, type: q.type, tracer_min: q.min === undefined ? '' : String(q.min), tracer_max: q.max === undefined ? '' : String(q.max) }];
    case 'date':
    case 'note':
      return [{ ...common, type: q.type }];
    case 'text':
      return [{ ...common, type: 'text', tracer_long: q.long ? 'yes' : '', appearance: q.long ? 'multiline' : '' }];
    case 'calculate':
      return [{ ...common, type: 'calculate', calculation: q.calculation }];
    case 'matrix':
      // One select_one per row inside a field-list group: what ODK and Kobo show as a table.
      return [
        { ...common, type: 'begin_group', appearance: 'field-list', tracer_type: 'matrix' },
        ...q.rows.map((row) => ({ type: `select_one ${listFor(q)}`, name: `${q.key}__${row.key}`, ...texts('label', row.label), tracer_type: 'matrix_row' })),
        { type: 'end_group' },
      ];
  }
}
