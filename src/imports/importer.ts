// Imports a table file of one kind: the whole file is read and validated first, then written in
// one transaction — all rows or none, unless `skipInvalid`, which writes the valid rows and
// reports the rest. Every problem names the file, the spreadsheet row, the column and what was
// expected.
import type { Actor } from '../accounts/service.ts';
import type { Database, Tx } from '../db/database.ts';
import { readTable, restoreNeutralised, TableError, writeTable, type Sheet, type TableFormat } from './table.ts';

export interface ImportIssue {
  file: string;
  /** The workbook sheet, when not the first. */
  sheet?: string;
  /** Spreadsheet row number (the header is row 1); 1 for problems with the header. */
  row: number;
  column: string;
  message: string;
}

/** One kind of importable record (activities, participants, …), defined by its domain. */
export interface ImportKind<Input> {
  name: string;
  /** Columns of the published template and of exports, in order. */
  columns: readonly string[];
  required: readonly string[];
  /** The natural key column: re-importing a key updates its record. */
  keyColumn: string;
  key(input: Input): string;
  /** Turns cells into an input; cell-level problems go to `issues` as [column, message]. */
  parse(cell: (column: string) => string, issues: Array<[string, string]>): Input;
  /**
   * Loads what validation needs from the database; returns the per-record rule check. A problem
   * found in a further sheet's cell (`readSheets`) names its sheet and row.
   */
  prepare(tx: Tx, actor: Actor, inputs: Input[]): Promise<(input: Input) => Array<{ field: string; message: string; sheet?: string; row?: number }>>;
  /**
   * Inserts or updates (by key); returns how many records were new and how many updated. A kind
   * that leaves some alone because they were imported before (same source id) says how many as
   * `unchanged`, so that re-importing a file reports them instead of duplicating.
   */
  write(tx: Tx, actor: Actor, inputs: Input[]): Promise<{ inserted: number; updated: number; unchanged?: number }>;
  /**
   * For kinds whose columns depend on the file (survey responses: one column per question, the
   * metadata columns of the tool that exported it): checks the header instead of `columns` and
   * `required`, and says how many rows under the header are more header (Qualtrics has three).
   */
  readHeader?(header: string[], rows: string[][]): { issues: Array<[string, string]>; headerRows?: number };
  /**
   * For kinds whose records continue on further sheets of a workbook (survey repeat blocks):
   * adds those sheets' rows to the records read from the first sheet. Each problem names its
   * sheet, row and column, and the record it belongs to (index into `inputs`) when known.
   */
  readSheets?(sheets: Sheet[], inputs: readonly Input[]): SheetIssue[];
  exportRows(tx: Tx, actor: Actor, options: ExportOptions): Promise<string[][]>;
}

/**
 * Whether an export carries names, e-mails and phones: 'pseudonymised' (participant codes only) unless
 * an administrator explicitly asks for 'named'. Kinds without personal data ignore it.
 */
export interface ExportOptions {
  personalData: 'pseudonymised' | 'named';
}

export interface SheetIssue {
  sheet: string;
  row: number;
  column: string;
  message: string;
  /** The record (index into the inputs) the row belongs to; none: a problem of the file. */
  record?: number;
}

export interface ImportOptions {
  fileName: string;
  bytes: Uint8Array;
  skipInvalid?: boolean;
  onProgress?: (message: string) => void;
}

export interface ImportReport {
  kind: string;
  file: string;
  rows: number;
  written: number;
  /** Of the written rows: records created, and existing records (same key) updated. */
  created: number;
  updated: number;
  skipped: number;
  /** Valid rows left alone because they had been imported before (kinds that report it). */
  unchanged?: number;
  issues: ImportIssue[];
}

export class ImportRejected extends Error {
  constructor(readonly report: ImportReport) {
    super(`${report.file}: ${report.issues.length} problem(s); nothing was written`);
  }
}

class RollBack extends Error {
  constructor(readonly report: ImportReport) {
    super('roll back');
  }
}

