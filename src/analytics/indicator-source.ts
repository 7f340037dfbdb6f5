// Live indicator values for evaluations (findings and progress updates point at a KPI, a period
// and filters): the engine computes the result each time it is shown, in the caller's transaction.
import type { IndicatorResult, IndicatorResultSource } from '../evaluations/indicator-results.ts';
import type { IndicatorLink } from '../evaluations/schema.ts';
import type { Tx } from '../db/database.ts';
import { computeKpis } from './engine.ts';
import { AnalyticsError } from './service.ts';

export async function indicatorResult(tx: Tx, link: IndicatorLink): Promise<IndicatorResult> {
  try {
    const report = await computeKpis(tx, {
      period: link.period,
      indicators: [link.indicatorKey],
      filters: Object.entries(link.filters).map(([key, value]) => `${key}=${value}`),
    });
    const omitted = report.omitted.find((o) => o.indicator === link.indicatorKey);
    if (omitted) return { available: false, reason: omitted.reason };
    const result = report.results.find((r) => r.indicator === link.indicatorKey && r.period === report.period);
    if (!result) return { available: false, reason: `no data for ${link.period}` };
    const { cell } = result;
    if (cell.kind === 'suppressed') return { available: false, reason: `fewer than ${report.minCellSize} valid answers (n = ${cell.n}): suppressed` };
    const interval = cell.statistic === 'ratio' ? null : cell.interval;
    return { available: true, value: cell.value, ciLow: interval?.low ?? null, ciHigh: interval?.high ?? null, n: cell.n };
  } catch (error) {
    if (error instanceof AnalyticsError) return { available: false, reason: error.message };
    throw error;
  }
}

export const engineIndicatorResults: IndicatorResultSource = {
  resultFor: (link, tx) => indicatorResult(tx, link),
};
