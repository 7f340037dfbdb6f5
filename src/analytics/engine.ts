// The indicator engine's rules: parse a request (period, --by, --filter), run the one SQL
// statement of engine-repository.ts, and turn each cell's aggregates into honest statistics
// (statistics.ts): estimates with intervals, suppression below the organisation's threshold,
// paired tests for pre/post gains, two-proportion comparisons between groups, baselines and targets.
import { sql } from 'drizzle-orm';
import { audit, type Actor } from '../accounts/service.ts';
import type { Tx } from '../db/database.ts';
import { statisticOf } from './definitions.ts';
import { assertDimensionValue, DimensionError, dimensions, isDimensionKey, parseBreakdown, type DimensionKey } from './dimensions.ts';
import {
  frequencyCounts,
  indicatorAggregates,
  questionChoices,
  scopeFilterKeys,
  type AggregateRow,
  type EngineFilters,
  type EngineRequest,
} from './engine-repository.ts';
import { freqRecords, type FreqRecord, type KpiResult } from './output.ts';
import { formatPeriod, type Period } from './periods.ts';
import * as repository from './repository.ts';
import { analyticsSettings } from './schema.ts';
import { AnalyticsError, listIndicators, parsePeriodOrThrow } from './service.ts';
import {
  cellFromAggregates,
  compareShares,
  DEFAULT_MIN_CELL_SIZE,
  pairedTests,
  suppressionPolicy,
  type Cell,
  type PairedTests,
  type ShareCell,
  type SuppressionPolicy,
} from './statistics.ts';
import type { Lang } from '../web/i18n/index.ts';

// ------------------------------------------------------------------ settings

export interface AnalyticsSettings {
  /** Cells with fewer valid answers than this are suppressed. */
  minCellSize: number;
}

export async function getAnalyticsSettings(tx: Tx): Promise<AnalyticsSettings> {
  const [row] = await tx.select().from(analyticsSettings);
  return { minCellSize: row?.minCellSize ?? DEFAULT_MIN_CELL_SIZE };
}

/** Sets the suppression threshold of the current organisation (administrators; the CLI passes no actor). */
export async function setMinCellSize(tx: Tx, actor: Actor | undefined, minCellSize: number): Promise<AnalyticsSettings> {
  if (!Number.isInteger(minCellSize) || minCellSize < 1 || minCellSize > 1000) {
    const message = `the suppression threshold must be a whole number from 1 to 1000, got ${minCellSize}`;
    throw new AnalyticsError(message, [{ field: 'minCellSize', message }], 400);
  }
  const values = { minCellSize, updatedAt: sql`now()`, updatedBy: actor?.userId ?? null };
  await tx
    .insert(analyticsSettings)
    .values({ orgId: sql`tracer_current_org()`, ...values })
    .onConflictDoUpdate({ target: analyticsSettings.orgId, set: values });
  await audit(tx, actor, 'analytics.settings_updated', 'analytics:settings', { minCellSize });
  return getAnalyticsSettings(tx);
}

// ------------------------------------------------------------------ parsing requests

export const FILTER_KEY_PATTERN = /^[a-z][a-z0-9_/]{0,99}$/;

/** `KEY=VALUE`: a dimension, `activity` (code), `theme` (code), or a question key (answer filter). */
export function parseFilters(texts: readonly string[]): EngineFilters {
  const filters: EngineFilters = { fields: [], answers: [] };
  for (const text of texts) {
    const at = text.indexOf('=');
    const key = at > 0 ? text.slice(0, at).trim() : '';
    const value = at > 0 ? text.slice(at + 1).trim() : '';
    if (key === '' || value === '') throw badRequest('filter', `"${text}" is not a filter: write KEY=VALUE, e.g. gender=woman or office=country_office`);
    if (isDimensionKey(key)) {
      try {
        assertDimensionValue(key, value);
      } catch (error) {
        if (error instanceof DimensionError) throw badRequest('filter', error.message);
        throw error;
      }
      if (key === 'year' && !/^\d{4}$/.test(value)) throw badRequest('filter', `year=${value}: write a year such as 2023`);
      filters.fields.push({ key, value });
    } else if ((scopeFilterKeys as readonly string[]).includes(key)) {
      filters.fields.push({ key: key as (typeof scopeFilterKeys)[number], value });
    } else if (FILTER_KEY_PATTERN.test(key)) {
      filters.answers.push({ question: key, value });
    } else {
      throw badRequest('filter', `"${key}" is neither a dimension (${Object.keys(dimensions).join(', ')}), activity, theme nor a question key`);
    }
  }
  return filters;
}

