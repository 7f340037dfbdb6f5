// Every number below is a published worked example; the source is named next to it and the
// comparison is made at the precision the source prints.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  cellFromAggregates,
  compareShares,
  pairedTests,
  meanCell,
  pairedTTest,
  ratioCell,
  shareCell,
  StatisticsError,
  summariseMoments,
  suppressionPolicy,
  tInterval,
  twoProportionZTest,
  wilcoxonSignedRank,
  wilsonInterval,
  type MomentSums,
  type ShareEstimate,
} from './statistics.ts';

/** Asserts |actual − expected| ≤ half a unit of the last printed decimal. */
function assertPrinted(actual: number, printed: string, label = '') {
  const decimals = printed.split('.')[1]?.length ?? 0;
  const tolerance = 0.5 * 10 ** -decimals + 1e-12;
  assert.ok(Math.abs(actual - Number(printed)) <= tolerance, `${label} ${actual} ≠ ${printed} (to ${decimals} decimals)`);
}

function momentsOf(values: number[]): MomentSums {
  return { n: values.length, sum: values.reduce((a, b) => a + b, 0), sumOfSquares: values.reduce((a, b) => a + b * b, 0) };
}

describe('Wilson score interval', () => {
  // Newcombe RG (1998). Two-sided confidence intervals for the single proportion: comparison of
  // seven methods. Statistics in Medicine 17:857–872, Table II, method 3 (score, no continuity correction).
  const newcombeTableII: Array<[number, number, string, string]> = [
    [81, 263, '0.2553', '0.3662'],
    [15, 148, '0.0624', '0.1605'],
    [0, 20, '0.0000', '0.1611'],
    [1, 29, '0.0061', '0.1718'],
  ];
  for (const [x, n, low, high] of newcombeTableII) {
    it(`${x}/${n} gives ${low} to ${high} (Newcombe 1998, Table II)`, () => {
      const interval = wilsonInterval(x, n);
      assertPrinted(interval.low, low, 'low');
      assertPrinted(interval.high, high, 'high');
    });
  }

  it('is exactly 0 or 1 at the edges and symmetric about one half', () => {
    assert.equal(wilsonInterval(0, 20).low, 0);
    assert.equal(wilsonInterval(20, 20).high, 1);
    const left = wilsonInterval(1, 29);
    const right = wilsonInterval(28, 29);
    assert.ok(Math.abs(left.low - (1 - right.high)) < 1e-12);
  });

  it('refuses impossible counts', () => {
    assert.throws(() => wilsonInterval(3, 2), StatisticsError);
    assert.throws(() => wilsonInterval(0, 0), StatisticsError);
    assert.throws(() => wilsonInterval(1.5, 4), StatisticsError);
  });
});

describe('t-interval for a mean', () => {
  // NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.5.2 "Confidence Limits for the Mean",
  // data set ZARR13.DAT: N = 195, mean = 9.261460, sd = 0.022789; at 95 %: t = 1.972,
  // half-width 0.003219, limits 9.258242 and 9.264679 (our 5-decimal check absorbs the rounding
  // of the printed mean and sd that the handbook starts from).
  it('reproduces the NIST ZARR13 example', () => {
    const interval = tInterval({ n: 195, mean: 9.26146, sd: 0.022789 });
    assertPrinted((interval.high - interval.low) / 2, '0.003219', 'half-width');
    assertPrinted(interval.low, '9.25824', 'low');
    assertPrinted(interval.high, '9.26468', 'high');
  });

  it('gets mean and sd from the sums SQL returns', () => {
    const summary = summariseMoments(momentsOf([2, 4, 4, 4, 5, 5, 7, 9]));
    assert.equal(summary.mean, 5);
    assertPrinted(summary.sd, '2.138090', 'sd'); // √(32/7)
  });
});

// Student (1908), The probable error of a mean, Biometrika 6:1–25: extra hours of sleep of ten
// patients under two drugs (R's datasets::sleep). Reference output of R 4.x:
//   t.test(extra ~ group, data = sleep, paired = TRUE) → t = -4.0621, df = 9, p-value = 0.002833,
//     95 percent confidence interval -2.4598858 -0.7001142, mean difference -1.58
//   wilcox.test(extra ~ group, data = sleep, paired = TRUE, exact = FALSE) → V = 0, p-value = 0.009091
// (we take drug 2 − drug 1, so the signs flip and V = 45 = 9·10/2 − 0).
const sleepDrug1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const sleepDrug2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
const sleepDifferences = sleepDrug2.map((value, i) => Math.round((value - sleepDrug1[i]!) * 10) / 10);

