// The tables and charts of the dashboard and of the activity page as rows for CSV/XLSX, built from
// the very view the page renders (same service call, same engine results), with the figures
// unrounded as /api/kpi gives them. Files are written by imports/table.ts, which neutralises
// formulas. Trainer ratings and comments are exported by evidence/ (audit-logged there).
import { dimensionValueLabel, type DimensionKey } from '../analytics/dimensions.ts';
import type { KpiReport } from '../analytics/engine.ts';
import { kpiRecord, type KpiRecord } from '../analytics/output.ts';
import type { KpiResult } from '../analytics/output.ts';
import type { Indicator } from '../analytics/service.ts';
import { tableFile, type TableFile, type TableFormat } from '../imports/table.ts';
import type { Lang } from '../web/i18n/index.ts';
import { kpiPairs, type ActivityView } from './activity.ts';
import { SCORE_BANDS } from './repository.ts';
import { inIndicatorOrder, targetStatus, type DashboardView } from './service.ts';

export const dashboardTables = ['results', 'trend', 'modality', 'disaggregation'] as const;
export type DashboardTable = (typeof dashboardTables)[number];
export const activityTables = ['profile', 'rates', 'kpis', 'distribution', 'paired'] as const;
export type ActivityTable = (typeof activityTables)[number];

export interface ExportTable {
  /** The file's name without its extension. */
  name: string;
  header: string[];
  rows: string[][];
}

export async function exportFile(table: ExportTable, format: TableFormat): Promise<TableFile> {
  return tableFile(format, table.name, table.header, table.rows, table.name.slice(0, 31));
}

/** A figure as the API writes it: unrounded; null is an empty cell. */
export const cell = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

const MEASURES = ['value', 'ci_low', 'ci_high', 'n', 'n_missing', 'suppressed'] as const;

function measures(record: KpiRecord): string[] {
  return [cell(record.value), cell(record.ci_low), cell(record.ci_high), cell(record.denominator), cell(record.n_missing), cell(record.suppressed)];
}

/** One row per engine result: indicator, period, the group (when by a dimension), the measures, baseline, target and status. */
function kpiTable(name: string, report: KpiReport, indicators: readonly Indicator[], lang: Lang, dimension: DimensionKey | null): ExportTable {
  const byKey = new Map(indicators.map((indicator) => [indicator.key, indicator]));
  const header = ['indicator', 'indicator_name', 'period', ...(dimension ? [dimension, `${dimension}_label`] : []), ...MEASURES, 'baseline', 'target', 'status'];
  const rows = inIndicatorOrder(report.results, indicators).map((result: KpiResult) => {
    const indicator = byKey.get(result.indicator);
    const record = kpiRecord(result, dimension ? [dimension] : []);
    const group = dimension ? (result.by[dimension] ?? null) : null;
    return [
      result.indicator,
      indicator?.names[lang] ?? result.indicator,
      result.period,
      ...(dimension ? [cell(group), group === null ? '' : dimensionValueLabel(dimension, group, lang)] : []),
      ...measures(record),
      cell(record.baseline),
      cell(record.target),
      indicator ? targetStatus(indicator, result) : '',
    ];
  });
  return { name, header, rows };
}

export function dashboardTable(view: DashboardView, table: DashboardTable, lang: Lang): ExportTable | undefined {
  switch (table) {
    case 'results':
      return kpiTable('dashboard-results', view.results, view.indicators, lang, null);
    case 'trend':
      return view.trend && kpiTable('dashboard-trend', view.trend, view.indicators, lang, null);
    case 'modality':
      return view.byModality && kpiTable('dashboard-modality', view.byModality, view.indicators, lang, 'modality');
    case 'disaggregation':
      return view.disaggregation && view.query.by ? kpiTable(`dashboard-by-${view.query.by}`, view.disaggregation, view.indicators, lang, view.query.by) : undefined;
  }
}

/** The lower and upper bound (in %) of a score band. */
export function bandBounds(band: number): [number, number] {
  return [(100 * band) / SCORE_BANDS, (100 * (band + 1)) / SCORE_BANDS];
}