export function parseBy(text: string | undefined): DimensionKey[] {
  try {
    return parseBreakdown(text);
  } catch (error) {
    if (error instanceof DimensionError) throw badRequest('by', error.message);
    throw error;
  }
}

function badRequest(field: string, message: string): AnalyticsError {
  return new AnalyticsError(message, [{ field, message }], 400);
}

// ------------------------------------------------------------------ KPIs

export interface KpiQuery {
  /** A year or a range; undefined: every year, each its own period. */
  period?: string;
  by?: string;
  filters?: readonly string[];
  /** Only these indicators (default: all of the organisation's). */
  indicators?: readonly string[];
}

export interface ComparisonRecord {
  indicator: string;
  period: string;
  /** The dimension whose groups are compared. */
  dimension: DimensionKey;
  group_a: string;
  group_b: string;
  /** The value of the other --by dimension both groups share (null with one dimension). */
  within: string | null;
  /** p_a − p_b, null when not compared. */
  difference: number | null;
  z: number | null;
  p_value: number | null;
  compared: boolean;
}

export interface PairedTestRecord {
  indicator: string;
  period: string;
  by: Partial<Record<DimensionKey, string | null>>;
  tests: PairedTests;
}

export interface KpiReport {
  by: DimensionKey[];
  period: string | null;
  minCellSize: number;
  results: KpiResult[];
  comparisons: ComparisonRecord[];
  paired: PairedTestRecord[];
  /** Indicators left out, with the reason (e.g. response rate under an answer filter). */
  omitted: Array<{ indicator: string; reason: string }>;
}

/** Kinds whose denominator is not a set of respondents: an answer filter cannot apply to them. */
const NOT_UNDER_ANSWER_FILTER = new Set(['response_rate', 'cost_per_completion', 'cost_per_application']);

export async function computeKpis(tx: Tx, query: KpiQuery): Promise<KpiReport> {
  const period = query.period === undefined || query.period === '' ? null : parsePeriodOrThrow(query.period, 'period');
  const by = parseBy(query.by);
  const filters = parseFilters(query.filters ?? []);
  const all = await listIndicators(tx);
  if (query.indicators) {
    const unknown = query.indicators.filter((key) => !all.some((i) => i.key === key));
    if (unknown.length > 0) throw new AnalyticsError(`No indicator ${unknown.join(', ')} in this organisation`, [{ field: 'indicator', message: 'no such indicator' }], 404);
  }
  const wanted = all.filter((i) => !query.indicators || query.indicators.includes(i.key));
  const omitted: KpiReport['omitted'] = [];
  const indicators = wanted.filter((indicator) => {
    if (filters.answers.length > 0 && NOT_UNDER_ANSWER_FILTER.has(indicator.definition.kind)) {
      omitted.push({ indicator: indicator.key, reason: 'not defined under a filter on answers (its denominator is not a set of respondents)' });
      return false;
    }
    return true;
  });
  const settings = await getAnalyticsSettings(tx);
  const policy = suppressionPolicy(settings.minCellSize);
  const request: EngineRequest = { indicators: indicators.map(({ key, definition }) => ({ key, definition })), period, by, filters };
  const [aggregates, targets] = await Promise.all([indicatorAggregates(tx, request), repository.listTargetRows(tx)]);
  const targetOf = (indicator: string, label: string) => {
    const found = targets.find((t) => t.indicatorKey === indicator && formatPeriod({ from: t.periodFrom, to: t.periodTo }) === label);
    return { baseline: found?.baseline ?? null, target: found?.target ?? null };
  };
  const statistics = new Map(indicators.map((i) => [i.key, statisticOf(i.definition)]));
  const results: KpiResult[] = [];
  const paired: PairedTestRecord[] = [];
  for (const row of aggregates) {
    const statistic = statistics.get(row.indicator)!;
    const cell = toCell(row, statistic, policy);
    const cellBy = byValues(by, row);
    results.push({ indicator: row.indicator, period: row.period, by: cellBy, cell, ...targetOf(row.indicator, row.period) });
    if (row.n_nonzero !== null && row.sum_of_squares !== null) {
      const tests = pairedTests(
        { n: row.denominator, sum: row.numerator, sumOfSquares: row.sum_of_squares },
        { nonZero: row.n_nonzero, zero: row.n_zero ?? 0, positiveRankSum: row.positive_rank_sum ?? 0, tieCorrection: row.tie_correction ?? 0 },
        policy,
      );
      paired.push({ indicator: row.indicator, period: row.period, by: cellBy, tests });
    }
  }
  return { by, period: period && formatPeriod(period), minCellSize: settings.minCellSize, results, comparisons: compareGroups(results, by, new Set([...statistics].filter(([, s]) => s === 'share').map(([key]) => key))), paired, omitted };
}

