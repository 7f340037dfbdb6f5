// SQL versions of what statistics.ts computes from aggregates, for queries that want the numbers
// inside the database (sorting by a bound, a materialised rollup). statistics.ts is the reference:
// statistics-sql.test.ts checks that both agree on both databases.
import { sql, type SQL } from 'drizzle-orm';
import normalQuantile from '@stdlib/stats-base-dists-normal-quantile';
import { DEFAULT_CONFIDENCE } from './statistics.ts';

function zLiteral(confidence: number): SQL {
  // A literal, not a parameter: the planner folds the constant arithmetic once.
  return sql.raw(String(normalQuantile(1 - (1 - confidence) / 2, 0, 1)));
}

/** Wilson score bounds as SQL expressions over an integer numerator and denominator; NULL when the denominator is 0. */
export function wilsonSql(numerator: SQL, denominator: SQL, confidence = DEFAULT_CONFIDENCE): { low: SQL; high: SQL } {
  const z = zLiteral(confidence);
  const n = sql`nullif((${denominator})::float8, 0)`;
  const p = sql`((${numerator})::float8 / ${n})`;
  const centre = sql`(${p} + ${z} * ${z} / (2 * ${n}))`;
  const spread = sql`(${z} * sqrt(greatest(${p} * (1 - ${p}), 0) / ${n} + ${z} * ${z} / (4 * ${n} * ${n})))`;
  const scale = sql`(1 + ${z} * ${z} / ${n})`;
  return {
    low: sql`(case when (${numerator}) = 0 then 0::float8 * ${n} else (${centre} - ${spread}) / ${scale} end)`,
    high: sql`(case when (${numerator}) = (${denominator}) then ${n} / ${n} else (${centre} + ${spread}) / ${scale} end)`,
  };
}

/**
 * The four numbers `wilcoxonSignedRank` needs, per group, from `source`: a query with the
 * grouping columns and a column `d` (the paired difference post − pre). Differences are rounded
 * to 9 decimals so that floating-point noise does not break ties; zeros are dropped from the
 * ranking (counted in n_zero); tied |d| get their midrank, and each of the t rows of a tie group
 * adds t² − 1 to tie_correction, which therefore sums to Σ (t³ − t).
 */
export function signedRankSql(source: SQL, groupColumns: string[]): SQL {
  const groups = groupColumns.map((column) => sql.identifier(column));
  const keys = groups.length > 0 ? sql`${sql.join(groups, sql`, `)}, ` : sql``;
  const groupBy = groups.length > 0 ? sql`group by ${sql.join(groups, sql`, `)}` : sql``;
  return sql`
    with differences as (
      select ${keys}round((d)::numeric, 9) as d from (${source}) as source where d is not null
    ), ranked as (
      select ${keys}d,
             rank() over (partition by ${keys}(d <> 0) order by abs(d))
               + (count(*) over (partition by ${keys}(d <> 0), abs(d)) - 1) / 2.0 as midrank,
             count(*) over (partition by ${keys}(d <> 0), abs(d)) as ties
        from differences
    )
    select ${keys}
           (count(*) filter (where d <> 0))::int as n_nonzero,
           (count(*) filter (where d = 0))::int as n_zero,
           coalesce(sum(midrank) filter (where d > 0), 0)::float8 as positive_rank_sum,
           coalesce(sum(ties * ties - 1) filter (where d <> 0), 0)::float8 as tie_correction
      from ranked
     ${groupBy}`;
}

export interface SignedRankRow {
  n_nonzero: number;
  n_zero: number;
  positive_rank_sum: number;
  tie_correction: number;
}

export function toSignedRankSums(row: SignedRankRow) {
  return {
    nonZero: row.n_nonzero,
    zero: row.n_zero,
    positiveRankSum: Number(row.positive_rank_sum),
    tieCorrection: Number(row.tie_correction),
  };
}
