// Import and export: recommendations and actions as CSV or XLSX, a whole evaluation as JSON.
// Imports validate the whole file first (every error names file, row, column and what was
// expected), then write everything in the caller's one transaction: never half a file.
// Exports neutralise spreadsheet formulas (a cell starting with = + - @ gets a leading ').
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import type { Tx } from '../db/database.ts';
import * as repo from './repository.ts';
import { actionStatuses, priorities, responseDecisions, type ActionStatus, type Priority, type ResponseDecision } from './schema.ts';
import { createEvaluation, type EvaluationDossier } from './service.ts';

export type TableFormat = 'csv' | 'xlsx';

export interface ImportIssue {
  file: string;
  row: number;
  column: string;
  expected: string;
}

export class ImportRejected extends Error {
  constructor(readonly issues: ImportIssue[]) {
    super(issues.map((i) => `${i.file} row ${i.row}, column ${i.column}: expected ${i.expected}`).join('; '));
  }
}

export const RECOMMENDATION_COLUMNS = ['number', 'text', 'level', 'addressees', 'priority', 'criteria', 'response', 'response_text', 'response_date'] as const;
export const ACTION_COLUMNS = ['recommendation_number', 'description', 'responsible_unit', 'due_date', 'status', 'completed_on'] as const;

type Table = Array<Record<string, string>>;

// ---------------------------------------------------------------- cells

const DANGEROUS_START = /^[=+\-@\t\r]/;

/** A cell a spreadsheet will show as text, never run as a formula. */
export function neutralise(value: string): string {
  return DANGEROUS_START.test(value) ? `'${value}` : value;
}
function restore(value: string): string {
  return value.startsWith("'") && DANGEROUS_START.test(value.slice(1)) ? value.slice(1) : value;
}
const list = (values: string[]) => values.join('; ');
const splitList = (value: string) =>
  value
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part !== '');

// ---------------------------------------------------------------- export

export function recommendationTable(dossier: EvaluationDossier): string[][] {
  return dossier.recommendations.map((r) => [
    String(r.number),
    r.text,
    r.level,
    list(r.addressees),
    r.priority,
    list(r.criteria),
    r.responseDecision ?? '',
    r.responseText ?? '',
    r.responseDate ?? '',
  ]);
}

export function actionTable(dossier: EvaluationDossier): string[][] {
  return dossier.recommendations.flatMap((r) =>
    r.actions.map((a) => [String(r.number), a.description, a.responsibleUnit, a.dueDate, a.status, a.completedOn ?? '']),
  );
}

export async function encodeTable(format: TableFormat, header: readonly string[], body: string[][], sheetName: string): Promise<Buffer> {
  const safe = body.map((row) => row.map(neutralise));
  if (format === 'csv') return Buffer.from(stringify([[...header], ...safe]), 'utf8');
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow([...header]);
  for (const row of safe) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

// ---------------------------------------------------------------- reading files

export async function decodeTable(format: TableFormat, content: Buffer, file: string): Promise<Table> {
  const grid = format === 'csv' ? decodeCsv(content, file) : await decodeXlsx(content, file);
  const [header, ...body] = grid;
  if (!header) throw new ImportRejected([{ file, row: 1, column: '(header)', expected: 'a header row' }]);
  const names = header.map((cell) => cell.trim().toLowerCase());
  return body
    .filter((cells) => cells.some((cell) => cell.trim() !== ''))
    .map((cells) => Object.fromEntries(names.map((name, index) => [name, restore((cells[index] ?? '').trim())])));
}

function decodeCsv(content: Buffer, file: string): string[][] {
  try {
    return parse(content.toString('utf8').replace(/^\uFEFF/, ''), { relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    throw new ImportRejected([{ file, row: line, column: '(file)', expected: `well-formed CSV (${(error as Error).message})` }]);
  }
}

async function decodeXlsx(content: Buffer, file: string): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch {
    throw new ImportRejected([{ file, row: 1, column: '(file)', expected: 'an .xlsx workbook' }]);
  }
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const grid: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, column) => {
      cells[column - 1] = cellText(cell.value);
    });
    grid[rowNumber - 1] = Array.from(cells, (cell) => cell ?? '');
  });
  return Array.from(grid, (row) => row ?? []);
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value) return String(value.text);
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    return '';
  }
  return String(value);
}

// ---------------------------------------------------------------- validation

class RowReader {
  constructor(
    private readonly issues: ImportIssue[],
    private readonly file: string,
    private readonly row: number,
    private readonly cells: Record<string, string>,
  ) {}

