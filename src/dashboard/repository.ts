// The dashboard's own SQL: the values its filters offer, and the two aggregates of the activity
// page that are not indicators (participants' profile, pre/post score distribution). Every
// indicator figure comes from the analytics engine (analytics/engine.ts), never from this folder.
import { sql } from 'drizzle-orm';
import { dimensionSql } from '../analytics/engine-repository.ts';
import { rows, type Tx } from '../db/database.ts';

export interface FilterChoices {
  /** Years in which an activity ended, newest first. */
  years: number[];
  programmes: string[];
  /** Activities to drill down to: those of the programme when one is chosen, else none. */
  activities: Array<{ id: string; code: string; title: string }>;
}

export async function filterChoices(tx: Tx, programme: string | undefined): Promise<FilterChoices> {
  const [found] = await rows<{ years: number[] | null; programmes: string[] | null; activities: FilterChoices['activities'] | string | null }>(
    tx,
    sql`select
          (select array_agg(y order by y desc) from (select distinct extract(year from end_date)::int as y from activities where end_date is not null) x) as years,
          (select array_agg(p order by p) from (select distinct programme as p from activities where programme is not null and programme <> '') x) as programmes,
          (select json_agg(json_build_object('id', id, 'code', code, 'title', title) order by code) from activities
            where ${programme ?? null}::text is not null and programme = ${programme ?? null}::text) as activities`,
  );
  const activities = typeof found?.activities === 'string' ? (JSON.parse(found.activities) as FilterChoices['activities']) : (found?.activities ?? []);
  return { years: found?.years ?? [], programmes: found?.programmes ?? [], activities };
}

/** The dimensions of the participants' profile, in the engine's own words (analytics/dimensions.ts). */
export const profileDimensions = ['gender', 'age_band', 'region', 'constituent_group', 'disability', 'ldc'] as const;
export type ProfileDimension = (typeof profileDimensions)[number];

export interface ProfileCount {
  dimension: ProfileDimension;
  /** The dimension's code; null: not stated. */
  value: string | null;
  count: number;
}

/**
 * Participants (role participant, any enrolment status) of an activity counted by each profile
 * dimension, with the engine's definitions of the dimensions (age on the activity's end year, LDC
 * status on its start date), so that the profile and a `by=` of the engine agree.
 */
export async function activityProfile(tx: Tx, activityId: string): Promise<ProfileCount[]> {
  const columns = sql.join(
    profileDimensions.map((dimension) => sql`(${dimensionSql(dimension)}) as ${sql.identifier(dimension)}`),
    sql`, `,
  );
  const counts = sql.join(
    profileDimensions.map((dimension) => sql`select ${dimension}::text as dimension, ${sql.identifier(dimension)} as value, count(*)::int as count from enrolled group by 2`),
    sql` union all `,
  );
  return rows<ProfileCount>(
    tx,
    sql`with act as (
          select a.id as activity_id, extract(year from a.end_date)::int as year, coalesce(a.start_date, a.end_date, current_date) as ldc_on
            from activities a where a.id = ${activityId}
        ),
        enrolled as (
          select ${columns}
            from enrolments e
            join act on act.activity_id = e.activity_id
            join participants p on p.org_id = e.org_id and p.id = e.participant_id
           where e.role = 'participant'
        )
        ${counts}`,
  );
}

/** Bands of the score as a share of the test's maximum: [0, 20 %), [20 %, 40 %) … [80 %, 100 %]. */
export const SCORE_BANDS = 5;

export interface ScoreBandCount {
  phase: string;
  /** 0 … SCORE_BANDS − 1. */
  band: number;
  count: number;
}

/**
 * Participants of an activity per band of their score in the tests of two phases (pre and post).
 * Who counts is the engine's paired_gain rule (engine-repository.ts, `pg_scores`): a participant's
 * latest complete, scored response of the phase about the activity.
 */
export async function scoreDistribution(tx: Tx, activityId: string, phases: readonly [string, string]): Promise<ScoreBandCount[]> {
  return rows<ScoreBandCount>(
    tx,
    sql`with scores as (
          select distinct on (r.participant_id, i.purpose) i.purpose::text as phase, floor(r.score * ${SCORE_BANDS} / r.max_score)::int as band
            from responses r
            join instruments i on i.org_id = r.org_id and i.id = r.instrument_id
           where r.activity_id = ${activityId} and r.status = 'complete' and r.participant_id is not null
             and r.score is not null and r.max_score > 0 and i.purpose::text in (${phases[0]}, ${phases[1]})
           order by r.participant_id, i.purpose, r.submitted_at desc
        )
        select phase, least(band, ${SCORE_BANDS - 1}) as band, count(*)::int as count
          from scores group by 1, 2 order by 1, 2`,
  );
}
