// The evaluation report's rules: gather, for one period (and optionally one programme), every
// figure the report prints from the service that owns it — indicator results, disaggregations and
// earlier periods from the analytics engine (computeKpis, the very call behind /api/kpi and
// `tracer kpi`), response rates from waves/, activities from catalogue/, coded evidence and
// selected quotes from evidence/, findings from evaluations/ — and state its limitations from
// those figures. No figure is computed here; trainer ratings are confidential and never read.
import type { Tx } from '../db/database.ts';
import { organisationName } from '../accounts/service.ts';
import { computeKpis, type KpiReport } from '../analytics/engine.ts';
import { kirkpatrickLevels, standardIndicators, statisticOf } from '../analytics/definitions.ts';
import { dimensions, type DimensionKey } from '../analytics/dimensions.ts';
import { formatPeriod, type Period } from '../analytics/periods.ts';
import { listIndicators, parsePeriodOrThrow, type Indicator } from '../analytics/service.ts';
import { compareShares, type ShareCell } from '../analytics/statistics.ts';
import type { KpiResult } from '../analytics/output.ts';
import { activitiesEndedIn } from '../catalogue/service.ts';
import type { ScopeActivity } from '../catalogue/repository.ts';
import { listEvaluations, listFindings } from '../evaluations/service.ts';
import { codeCounts, reportQuotes, type CodeCounts, type EvidenceKeys, type ReportQuote } from '../evidence/service.ts';
import { responseRates, type RateRow } from '../waves/service.ts';

/** Below this RR1 an instrument's results are said to be at risk of non-response bias. */
export const LOW_RESPONSE_RATE = 0.3;
/** Under this many valid answers an estimate is shown but its interval is said to be wide. */
export const SMALL_N = 30;
/** How many earlier periods of the same length the report compares with. */
const EARLIER_PERIODS = 2;
const QUOTES = 8;
/** Quotes are read in a larger batch so that repeated words (the same sentence from several people) show once. */
const QUOTE_CANDIDATES = 200;

/** The dimensions the report disaggregates its headline indicators by. */
export const reportDisaggregations = ['gender', 'age_band', 'region', 'ldc', 'constituent_group', 'modality'] as const satisfies readonly DimensionKey[];

export interface ReportQuery {
  /** A year (2023) or a range (2022-2023). */
  period: string;
  programme?: string;
}

export interface MixEntry {
  value: string;
  activities: number;
}

export interface ReportScope {
  activities: ScopeActivity[];
  modality: MixEntry[];
  /** An activity given in two languages counts under each. */
  language: MixEntry[];
  feeType: MixEntry[];
}

export interface PeriodComparison {
  indicator: string;
  /** Current period minus the one before; null when either is suppressed or missing, or not a share. */
  difference: number | null;
  pValue: number | null;
}

export interface EvaluationFinding {
  evaluation: string;
  criterion: string;
  text: string;
}

export type Limitation =
  | { kind: 'suppressed'; cells: number; minCellSize: number }
  | { kind: 'low_response_rate'; instrument: string; rr1: number; threshold: number }
  | { kind: 'no_response_rates' }
  | { kind: 'small_n'; indicators: string[]; threshold: number }
  | { kind: 'no_data'; indicators: string[] }
  | { kind: 'not_disaggregable'; indicators: string[] }
  | { kind: 'no_quotes' };

export interface ReportData {
  /** The name of the organisation whose training the report covers (on the cover). */
  organisation: string;
  period: string;
  programme: string | null;
  generatedOn: string;
  minCellSize: number;
  indicators: Indicator[];
  scope: ReportScope;
  /** Response rates by instrument over the waves of the activities in scope, then the total (groupKey 'all'). */
  rates: RateRow[];
  kpis: KpiReport;
  /** The indicators disaggregated, one per Kirkpatrick level. */
  headline: Indicator[];
  disaggregations: Array<{ dimension: DimensionKey; report: KpiReport }>;
  /** Earlier periods of the same length, oldest first, then the current one. */
  trend: Array<{ period: string; report: KpiReport }>;
  comparisons: PeriodComparison[];
  findings: EvaluationFinding[];
  evidence: CodeCounts;
  quotes: ReportQuote[];
  limitations: Limitation[];
  /** The commands and API calls that return the report's figures. */
  reproduce: string[];
}

/** The engine filters of the report (as /api/kpi and `tracer kpi --filter` take them). */
export function reportFilters(query: ReportQuery): string[] {
  return query.programme ? [`programme=${query.programme}`] : [];
}

