// Survey responses collected elsewhere, as an import kind of the one import engine (imports/):
// a wide table, one row per response — participant_id, activity_code, submitted_at, then one
// column per question key (`key[n]` for the n-th resource person of a repeat, or one row per
// repeat item on a further sheet of a workbook, linked to its response) — or the export
// of KoboToolbox, ODK Central or Qualtrics as it comes (their metadata columns are recognised and
// mapped or ignored; choice labels are accepted where codes are missing), or any other layout
// through a column-mapping file. Answers are validated against the instrument's latest version
// exactly as submissions are, and written with the bulk writer (the rows of a final submit).
// A response imported before (same source submission id, or for files without one the same
// content) is left alone.
import { createHash } from 'node:crypto';
import type { Actor } from '../accounts/service.ts';
import type { Database } from '../db/database.ts';
import type { ImportKind, SheetIssue } from '../imports/importer.ts';
import { readTable, restoreNeutralised, TableError, type Sheet } from '../imports/table.ts';
import { MAX_REPEAT_ITEMS, type InstrumentDefinition, type LocalText, type Question } from '../instruments/model.ts';
import { getInstrumentByKey, latestVersion } from '../instruments/service.ts';
import { activityIdsByCode } from '../catalogue/repository.ts';
import { participantIdsByCode } from '../people/repository.ts';
import { resourcePersonsFromEnrolments } from '../people/directory.ts';
import { inputKeys, validateResponse, type AnswerIssue, type SubmittedRepeats } from './answers.ts';
import { writeResponses, type BulkResponse, type BulkTarget } from './bulk.ts';
import type { ResponseData } from '../instruments/model.ts';

// ---------------------------------------------------------------- metadata columns

/** What a metadata column means. */
export const roles = ['participant_id', 'activity_code', 'submitted_at', 'started_at', 'submission_id', 'lang', 'finished', 'ignore'] as const;
export type Role = (typeof roles)[number];

/** Columns that may fill each role, in order of preference (header names, lower case). */
const roleSources: Record<Exclude<Role, 'ignore'>, string[]> = {
  participant_id: ['participant_id', 'externalreference', 'externaldatareference'],
  activity_code: ['activity_code'],
  // When the respondent finished (device/browser time) before when the server received it.
  submitted_at: ['submitted_at', 'end', 'enddate', '_submission_time', 'submissiondate', 'recordeddate'],
  started_at: ['started_at', 'start', 'startdate'],
  // Kobo `_uuid` = ODK `meta/instanceID` = ODK Central `KEY` (without "uuid:"); Qualtrics ResponseId.
  submission_id: ['submission_id', '_uuid', 'meta/instanceid', 'meta-instanceid', 'instanceid', 'key', 'responseid', '_id'],
  lang: ['lang', 'userlanguage'],
  finished: ['finished'],
};

/** Metadata the three tools export that Tracer does not keep (recognised, ignored). */
const ignoredMetadata = new Set([
  // KoboToolbox
  'today', 'deviceid', 'username', 'phonenumber', 'simserial', 'subscriberid', 'audit', '_validation_status', '_notes', '_status',
  '_submitted_by', '__version__', '_version_', '_tags', '_index', 'formhub/uuid', '_xform_id_string', '_attachments', '_geolocation',
  'meta/rootuuid', 'meta/deprecatedid', 'meta/instancename', '_media_all_received', '_total_media', '_media_count', '_duration',
  // ODK Central
  'submitterid', 'submittername', 'attachmentspresent', 'attachmentsexpected', 'status', 'reviewstate', 'edits', 'formversion',
  'meta-instancename', 'meta-deprecatedid',
  // Qualtrics (names and e-mail of recipients are personal data: never imported)
  'ipaddress', 'progress', 'duration (in seconds)', 'recipientlastname', 'recipientfirstname', 'recipientemail', 'locationlatitude',
  'locationlongitude', 'distributionchannel', 'q_recaptchascore', 'q_relevantidduplicate', 'q_relevantidduplicatescore',
  'q_relevantidfraudscore', 'q_relevantidlaststartdate', 'q_ballotboxstuffing', 'q_totalduration',
]);

// ---------------------------------------------------------------- column-mapping file

/** Column → target (a question key, `key[n]`, a role, or `ignore`), and per target source value → code. */
export interface ColumnMapping {
  columns: Map<string, string>;
  values: Map<string, Map<string, string>>;
}

