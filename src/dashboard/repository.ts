// The dashboard's own SQL: only the values its filters offer. Every figure comes from the
// analytics engine (analytics/engine.ts), never from a query of this folder.
import { sql } from 'drizzle-orm';
import { rows, type Tx } from '../db/database.ts';

export interface FilterChoices {
  /** Years in which an activity ended, newest first. */
  years: number[];
  programmes: string[];
  /** Activities to drill down to: those of the programme when one is chosen, else none. */
  activities: Array<{ code: string; title: string }>;
}

export async function filterChoices(tx: Tx, programme: string | undefined): Promise<FilterChoices> {
  const [found] = await rows<{ years: number[] | null; programmes: string[] | null; activities: FilterChoices['activities'] | string | null }>(
    tx,
    sql`select
          (select array_agg(y order by y desc) from (select distinct extract(year from end_date)::int as y from activities where end_date is not null) x) as years,
          (select array_agg(p order by p) from (select distinct programme as p from activities where programme is not null and programme <> '') x) as programmes,
          (select json_agg(json_build_object('code', code, 'title', title) order by code) from activities
            where ${programme ?? null}::text is not null and programme = ${programme ?? null}::text) as activities`,
  );
  const activities = typeof found?.activities === 'string' ? (JSON.parse(found.activities) as FilterChoices['activities']) : (found?.activities ?? []);
  return { years: found?.years ?? [], programmes: found?.programmes ?? [], activities };
}
