import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { signedRankSql, toSignedRankSums, wilsonSql, type SignedRankRow } from './statistics-sql.ts';
import { wilcoxonSignedRank, wilsonInterval } from './statistics.ts';

describe('statistics in SQL agree with the reference library', () => {
  let database: Database;
  before(async () => {
    database = await createTestDatabase();
  });
  after(() => database.close());

  it('computes Wilson bounds like wilsonInterval (Newcombe 1998 cases and the edges)', async () => {
    const cases: Array<[number, number]> = [[81, 263], [15, 148], [0, 20], [1, 29], [29, 29]];
    for (const [x, n] of cases) {
      const { low, high } = wilsonSql(sql`${x}::int`, sql`${n}::int`);
      const [found] = await rows<{ low: number; high: number }>(database.system, sql`select ${low} as low, ${high} as high`);
      const expected = wilsonInterval(x, n);
      assert.ok(Math.abs(Number(found!.low) - expected.low) < 1e-12, `${x}/${n} low`);
      assert.ok(Math.abs(Number(found!.high) - expected.high) < 1e-12, `${x}/${n} high`);
    }
    const { low, high } = wilsonSql(sql`0::int`, sql`0::int`);
    const [empty] = await rows<{ low: number | null; high: number | null }>(database.system, sql`select ${low} as low, ${high} as high`);
    assert.deepEqual(empty, { low: null, high: null });
  });

  it('sums signed ranks per group, with midranks, zeros and ties as Wilcoxon needs them', async () => {
    // Group "sleep": Student's (1908) sleep data, drug 2 − drug 1 (one zero, one pair of ties);
    // group "depression": Hollander & Wolfe (1973) pp. 29–31 (no ties). See statistics.test.ts.
    const sleep = [1.2, 2.4, 1.3, 1.3, 0.0, 1.0, 1.8, 0.8, 4.6, 1.4];
    const depression = [0.952, -0.147, 1.022, 0.43, 0.62, 0.59, 0.49, -0.08, 0.01];
    const values = [...sleep.map((d) => sql`('sleep', ${d}::float8)`), ...depression.map((d) => sql`('depression', ${d}::float8)`)];
    const source = sql`select * from (values ${sql.join(values, sql`, `)}) as v(study, d)`;
    const found = await rows<SignedRankRow & { study: string }>(database.system, sql`${signedRankSql(source, ['study'])} order by study`);
    assert.deepEqual(found.map(({ study, ...row }) => ({ study, ...toSignedRankSums(row) })), [
      { study: 'depression', nonZero: 9, zero: 0, positiveRankSum: 40, tieCorrection: 0 },
      { study: 'sleep', nonZero: 9, zero: 1, positiveRankSum: 45, tieCorrection: 6 },
    ]);
    const sleepTest = wilcoxonSignedRank(toSignedRankSums(found[1]!));
    assert.equal(sleepTest.method, 'normal_approximation');
    assert.ok(Math.abs(sleepTest.pValue - 0.009091) < 5e-7);
  });
});