describe('paired t-test', () => {
  it('reproduces Student’s sleep data', () => {
    const result = pairedTTest(momentsOf(sleepDifferences));
    assertPrinted(result.meanDifference, '1.58');
    assertPrinted(result.t, '4.0621', 't');
    assert.equal(result.df, 9);
    assertPrinted(result.pValue, '0.002833', 'p');
    assertPrinted(result.interval.low, '0.7001142', 'low');
    assertPrinted(result.interval.high, '2.4598858', 'high');
  });

  it('says so when every difference is the same', () => {
    assert.throws(() => pairedTTest(momentsOf([1, 1, 1])), /undefined/);
  });
});

describe('Wilcoxon signed-rank test', () => {
  // Hollander M, Wolfe DA (1973). Nonparametric Statistical Methods, pp. 29–31 (Hamilton
  // depression scale before/after, n = 9), also the example of R's ?wilcox.test:
  //   wilcox.test(x, y, paired = TRUE, alternative = "greater") → V = 40, p-value = 0.01953.
  // Differences x − y: no ties, no zeros, so the exact distribution applies; two-sided p = 2·0.01953.
  it('is exact for the Hollander & Wolfe depression data', () => {
    const first = [1.83, 0.5, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.3];
    const second = [0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29];
    const differences = first.map((x, i) => x - second[i]!);
    const result = wilcoxonSignedRank(signedRanks(differences));
    assert.equal(result.statistic, 40);
    assert.equal(result.method, 'exact');
    assertPrinted(result.pValue / 2, '0.01953', 'one-sided p');
  });

  it('uses the normal approximation with tie and continuity corrections for Student’s sleep data', () => {
    const sums = signedRanks(sleepDifferences);
    assert.deepEqual(sums, { nonZero: 9, zero: 1, positiveRankSum: 45, tieCorrection: 6 });
    const result = wilcoxonSignedRank(sums);
    assert.equal(result.method, 'normal_approximation');
    assertPrinted(result.pValue, '0.009091', 'p');
  });

  it('turns exact into approximate as soon as one tie appears', () => {
    assert.equal(wilcoxonSignedRank({ nonZero: 9, zero: 0, positiveRankSum: 40, tieCorrection: 6 }).method, 'normal_approximation');
    assert.equal(wilcoxonSignedRank({ nonZero: 60, zero: 0, positiveRankSum: 900, tieCorrection: 0 }).method, 'normal_approximation');
  });

  it('refuses an impossible rank sum', () => {
    assert.throws(() => wilcoxonSignedRank({ nonZero: 3, zero: 0, positiveRankSum: 7, tieCorrection: 0 }), StatisticsError);
    assert.throws(() => wilcoxonSignedRank({ nonZero: 0, zero: 4, positiveRankSum: 0, tieCorrection: 0 }), /all differences are zero/);
  });
});

describe('two-proportion z-test', () => {
  // Physicians' Health Study (Steering Committee 1989), as analysed in Agresti A (2007), An
  // Introduction to Categorical Data Analysis, 2nd ed., §2.4: myocardial infarction in 189 of
  // 11 034 on placebo and 104 of 11 037 on aspirin; Pearson X² = 25.01 (df 1), and z² = X².
  it('reproduces the aspirin example', () => {
    const placebo = estimate(189, 11034);
    const aspirin = estimate(104, 11037);
    const result = twoProportionZTest(placebo, aspirin);
    assertPrinted(result.z ** 2, '25.01', 'X²');
    assert.ok(result.pValue < 1e-6);
    assertPrinted(result.difference, '0.0077', 'difference');
  });

  it('gives p = 1 when both shares are 0 or both are 1', () => {
    assert.deepEqual(twoProportionZTest(estimate(0, 10), estimate(0, 12)), { difference: 0, z: 0, pValue: 1 });
  });
});

