// Honest statistics from aggregates. The SQL engine never hands rows to JavaScript: it returns a
// few sums per cell, and these functions turn them into estimates, intervals and tests.
// Distributions (normal, Student t, Wilcoxon signed rank) come from @stdlib, never hand-written.
//
// ---------------------------------------------------------------------------------------------
// THE AGGREGATE CONTRACT — what the SQL layer must return per cell (one row per indicator and
// combination of --by dimension values), always cast so both drivers return numbers
// (`count(*)::int`, `sum(x)::float8`):
//
//   share kinds (answer in a set, non-empty text, property share, response rate, acquisition):
//     numerator   int  — units counted as "yes"             count(*) filter (where <in set>)
//     denominator int  — valid answers (item non-response excluded)   count(*) filter (where <valid>)
//     missing     int  — eligible units with no valid answer         count(*) filter (where not <valid>)
//     → shareCell(); wilsonSql() gives the same interval inside SQL when a query wants it there.
//
//   mean kinds (scale/numeric mean, knowledge gain, normalised gain):
//     n int, sum float8, sum_of_squares float8 — of the valid values; missing int as above
//     → meanCell() (t-interval). Sums of squares lose precision only for values ~1e8 and beyond;
//       answers and scores are small numbers, so the one-pass formula is safe here.
//
//   paired pre/post (knowledge_gain), over d = post − pre for participants with both scores:
//     the mean contract above applied to d                                   → pairedTTest()
//     plus signed ranks of d (zeros dropped, ties get midranks):             → wilcoxonSignedRank()
//       n_nonzero int, n_zero int, positive_rank_sum float8, tie_correction float8 (Σ t³−t over
//       groups of tied |d|); `signedRankSql` below is the reference SQL for these four numbers.
//
//   efficiency kinds (cost_per_completion, cost_per_application): total_cost float8 and the
//     count it is divided by (int) → ratioCell(); no interval (cost is not a sample).
//
// Every cell with n below the suppression threshold (default 5) becomes `{ kind: 'suppressed' }`:
// it carries n and nothing that could be read as an estimate, and the comparison functions only
// accept estimate cells, so a suppressed cell cannot be compared by construction.
// ---------------------------------------------------------------------------------------------
import normalCdf from '@stdlib/stats-base-dists-normal-cdf';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import signedRankCdf from '@stdlib/stats-base-dists-signrank-cdf';
import tCdf from '@stdlib/stats-base-dists-t-cdf';
import tQuantile from '@stdlib/stats-base-dists-t-quantile';

export const DEFAULT_MIN_CELL_SIZE = 5;
export const DEFAULT_CONFIDENCE = 0.95;

/** Below this many non-zero differences (and without ties or zeros) the Wilcoxon p-value is exact. */
export const WILCOXON_EXACT_MAX_N = 50;

export interface Interval {
  low: number;
  high: number;
}

export class StatisticsError extends Error {}

// ------------------------------------------------------------------ inputs from SQL

export interface ShareCounts {
  numerator: number;
  /** Valid answers: item non-response is not in here. */
  denominator: number;
  /** Eligible units without a valid answer. */
  missing: number;
}

/** Sums of the valid values of a cell. */
export interface MomentSums {
  n: number;
  sum: number;
  sumOfSquares: number;
}

export interface MeanCounts extends MomentSums {
  missing: number;
}

/** Signed ranks of paired differences, summed in SQL (see `signedRankSql`). */
export interface SignedRankSums {
  /** Differences that are not zero: the ones ranked. */
  nonZero: number;
  zero: number;
  /** Sum of the (mid)ranks of |d| over the positive differences: Wilcoxon's V (W+). */
  positiveRankSum: number;
  /** Σ (t³ − t) over groups of t tied |d|; 0 when no ties. */
  tieCorrection: number;
}

// ------------------------------------------------------------------ basic estimates

function zFor(confidence: number): number {
  assertConfidence(confidence);
  return normalQuantile(1 - (1 - confidence) / 2, 0, 1);
}

function assertConfidence(confidence: number): void {
  if (!(confidence > 0 && confidence < 1)) throw new StatisticsError(`confidence must be between 0 and 1, got ${confidence}`);
}