function byValues(by: readonly DimensionKey[], row: AggregateRow): KpiResult['by'] {
  const values: KpiResult['by'] = {};
  if (by[0]) values[by[0]] = row.d1;
  if (by[1]) values[by[1]] = row.d2;
  return values;
}

function toCell(row: AggregateRow, statistic: 'share' | 'mean' | 'ratio', policy: SuppressionPolicy): Cell {
  if (statistic === 'mean') {
    return cellFromAggregates({ statistic, n: row.denominator, sum: row.numerator, sumOfSquares: row.sum_of_squares ?? 0, missing: row.missing }, policy);
  }
  return cellFromAggregates({ statistic, numerator: row.numerator, denominator: row.denominator, missing: row.missing }, policy);
}

/**
 * Two-proportion tests between the groups of each --by dimension, pairwise, within the same value
 * of the other dimension. Groups whose value is not stated are not compared; suppressed cells are
 * listed as not compared and never tested.
 */
export function compareGroups(results: readonly KpiResult[], by: readonly DimensionKey[], shareIndicators: ReadonlySet<string>): ComparisonRecord[] {
  const records: ComparisonRecord[] = [];
  for (const [index, dimension] of by.entries()) {
    const other = by[1 - index];
    const buckets = new Map<string, KpiResult[]>();
    for (const result of results) {
      if (!shareIndicators.has(result.indicator)) continue;
      const group = result.by[dimension];
      if (group === null || group === undefined) continue;
      const within = other ? (result.by[other] ?? null) : null;
      if (other && within === null) continue;
      const key = JSON.stringify([result.indicator, result.period, within]);
      buckets.set(key, [...(buckets.get(key) ?? []), result]);
    }
    for (const members of buckets.values()) {
      const sorted = [...members].sort((a, b) => String(a.by[dimension]).localeCompare(String(b.by[dimension])));
      for (let i = 0; i < sorted.length; i++) {
        for (let j = i + 1; j < sorted.length; j++) {
          const a = sorted[i]!;
          const b = sorted[j]!;
          const comparison = compareShares(a.cell as ShareCell, b.cell as ShareCell);
          records.push({
            indicator: a.indicator,
            period: a.period,
            dimension,
            group_a: a.by[dimension]!,
            group_b: b.by[dimension]!,
            within: other ? (a.by[other] ?? null) : null,
            difference: comparison.kind === 'compared' ? comparison.difference : null,
            z: comparison.kind === 'compared' ? comparison.z : null,
            p_value: comparison.kind === 'compared' ? comparison.pValue : null,
            compared: comparison.kind === 'compared',
          });
        }
      }
    }
  }
  return records;
}

// ------------------------------------------------------------------ frequency tables

export interface FreqQuery {
  question: string;
  instrument?: string;
  period?: string;
  filters?: readonly string[];
  lang?: Lang;
}

export async function frequencyTable(tx: Tx, query: FreqQuery): Promise<FreqRecord[]> {
  if (!FILTER_KEY_PATTERN.test(query.question)) throw badRequest('question', `"${query.question}" is not a question key`);
  const period: Period | null = query.period === undefined || query.period === '' ? null : parsePeriodOrThrow(query.period, 'period');
  const filters = parseFilters(query.filters ?? []);
  const instrument = query.instrument ?? null;
  const choices = await questionChoices(tx, query.question, instrument);
  if (choices === null) {
    const where = instrument === null ? 'any instrument' : `instrument "${instrument}"`;
    throw new AnalyticsError(`No question "${query.question}" in ${where}`, [{ field: 'question', message: 'no such question' }], 404);
  }
  const counts = await frequencyCounts(tx, { question: query.question, instrument, period, filters });
  const lang = query.lang ?? 'en';
  const byCode = new Map(counts.codes.map((row) => [row.code, row.count]));
  const listed = choices.map((choice) => ({ code: choice.code, label: choice.label[lang] ?? choice.label.en ?? choice.code, count: byCode.get(choice.code) ?? 0 }));
  // Values outside the choice list (numbers, texts, codes of older versions) follow, most frequent first.
  const others = counts.codes
    .filter((row) => !choices.some((choice) => choice.code === row.code))
    .sort((a, b) => b.count - a.count || a.code.localeCompare(b.code))
    .map((row) => ({ code: row.code, label: row.code, count: row.count }));
  return freqRecords({ options: [...listed, ...others], valid: counts.valid, missing: counts.missing });
}