  private fail(column: string, expected: string): undefined {
    this.issues.push({ file: this.file, row: this.row, column, expected });
    return undefined;
  }
  text(column: string, options: { required: boolean }): string {
    const value = this.cells[column] ?? '';
    if (options.required && value === '') this.fail(column, 'a non-empty text');
    return value;
  }
  positiveInteger(column: string): number | undefined {
    const value = this.cells[column] ?? '';
    return /^\d{1,5}$/.test(value) && Number(value) > 0 ? Number(value) : this.fail(column, 'a whole number from 1');
  }
  date(column: string, options: { required: boolean }): string | null | undefined {
    const value = this.cells[column] ?? '';
    if (value === '') return options.required ? this.fail(column, 'a date as YYYY-MM-DD') : null;
    return /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(value)) ? value : this.fail(column, 'a date as YYYY-MM-DD');
  }
  oneOf<T extends string>(column: string, allowed: readonly T[], options: { required: boolean; fallback?: T }): T | null | undefined {
    const value = (this.cells[column] ?? '').toLowerCase().replaceAll(' ', '_');
    if (value === '') return options.required ? this.fail(column, `one of ${allowed.join(', ')}`) : (options.fallback ?? null);
    return (allowed as readonly string[]).includes(value) ? (value as T) : this.fail(column, `one of ${allowed.join(', ')}`);
  }
}

function requireColumns(table: Table, columns: readonly string[], required: readonly string[], file: string): void {
  const present = new Set(Object.keys(table[0] ?? {}));
  if (table.length === 0) throw new ImportRejected([{ file, row: 2, column: '(rows)', expected: 'at least one data row' }]);
  const missing = required.filter((column) => !present.has(column));
  if (missing.length > 0) {
    throw new ImportRejected(missing.map((column) => ({ file, row: 1, column, expected: `a header named ${column} (columns: ${columns.join(', ')})` })));
  }
}

export interface RecommendationImportRow {
  number: number;
  text: string;
  level: string;
  addressees: string[];
  priority: Priority;
  criteria: string[];
  response: { decision: ResponseDecision; text: string; date: string } | null;
}

export function validateRecommendations(table: Table, file: string): RecommendationImportRow[] {
  requireColumns(table, RECOMMENDATION_COLUMNS, ['number', 'text'], file);
  const issues: ImportIssue[] = [];
  const seen = new Set<number>();
  const valid: RecommendationImportRow[] = [];
  table.forEach((cells, index) => {
    const row = index + 2;
    const reader = new RowReader(issues, file, row, cells);
    const number = reader.positiveInteger('number');
    if (number !== undefined && seen.has(number)) issues.push({ file, row, column: 'number', expected: `a number not used on an earlier row (${number} is)` });
    if (number !== undefined) seen.add(number);
    const text = reader.text('text', { required: true });
    const priority = reader.oneOf('priority', priorities, { required: false, fallback: 'medium' });
    const decision = reader.oneOf('response', responseDecisions, { required: false });
    const responseDate = reader.date('response_date', { required: decision !== null && decision !== undefined });
    const responseText = reader.text('response_text', { required: false });
    if (!decision && responseDate) issues.push({ file, row, column: 'response', expected: 'a response when a response date is given' });
    if (number === undefined || priority === undefined || priority === null || decision === undefined || responseDate === undefined || text === '') return;
    valid.push({
      number,
      text,
      level: cells.level ?? '',
      addressees: splitList(cells.addressees ?? ''),
      priority,
      criteria: splitList(cells.criteria ?? ''),
      response: decision && responseDate ? { decision, text: responseText, date: responseDate } : null,
    });
  });
  if (issues.length > 0) throw new ImportRejected(issues);
  return valid;
}

export interface ActionImportRow {
  row: number;
  recommendationNumber: number;
  description: string;
  responsibleUnit: string;
  dueDate: string;
  status: ActionStatus;
  completedOn: string | null;
}

export function validateActions(table: Table, file: string): ActionImportRow[] {
  requireColumns(table, ACTION_COLUMNS, ['recommendation_number', 'description', 'responsible_unit', 'due_date'], file);
  const issues: ImportIssue[] = [];
  const valid: ActionImportRow[] = [];
  table.forEach((cells, index) => {
    const row = index + 2;
    const reader = new RowReader(issues, file, row, cells);
    const recommendationNumber = reader.positiveInteger('recommendation_number');
    const description = reader.text('description', { required: true });
    const responsibleUnit = reader.text('responsible_unit', { required: true });
    const dueDate = reader.date('due_date', { required: true });
    const status = reader.oneOf('status', actionStatuses, { required: false, fallback: 'not_started' });
    const completedOn = reader.date('completed_on', { required: status === 'completed' });
    if (status !== 'completed' && completedOn) issues.push({ file, row, column: 'completed_on', expected: 'empty unless the status is completed' });
    if (recommendationNumber === undefined || !dueDate || !status || completedOn === undefined || description === '' || responsibleUnit === '') return;
    valid.push({ row, recommendationNumber, description, responsibleUnit, dueDate, status, completedOn: status === 'completed' ? completedOn : null });
  });
  if (issues.length > 0) throw new ImportRejected(issues);
  return valid;
}

// ---------------------------------------------------------------- writing (inside the caller's transaction)