export async function reportData(tx: Tx, orgId: string, keys: EvidenceKeys, query: ReportQuery, today = new Date()): Promise<ReportData> {
  const period = parsePeriodOrThrow(query.period, 'period');
  const label = formatPeriod(period);
  const filters = reportFilters(query);
  const programme = query.programme ?? null;
  // One after the other: a transaction is one connection, whose queries run in turn anyway.
  const indicators = await listIndicators(tx);
  const kpis = await computeKpis(tx, { period: label, filters });
  const headline = headlineIndicators(indicators);
  const disaggregations: ReportData['disaggregations'] = [];
  for (const dimension of reportDisaggregations) {
    if (headline.length === 0) break;
    disaggregations.push({ dimension, report: await computeKpis(tx, { period: label, filters, by: dimension, indicators: headline.map((i) => i.key) }) });
  }
  const trend: ReportData['trend'] = [];
  for (const earlier of earlierPeriods(period, EARLIER_PERIODS)) {
    trend.push({ period: formatPeriod(earlier), report: await computeKpis(tx, { period: formatPeriod(earlier), filters }) });
  }
  trend.push({ period: label, report: kpis });
  const activities = await activitiesEndedIn(tx, period, query.programme);
  const rates = activities.length === 0 ? [] : await scopeRates(tx, activities.map((a) => a.id));
  const evidenceFilter = { years: period, ...(query.programme ? { programme: query.programme } : {}) };
  const evidence = await codeCounts(tx, evidenceFilter);
  const quotes = distinctTexts(await reportQuotes(tx, orgId, keys, evidenceFilter, QUOTE_CANDIDATES)).slice(0, QUOTES);
  const findings = await evaluationFindings(tx, period, programme === null ? null : new Set(activities.map((a) => a.id)));
  const previous = trend.at(-2)?.report;
  const comparisons = previous ? comparePeriods(indicators, kpis, previous) : [];
  const limitations = findLimitations({ indicators, kpis, disaggregations, rates, quotes });
  return {
    organisation: await organisationName(tx, orgId),
    period: label,
    programme,
    generatedOn: today.toISOString().slice(0, 10),
    minCellSize: kpis.minCellSize,
    indicators,
    scope: scopeOf(activities),
    rates,
    kpis,
    headline,
    disaggregations,
    trend,
    comparisons,
    findings,
    evidence,
    quotes,
    limitations,
    reproduce: reproduceCommands(query, label, headline),
  };
}

/** For each Kirkpatrick level, the first share indicator asked of respondents (standard ones first, in the standard set's order). */
export function headlineIndicators(indicators: readonly Indicator[]): Indicator[] {
  const respondentKinds = new Set(['answer_in_set', 'text_non_empty', 'paired_gain']);
  const rank = (indicator: Indicator) => {
    const position = standardIndicators.findIndex((s) => s.key === indicator.key);
    return position === -1 ? standardIndicators.length : position;
  };
  const candidates = indicators.filter((i) => i.unit === 'share' && respondentKinds.has(i.definition.kind)).sort((a, b) => rank(a) - rank(b));
  return kirkpatrickLevels.map((level) => candidates.find((i) => i.level === level)).filter((found): found is Indicator => found !== undefined);
}

/** The `count` periods of the same length just before `period`, oldest first (2022-2023 → 2018-2019, 2020-2021). */
export function earlierPeriods(period: Period, count: number): Period[] {
  const length = period.to - period.from + 1;
  return Array.from({ length: count }, (_, i) => count - i).map((back) => ({ from: period.from - back * length, to: period.to - back * length }));
}

function distinctTexts(quotes: ReportQuote[]): ReportQuote[] {
  const seen = new Set<string>();
  return quotes.filter((quote) => {
    const words = quote.text.trim().toLowerCase();
    if (seen.has(words)) return false;
    seen.add(words);
    return true;
  });
}

async function scopeRates(tx: Tx, activityIds: string[]): Promise<RateRow[]> {
  const byInstrument = await responseRates(tx, 'instrument', { activityIds });
  const total = await responseRates(tx, 'total', { activityIds });
  return [...byInstrument, ...total];
}

function mix(values: Iterable<string>): MixEntry[] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].map(([value, activities]) => ({ value, activities })).sort((a, b) => b.activities - a.activities || a.value.localeCompare(b.value));
}

function scopeOf(activities: ScopeActivity[]): ReportScope {
  return {
    activities,
    modality: mix(activities.map((a) => a.modality)),
    language: mix(activities.flatMap((a) => a.languages)),
    feeType: mix(activities.map((a) => a.feeType)),
  };
}

/** Findings of the evaluations that ended in the period (covering the programme's activities, when one is chosen). */
async function evaluationFindings(tx: Tx, period: Period, scopeIds: ReadonlySet<string> | null): Promise<EvaluationFinding[]> {
  const ended = (await listEvaluations(tx)).filter((evaluation) => {
    const year = evaluation.endDate ? Number(evaluation.endDate.slice(0, 4)) : null;
    if (year === null || year < period.from || year > period.to) return false;
    return scopeIds === null || evaluation.scopeActivityIds.some((id) => scopeIds.has(id));
  });
  const findings: EvaluationFinding[] = [];
  for (const evaluation of ended) {
    for (const finding of await listFindings(tx, evaluation.id)) findings.push({ evaluation: evaluation.title, criterion: finding.criterion, text: finding.text });
  }
  return findings;
}

