// The records `tracer kpi` and `tracer freq` print (and the API returns), shaped from engine
// cells, and their JSON, CSV and table renderings. Field names and order are those of issue 6 §6.
import { stringify } from 'csv-stringify/sync';
import type { DimensionKey } from './dimensions.ts';
import type { Cell } from './statistics.ts';

/** One engine result: an indicator, a period, the values of the --by dimensions, and a cell. */
export interface KpiResult {
  indicator: string;
  period: string;
  /** The value of each --by dimension for this cell (null: not stated). */
  by: Partial<Record<DimensionKey, string | null>>;
  cell: Cell;
  baseline: number | null;
  target: number | null;
}

export interface KpiMeasures {
  /** Shares: units counted; means: the sum of the values; ratios: the cost. Null when suppressed. */
  numerator: number | null;
  /** Valid answers (or the count a ratio divides by), shown even when the cell is suppressed. */
  denominator: number;
  /** A share as 0–1, a mean, or a ratio. */
  value: number | null;
  ci_low: number | null;
  ci_high: number | null;
  n_missing: number;
  suppressed: boolean;
  baseline: number | null;
  target: number | null;
}

/** `indicator`, `period`, one field per --by dimension, then the measures. */
export type KpiRecord = { indicator: string; period: string } & Record<string, string | number | boolean | null>;

const KPI_MEASURE_FIELDS = ['numerator', 'denominator', 'value', 'ci_low', 'ci_high', 'n_missing', 'suppressed', 'baseline', 'target'] as const;

export function kpiFields(by: readonly DimensionKey[]): string[] {
  return ['indicator', 'period', ...by, ...KPI_MEASURE_FIELDS];
}

function measuresOf(cell: Cell): Omit<KpiMeasures, 'baseline' | 'target'> {
  const common = { n_missing: cell.missing };
  if (cell.kind === 'suppressed') {
    return { numerator: null, denominator: cell.n, value: null, ci_low: null, ci_high: null, suppressed: true, ...common };
  }
  switch (cell.statistic) {
    case 'share':
      return { numerator: cell.numerator, denominator: cell.denominator, value: cell.value, ci_low: cell.interval.low, ci_high: cell.interval.high, suppressed: false, ...common };
    case 'mean':
      return { numerator: cell.sum, denominator: cell.n, value: cell.value, ci_low: cell.interval.low, ci_high: cell.interval.high, suppressed: false, ...common };
    case 'ratio':
      return { numerator: cell.numerator, denominator: cell.denominator, value: cell.value, ci_low: null, ci_high: null, suppressed: false, ...common };
  }
}

/** The record of one result, with the fields in the prescribed order. */
export function kpiRecord(result: KpiResult, by: readonly DimensionKey[]): KpiRecord {
  const record: KpiRecord = { indicator: result.indicator, period: result.period };
  for (const dimension of by) record[dimension] = result.by[dimension] ?? null;
  const measures: KpiMeasures = { ...measuresOf(result.cell), baseline: result.baseline, target: result.target };
  for (const field of KPI_MEASURE_FIELDS) record[field] = measures[field];
  return record;
}

export function kpiRecords(results: readonly KpiResult[], by: readonly DimensionKey[]): KpiRecord[] {
  return results.map((result) => kpiRecord(result, by));
}

// ------------------------------------------------------------------ frequency tables

export interface FrequencyCounts {
  options: ReadonlyArray<{ code: string; label: string; count: number }>;
  /** Respondents with a valid answer to the question. */
  valid: number;
  /** Respondents asked the question without a valid answer. */
  missing: number;
}

export interface FreqRecord {
  option: string;
  label: string;
  count: number;
  /** 0–100, of valid answers; null when there is none. With multiple choice the sum may exceed 100. */
  percent: number | null;
  n_valid: number;
  n_missing: number;
  [field: string]: string | number | null;
}

export const FREQ_FIELDS = ['option', 'label', 'count', 'percent', 'n_valid', 'n_missing'] as const;

export function freqRecords(counts: FrequencyCounts): FreqRecord[] {
  return counts.options.map(({ code, label, count }) => ({
    option: code,
    label,
    count,
    percent: counts.valid === 0 ? null : (100 * count) / counts.valid,
    n_valid: counts.valid,
    n_missing: counts.missing,
  }));
}

// ------------------------------------------------------------------ renderings

export const outputFormats = ['table', 'json', 'csv'] as const;
export type OutputFormat = (typeof outputFormats)[number];

type Scalar = string | number | boolean | null;
type OutputRecord = Record<string, Scalar>;

/** JSON: an array of objects, numbers unrounded. */
export function toJson(records: readonly OutputRecord[]): string {
  return `${JSON.stringify(records, null, 2)}\n`;
}

/** CSV (RFC 4180) with a header row; null is an empty field, booleans are true/false, numbers unrounded. */
export function toCsv(records: readonly OutputRecord[], fields: readonly string[]): string {
  return stringify(
    records.map((record) => fields.map((field) => record[field] ?? null)),
    { header: true, columns: [...fields], cast: { boolean: (value) => String(value) } },
  );
}

/** A text table for people: numbers rounded (shares to 3 decimals, others to 2), "—" for null. */
export function toTable(records: readonly OutputRecord[], fields: readonly string[]): string {
  const rows = records.map((record) => fields.map((field) => displayValue(record[field] ?? null)));
  const widths = fields.map((field, i) => Math.max(field.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (isNumeric(cell) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line([...fields]), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

function displayValue(value: Scalar): string {
  if (value === null) return '—';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(Math.abs(value) < 1 ? 3 : 2);
  return String(value);
}

function isNumeric(text: string): boolean {
  return /^-?\d+(\.\d+)?$/.test(text);
}

export function render(records: readonly OutputRecord[], fields: readonly string[], format: OutputFormat): string {
  switch (format) {
    case 'json':
      return toJson(records);
    case 'csv':
      return toCsv(records, fields);
    case 'table':
      return toTable(records, fields);
  }
}