describe('cells and suppression', () => {
  it('suppresses a share below the threshold (default 5) and keeps only n and missing', () => {
    assert.deepEqual(shareCell({ numerator: 3, denominator: 4, missing: 2 }), { kind: 'suppressed', n: 4, missing: 2 });
    const shown = shareCell({ numerator: 3, denominator: 5, missing: 2 });
    assert.equal(shown.kind, 'estimate');
    assert.equal(shown.kind === 'estimate' && shown.value, 0.6);
  });

  it('applies a configured threshold', () => {
    const strict = suppressionPolicy(10);
    assert.equal(shareCell({ numerator: 5, denominator: 9, missing: 0 }, strict).kind, 'suppressed');
    assert.equal(shareCell({ numerator: 5, denominator: 10, missing: 0 }, strict).kind, 'estimate');
    assert.throws(() => suppressionPolicy(0), StatisticsError);
    assert.throws(() => suppressionPolicy(2.5), StatisticsError);
  });

  it('never shows a mean of fewer than two values, even with threshold 1', () => {
    const lenient = suppressionPolicy(1);
    assert.equal(meanCell({ n: 1, sum: 4, sumOfSquares: 16, missing: 0 }, lenient).kind, 'suppressed');
    const cell = meanCell({ ...momentsOf([2, 4, 4, 4, 5, 5, 7, 9]), missing: 1 });
    assert.ok(cell.kind === 'estimate');
    assert.equal(cell.value, 5);
    assert.equal(cell.missing, 1);
    assert.ok(cell.interval.low < 5 && cell.interval.high > 5);
  });

  it('suppresses ratios with a small denominator', () => {
    assert.equal(ratioCell({ numerator: 9000, denominator: 3, missing: 0 }).kind, 'suppressed');
    const cell = ratioCell({ numerator: 9000, denominator: 6, missing: 0 });
    assert.ok(cell.kind === 'estimate' && cell.value === 1500);
  });

  it('never compares a suppressed cell', () => {
    const small = shareCell({ numerator: 1, denominator: 3, missing: 0 });
    const large = shareCell({ numerator: 40, denominator: 50, missing: 0 });
    assert.deepEqual(compareShares(small, large), { kind: 'not_compared', reason: 'suppressed' });
    const other = shareCell({ numerator: 20, denominator: 50, missing: 0 });
    const comparison = compareShares(large, other);
    assert.equal(comparison.kind, 'compared');
    assert.ok(comparison.kind === 'compared' && comparison.pValue < 0.001);
  });
});

describe('cells from one aggregate row', () => {
  it('build the cell of the statistic the definition produces', () => {
    assert.equal(cellFromAggregates({ statistic: 'share', numerator: 81, denominator: 263, missing: 0 }).kind, 'estimate');
    const mean = cellFromAggregates({ statistic: 'mean', n: 8, sum: 40, sumOfSquares: 232, missing: 0 });
    assert.ok(mean.kind === 'estimate' && mean.statistic === 'mean' && mean.value === 5);
    const ratio = cellFromAggregates({ statistic: 'ratio', numerator: 100, denominator: 4, missing: 0 });
    assert.equal(ratio.kind, 'suppressed');
  });

  it('run both paired tests on Student’s sleep data, and none on a suppressed cell', () => {
    const tests = pairedTests(momentsOf(sleepDifferences), { nonZero: 9, zero: 1, positiveRankSum: 45, tieCorrection: 6 });
    assert.ok(tests.kind === 'tested');
    assertPrinted(tests.tTest!.pValue, '0.002833');
    assertPrinted(tests.wilcoxon!.pValue, '0.009091');
    assert.deepEqual(pairedTests(momentsOf([1, 2, 3]), { nonZero: 3, zero: 0, positiveRankSum: 6, tieCorrection: 0 }), { kind: 'suppressed', n: 3 });
    const same = pairedTests(momentsOf([0, 0, 0, 0, 0]), { nonZero: 0, zero: 5, positiveRankSum: 0, tieCorrection: 0 });
    assert.deepEqual(same, { kind: 'tested', tTest: null, wilcoxon: null });
  });
});

function estimate(numerator: number, denominator: number): ShareEstimate {
  const cell = shareCell({ numerator, denominator, missing: 0 }, suppressionPolicy(1));
  assert.equal(cell.kind, 'estimate');
  return cell as ShareEstimate;
}

/** What the SQL of `signedRankSql` computes, done by hand for the tests. */
function signedRanks(differences: number[]) {
  const round = (x: number) => Math.round(x * 1e9) / 1e9;
  const nonZero = differences.map(round).filter((d) => d !== 0);
  const sorted = [...nonZero].map(Math.abs).sort((a, b) => a - b);
  const midrank = (abs: number) => {
    const first = sorted.indexOf(abs) + 1;
    const last = sorted.lastIndexOf(abs) + 1;
    return (first + last) / 2;
  };
  const tieSizes = new Map<number, number>();
  for (const abs of sorted) tieSizes.set(abs, (tieSizes.get(abs) ?? 0) + 1);
  return {
    nonZero: nonZero.length,
    zero: differences.length - nonZero.length,
    positiveRankSum: nonZero.filter((d) => d > 0).reduce((sum, d) => sum + midrank(Math.abs(d)), 0),
    tieCorrection: [...tieSizes.values()].reduce((sum, t) => sum + t ** 3 - t, 0),
  };
}