function assertCount(value: number, name: string): void {
  if (!Number.isInteger(value) || value < 0) throw new StatisticsError(`${name} must be a whole number ≥ 0, got ${value}`);
}

/**
 * Wilson score interval for a proportion (Wilson 1927; Newcombe 1998 method 3). Unlike the
 * Wald interval it stays inside [0, 1] and keeps its coverage for small n and shares near 0 or 1.
 */
export function wilsonInterval(successes: number, n: number, confidence = DEFAULT_CONFIDENCE): Interval {
  assertCount(successes, 'successes');
  assertCount(n, 'n');
  if (n === 0) throw new StatisticsError('a proportion needs n ≥ 1');
  if (successes > n) throw new StatisticsError(`successes (${successes}) exceed n (${n})`);
  const z = zFor(confidence);
  const p = successes / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  const scale = 1 + z2 / n;
  // At 0 and n the exact bound is 0 (resp. 1); computing it would leave a rounding residue.
  return {
    low: successes === 0 ? 0 : (centre - spread) / scale,
    high: successes === n ? 1 : (centre + spread) / scale,
  };
}

export interface MeanSummary {
  n: number;
  mean: number;
  /** Sample standard deviation (divisor n − 1). */
  sd: number;
}

export function summariseMoments({ n, sum, sumOfSquares }: MomentSums): MeanSummary {
  assertCount(n, 'n');
  if (n < 2) throw new StatisticsError('a standard deviation needs n ≥ 2');
  const mean = sum / n;
  // Rounding can push a zero variance slightly below zero.
  const variance = Math.max(0, (sumOfSquares - n * mean * mean) / (n - 1));
  return { n, mean, sd: Math.sqrt(variance) };
}

/** Two-sided t-interval for a mean: mean ± t(1−α/2, n−1) · sd/√n. */
export function tInterval({ n, mean, sd }: MeanSummary, confidence = DEFAULT_CONFIDENCE): Interval {
  assertConfidence(confidence);
  if (n < 2) throw new StatisticsError('a t-interval needs n ≥ 2');
  const halfWidth = tQuantile(1 - (1 - confidence) / 2, n - 1) * (sd / Math.sqrt(n));
  return { low: mean - halfWidth, high: mean + halfWidth };
}

// ------------------------------------------------------------------ tests

export interface PairedTTest {
  n: number;
  meanDifference: number;
  sdDifference: number;
  t: number;
  df: number;
  /** Two-sided. */
  pValue: number;
  interval: Interval;
}

/** Paired t-test of H0: mean(post − pre) = 0, from the moment sums of the differences. */
export function pairedTTest(differences: MomentSums, confidence = DEFAULT_CONFIDENCE): PairedTTest {
  const summary = summariseMoments(differences);
  const df = summary.n - 1;
  const standardError = summary.sd / Math.sqrt(summary.n);
  if (standardError === 0) throw new StatisticsError('all differences are equal: the t statistic is undefined');
  const t = summary.mean / standardError;
  return {
    n: summary.n,
    meanDifference: summary.mean,
    sdDifference: summary.sd,
    t,
    df,
    pValue: 2 * tCdf(-Math.abs(t), df),
    interval: tInterval(summary, confidence),
  };
}

export type WilcoxonMethod = 'exact' | 'normal_approximation';

export interface WilcoxonSignedRank {
  /** Differences ranked (zeros dropped, as in Wilcoxon 1945 and R's wilcox.test). */
  n: number;
  /** V = W+, the sum of the ranks of the positive differences. */
  statistic: number;
  method: WilcoxonMethod;
  /** Only for the normal approximation: the continuity- and tie-corrected z. */
  z: number | null;
  /** Two-sided. */
  pValue: number;
}

/**
 * Wilcoxon signed-rank test of H0: the differences are symmetric about 0.
 *
 * Which p-value: EXACT (the null distribution of V, from @stdlib) when fewer than
 * WILCOXON_EXACT_MAX_N differences are ranked and there are neither ties nor zeros; otherwise the
 * NORMAL APPROXIMATION with the tie correction of the variance (n(n+1)(2n+1)/24 − Σ(t³−t)/48) and
 * a continuity correction of 0.5 toward the mean. This is the rule of R's `wilcox.test`, so
 * results can be checked against it.
 */