export class MappingError extends Error {}

/**
 * A column-mapping file, CSV or JSON (see README, "Importing survey responses"):
 * CSV with the columns `column,target` and optionally `value,code` (one row per recoded value);
 * JSON `{ "columns": { "Source column": "target" }, "values": { "target": { "source value": "code" } } }`.
 */
export async function parseMapping(fileName: string, bytes: Uint8Array): Promise<ColumnMapping> {
  const mapping: ColumnMapping = { columns: new Map(), values: new Map() };
  const recode = (target: string, value: string, code: string) => {
    const key = target.trim();
    if (!mapping.values.has(key)) mapping.values.set(key, new Map());
    mapping.values.get(key)!.set(value.trim().toLowerCase(), code.trim());
  };
  const text = new TextDecoder().decode(bytes).replace(/^\uFEFF/, '');
  if (fileName.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new MappingError(`${fileName}: not valid JSON (${(error as Error).message})`);
    }
    const { columns, values } = (parsed ?? {}) as { columns?: unknown; values?: unknown };
    if (!isStringRecord(columns)) throw new MappingError(`${fileName}: expected {"columns": {"source column": "target", …}}`);
    for (const [column, target] of Object.entries(columns)) mapping.columns.set(column.trim().toLowerCase(), target.trim());
    if (values !== undefined) {
      if (typeof values !== 'object' || values === null) throw new MappingError(`${fileName}: "values" must map a target to {"source value": "code"}`);
      for (const [target, map] of Object.entries(values)) {
        if (!isStringRecord(map)) throw new MappingError(`${fileName}: values of "${target}" must map source values to codes`);
        for (const [value, code] of Object.entries(map)) recode(target, value, code);
      }
    }
    return mapping;
  }
  let table;
  try {
    table = await readTable(fileName, bytes);
  } catch (error) {
    if (error instanceof TableError) throw new MappingError(error.message);
    throw error;
  }
  const at = (name: string) => table.header.indexOf(name);
  if (at('column') < 0 || at('target') < 0) throw new MappingError(`${fileName}: expected the columns column,target (and optionally value,code)`);
  table.rows.forEach((cells, index) => {
    const column = (cells[at('column')] ?? '').trim();
    const target = (cells[at('target')] ?? '').trim();
    if (column === '') throw new MappingError(`${fileName}, row ${index + 2}: the column name is empty`);
    const value = at('value') >= 0 ? (cells[at('value')] ?? '') : '';
    const code = at('code') >= 0 ? (cells[at('code')] ?? '') : '';
    if (value.trim() !== '' || code.trim() !== '') recode(target || column, value, code);
    if (target !== '' || !mapping.columns.has(column.toLowerCase())) mapping.columns.set(column.toLowerCase(), target || 'ignore');
  });
  return mapping;
}

function isStringRecord(value: unknown): value is Record<string, string> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
}

// ---------------------------------------------------------------- reading the header

interface AnswerColumn {
  column: string;
  question: Question;
  /** Input key (matrix rows: `matrix/row`). */
  key: string;
  /** 0, or n for the n-th item of a repeat (the n-th resource person of a per-resource-person block). */
  itemIndex: number;
  repeatPage?: string;
  /** The repeat is one the respondent fills (items by position), not a block per resource person. */
  filledRepeat?: boolean;
}

/** A Kobo "select_multiple" split column (`q/code`, 1 or 0), used when the combined column is absent. */
interface SplitColumn {
  column: string;
  question: Question;
  key: string;
  code: string;
}

interface Plan {
  roles: Partial<Record<Exclude<Role, 'ignore'>, string>>;
  answers: AnswerColumn[];
  splits: SplitColumn[];
}

interface QuestionIndex {
  /** Lower-case input key → question and page. */
  byKey: Map<string, { question: Question; key: string; repeatPage?: string; filledRepeat?: boolean }>;
}

function indexQuestions(definition: InstrumentDefinition): QuestionIndex {
  const byKey: QuestionIndex['byKey'] = new Map();
  for (const page of definition.pages) {
    for (const question of page.questions) {
      for (const key of inputKeys(question)) {
        byKey.set(key.toLowerCase(), { question, key, repeatPage: page.kind === 'group' ? undefined : page.key, ...(page.kind === 'repeat' ? { filledRepeat: true } : {}) });
      }
    }
  }
  return { byKey };
}