export async function importTable<Input>(database: Database, actor: Actor, kind: ImportKind<Input>, options: ImportOptions): Promise<ImportReport> {
  const { fileName, onProgress = () => {} } = options;
  let table;
  try {
    table = await readTable(fileName, options.bytes);
  } catch (error) {
    if (error instanceof TableError) throw new ImportRejected(emptyReport(kind, fileName, [{ file: fileName, row: 1, column: '', message: error.message }]));
    throw error;
  }
  let headerIssues: ImportIssue[];
  let headerRows = 0;
  if (kind.readHeader) {
    const read = kind.readHeader(table.header, table.rows);
    headerIssues = read.issues.map(([column, message]) => ({ file: fileName, row: 1, column, message }));
    headerRows = read.headerRows ?? 0;
  } else {
    headerIssues = checkHeader(kind, fileName, table.header);
  }
  if (headerIssues.length > 0) throw new ImportRejected(emptyReport(kind, fileName, headerIssues));
  const dataRows = table.rows.length - headerRows;
  onProgress(`${fileName}: read ${dataRows} rows`);

  const columnIndex = new Map<string, number>();
  table.header.forEach((column, at) => {
    if (!columnIndex.has(column)) columnIndex.set(column, at);
  });
  type RowIssue = { column: string; message: string; sheet?: string; row?: number };
  const parsed: Array<{ row: number; input: Input; issues: Array<[string, string]>; sheetIssues?: RowIssue[] }> = [];
  for (let index = headerRows; index < table.rows.length; index++) {
    const cells = table.rows[index]!;
    const issues: Array<[string, string]> = [];
    const cell = (column: string) => {
      const at = columnIndex.get(column);
      const value = at === undefined ? '' : restoreNeutralised((cells[at] ?? '').trim());
      if (!value.includes('\u0000')) return value;
      // PostgreSQL text cannot hold U+0000: the row is refused, and the value never reaches a query.
      if (!issues.some(([named]) => named === column)) issues.push([column, 'contains a NUL character (U+0000), which cannot be stored; remove it']);
      return '';
    };
    parsed.push({ row: index + 2, input: kind.parse(cell, issues), issues });
    if ((index + 1 - headerRows) % 100_000 === 0) onProgress(`${fileName}: read ${index + 1 - headerRows}/${dataRows} rows`);
  }
  const fileIssues: ImportIssue[] = [];
  if (kind.readSheets && table.sheets.length > 0) {
    for (const { record, ...issue } of kind.readSheets(table.sheets, parsed.map((entry) => entry.input))) {
      const entry = record === undefined ? undefined : parsed[record];
      if (entry) (entry.sheetIssues ??= []).push(issue);
      else fileIssues.push({ file: fileName, ...issue });
    }
  }

  try {
    return await database.withOrg(actor.orgId, async (tx) => {
      const check = await kind.prepare(tx, actor, parsed.map((entry) => entry.input));
      const issues: ImportIssue[] = [...fileIssues];
      const seenKeys = new Map<string, number>();
      const valid: Input[] = [];
      for (const [index, entry] of parsed.entries()) {
        const rowIssues: RowIssue[] = [...entry.issues.map(([column, message]) => ({ column, message })), ...(entry.sheetIssues ?? [])];
        if (rowIssues.length === 0) rowIssues.push(...check(entry.input).map(({ field, ...problem }) => ({ column: field, ...problem })));
        const key = kind.key(entry.input);
        const firstRow = seenKeys.get(key);
        if (firstRow !== undefined) rowIssues.push({ column: kind.keyColumn, message: `duplicate of row ${firstRow}; expected each ${kind.keyColumn} once per file` });
        else seenKeys.set(key, entry.row);
        if (rowIssues.length === 0) valid.push(entry.input);
        else issues.push(...rowIssues.map((issue) => ({ file: fileName, row: entry.row, ...issue })));
        if ((index + 1) % 5000 === 0) onProgress(`${fileName}: validated ${index + 1}/${parsed.length} rows`);
      }
      const report: ImportReport = { kind: kind.name, file: fileName, rows: parsed.length, written: 0, created: 0, updated: 0, skipped: parsed.length - valid.length, issues };
      if (issues.length > 0 && !options.skipInvalid) throw new RollBack(report);
      let unchanged: number | undefined;
      for (let start = 0; start < valid.length; start += 5000) {
        const written = await kind.write(tx, actor, valid.slice(start, start + 5000));
        report.created += written.inserted;
        report.updated += written.updated;
        if (written.unchanged !== undefined) unchanged = (unchanged ?? 0) + written.unchanged;
        onProgress(`${fileName}: wrote ${Math.min(valid.length, start + 5000)}/${valid.length} rows`);
      }
      report.written = valid.length - (unchanged ?? 0);
      if (unchanged !== undefined) report.unchanged = unchanged;
      return report;
    });
  } catch (error) {
    if (error instanceof RollBack) throw new ImportRejected(error.report);
    throw error;
  }
}