export function activityTable(view: ActivityView, table: ActivityTable, lang: Lang): ExportTable | undefined {
  const code = view.activity.code.replace(/[^A-Za-z0-9_-]/g, '_');
  const results = view.results;
  // Only the profile is shown to those who do not read results (trainers).
  if (table !== 'profile' && !results) return undefined;
  switch (table) {
    case 'profile':
      return {
        name: `activity-${code}-profile`,
        header: ['dimension', 'value', 'label', 'count', 'share', 'suppressed'],
        rows: [
          ['total', '', '', cell(view.profile.total), view.profile.total > 0 ? '1' : '', 'false'],
          ...view.profile.groups.map((group) => [
            group.dimension,
            cell(group.value),
            group.value === null ? '' : dimensionValueLabel(group.dimension, group.value, lang),
            cell(group.count),
            cell(group.share),
            cell(group.suppressed),
          ]),
        ],
      };
    case 'rates':
      return {
          name: `activity-${code}-response-rates`,
          header: ['wave_id', 'wave', 'purpose', 'instrument', 'opens_at', 'closes_at', 'eligible', 'invited', 'delivered', 'bounced', 'opened', 'partial', 'complete', 'rr1', 'rr2'],
          rows: results!.waves.map(({ wave, rate }) => [
            wave.id,
            wave.name,
            wave.purpose,
            wave.instrumentKey,
            wave.opensAt.toISOString(),
            wave.closesAt.toISOString(),
            ...[rate.eligible, rate.invited, rate.delivered, rate.bounced, rate.opened, rate.partial, rate.complete, rate.rr1, rate.rr2].map(cell),
          ]),
        };
    case 'kpis':
      return activityKpiTable(`activity-${code}-indicators`, view, results!.indicators, lang);
    case 'distribution': {
      const { pre, post } = results!.distribution;
      const rows = [pre, post].flatMap((phase) =>
        Array.from({ length: SCORE_BANDS }, (_, band) => {
          const [from, to] = bandBounds(band);
          return [phase.phase, String(band), String(from), String(to), cell(phase.bands?.[band] ?? null), String(phase.n), cell(phase.suppressed)];
        }),
      );
      return { name: `activity-${code}-score-distribution`, header: ['phase', 'band', 'from_percent', 'to_percent', 'count', 'n', 'suppressed'], rows };
    }
    case 'paired':
      return {
          name: `activity-${code}-paired-tests`,
          header: ['indicator', 'period', 'suppressed', 'n', 'mean_difference', 'ci_low', 'ci_high', 't', 'df', 't_p_value', 'wilcoxon_n', 'wilcoxon_v', 'wilcoxon_method', 'wilcoxon_z', 'wilcoxon_p_value'],
          rows: results!.paired.map(({ indicator, period, tests }) => {
            if (tests.kind === 'suppressed') return [indicator, period, 'true', String(tests.n), '', '', '', '', '', '', '', '', '', '', ''];
            const t = tests.tTest;
            const w = tests.wilcoxon;
            return [indicator, period, 'false', cell(t?.n), cell(t?.meanDifference), cell(t?.interval.low), cell(t?.interval.high), cell(t?.t), cell(t?.df), cell(t?.pValue), cell(w?.n), cell(w?.statistic), cell(w?.method), cell(w?.z), cell(w?.pValue)];
          }),
        };
  }
}

/** The activity's figures beside the organisation's, one row per indicator. */
function activityKpiTable(name: string, view: ActivityView, indicators: readonly Indicator[], lang: Lang): ExportTable {
  const results = view.results!;
  const header = [
    'indicator',
    'indicator_name',
    'period',
    ...MEASURES.map((m) => `activity_${m}`),
    ...MEASURES.map((m) => `organisation_${m}`),
    'baseline',
    'target',
  ];
  const rows = kpiPairs(results.activity, results.organisation, indicators).map(({ indicator, period, activity, organisation }) => [
    indicator.key,
    indicator.names[lang],
    period,
    ...(activity ? measures(kpiRecord(activity, [])) : MEASURES.map(() => '')),
    ...(organisation ? measures(kpiRecord(organisation, [])) : MEASURES.map(() => '')),
    cell((organisation ?? activity)?.baseline),
    cell((organisation ?? activity)?.target),
  ]);
  return { name, header, rows };
}