const REPEAT = /^(.*)\[(\d+)\]$/;

/** A header (or mapping target) as a question column: exact key, `key[n]`, or a group path ending in one. */
function asQuestion(index: QuestionIndex, name: string): Omit<AnswerColumn, 'column'> | undefined {
  const repeat = REPEAT.exec(name);
  const base = repeat ? repeat[1]! : name;
  const itemIndex = repeat ? Number(repeat[2]) : 0;
  const candidates = [base, base.split('/').pop()!, base.split('-').pop()!];
  // Matrix rows keep their own slash: `group/grid/row` → `grid/row`.
  const parts = base.split(/[/-]/);
  if (parts.length >= 2) candidates.push(`${parts[parts.length - 2]}/${parts[parts.length - 1]}`);
  for (const candidate of candidates) {
    const found = index.byKey.get(candidate);
    if (!found) continue;
    if ((found.repeatPage !== undefined) !== itemIndex > 0) return undefined;
    return { question: found.question, key: found.key, itemIndex, repeatPage: found.repeatPage, ...(found.filledRepeat ? { filledRepeat: true } : {}) };
  }
  return undefined;
}

function asSplitChoice(index: QuestionIndex, name: string): Omit<SplitColumn, 'column'> | undefined {
  const parts = name.split(/[/-]/);
  if (parts.length < 2) return undefined;
  const code = parts[parts.length - 1]!;
  const found = index.byKey.get(parts[parts.length - 2]!);
  if (!found || found.repeatPage) return undefined;
  const q = found.question;
  const multiple = q.type === 'multiple_choice' || (q.type === 'knowledge' && q.multiple);
  if (!multiple) return undefined;
  const choice = q.choices.find((c) => c.code.toLowerCase() === code);
  return choice ? { question: q, key: found.key, code: choice.code } : undefined;
}

function readPlan(definition: InstrumentDefinition, mapping: ColumnMapping | undefined, header: string[]): { plan: Plan; issues: Array<[string, string]> } {
  const index = indexQuestions(definition);
  const plan: Plan = { roles: {}, answers: [], splits: [] };
  const issues: Array<[string, string]> = [];
  const roleCandidates = new Map<Exclude<Role, 'ignore'>, string[]>();
  const claim = (role: Exclude<Role, 'ignore'>, column: string) => roleCandidates.set(role, [...(roleCandidates.get(role) ?? []), column]);
  const sourceRole = new Map<string, Exclude<Role, 'ignore'>>();
  for (const [role, sources] of Object.entries(roleSources)) for (const source of sources) if (!sourceRole.has(source)) sourceRole.set(source, role as Exclude<Role, 'ignore'>);
  const seen = new Set<string>();
  const expected = `expected participant_id, activity_code, submitted_at, a question key of this instrument (${[...index.byKey.values()].map((q) => q.key).slice(0, 12).join(', ')}${index.byKey.size > 12 ? ', …' : ''}), key[n] for repeats, or a column-mapping file naming it`;
  for (const column of header) {
    if (column === '' || seen.has(column)) continue;
    seen.add(column);
    const mapped = mapping?.columns.get(column);
    if (mapped !== undefined) {
      const target = mapped.toLowerCase();
      if (target === 'ignore' || target === '') continue;
      if ((roles as readonly string[]).includes(target)) {
        claim(target as Exclude<Role, 'ignore'>, column);
        continue;
      }
      const question = asQuestion(index, target);
      if (question) plan.answers.push({ column, ...question });
      else issues.push([column, `the mapping file maps it to "${mapped}", which is not a question key of this instrument nor one of ${roles.join(', ')}`]);
      continue;
    }
    const question = index.byKey.has(column) || REPEAT.test(column) ? asQuestion(index, column) : undefined;
    if (question) {
      plan.answers.push({ column, ...question });
      continue;
    }
    const role = sourceRole.get(column);
    if (role) {
      claim(role, column);
      continue;
    }
    if (ignoredMetadata.has(column)) continue;
    const nested = asQuestion(index, column);
    if (nested) {
      plan.answers.push({ column, ...nested });
      continue;
    }
    const split = asSplitChoice(index, column);
    if (split) {
      plan.splits.push({ column, ...split });
      continue;
    }
    issues.push([column, `unknown column "${column}"; ${expected}`]);
  }
  for (const [role, columns] of roleCandidates) {
    const order = roleSources[role];
    plan.roles[role] = [...columns].sort((a, b) => rank(order, a) - rank(order, b))[0];
  }
  // A Kobo split column is recognised and ignored when its combined column is there.
  const combined = new Set(plan.answers.filter((a) => a.itemIndex === 0).map((a) => a.key));
  plan.splits = plan.splits.filter((split) => !combined.has(split.key));
  const twice = new Map<string, string>();
  for (const answer of plan.answers) {
    const id = `${answer.key}[${answer.itemIndex}]`;
    const first = twice.get(id);
    if (first) issues.push([answer.column, `answers the same question as column "${first}"; expected one column per question`]);
    else twice.set(id, answer.column);
  }
  if (!plan.roles.submitted_at) {
    issues.push(['submitted_at', `missing column "submitted_at" (or _submission_time, SubmissionDate, EndDate, or one mapped to submitted_at); ${expected}`]);
  }
  return { plan, issues };
}