function checkHeader(kind: { columns: readonly string[]; required: readonly string[] }, fileName: string, header: string[]): ImportIssue[] {
  const issues: ImportIssue[] = [];
  for (const column of kind.required) {
    if (!header.includes(column)) issues.push({ file: fileName, row: 1, column, message: `missing column "${column}"; expected the columns ${kind.columns.join(',')}` });
  }
  for (const column of header) {
    if (column !== '' && !kind.columns.includes(column)) issues.push({ file: fileName, row: 1, column, message: `unknown column "${column}"; expected some of ${kind.columns.join(',')}` });
  }
  return issues;
}

function emptyReport(kind: { name: string }, file: string, issues: ImportIssue[]): ImportReport {
  return { kind: kind.name, file, rows: 0, written: 0, created: 0, updated: 0, skipped: 0, issues };
}

export async function exportTable<Input>(
  database: Database,
  actor: Actor,
  kind: ImportKind<Input>,
  format: TableFormat,
  options: ExportOptions = { personalData: 'pseudonymised' },
): Promise<Buffer> {
  const rows = await database.withOrg(actor.orgId, (tx) => kind.exportRows(tx, actor, options));
  return writeTable(format, [...kind.columns], rows, kind.name);
}

export async function templateTable(kind: { name: string; columns: readonly string[] }, format: TableFormat): Promise<Buffer> {
  return writeTable(format, [...kind.columns], [], kind.name);
}

export function describeIssue(issue: ImportIssue): string {
  return `${issue.file}${issue.sheet ? `, sheet ${issue.sheet}` : ''}, row ${issue.row}, column ${issue.column || '(file)'}: ${issue.message}`;
}

// ---------------------------------------------------------------- cell parsers

export const cells = {
  text(value: string): string | null {
    return value === '' ? null : value;
  },
  list(value: string): string[] {
    return value.split(';').map((item) => item.trim()).filter((item) => item !== '');
  },
  lowerList(value: string): string[] {
    return cells.list(value).map((item) => item.toLowerCase());
  },
  integer(value: string, column: string, issues: Array<[string, string]>): number | null {
    if (value === '') return null;
    if (!/^-?\d+$/.test(value)) {
      issues.push([column, `expected a whole number, got "${value}"`]);
      return null;
    }
    return Number(value);
  },
  number(value: string, column: string, issues: Array<[string, string]>): number | null {
    if (value === '') return null;
    const parsed = Number(value);
    if (!Number.isFinite(parsed)) {
      issues.push([column, `expected a number, got "${value}"`]);
      return null;
    }
    return parsed;
  },
  boolean(value: string, column: string, issues: Array<[string, string]>, fallback: boolean): boolean {
    const lower = value.toLowerCase();
    if (lower === '') return fallback;
    if (['yes', 'true', '1', 'y', 'oui', 'sí', 'si'].includes(lower)) return true;
    if (['no', 'false', '0', 'n', 'non'].includes(lower)) return false;
    issues.push([column, `expected yes or no, got "${value}"`]);
    return fallback;
  },
  yesNo(value: boolean): string {
    return value ? 'yes' : 'no';
  },
};