export function wilcoxonSignedRank(sums: SignedRankSums): WilcoxonSignedRank {
  const { nonZero: n, zero, positiveRankSum: v, tieCorrection } = sums;
  assertCount(n, 'nonZero');
  assertCount(zero, 'zero');
  if (n === 0) throw new StatisticsError('all differences are zero: nothing to rank');
  if (v < 0 || v > (n * (n + 1)) / 2) throw new StatisticsError(`positiveRankSum ${v} is impossible for n = ${n}`);
  const exact = n < WILCOXON_EXACT_MAX_N && tieCorrection === 0 && zero === 0;
  if (exact) {
    const lower = signedRankCdf(v, n);
    const upper = 1 - signedRankCdf(v - 1, n);
    return { n, statistic: v, method: 'exact', z: null, pValue: Math.min(1, 2 * Math.min(lower, upper)) };
  }
  const deviation = v - (n * (n + 1)) / 4;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieCorrection / 48);
  if (sigma === 0) throw new StatisticsError('all ranks are tied: the test is undefined');
  const z = (deviation - 0.5 * Math.sign(deviation)) / sigma;
  return { n, statistic: v, method: 'normal_approximation', z, pValue: twoSidedNormalP(z) };
}

function twoSidedNormalP(z: number): number {
  return Math.min(1, 2 * normalCdf(-Math.abs(z), 0, 1));
}

// ------------------------------------------------------------------ cells and suppression

export interface SuppressionPolicy {
  /** Cells with fewer valid answers than this are suppressed. */
  minCellSize: number;
}

export const defaultSuppression: SuppressionPolicy = { minCellSize: DEFAULT_MIN_CELL_SIZE };

export function suppressionPolicy(minCellSize = DEFAULT_MIN_CELL_SIZE): SuppressionPolicy {
  if (!Number.isInteger(minCellSize) || minCellSize < 1) {
    throw new StatisticsError(`the suppression threshold must be a whole number ≥ 1, got ${minCellSize}`);
  }
  return { minCellSize };
}

/** A cell too small to show: only its size and missing count are known to the outside. */
export interface SuppressedCell {
  kind: 'suppressed';
  n: number;
  missing: number;
}

export interface ShareEstimate {
  kind: 'estimate';
  statistic: 'share';
  n: number;
  missing: number;
  numerator: number;
  denominator: number;
  /** 0–1. */
  value: number;
  interval: Interval;
}

export interface MeanEstimate {
  kind: 'estimate';
  statistic: 'mean';
  n: number;
  missing: number;
  /** The sum of the valid values (kept so cells can be re-aggregated and shown as numerator). */
  sum: number;
  value: number;
  sd: number;
  interval: Interval;
}

export interface RatioEstimate {
  kind: 'estimate';
  statistic: 'ratio';
  n: number;
  missing: number;
  numerator: number;
  denominator: number;
  value: number;
}

export type Estimate = ShareEstimate | MeanEstimate | RatioEstimate;
export type Cell<E extends Estimate = Estimate> = SuppressedCell | E;
export type ShareCell = Cell<ShareEstimate>;
export type MeanCell = Cell<MeanEstimate>;
export type RatioCell = Cell<RatioEstimate>;

function isTooSmall(n: number, policy: SuppressionPolicy): boolean {
  return n < policy.minCellSize;
}

export function shareCell(counts: ShareCounts, policy = defaultSuppression, confidence = DEFAULT_CONFIDENCE): ShareCell {
  const { numerator, denominator, missing } = counts;
  assertCount(missing, 'missing');
  if (denominator === 0 || isTooSmall(denominator, policy)) return { kind: 'suppressed', n: denominator, missing };
  return {
    kind: 'estimate',
    statistic: 'share',
    n: denominator,
    missing,
    numerator,
    denominator,
    value: numerator / denominator,
    interval: wilsonInterval(numerator, denominator, confidence),
  };
}