const resultOf = (report: KpiReport, indicator: string): KpiResult | undefined => report.results.find((r) => r.indicator === indicator);

/** The engine's two-proportion test of each share indicator, this period against the one before. */
function comparePeriods(indicators: readonly Indicator[], current: KpiReport, previous: KpiReport): PeriodComparison[] {
  return indicators.map((indicator) => {
    const now = resultOf(current, indicator.key);
    const before = resultOf(previous, indicator.key);
    if (statisticOf(indicator.definition) !== 'share' || !now || !before) {
      return { indicator: indicator.key, difference: null, pValue: null };
    }
    const comparison = compareShares(now.cell as ShareCell, before.cell as ShareCell);
    return comparison.kind === 'compared'
      ? { indicator: indicator.key, difference: comparison.difference, pValue: comparison.pValue }
      : { indicator: indicator.key, difference: null, pValue: null };
  });
}

interface LimitationInputs {
  indicators: readonly Indicator[];
  kpis: KpiReport;
  disaggregations: ReportData['disaggregations'];
  rates: readonly RateRow[];
  quotes: readonly ReportQuote[];
}

/** What limits the report, stated from its own figures. */
export function findLimitations({ indicators, kpis, disaggregations, rates, quotes }: LimitationInputs): Limitation[] {
  const limitations: Limitation[] = [];
  const cells = [...kpis.results, ...disaggregations.flatMap((d) => d.report.results)];
  const suppressed = cells.filter((r) => r.cell.kind === 'suppressed').length;
  if (suppressed > 0) limitations.push({ kind: 'suppressed', cells: suppressed, minCellSize: kpis.minCellSize });
  const noData = indicators.filter((i) => !resultOf(kpis, i.key)).map((i) => i.key);
  if (noData.length > 0) limitations.push({ kind: 'no_data', indicators: noData });
  const ratios = new Set(indicators.filter((i) => statisticOf(i.definition) === 'ratio').map((i) => i.key));
  const small = kpis.results.filter((r) => r.cell.kind !== 'suppressed' && !ratios.has(r.indicator) && r.cell.n < SMALL_N).map((r) => r.indicator);
  if (small.length > 0) limitations.push({ kind: 'small_n', indicators: small, threshold: SMALL_N });
  const anonymous = anonymousIndicators(disaggregations);
  if (anonymous.length > 0) limitations.push({ kind: 'not_disaggregable', indicators: anonymous });
  const byInstrument = rates.filter((r) => r.groupKey !== 'all');
  if (byInstrument.length === 0) limitations.push({ kind: 'no_response_rates' });
  for (const rate of byInstrument) {
    if (rate.rr1 !== null && rate.rr1 < LOW_RESPONSE_RATE) limitations.push({ kind: 'low_response_rate', instrument: rate.groupKey, rr1: rate.rr1, threshold: LOW_RESPONSE_RATE });
  }
  if (quotes.length === 0) limitations.push({ kind: 'no_quotes' });
  return limitations;
}

/** Indicators whose answers name nobody (anonymous instruments): under every participant dimension, all their answers are "not stated". */
function anonymousIndicators(disaggregations: ReportData['disaggregations']): string[] {
  const byParticipant = disaggregations.filter((d) => dimensions[d.dimension].of === 'participant');
  const keys = new Set(byParticipant.flatMap((d) => d.report.results.map((r) => r.indicator)));
  return [...keys].filter((key) =>
    byParticipant.every((d) => d.report.results.filter((r) => r.indicator === key).every((r) => (r.by[d.dimension] ?? null) === null)),
  );
}

/** The CLI commands and API calls that give the report's figures. */
export function reproduceCommands(query: ReportQuery, period: string, headline: readonly Indicator[]): string[] {
  const cliFilter = query.programme ? ` --filter ${shellQuote(`programme=${query.programme}`)}` : '';
  const apiFilter = query.programme ? `&filter=${encodeURIComponent(`programme=${query.programme}`)}` : '';
  const indicatorFlags = headline.map((i) => ` --indicator ${i.key}`).join('');
  const indicatorParams = headline.map((i) => `&indicator=${i.key}`).join('');
  const report = `tracer report --period ${period}${query.programme ? ` --programme ${shellQuote(query.programme)}` : ''} --out report.html`;
  return [
    report,
    `tracer kpi --period ${period}${cliFilter} --format json`,
    `GET /api/kpi?period=${period}${apiFilter}`,
    ...reportDisaggregations.map((d) => `tracer kpi --period ${period}${cliFilter} --by ${d}${indicatorFlags} --format json`),
    `GET /api/kpi?period=${period}${apiFilter}&by=gender${indicatorParams}`,
    `GET /api/kpi/tests?period=${period}${apiFilter}`,
    `tracer waves rates --by instrument --period ${period}${query.programme ? ` --programme ${shellQuote(query.programme)}` : ''}`,
  ];
}

function shellQuote(text: string): string {
  return /^[\w.=/-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
