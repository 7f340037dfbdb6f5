// Reading and writing tables of cells in CSV (UTF-8, with or without BOM, any line ends, quoted
// fields) and XLSX, shared by every import and export. Cells are strings; the kinds decide meaning.
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';

export type TableFormat = 'csv' | 'xlsx';

export interface Table {
  header: string[];
  /** Data rows; `rows[i]` is spreadsheet row i + 2 (row 1 is the header). */
  rows: string[][];
  /** The workbook's further sheets that hold a header (XLSX only; survey repeats live there). */
  sheets: Sheet[];
}

/** A further sheet of a workbook: its name, header (lower case) and data rows, numbered as in `Table`. */
export interface Sheet {
  name: string;
  header: string[];
  rows: string[][];
}

/** A problem with the file as a whole (encoding, structure), before any row is read. */
export class TableError extends Error {}

export function formatOf(fileName: string, bytes: Uint8Array): TableFormat {
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b;
  return fileName.toLowerCase().endsWith('.xlsx') || isZip ? 'xlsx' : 'csv';
}

export async function readTable(fileName: string, bytes: Uint8Array): Promise<Table> {
  return formatOf(fileName, bytes) === 'xlsx' ? readXlsx(fileName, bytes) : readCsv(fileName, bytes);
}

function readCsv(fileName: string, bytes: Uint8Array): Table {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const hint = bytes[0] === 0xff && bytes[1] === 0xfe ? ' (it looks like UTF-16)' : ' (it looks like Windows-1252 or Latin-1)';
    throw new TableError(`${fileName}: the file is not UTF-8 text${hint}; save it as "CSV UTF-8" and import it again`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let records: string[][];
  try {
    records = parse(text, { relax_column_count: true, skip_empty_lines: true, trim: false }) as string[][];
  } catch (error) {
    const { lines, message } = error as { lines?: number; message: string };
    throw new TableError(`${fileName}: not valid CSV${lines ? ` near line ${lines}` : ''}: ${message}`);
  }
  return splitHeader(fileName, records);
}

async function readXlsx(fileName: string, bytes: Uint8Array): Promise<Table> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  } catch {
    throw new TableError(`${fileName}: not a readable XLSX workbook; save it again from the spreadsheet as .xlsx or as CSV UTF-8`);
  }
  const [first, ...others] = workbook.worksheets;
  if (!first) throw new TableError(`${fileName}: the workbook has no sheet`);
  const sheets: Sheet[] = [];
  for (const sheet of others) {
    const [header = [], ...rows] = sheetRecords(sheet);
    if (header.some((cell) => cell.trim() !== '')) sheets.push({ name: sheet.name, header: header.map((cell) => cell.trim().toLowerCase()), rows });
  }
  return { ...splitHeader(fileName, sheetRecords(first), true), sheets };
}

function sheetRecords(sheet: ExcelJS.Worksheet): string[][] {
  const records: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
    const values: string[] = [];
    for (let column = 1; column <= sheet.columnCount; column++) values.push(cellText(row.getCell(column).value));
    records[rowNumber - 1] = values;
  });
  const filled = Array.from(records, (record) => record ?? []);
  // Blank spreadsheet rows at the end are common; blank rows in the middle keep their numbers.
  while (filled.length > 0 && filled[filled.length - 1]!.every((cell) => cell === '')) filled.pop();
  return filled;
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('text' in value) return String(value.text);
    if ('result' in value) return value.result === undefined ? '' : cellText(value.result as ExcelJS.CellValue);
    if ('error' in value) return '';
  }
  return String(value);
}

function splitHeader(fileName: string, records: string[][], keepBlankRows = false): Table {
  const [header, ...rows] = records;
  if (!header || header.every((cell) => cell.trim() === '')) throw new TableError(`${fileName}: the file is empty; expected a header row with column names`);
  return {
    header: header.map((cell) => cell.trim().toLowerCase()),
    rows: keepBlankRows ? rows : rows.filter((row) => row.some((cell) => cell !== '')),
    sheets: [],
  };
}

/** Spreadsheet formulas start with these; an exported cell starting with one gets a leading apostrophe. */
const FORMULA_START = /^[=+\-@\t\r]/;
/** A plain number (a negative figure such as a confidence bound) is data, not a formula: it stays a number. */
const PLAIN_NUMBER = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/;

export function neutraliseFormula(cell: string): string {
  return FORMULA_START.test(cell) && !PLAIN_NUMBER.test(cell) ? `'${cell}` : cell;
}

/** Undoes `neutraliseFormula`, so that exports import back unchanged. */
export function restoreNeutralised(cell: string): string {
  return cell.startsWith("'") && FORMULA_START.test(cell.slice(1)) ? cell.slice(1) : cell;
}

export async function writeTable(format: TableFormat, header: string[], rows: string[][], sheetName = 'data'): Promise<Buffer> {
  const safeRows = rows.map((row) => row.map(neutraliseFormula));
  if (format === 'csv') return Buffer.from('\uFEFF' + stringify([header, ...safeRows], { record_delimiter: 'windows' }), 'utf8');
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow(header);
  // Cells are written as text, never as formulas.
  for (const row of safeRows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A table written to a file for download: its name, HTTP content type and bytes. */
export interface TableFile {
  fileName: string;
  contentType: string;
  body: Buffer;
}

const contentTypes: Record<TableFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

/** `writeTable` as a file named `name.csv` or `name.xlsx`. */
export async function tableFile(format: TableFormat, name: string, header: string[], rows: string[][], sheetName = 'data'): Promise<TableFile> {
  return { fileName: `${name}.${format}`, contentType: contentTypes[format], body: await writeTable(format, header, rows, sheetName) };
}