/** Creates or replaces recommendations by number. */
export async function importRecommendations(tx: Tx, orgId: string, evaluationId: string, imported: RecommendationImportRow[]): Promise<number> {
  const existing = await repo.recommendationsByNumbers(tx, evaluationId);
  for (const row of imported) {
    const values = {
      text: row.text,
      level: row.level,
      addressees: row.addressees,
      priority: row.priority,
      criteria: row.criteria,
      responseDecision: row.response?.decision ?? null,
      responseText: row.response?.text ?? null,
      responseDate: row.response?.date ?? null,
    };
    const current = existing.get(row.number);
    if (current) await repo.updateRecommendationRow(tx, current.id, values);
    else await repo.insertRecommendation(tx, orgId, { ...values, evaluationId, number: row.number });
  }
  return imported.length;
}

/** Adds actions to existing, accepted recommendations; any unknown or unaccepted one rejects the whole file. */
export async function importActions(tx: Tx, orgId: string, evaluationId: string, imported: ActionImportRow[], file: string): Promise<number> {
  const byNumber = await repo.recommendationsByNumbers(tx, evaluationId);
  const issues: ImportIssue[] = [];
  for (const row of imported) {
    const recommendation = byNumber.get(row.recommendationNumber);
    if (!recommendation) issues.push({ file, row: row.row, column: 'recommendation_number', expected: 'the number of a recommendation of this evaluation' });
    else if (recommendation.responseDecision === null || recommendation.responseDecision === 'not_accepted') {
      issues.push({ file, row: row.row, column: 'recommendation_number', expected: 'a recommendation whose management response accepts it (fully or partially)' });
    }
  }
  if (issues.length > 0) throw new ImportRejected(issues);
  for (const row of imported) {
    await repo.insertAction(tx, orgId, {
      recommendationId: byNumber.get(row.recommendationNumber)!.id,
      description: row.description,
      responsibleUnit: row.responsibleUnit,
      dueDate: row.dueDate,
      status: row.status,
      completedOn: row.completedOn,
    });
  }
  return imported.length;
}

// ---------------------------------------------------------------- whole evaluation as JSON

export const EVALUATION_EXPORT_FORMAT = 'tracer-evaluation/1';

export function evaluationDocument(dossier: EvaluationDossier) {
  const { orgId: _org, id: _id, createdAt: _created, ...evaluation } = dossier.evaluation;
  return {
    format: EVALUATION_EXPORT_FORMAT,
    evaluation,
    findings: dossier.findings.map(({ criterion, text, evidence }) => ({ criterion, text, evidence })),
    recommendations: dossier.recommendations.map((r) => ({
      number: r.number,
      text: r.text,
      level: r.level,
      addressees: r.addressees,
      priority: r.priority,
      criteria: r.criteria,
      response: r.responseDecision ? { decision: r.responseDecision, text: r.responseText ?? '', date: r.responseDate! } : null,
      actions: r.actions.map((a) => ({
        description: a.description,
        responsibleUnit: a.responsibleUnit,
        dueDate: a.dueDate,
        status: a.status,
        completedOn: a.completedOn,
        updates: a.updates.map((u) => ({
          on: u.on,
          text: u.text,
          statusAfter: u.statusAfter,
          evidenceUrl: u.evidenceUrl,
          evidenceIndicator: u.evidenceIndicator,
        })),
      })),
    })),
    lessons: dossier.lessons.map(({ kind, language, title, text, context, replicationConditions, themes, countries }) => ({
      kind,
      language,
      title,
      text,
      context,
      replicationConditions,
      themes,
      countries,
    })),
  };
}

export type EvaluationDocument = ReturnType<typeof evaluationDocument>;

/** Creates a new evaluation from an exported document (lessons come in unpublished). */
export async function importEvaluationDocument(tx: Tx, orgId: string, document: EvaluationDocument): Promise<string> {
  const evaluation = await createEvaluation(tx, orgId, document.evaluation);
  for (const [position, finding] of document.findings.entries()) {
    await repo.insertFinding(tx, orgId, { ...finding, evaluationId: evaluation.id, position });
  }
  for (const r of document.recommendations) {
    const recommendation = await repo.insertRecommendation(tx, orgId, {
      evaluationId: evaluation.id,
      number: r.number,
      text: r.text,
      level: r.level,
      addressees: r.addressees,
      priority: r.priority,
      criteria: r.criteria,
      responseDecision: r.response?.decision ?? null,
      responseText: r.response?.text ?? null,
      responseDate: r.response?.date ?? null,
    });
    for (const a of r.actions) {
      const { updates, ...action } = a;
      const created = await repo.insertAction(tx, orgId, { ...action, recommendationId: recommendation.id });
      for (const update of updates) await repo.insertActionUpdate(tx, orgId, { ...update, actionId: created.id });
    }
  }
  for (const lesson of document.lessons) {
    await repo.insertLesson(tx, orgId, { ...lesson, evaluationId: evaluation.id, published: false, publishedAt: null });
  }
  return evaluation.id;
}
