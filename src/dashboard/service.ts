// The dashboard's rules: turn the page's URL query into the analytics engine's query (the very
// KpiQuery that /api/kpi builds from `period`, `filter` and `by`), run the engine, and say how
// each result stands against its target. No figure is computed here.
import type { Tx } from '../db/database.ts';
import { computeKpis, type KpiQuery, type KpiReport } from '../analytics/engine.ts';
import type { DimensionKey } from '../analytics/dimensions.ts';
import type { KpiResult } from '../analytics/output.ts';
import { AnalyticsError, listIndicators, type Indicator } from '../analytics/service.ts';
import { Problem } from '../http/problem.ts';
import { filterChoices, type FilterChoices } from './repository.ts';

/** The dimensions a disaggregation chart can be drawn by (modality has its own chart). */
export const disaggregations = ['gender', 'region', 'constituent_group', 'disability', 'age_band', 'ldc', 'fee_type', 'programme'] as const satisfies readonly DimensionKey[];
export type Disaggregation = (typeof disaggregations)[number];

/** The dashboard's URL query: every field optional, the page is shareable as it stands. */
export interface DashboardQuery {
  period?: string;
  programme?: string;
  modality?: string;
  by?: Disaggregation;
  /** The indicator the charts show (default: relevance, else the first). */
  indicator?: string;
}

/** The engine's `filter` values for the page's filters, written as /api/kpi takes them. */
export function engineFilters(query: { programme?: string; activity?: string; modality?: string }): string[] {
  const filters: string[] = [];
  if (query.programme) filters.push(`programme=${query.programme}`);
  if (query.activity) filters.push(`activity=${query.activity}`);
  if (query.modality) filters.push(`modality=${query.modality}`);
  return filters;
}

export type TargetStatus = 'met' | 'not_met' | 'no_target' | 'suppressed' | 'no_data';

export function targetStatus(indicator: Pick<Indicator, 'direction'>, result: KpiResult | undefined): TargetStatus {
  if (!result) return 'no_data';
  if (result.cell.kind === 'suppressed') return 'suppressed';
  if (result.target === null) return 'no_target';
  const value = result.cell.value;
  if (value === null) return 'no_data';
  const met = indicator.direction === 'lower_is_better' ? value <= result.target : value >= result.target;
  return met ? 'met' : 'not_met';
}

/** Results in the order of the indicators (as the organisation lists them), then by period. */
export function inIndicatorOrder(results: readonly KpiResult[], indicators: readonly Pick<Indicator, 'key'>[]): KpiResult[] {
  const rank = new Map(indicators.map((indicator, index) => [indicator.key, index]));
  return [...results].sort((a, b) => (rank.get(a.indicator) ?? Infinity) - (rank.get(b.indicator) ?? Infinity) || a.period.localeCompare(b.period));
}

export interface DashboardView {
  query: DashboardQuery;
  indicators: Indicator[];
  /** Every indicator for the period (or every year, each on its own), under the filters. */
  results: KpiReport;
  /** The period the cards show: the one asked for, else the latest with results. */
  cardPeriod: string | null;
  chartIndicator: Indicator | undefined;
  /** The chart indicator over every year, under the filters (not the period). */
  trend: KpiReport | undefined;
  byModality: KpiReport | undefined;
  disaggregation: KpiReport | undefined;
  choices: FilterChoices;
}

export async function dashboardView(tx: Tx, query: DashboardQuery): Promise<DashboardView> {
  const filters = engineFilters(query);
  const base: KpiQuery = { period: query.period || undefined, filters };
  // One after the other: a transaction is one connection, whose queries run in turn anyway.
  const indicators = await listIndicators(tx);
  const results = await computeKpis(tx, base);
  const choices = await filterChoices(tx, query.programme);
  const chartIndicator = indicators.find((i) => i.key === query.indicator) ?? indicators.find((i) => i.key === 'relevance') ?? indicators[0];
  const periods = [...new Set(results.results.map((r) => r.period))].sort();
  const cardPeriod = results.period ?? periods.at(-1) ?? null;
  let trend: KpiReport | undefined;
  let byModality: KpiReport | undefined;
  let disaggregation: KpiReport | undefined;
  if (chartIndicator) {
    const only = [chartIndicator.key];
    // Without a period the main report already holds every year under the same filters: reuse it
    // (the engine computes each indicator on its own, so the subset is what a separate call returns).
    trend = base.period === undefined ? { ...results, results: results.results.filter((r) => r.indicator === chartIndicator.key) } : await computeKpis(tx, { filters, indicators: only });
    byModality = await computeKpis(tx, { ...base, by: 'modality', indicators: only });
    if (query.by) disaggregation = await computeKpis(tx, { ...base, by: query.by, indicators: only });
  }
  return { query, indicators, results, cardPeriod, chartIndicator, trend, byModality, disaggregation, choices };
}

/** An engine error about the page's query (a period, a filter) as a 400/404 problem naming the query field. */
export function rethrowAnalyticsError(error: unknown): never {
  if (error instanceof AnalyticsError) {
    throw new Problem(error.status, error.message, error.errors.map((issue) => ({ ...issue, field: `querystring/${issue.field}` })));
  }
  throw error;
}