export function meanCell(counts: MeanCounts, policy = defaultSuppression, confidence = DEFAULT_CONFIDENCE): MeanCell {
  const { n, missing } = counts;
  assertCount(missing, 'missing');
  // A mean of one value has no spread, hence no interval: never shown, whatever the threshold.
  if (n < 2 || isTooSmall(n, policy)) return { kind: 'suppressed', n, missing };
  const summary = summariseMoments(counts);
  return {
    kind: 'estimate',
    statistic: 'mean',
    n,
    missing,
    sum: counts.sum,
    value: summary.mean,
    sd: summary.sd,
    interval: tInterval(summary, confidence),
  };
}

/**
 * A ratio such as cost per completion. Suppressed like any cell when its denominator is small:
 * a cost divided by three completions is as fragile as a share of three answers.
 */
export function ratioCell(
  counts: { numerator: number; denominator: number; missing: number },
  policy = defaultSuppression,
): RatioCell {
  const { numerator, denominator, missing } = counts;
  assertCount(denominator, 'denominator');
  if (denominator === 0 || isTooSmall(denominator, policy)) return { kind: 'suppressed', n: denominator, missing };
  return { kind: 'estimate', statistic: 'ratio', n: denominator, missing, numerator, denominator, value: numerator / denominator };
}

// ------------------------------------------------------------------ comparisons

export interface TwoProportionTest {
  /** p1 − p2. */
  difference: number;
  z: number;
  /** Two-sided. */
  pValue: number;
}

/**
 * Two-proportion z-test with the pooled standard error (z² equals Pearson's X² without continuity
 * correction on the 2×2 table). Takes estimate cells only: a suppressed cell is never compared.
 */
export function twoProportionZTest(a: ShareEstimate, b: ShareEstimate): TwoProportionTest {
  const difference = a.value - b.value;
  const pooled = (a.numerator + b.numerator) / (a.denominator + b.denominator);
  const standardError = Math.sqrt(pooled * (1 - pooled) * (1 / a.denominator + 1 / b.denominator));
  if (standardError === 0) return { difference, z: 0, pValue: 1 };
  const z = difference / standardError;
  return { difference, z, pValue: twoSidedNormalP(z) };
}

export type Comparison =
  | ({ kind: 'compared' } & TwoProportionTest)
  | { kind: 'not_compared'; reason: 'suppressed' };

/** Compares two share cells; suppressed ones are reported as such, never tested. */
export function compareShares(a: ShareCell, b: ShareCell): Comparison {
  if (a.kind === 'suppressed' || b.kind === 'suppressed') return { kind: 'not_compared', reason: 'suppressed' };
  return { kind: 'compared', ...twoProportionZTest(a, b) };
}

// ------------------------------------------------------------------ from one aggregate row

/** One cell's aggregates as the SQL engine returns them (see the contract at the top). */
export type CellAggregates =
  | ({ statistic: 'share' } & ShareCounts)
  | ({ statistic: 'mean' } & MeanCounts)
  | ({ statistic: 'ratio' } & ShareCounts);

export function cellFromAggregates(aggregates: CellAggregates, policy = defaultSuppression, confidence = DEFAULT_CONFIDENCE): Cell {
  switch (aggregates.statistic) {
    case 'share':
      return shareCell(aggregates, policy, confidence);
    case 'mean':
      return meanCell(aggregates, policy, confidence);
    case 'ratio':
      return ratioCell(aggregates, policy);
  }
}

/** Pre/post tests of one cell; null where a test is undefined (all differences equal, or all zero). */
export type PairedTests =
  | { kind: 'suppressed'; n: number }
  | { kind: 'tested'; tTest: PairedTTest | null; wilcoxon: WilcoxonSignedRank | null };

/** The paired t-test and the Wilcoxon signed-rank test of a cell, unless the cell is suppressed. */
export function pairedTests(differences: MomentSums, ranks: SignedRankSums, policy = defaultSuppression): PairedTests {
  if (differences.n < Math.max(2, policy.minCellSize)) return { kind: 'suppressed', n: differences.n };
  return { kind: 'tested', tTest: undefinedAsNull(() => pairedTTest(differences)), wilcoxon: undefinedAsNull(() => wilcoxonSignedRank(ranks)) };
}

function undefinedAsNull<T>(compute: () => T): T | null {
  try {
    return compute();
  } catch (error) {
    if (error instanceof StatisticsError) return null;
    throw error;
  }
}