const rank = (order: string[], column: string) => (order.includes(column) ? order.indexOf(column) : -1);

/** Qualtrics puts the question text and `{"ImportId":…}` in the two rows under the header. */
function qualtricsHeaderRows(rows: string[][]): number {
  const isImportRow = (row: string[] | undefined) => row?.some((cell) => /^\{\s*"ImportId"\s*:/i.test(cell.trim())) ?? false;
  if (isImportRow(rows[1])) return 2;
  if (isImportRow(rows[0])) return 1;
  return 0;
}

// ---------------------------------------------------------------- rows

/** Where a repeat item's row is, when it came from a further sheet of the workbook. */
export interface SheetPlace {
  sheet: string;
  row: number;
  column: string;
}

export interface ResponseInput {
  sourceId: string | null;
  /** KoboToolbox `_index`: what the rows of its repeat sheets name as `_parent_index`. */
  sourceIndex: string | null;
  participantCode: string | null;
  activityCode: string | null;
  submittedAt: Date | null;
  startedAt: Date | null;
  lang: string | null;
  finished: boolean;
  /** Non-empty answer cells; `place` for those read from a repeat sheet. */
  cells: Array<{ column: AnswerColumn; value: string; place?: SheetPlace }>;
  /** Repeat items read from a repeat sheet: item index → its row there. */
  sheetItems?: Map<number, SheetPlace>;
  splits: Array<{ split: SplitColumn; selected: boolean }>;
  /** Filled in by validation: what to write. */
  valid?: { data: ResponseData; complete: boolean; participantId: string | null; activityId: string | null };
}

/** ISO 8601 date or date and time (Kobo, ODK, Qualtrics "YYYY-MM-DD HH:MM:SS"); without a zone: UTC. */
export function parseTimestamp(text: string): Date | null {
  const match = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i.exec(text.trim());
  if (!match) return null;
  const [, date, time, zone] = match;
  let offset = 'Z';
  if (zone && zone.toUpperCase() !== 'Z') offset = zone.length === 3 ? `${zone}:00` : zone.includes(':') ? zone : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const parsed = new Date(`${date}T${time ?? '00:00'}${time && time.length === 5 ? ':00' : ''}${offset}`);
  if (Number.isNaN(parsed.getTime()) || !parsed.toISOString().startsWith(date!) && !zone) return null;
  return parsed;
}

const TRUE = new Set(['1', 'true', 'yes', 'y']);
const FALSE = new Set(['0', 'false', 'no', 'n']);

function labelsOf(label: LocalText): string[] {
  return Object.values(label).map((text) => text.trim().toLowerCase());
}

/**
 * A cell as the value a submission would carry: codes as they are, else a recoded value (mapping
 * file), else a choice label in any language; several choices separated by `;` or spaces (codes),
 * or by `;` or `,` (labels).
 */
function submittedValue(question: Question, cell: string, recode: Map<string, string> | undefined): unknown {
  if (!('choices' in question)) {
    return recode?.get(cell.toLowerCase()) ?? cell;
  }
  const one = (token: string): string => {
    const trimmed = token.trim();
    const lower = trimmed.toLowerCase();
    const recoded = recode?.get(lower);
    if (recoded !== undefined) return recoded;
    if (question.choices.some((c) => c.code === trimmed)) return trimmed;
    const byLabel = question.choices.find((c) => labelsOf(c.label).includes(lower)) ?? question.choices.find((c) => c.code.toLowerCase() === lower);
    return byLabel ? byLabel.code : trimmed;
  };
  const multiple = question.type === 'multiple_choice' || (question.type === 'knowledge' && question.multiple);
  if (!multiple) return one(cell);
  if (cell.includes(';')) return cell.split(';').map((t) => t.trim()).filter((t) => t !== '').map(one);
  const tokens = cell.split(/\s+/).filter((t) => t !== '');
  if (tokens.every((t) => question.choices.some((c) => c.code === t) || recode?.has(t.toLowerCase()))) return tokens.map(one);
  if (cell.includes(',')) return cell.split(',').map((t) => t.trim()).filter((t) => t !== '').map(one);
  const whole = one(cell);
  return question.choices.some((c) => c.code === whole) ? [whole] : tokens.map(one);
}

function describeExpected(question: Question): string {
  if ('choices' in question) {
    const codes = question.choices.map((c) => c.code);
    const list = `${codes.slice(0, 10).join(', ')}${codes.length > 10 ? ', …' : ''}`;
    const multiple = question.type === 'multiple_choice' || (question.type === 'knowledge' && question.multiple);
    return multiple ? `expected codes among ${list} (or their labels), separated by spaces or ";"` : `expected one of ${list} (or its label)`;
  }
  switch (question.type) {
    case 'rating':
      return `expected a whole number from 1 to ${question.max}`;
    case 'integer':
    case 'decimal': {
      const kind = question.type === 'integer' ? 'a whole number' : 'a number';
      if (question.min !== undefined && question.max !== undefined) return `expected ${kind} from ${question.min} to ${question.max}`;
      if (question.min !== undefined) return `expected ${kind} of at least ${question.min}`;
      if (question.max !== undefined) return `expected ${kind} of at most ${question.max}`;
      return `expected ${kind}`;
    }
    case 'date':
      return 'expected a date YYYY-MM-DD';
    case 'text':
      return `expected text of at most ${question.long ? 20_000 : 2_000} characters`;
    default:
      return 'expected no answer (this question is computed or a note)';
  }
}

function issueMessage(issue: AnswerIssue, question: Question | undefined, value: string | undefined): string {
  const got = value === undefined ? '' : `, got "${value.length > 80 ? `${value.slice(0, 80)}…` : value}"`;
  if (issue.code === 'required') return 'an answer is required here (final responses must answer every required question that applies); got nothing';
  if (issue.code === 'constraint') {
    const message = issue.constraintMessage ? ` (${Object.values(issue.constraintMessage)[0]})` : '';
    return `the answer breaks the question's rule ${question && 'constraint' in question ? `"${question.constraint}"` : ''}${message}${got}`;
  }
  if (!question) return `not accepted (${issue.code})${got}`;
  return `${describeExpected(question)}${got}`;
}

// ---------------------------------------------------------------- repeat sheets

/**
 * How the rows of a repeat sheet name their response on the first sheet, in order of preference:
 * KoboToolbox `_submission__uuid` (its `_uuid`) or `_parent_index` (its `_index`), ODK Central
 * `PARENT_KEY` (its `KEY`).
 */
const repeatLinks = [
  { column: '_submission__uuid', parent: '_uuid', of: (input: ResponseInput) => input.sourceId },
  { column: 'parent_key', parent: 'KEY', of: (input: ResponseInput) => input.sourceId },
  { column: '_parent_index', parent: '_index', of: (input: ResponseInput) => input.sourceIndex },
] as const;

/** Metadata of repeat sheets (KoboToolbox, ODK Central) that Tracer does not keep. */
const ignoredRepeatMetadata = new Set(['_index', '_parent_index', '_parent_table_name', 'parent_key', 'key']);

/**
 * Adds the rows of repeat sheets (one row per repeat item, linked to its response) to the
 * responses read from the first sheet: the n-th item of a response (ODK `KEY` ending in `[n]`,
 * else the n-th row naming it) answers for the activity's n-th resource person, as `key[n]`.
 * Sheets without a link column are not repeat sheets and are left alone.
 */
function readRepeatSheets(definition: InstrumentDefinition, mapping: ColumnMapping | undefined, sheets: Sheet[], inputs: readonly ResponseInput[]): SheetIssue[] {
  const index = indexQuestions(definition);
  const issues: SheetIssue[] = [];
  for (const sheet of sheets) {
    const link = repeatLinks.find((candidate) => sheet.header.includes(candidate.column));
    if (!link) continue;
    const parents = new Map<string, number>();
    inputs.forEach((input, at) => {
      const value = link.of(input);
      if (value !== null) parents.set(value, at);
    });
    const columns: Array<{ at: number; name: string; question: Omit<AnswerColumn, 'column'> }> = [];
    sheet.header.forEach((name, at) => {
      if (name === '' || ignoredRepeatMetadata.has(name) || name.startsWith('_submission__')) return;
      const target = mapping?.columns.get(name) ?? name;
      if (target.toLowerCase() === 'ignore') return;
      const question = asQuestion(index, `${target}[1]`);
      if (question) columns.push({ at, name, question });
      else issues.push({ sheet: sheet.name, row: 1, column: name, message: `unknown column "${name}"; expected a question key of a repeat block of this instrument (${repeatKeys(index)}), ${link.column}, or a column-mapping file naming it` });
    });
    const itemsPerParent = new Map<number, number>();
    const keyAt = sheet.header.indexOf('key');
    sheet.rows.forEach((cells, rowIndex) => {
      if (cells.every((cell) => cell.trim() === '')) return;
      const row = rowIndex + 2;
      const linkValue = sheetCell(cells, sheet.header.indexOf(link.column)).replace(/^uuid:/i, '');
      const record = parents.get(linkValue);
      if (record === undefined) {
        issues.push({ sheet: sheet.name, row, column: link.column, message: `no response with ${link.parent} "${linkValue}" on the first sheet; expected the ${link.parent} of a response of this file` });
        return;
      }
      const input = inputs[record]!;
      const keyed = /\[(\d+)\]$/.exec(keyAt >= 0 ? sheetCell(cells, keyAt) : '');
      const itemIndex = keyed ? Number(keyed[1]) : (itemsPerParent.get(record) ?? 0) + 1;
      itemsPerParent.set(record, Math.max(itemIndex, itemsPerParent.get(record) ?? 0));
      (input.sheetItems ??= new Map()).set(itemIndex, { sheet: sheet.name, row, column: link.column });
      for (const { at, name, question } of columns) {
        const value = sheetCell(cells, at);
        const place = { sheet: sheet.name, row, column: name };
        if (value.includes('\u0000')) {
          issues.push({ ...place, record, message: 'contains a NUL character (U+0000), which cannot be stored; remove it' });
          continue;
        }
        if (value === '') continue;
        const twice = input.cells.find((c) => c.column.key === question.key && c.column.itemIndex === itemIndex);
        if (twice) {
          issues.push({ ...place, record, message: `answers the same question as ${twice.place ? `row ${twice.place.row} of sheet ${twice.place.sheet}` : `column "${twice.column.column}" of the first sheet`}; expected one answer per repeat item` });
          continue;
        }
        input.cells.push({ column: { ...question, itemIndex, column: `${question.key}[${itemIndex}]` }, value, place });
      }
    });
  }
  return issues;
}

function sheetCell(cells: string[], at: number): string {
  return at < 0 ? '' : restoreNeutralised((cells[at] ?? '').trim());
}

function repeatKeys(index: QuestionIndex): string {
  return [...index.byKey.values()].filter((q) => q.repeatPage).map((q) => q.key).join(', ') || 'none: this instrument has no repeat block';
}

// ---------------------------------------------------------------- the kind

/** The source's submission id; for files without one, the content (the same content is the same response). */
function responseKey(input: ResponseInput): string {
  if (input.sourceId !== null) return input.sourceId;
  const content = JSON.stringify([input.participantCode, input.activityCode, input.submittedAt?.toISOString() ?? null, input.cells.map((c) => [c.column.column, c.value]), input.splits.map((s) => [s.split.column, s.selected])]);
  return `sha256:${createHash('sha256').update(content).digest('hex')}`;
}

export interface ResponseImportOptions {
  instrumentKey: string;
  mapping?: ColumnMapping;
}

/**
 * The import kind for responses to one instrument (its latest published version), read first so
 * that the header can be checked against its questions.
 */
export async function responseImport(database: Database, actor: Actor, options: ResponseImportOptions): Promise<ImportKind<ResponseInput>> {
  const { instrument, version } = await database.withOrg(actor.orgId, async (tx) => {
    const instrument = await getInstrumentByKey(tx, options.instrumentKey);
    return { instrument, version: await latestVersion(tx, instrument.id) };
  });
  const definition = version.definition;
  const target: BulkTarget = { instrumentId: instrument.id, versionId: version.id, purpose: instrument.purpose, anonymous: instrument.anonymous, definition };
  let plan: Plan = { roles: {}, answers: [], splits: [] };
  const columnOf = (key: string, itemIndex: number) => plan.answers.find((a) => a.key === key && a.itemIndex === itemIndex)?.column;

  return {
    name: 'responses',
    columns: ['participant_id', 'activity_code', 'submitted_at', ...[...indexQuestions(definition).byKey.values()].map((q) => (q.repeatPage ? `${q.key}[1]` : q.key))],
    required: ['submitted_at'],
    keyColumn: 'submission_id',
    readHeader(header, rows) {
      const read = readPlan(definition, options.mapping, header);
      plan = read.plan;
      return { issues: read.issues, headerRows: qualtricsHeaderRows(rows) };
    },
    readSheets(sheets, inputs) {
      return readRepeatSheets(definition, options.mapping, sheets, inputs);
    },
    key: responseKey,
    parse(cell, issues) {
      const role = (name: Exclude<Role, 'ignore'>) => (plan.roles[name] ? cell(plan.roles[name]) : '');
      const timestamp = (name: 'submitted_at' | 'started_at') => {
        const text = role(name);
        if (text === '') return null;
        const parsed = parseTimestamp(text);
        if (!parsed) issues.push([plan.roles[name]!, `expected a date and time such as 2024-05-06T14:30:00Z (ISO 8601), got "${text}"`]);
        return parsed;
      };
      const finishedText = role('finished').toLowerCase();
      let finished = true;
      if (FALSE.has(finishedText)) finished = false;
      else if (finishedText !== '' && !TRUE.has(finishedText)) issues.push([plan.roles.finished!, `expected 1 or 0 (true or false), got "${role('finished')}"`]);
      const submittedAt = timestamp('submitted_at');
      if (finished && submittedAt === null && role('submitted_at') === '') issues.push([plan.roles.submitted_at!, 'expected the date and time the response was submitted, got an empty cell']);
      const sourceId = role('submission_id').replace(/^uuid:/i, '');
      return {
        sourceId: sourceId === '' ? null : sourceId,
        sourceIndex: cell('_index') || null,
        participantCode: role('participant_id') || null,
        activityCode: role('activity_code') || null,
        submittedAt,
        startedAt: timestamp('started_at'),
        lang: role('lang').toLowerCase() || null,
        finished,
        cells: plan.answers.map((column) => ({ column, value: cell(column.column) })).filter((c) => c.value !== ''),
        splits: plan.splits.map((split) => ({ split, value: cell(split.column).toLowerCase() })).filter((s) => s.value !== '' && !FALSE.has(s.value)).map(({ split, value }) => {
          if (!TRUE.has(value)) issues.push([split.column, `expected 1 or 0 (chosen or not), got "${value}"`]);
          return { split, selected: TRUE.has(value) };
        }),
      };
    },
    async prepare(tx, _actor, inputs) {
      const participants = await participantIdsByCode(tx, [...new Set(inputs.map((i) => i.participantCode).filter((c) => c !== null))]);
      const activities = await activityIdsByCode(tx, [...new Set(inputs.map((i) => i.activityCode).filter((c) => c !== null))]);
      const questions = indexQuestions(definition).byKey;
      const hasRepeats = plan.answers.some((a) => a.itemIndex > 0) || inputs.some((input) => input.sheetItems !== undefined);
      const resourcePersons = new Map<string, string[]>();
      if (hasRepeats) {
        for (const activityId of new Set(activities.values())) {
          resourcePersons.set(activityId, (await resourcePersonsFromEnrolments.resourcePersonsOf(tx, activityId)).map((p) => p.id));
        }
      }
      return (input) => {
        const problems: Array<{ field: string; message: string; sheet?: string; row?: number }> = [];
        const participantId = input.participantCode === null ? null : (participants.get(input.participantCode) ?? null);
        if (input.participantCode !== null && participantId === null) {
          problems.push({ field: plan.roles.participant_id!, message: `no participant "${input.participantCode}"; expected the participant_id of a participant of this organisation (or an empty cell for an anonymous response)` });
        }
        const activityId = input.activityCode === null ? null : (activities.get(input.activityCode) ?? null);
        if (input.activityCode !== null && activityId === null) {
          problems.push({ field: plan.roles.activity_code!, message: `no activity "${input.activityCode}"; expected the code of an activity of this organisation (or an empty cell)` });
        }
        const persons = activityId ? (resourcePersons.get(activityId) ?? []) : [];
        const answers: Record<string, unknown> = {};
        const repeats: SubmittedRepeats = {};
        for (const { column, value, place } of input.cells) {
          const recode = options.mapping?.values.get(column.key) ?? options.mapping?.values.get(column.column);
          const submitted = submittedValue(column.question, value, recode);
          if (column.itemIndex === 0) {
            answers[column.key] = submitted;
            continue;
          }
          if (column.filledRepeat && column.itemIndex > MAX_REPEAT_ITEMS) {
            problems.push({ field: column.column, message: `a repeat holds at most ${MAX_REPEAT_ITEMS} items; expected ${column.key}[1]…[${MAX_REPEAT_ITEMS}]` });
            continue;
          }
          if (column.filledRepeat) {
            const items = (repeats[column.repeatPage!] ??= []);
            while (items.length < column.itemIndex) items.push({ answers: {} });
            items[column.itemIndex - 1]!.answers[column.key] = submitted;
            continue;
          }
          const person = persons[column.itemIndex - 1];
          if (!person) {
            const where = place ? { field: place.column, sheet: place.sheet, row: place.row } : { field: column.column };
            const expected = place ? `at most ${persons.length} repeat item(s) per response` : `answers only for ${column.key}[1]…[${persons.length}]`;
            problems.push({ ...where, message: `the activity has ${persons.length} resource person(s); expected ${expected}${input.activityCode === null ? ' (no activity_code given)' : ''}, got "${value}"` });
            continue;
          }
          const items = (repeats[column.repeatPage!] ??= []);
          let item = items.find((i) => i.resourcePersonId === person);
          if (!item) items.push((item = { resourcePersonId: person, answers: {} }));
          item.answers[column.key] = submitted;
        }
        for (const { split } of input.splits.filter((s) => s.selected)) {
          answers[split.key] = [...((answers[split.key] as string[] | undefined) ?? []), split.code];
        }
        const { data, issues } = validateResponse(definition, { answers, repeats }, undefined, { enforceRequired: input.finished, resourcePersonIds: persons });
        for (const issue of issues) {
          const found = questions.get(issue.key.toLowerCase());
          const message = (value: string | undefined) => issueMessage(issue, found?.question, value);
          const cell = input.cells.find((c) => c.column.key === issue.key && c.column.itemIndex === issue.itemIndex);
          const item = issue.itemIndex > 0 ? input.sheetItems?.get(issue.itemIndex) : undefined;
          if (cell?.place) problems.push({ field: cell.place.column, sheet: cell.place.sheet, row: cell.place.row, message: message(cell.value) });
          else if (!cell && item) problems.push({ field: issue.key, sheet: item.sheet, row: item.row, message: message(undefined) });
          else problems.push({ field: columnOf(issue.key, issue.itemIndex) ?? (issue.itemIndex > 0 ? `${issue.key}[${issue.itemIndex}]` : issue.key), message: message(cell?.value) });
        }
        if (problems.length === 0) input.valid = { data, complete: input.finished, participantId, activityId };
        return problems;
      };
    },
    async write(tx, _actor, inputs) {
      const items: BulkResponse[] = inputs.map((input) => ({
        clientSubmissionId: `import:${instrument.key}:${responseKey(input)}`,
        activityId: input.valid!.activityId,
        participantId: input.valid!.participantId,
        collectionLinkId: null,
        data: input.valid!.data,
        complete: input.valid!.complete,
        submittedAt: input.submittedAt,
        startedAt: input.startedAt ?? input.submittedAt,
        lang: input.lang,
        source: 'import',
      }));
      const result = await writeResponses(tx, target, items);
      return { inserted: items.length - result.existing, updated: 0, unchanged: result.existing };
    },
    // Responses are not exported through the import engine (this kind is never listed for export).
    async exportRows() {
      return [];
    },
  };
}
