// The SQL of the indicator engine: every indicator of a request in ONE statement that returns
// only per-cell aggregates (the contract at the top of statistics.ts), plus the frequency table
// query. Runs inside a tenant transaction: row-level security confines it to one organisation.
//
// The unit of analysis of answer-based indicators is the RESPONDENT of an activity: the pair
// (activity, participant), or the response itself when the instrument is anonymous. A respondent
// who answered an end-of-activity form and a follow-up survey is one unit, so that
// `needs_met` ("follow-up answer, else end of activity") counts each person once.
//
//   period     the year the activity ended (cohort), or the requested range as one label
//   d1, d2     the values of the --by dimensions (null: not stated)
//   eligible   a respondent whose instrument version contains the question (item non-response
//              = eligible without a valid answer, reported as `missing`)
import { sql, type SQL } from 'drizzle-orm';
import { rows, type Queryable } from '../db/database.ts';
import type { IndicatorDefinition } from './definitions.ts';
import type { DimensionKey } from './dimensions.ts';
import { formatPeriod, type Period } from './periods.ts';
import type { EnrolmentStatus } from '../people/vocabulary.ts';

/** Keys a filter may use besides the dimensions: an activity (code) and a theme (code). */
export const scopeFilterKeys = ['activity', 'theme'] as const;
export type ScopeFilterKey = (typeof scopeFilterKeys)[number];

export interface EngineFilters {
  /** Dimension and scope filters (gender=woman, modality=blended, activity=A1, theme=migration). */
  fields: Array<{ key: DimensionKey | ScopeFilterKey; value: string }>;
  /** Respondents who answered `question` with `value` (choice code, text or number). */
  answers: Array<{ question: string; value: string }>;
}

export interface EngineRequest {
  indicators: ReadonlyArray<{ key: string; definition: IndicatorDefinition }>;
  /** null: every year, each its own period. */
  period: Period | null;
  by: readonly DimensionKey[];
  filters: EngineFilters;
}

/** One row per indicator and cell; which fields mean what depends on the statistic (statistics.ts). */
export interface AggregateRow {
  indicator: string;
  period: string;
  d1: string | null;
  d2: string | null;
  /** share: units counted; mean: Σx; ratio: total cost. */
  numerator: number;
  /** share: valid answers; mean: n; ratio: the count divided by. */
  denominator: number;
  missing: number;
  /** mean: Σx². */
  sum_of_squares: number | null;
  /** Signed ranks of paired differences (paired_gain means only). */
  n_nonzero: number | null;
  n_zero: number | null;
  positive_rank_sum: number | null;
  tie_correction: number | null;
}

// ------------------------------------------------------------------ dimensions and filters

const AGE_BAND = sql`case when p.birth_year is null then null
      when act.year - p.birth_year < 25 then 'under_25' when act.year - p.birth_year < 35 then '25_34'
      when act.year - p.birth_year < 45 then '35_44' when act.year - p.birth_year < 55 then '45_54'
      when act.year - p.birth_year < 65 then '55_64' else '65_plus' end`;

/** The SQL value of a dimension, over `p` (participants, may be null) and `act` (activities in scope). */
export function dimensionSql(key: DimensionKey): SQL {
  switch (key) {
    case 'gender':
      return sql`p.gender::text`;
    case 'age_band':
      return AGE_BAND;
    case 'region':
      return sql`p.region`;
    case 'ldc':
      // LDC status changes with graduations (people/reference/m49.ts): taken on the activity's date.
      return sql`case tracer_ldc_on(p.nationality, act.ldc_on) when true then 'ldc' when false then 'non_ldc' end`;
    case 'constituent_group':
      return sql`p.constituent_group::text`;
    case 'disability':
      return sql`p.disability_status::text`;
    case 'modality':
      return sql`act.modality`;
    case 'programme':
      return sql`act.programme`;
    case 'year':
      return sql`act.year::text`;
    case 'fee_type':
      return sql`act.fee_type`;
    case 'language':
      return sql`act.language`;
  }
}

/**
 * A property counts as stated (valid) when it is known: refusals ("prefers not to say") and an
 * unknown disability status are item non-response, not a value.
 */
function propertyValidSql(key: DimensionKey): SQL {
  switch (key) {
    case 'gender':
      return sql`(p.gender is not null and p.gender <> 'prefer_not_to_say')`;
    case 'disability':
      return sql`(p.disability_status is not null and p.disability_status <> 'unknown')`;
    default:
      return sql`(${dimensionSql(key)}) is not null`;
  }
}

const ACTIVITY_DIMENSIONS: ReadonlySet<string> = new Set(['modality', 'programme', 'year', 'fee_type', 'language']);

function activityFilterSql(filters: EngineFilters): SQL[] {
  const conditions: SQL[] = [];
  for (const { key, value } of filters.fields) {
    switch (key) {
      case 'activity':
        conditions.push(sql`a.code = ${value}`);
        break;
      case 'theme':
        conditions.push(sql`${value} = any(a.themes)`);
        break;
      case 'modality':
        conditions.push(sql`a.modality::text = ${value}`);
        break;
      case 'programme':
        conditions.push(sql`a.programme = ${value}`);
        break;
      case 'fee_type':
        conditions.push(sql`a.fee_type::text = ${value}`);
        break;
      case 'language':
        conditions.push(sql`${value} = any(a.languages)`);
        break;
      case 'year':
        conditions.push(sql`extract(year from a.end_date)::int = ${Number(value)}`);
        break;
      default:
        break;
    }
  }
  return conditions;
}

/** Conditions on the participant `p` (dimension filters of participant attributes). */
function participantFilterSql(filters: EngineFilters): SQL[] {
  return filters.fields.filter(({ key }) => !ACTIVITY_DIMENSIONS.has(key) && key !== 'activity' && key !== 'theme').map(({ key, value }) => sql`(${dimensionSql(key as DimensionKey)}) = ${value}`);
}

/**
 * Respondents (activity, participant or response) who gave each of the answers of the filter, in
 * any final response about the activity: `office=country_office` keeps the respondents whose
 * answer to `office` was `country_office`, whichever of their forms asked it.
 */
function answerFilterSql(filters: EngineFilters, activity: SQL, unit: SQL): SQL[] {
  return filters.answers.map(
    ({ question, value }) => sql`exists (
        select 1 from answers fa join responses fr on fr.id = fa.response_id
         where fa.question_key = ${question}
           and (fa.choice_code = ${value} or fa.text_value = ${value} or fa.numeric_value::text = ${value})
           and fr.status = 'complete' and fr.activity_id = ${activity} and coalesce(fr.participant_id, fr.id) = ${unit})`,
  );
}

function and(conditions: SQL[]): SQL {
  return conditions.length === 0 ? sql`true` : sql.join(conditions.map((c) => sql`(${c})`), sql` and `);
}

// ------------------------------------------------------------------ the shared scope

function periodLabelSql(period: Period | null): SQL {
  return period === null ? sql`extract(year from a.end_date)::int::text` : sql`${formatPeriod(period)}::text`;
}

function periodConditionSql(period: Period | null): SQL {
  if (period === null) return sql`a.end_date is not null`;
  return sql`a.end_date >= make_date(${period.from}::int, 1, 1) and a.end_date < make_date(${period.to + 1}::int, 1, 1)`;
}

function dimensionColumns(by: readonly DimensionKey[]): SQL {
  const d1 = by[0] ? dimensionSql(by[0]) : sql`null::text`;
  const d2 = by[1] ? dimensionSql(by[1]) : sql`null::text`;
  return sql`(${d1}) as d1, (${d2}) as d2`;
}

/** Activities in scope with their own dimensions, and final responses in scope with their cells. */
function scopeCtes(request: EngineRequest, needResponses: boolean): SQL {
  const { period, by, filters } = request;
  const activities = sql`act as (
    select a.id as activity_id, ${periodLabelSql(period)} as period, extract(year from a.end_date)::int as year,
           a.modality::text as modality, a.programme, a.fee_type::text as fee_type, a.languages[1] as language,
           a.cost::float8 as cost, coalesce(a.start_date, a.end_date) as ldc_on
      from activities a
     where ${periodConditionSql(period)} and ${and(activityFilterSql(filters))}
  )`;
  if (!needResponses) return activities;
  const responses = sql`resp as (
    select r.id as response_id, r.activity_id, coalesce(r.participant_id, r.id) as unit_id, r.participant_id,
           r.instrument_id, r.instrument_version_id, i.purpose, r.score, r.max_score, r.submitted_at, act.period, act.cost, ${dimensionColumns(by)}
      from responses r
      join act on act.activity_id = r.activity_id
      join instruments i on i.id = r.instrument_id
      left join participants p on p.id = r.participant_id
     where r.status = 'complete'
       and ${and([...participantFilterSql(filters), ...answerFilterSql(filters, sql`r.activity_id`, sql`coalesce(r.participant_id, r.id)`)])}
  )`;
  return sql`${activities}, ${responses}`;
}

/**
 * Enrolments (role participant) of the activities in scope with `statuses`, with their cells, whether
 * they count as completed, and the participant's attributes under their own names (so that, aliased
 * `p`, dimensionSql applies). One scan serves property_share, response_rate and cost_per_completion.
 */
function enrolledCte(request: EngineRequest, statuses: readonly EnrolmentStatus[]): SQL {
  const { by, filters } = request;
  return sql`enrolled as (
    select e.activity_id, e.participant_id, e.status in ('completed', 'certified') as completed, act.period, act.cost, ${dimensionColumns(by)},
           p.gender, p.disability_status, p.birth_year, p.region, p.nationality, p.constituent_group
      from enrolments e
      join act on act.activity_id = e.activity_id
      join participants p on p.id = e.participant_id
     where e.role = 'participant' and e.status = any(array[${sql.join(statuses.map((s) => sql`${s}`), sql`, `)}]::enrolment_status[])
       and ${and([...participantFilterSql(filters), ...answerFilterSql(filters, sql`e.activity_id`, sql`e.participant_id`)])}
  )`;
}

const COMPLETED: readonly EnrolmentStatus[] = ['completed', 'certified'];
const ENROLLED: readonly EnrolmentStatus[] = ['enrolled', ...COMPLETED];

// ------------------------------------------------------------------ the kinds

type Kind<K extends IndicatorDefinition['kind']> = { key: string; definition: Extract<IndicatorDefinition, { kind: K }> };

function ofKind<K extends IndicatorDefinition['kind']>(request: EngineRequest, kind: K): Array<Kind<K>> {
  return request.indicators.filter((i): i is Kind<K> => i.definition.kind === kind);
}

const NO_RANKS = sql`null::int as n_nonzero, null::int as n_zero, null::float8 as positive_rank_sum, null::float8 as tie_correction`;

/** Question keys of each published version (matrix rows as key/row, as answers store them). */
const VERSION_QUESTIONS = sql`vq as (
    select v.id as version_id, q.question ->> 'key' as question_key
      from instrument_versions v
      cross join lateral jsonb_path_query(v.definition, 'strict $.pages[*].questions[*]') as q(question)
     where q.question ->> 'type' <> 'matrix'
    union all
    select v.id, (q.question ->> 'key') || '/' || (r.row ->> 'key')
      from instrument_versions v
      cross join lateral jsonb_path_query(v.definition, 'strict $.pages[*].questions[*]') as q(question)
      cross join lateral jsonb_array_elements(q.question -> 'rows') as r(row)
     where q.question ->> 'type' = 'matrix'
  )`;

function valuesList(rowsSql: SQL[]): SQL {
  return sql.join(rowsSql, sql`, `);
}

function textArray(values: readonly string[]): SQL {
  return sql`array[${sql.join(values.map((v) => sql`${v}::text`), sql`, `)}]`;
}

/**
 * Answers (alias `a`) about the activities in scope: an index condition on answers_analytics_idx
 * (org_id, question_key, activity_id). As an array computed once, not a join, so that the planner
 * cannot pick a nested loop over the activities from a poor estimate of their number.
 */
const ANSWER_IN_SCOPE = sql`a.activity_id = any(array(select activity_id from act))`;

/** Final responses in scope (with their cells) whose version asks one of the questions of `spec`, joined to the spec rows. */
function askedSql(spec: string): SQL {
  return sql`from resp join vq on vq.version_id = resp.instrument_version_id join ${sql.identifier(spec)} s on s.question_key = vq.question_key`;
}

/** The answers to `questions` (those of `spec`: a constant list, an index condition) of the final responses in scope, joined to the spec rows and to their response. */
function answeredSql(spec: string, questions: readonly string[]): SQL {
  return sql`from answers a join ${sql.identifier(spec)} s on s.question_key = a.question_key join resp on resp.response_id = a.response_id
     where a.question_key = any(${textArray([...new Set(questions)])}) and ${ANSWER_IN_SCOPE}`;
}

/**
 * answer_in_set: share of respondents whose first validly answered question of the list has a value
 * in (or outside) the set. Each answer ranks priority × 2 (+ 1 when it misses the set); a
 * respondent's lowest rank names both the first validly answered question and whether it hits.
 * Respondents asked (or who answered) without a valid answer have no rank: missing.
 */
function answerInSet(request: EngineRequest): { ctes: SQL[]; select: SQL } | null {
  const indicators = ofKind(request, 'answer_in_set');
  if (indicators.length === 0) return null;
  const spec = valuesList(
    indicators.flatMap(({ key, definition }) =>
      definition.questions.map(
        (question, priority) =>
          sql`(${key}::text, ${question}::text, ${priority}::int, ${textArray(definition.values)}, ${definition.match === 'any_except'}::boolean)`,
      ),
    ),
  );
  const cell = sql`s.indicator, resp.activity_id, resp.unit_id, resp.period, resp.d1, resp.d2`;
  return {
    ctes: [
      sql`ais_spec(indicator, question_key, priority, codes, any_except) as (values ${spec})`,
      sql`ais_units as (
        select indicator, period, d1, d2, min(rank) as first_valid
          from (select ${cell}, null::int as rank ${askedSql('ais_spec')}
                union all
                select ${cell}, s.priority * 2 + case when (a.choice_code = any(s.codes)) <> s.any_except then 0 else 1 end
                  ${answeredSql('ais_spec', indicators.flatMap(({ definition }) => definition.questions))} and a.choice_code is not null) ranked
         group by indicator, activity_id, unit_id, period, d1, d2
      )`,
    ],
    select: sql`select indicator, period, d1, d2,
           (count(*) filter (where first_valid % 2 = 0))::float8 as numerator,
           (count(first_valid))::int as denominator,
           (count(*) filter (where first_valid is null))::int as missing,
           null::float8 as sum_of_squares, ${NO_RANKS}
      from ais_units
     group by indicator, period, d1, d2`,
  };
}

/** text_non_empty: share of respondents (of the phase, when given) asked the question who wrote something. */
function textNonEmpty(request: EngineRequest): { ctes: SQL[]; select: SQL } | null {
  const indicators = ofKind(request, 'text_non_empty');
  if (indicators.length === 0) return null;
  const spec = valuesList(indicators.map(({ key, definition }) => sql`(${key}::text, ${definition.question}::text, ${definition.among ?? null}::text)`));
  const cell = sql`s.indicator, resp.activity_id, resp.unit_id, resp.period, resp.d1, resp.d2`;
  const among = sql`(s.among is null or s.among = resp.purpose)`;
  return {
    ctes: [
      sql`tne_spec(indicator, question_key, among) as (values ${spec})`,
      sql`tne_units as (
        select indicator, period, d1, d2, bool_or(written) as written
          from (select ${cell}, true as asked, false as written ${askedSql('tne_spec')} where ${among}
                union all
                select ${cell}, false, true ${answeredSql('tne_spec', indicators.map(({ definition }) => definition.question))} and ${among} and btrim(a.text_value) <> '') rows
         group by indicator, activity_id, unit_id, period, d1, d2
        having bool_or(asked)
      )`,
    ],
    select: sql`select indicator, period, d1, d2, (count(*) filter (where written))::float8, count(*)::int, 0, null::float8, ${NO_RANKS}
      from tne_units group by indicator, period, d1, d2`,
  };
}

/** mean: n, Σx, Σx² of the numeric values (every answer row); responses asked without a value are missing. */
function mean(request: EngineRequest): { ctes: SQL[]; select: SQL } | null {
  const indicators = ofKind(request, 'mean');
  if (indicators.length === 0) return null;
  const spec = valuesList(indicators.map(({ key, definition }) => sql`(${key}::text, ${definition.question}::text)`));
  const cell = sql`s.indicator, resp.response_id, resp.period, resp.d1, resp.d2`;
  return {
    ctes: [
      sql`mean_spec(indicator, question_key) as (values ${spec})`,
      sql`mean_responses as (
        select indicator, period, d1, d2, count(x) as n, sum(x) as total, sum(x * x) as squares
          from (select ${cell}, null::float8 as x ${askedSql('mean_spec')}
                union all
                select ${cell}, a.numeric_value ${answeredSql('mean_spec', indicators.map(({ definition }) => definition.question))} and a.numeric_value is not null) valued
         group by indicator, response_id, period, d1, d2
      )`,
    ],
    select: sql`select indicator, period, d1, d2,
           coalesce(sum(total), 0)::float8, sum(n)::int, (count(*) filter (where n = 0))::int, coalesce(sum(squares), 0)::float8, ${NO_RANKS}
      from mean_responses group by indicator, period, d1, d2`,
  };
}

/**
 * paired_gain: participants with a scored final response of the pre phase and of the post phase
 * for the same activity (the latest of each). d = post − pre (points); normalised gain =
 * (post% − pre%) / (1 − pre%), i.e. (post − pre)/(max − pre) when both tests have the same
 * maximum, undefined (missing) for a perfect pre-test. Participants with only one of the two are missing.
 */
function pairedGain(request: EngineRequest): { ctes: SQL[]; select: SQL } | null {
  const indicators = ofKind(request, 'paired_gain');
  if (indicators.length === 0) return null;
  const phasePairs = [...new Set(indicators.map(({ definition }) => `${definition.pre}>${definition.post}`))];
  const phases = [...new Set(indicators.flatMap(({ definition }) => [definition.pre, definition.post]))];
  const pairCtes = phasePairs.map((pair, index) => {
    const [pre, post] = pair.split('>') as [string, string];
    return sql`${sql.identifier(`pg_pairs_${index}`)} as (
        select coalesce(b.period, f.period) as period, coalesce(b.d1, f.d1) as d1, coalesce(b.d2, f.d2) as d2,
               b.score as pre_score, b.share as pre_share, f.score as post_score, f.share as post_share
          from (select * from pg_scores where purpose = ${pre}) b
          full join (select * from pg_scores where purpose = ${post}) f on f.activity_id = b.activity_id and f.unit_id = b.unit_id
      )`;
  });
  const units = indicators.map(({ key, definition }) => {
    const pairs = sql.identifier(`pg_pairs_${phasePairs.indexOf(`${definition.pre}>${definition.post}`)}`);
    const d =
      definition.statistic === 'mean_normalised_gain'
        ? sql`case when pre_share < 1 then round(((post_share - pre_share) / (1 - pre_share))::numeric, 9) end`
        : definition.statistic === 'share_improved'
          ? sql`round((post_share - pre_share)::numeric, 9)`
          : sql`round((post_score - pre_score)::numeric, 9)`;
    return sql`select ${key}::text as indicator, ${definition.statistic}::text as statistic, period, d1, d2, ${d} as d from ${pairs}`;
  });
  return {
    ctes: [
      sql`pg_scores as (
        select distinct on (activity_id, unit_id, purpose) activity_id, unit_id, purpose, period, d1, d2,
               score / max_score as share, score
          from resp
         where participant_id is not null and score is not null and max_score > 0
           and purpose in (${sql.join(phases.map((phase) => sql`${phase}`), sql`, `)})
         order by activity_id, unit_id, purpose, submitted_at desc
      )`,
      ...pairCtes,
      sql`pg_units as (${sql.join(units, sql` union all `)})`,
      sql`pg_ranks as (
        select indicator, period, d1, d2,
               (count(*) filter (where d <> 0))::int as n_nonzero, (count(*) filter (where d = 0))::int as n_zero,
               coalesce(sum(midrank) filter (where d > 0), 0)::float8 as positive_rank_sum,
               coalesce(sum(ties * ties - 1) filter (where d <> 0), 0)::float8 as tie_correction
          from (select indicator, period, d1, d2, d,
                       rank() over (partition by indicator, period, d1, d2, (d <> 0) order by abs(d))
                         + (count(*) over (partition by indicator, period, d1, d2, (d <> 0), abs(d)) - 1) / 2.0 as midrank,
                       count(*) over (partition by indicator, period, d1, d2, (d <> 0), abs(d)) as ties
                  from pg_units where d is not null and statistic <> 'share_improved') ranked
         group by indicator, period, d1, d2
      )`,
    ],
    select: sql`select u.indicator, u.period, u.d1, u.d2,
           case when min(u.statistic) = 'share_improved' then (count(*) filter (where u.d > 0))::float8 else coalesce(sum(u.d), 0)::float8 end,
           (count(u.d))::int, (count(*) filter (where u.d is null))::int,
           case when min(u.statistic) = 'share_improved' then null else coalesce(sum(u.d * u.d), 0)::float8 end,
           min(r.n_nonzero), min(r.n_zero), min(r.positive_rank_sum), min(r.tie_correction)
      from pg_units u
      left join pg_ranks r on r.indicator = u.indicator and r.period = u.period and r.d1 is not distinct from u.d1 and r.d2 is not distinct from u.d2
     group by u.indicator, u.period, u.d1, u.d2`,
  };
}

/** property_share: share of participations (enrolments) whose participant has the property; unstated is missing. */
function propertyShare(request: EngineRequest): { ctes: SQL[]; select: SQL } | null {
  const indicators = ofKind(request, 'property_share');
  if (indicators.length === 0) return null;
  const branches = indicators.map(({ key, definition }) => {
    const value = dimensionSql(definition.dimension);
    const valid = propertyValidSql(definition.dimension);
    return sql`select ${key}::text, p.period, p.d1, p.d2,
           (count(*) filter (where ${valid} and (${value}) = any(${textArray(definition.values)})))::float8,
           (count(*) filter (where ${valid}))::int, (count(*) filter (where not ${valid}))::int, null::float8, ${NO_RANKS}
      from enrolled p join act on act.activity_id = p.activity_id group by p.period, p.d1, p.d2`;
  });
  return { ctes: [], select: sql.join(branches, sql` union all `) };
}

/**
 * response_rate: eligible enrolments (completed or certified) with a final response of the phase's
 * instruments. Anonymous responses (no participant) count for their activity, up to its eligible
 * enrolments without an identified response — but only when every breakdown is a property of the
 * activity, since they cannot be placed in a cell of a participant attribute (gender, region…).
 * A filter on participant attributes excludes them likewise.
 */
function responseRate(request: EngineRequest): { ctes: SQL[]; select: SQL } | null {
  const indicators = ofKind(request, 'response_rate');
  if (indicators.length === 0) return null;
  const anonymousCount =
    request.by.every((key) => ACTIVITY_DIMENSIONS.has(key)) && participantFilterSql(request.filters).length === 0 && request.filters.answers.length === 0;
  const phases = [...new Set(indicators.map(({ definition }) => definition.phase))];
  const branches = indicators.map(({ key, definition }) => {
    const anonymous = anonymousCount
      ? sql`least((select count(*) from responses r join instruments i on i.id = r.instrument_id
                    where r.activity_id = c.activity_id and r.participant_id is null
                      and r.status = 'complete' and i.purpose = ${definition.phase}), c.eligible - c.identified)`
      : sql`0`;
    return sql`select ${key}::text, period, d1, d2, sum(c.identified + ${anonymous})::float8, sum(c.eligible)::int, 0, null::float8, ${NO_RANKS}
      from (select e.activity_id, e.period, e.d1, e.d2, count(*) as eligible, count(rr.participant_id) as identified
              from enrolled e
              left join rr_respondents rr on rr.activity_id = e.activity_id and rr.participant_id = e.participant_id and rr.purpose = ${definition.phase}
             where e.completed
             group by e.activity_id, e.period, e.d1, e.d2) c
     group by period, d1, d2`;
  });
  return {
    ctes: [
      // From the responses in scope: their participant and answer filters are those of the enrolments.
      sql`rr_respondents as (
        select distinct activity_id, participant_id, purpose from resp where participant_id is not null and purpose = any(${textArray(phases)})
      )`,
    ],
    select: sql.join(branches, sql` union all `),
  };
}

/**
 * cost_per_completion: each cell carries its share of each activity's cost (cost × its completions
 * / the activity's completions); completions of activities without a cost are missing.
 */
function costPerCompletion(request: EngineRequest): { ctes: SQL[]; select: SQL } | null {
  const indicators = ofKind(request, 'cost_per_completion');
  if (indicators.length === 0) return null;
  const branches = indicators.map(
    ({ key }) => sql`select ${key}::text, period, d1, d2,
           coalesce(sum(cost * n / completions) filter (where cost is not null), 0)::float8,
           coalesce(sum(n) filter (where cost is not null), 0)::int, coalesce(sum(n) filter (where cost is null), 0)::int, null::float8, ${NO_RANKS}
      from (select activity_id, period, d1, d2, cost, count(*) as n, sum(count(*)) over (partition by activity_id) as completions
              from enrolled where completed group by activity_id, period, d1, d2, cost) c
     group by period, d1, d2`,
  );
  return { ctes: [], select: sql.join(branches, sql` union all `) };
}

/** cost_per_application: as cost_per_completion, over follow-up respondents whose answer reports application. */
function costPerApplication(request: EngineRequest): { ctes: SQL[]; select: SQL } | null {
  const indicators = ofKind(request, 'cost_per_application');
  if (indicators.length === 0) return null;
  const branches = indicators.map(
    ({ key, definition }) => sql`select ${key}::text, period, d1, d2,
           coalesce(sum(cost * n / applying) filter (where cost is not null), 0)::float8,
           coalesce(sum(n) filter (where cost is not null), 0)::int, coalesce(sum(n) filter (where cost is null), 0)::int, null::float8, ${NO_RANKS}
      from (select activity_id, period, d1, d2, cost, count(*) as n, sum(count(*)) over (partition by activity_id) as applying
              from (select distinct resp.activity_id, resp.unit_id, resp.period, resp.d1, resp.d2, resp.cost
                      from answers a join resp on resp.response_id = a.response_id
                     where a.question_key = ${definition.question} and ${ANSWER_IN_SCOPE}
                       and resp.purpose = 'follow_up' and a.choice_code = any(${textArray(definition.values)})) u
             group by activity_id, period, d1, d2, cost) c
     group by period, d1, d2`,
  );
  return { ctes: [], select: sql.join(branches, sql` union all `) };
}

const builders = [answerInSet, textNonEmpty, mean, pairedGain, propertyShare, responseRate, costPerCompletion, costPerApplication];

const ENROLMENT_KINDS: ReadonlySet<IndicatorDefinition['kind']> = new Set(['property_share', 'response_rate', 'cost_per_completion']);
/** Kinds that read no response. */
const WITHOUT_RESPONSES: ReadonlySet<IndicatorDefinition['kind']> = new Set(['property_share', 'cost_per_completion']);

/** The whole request as one statement (exported for the reviewable snapshots in sql/). */
export function indicatorStatement(request: EngineRequest): SQL | null {
  const parts = builders.map((build) => build(request)).filter((part): part is { ctes: SQL[]; select: SQL } => part !== null);
  if (parts.length === 0) return null;
  const kinds = new Set(request.indicators.map((i) => i.definition.kind));
  const needResponses = [...kinds].some((kind) => !WITHOUT_RESPONSES.has(kind));
  const ctes: SQL[] = [scopeCtes(request, needResponses)];
  if (['answer_in_set', 'text_non_empty', 'mean'].some((kind) => kinds.has(kind as IndicatorDefinition['kind']))) ctes.push(VERSION_QUESTIONS);
  if ([...kinds].some((kind) => ENROLMENT_KINDS.has(kind))) ctes.push(enrolledCte(request, kinds.has('property_share') ? ENROLLED : COMPLETED));
  for (const part of parts) ctes.push(...part.ctes);
  const selects = parts.map((part) => sql`(${part.select})`);
  return sql`with ${sql.join(ctes, sql`,\n  `)}
select * from (${sql.join(selects, sql`\nunion all\n`)}) as cells(indicator, period, d1, d2, numerator, denominator, missing, sum_of_squares, n_nonzero, n_zero, positive_rank_sum, tie_correction)
order by indicator, period, d1 nulls last, d2 nulls last`;
}

/**
 * Transaction-local settings for one large aggregation: enough memory that its hashes and sorts
 * stay in memory (the default 4 MB spills to disk at a few hundred thousand answers), no JIT
 * (compiling costs more than it saves on a statement that runs once), and no nested-loop joins:
 * the CTEs carry no statistics, so the planner can take one of tens of thousands of rows for one
 * row and loop over it once per row of the other side (quadratic: measured 48 s instead of 50 ms).
 * Every join of the statement is an equality that hash joins serve.
 */
async function tuneForAggregation(db: Queryable): Promise<void> {
  await db.execute(sql`select set_config('work_mem', '64MB', true), set_config('jit', 'off', true), set_config('enable_nestloop', 'off', true)`);
}

export async function indicatorAggregates(db: Queryable, request: EngineRequest): Promise<AggregateRow[]> {
  const statement = indicatorStatement(request);
  if (statement === null) return [];
  await tuneForAggregation(db);
  const found = await rows<AggregateRow>(db, statement);
  return found.map((row) => ({
    ...row,
    numerator: Number(row.numerator),
    denominator: Number(row.denominator),
    missing: Number(row.missing),
    sum_of_squares: row.sum_of_squares === null ? null : Number(row.sum_of_squares),
    n_nonzero: row.n_nonzero === null ? null : Number(row.n_nonzero),
    n_zero: row.n_zero === null ? null : Number(row.n_zero),
    positive_rank_sum: row.positive_rank_sum === null ? null : Number(row.positive_rank_sum),
    tie_correction: row.tie_correction === null ? null : Number(row.tie_correction),
  }));
}

// ------------------------------------------------------------------ frequency tables

export interface FrequencyRequest {
  question: string;
  /** Instrument key; null: every instrument that asks the question. */
  instrument: string | null;
  period: Period | null;
  filters: EngineFilters;
}

export interface FrequencyRow {
  code: string;
  count: number;
}

/**
 * Counts per answer value (choice code, else number, else text) among final responses in scope,
 * and the responses asked the question with (valid) and without (missing) an answer. One statement.
 */
export function frequencyStatement(request: FrequencyRequest): SQL {
  const scope: EngineRequest = { indicators: [], period: request.period, by: [], filters: request.filters };
  const instrument = request.instrument === null ? sql`true` : sql`i.key = ${request.instrument}`;
  return sql`with ${scopeCtes(scope, true)}, ${VERSION_QUESTIONS},
  asked as (
    select resp.response_id from resp
      join instruments i on i.id = resp.instrument_id
      join vq on vq.version_id = resp.instrument_version_id and vq.question_key = ${request.question}
     where ${instrument}
  ),
  given as (
    select a.response_id, coalesce(a.choice_code, case when a.numeric_value is not null then a.numeric_value::text end, nullif(btrim(a.text_value), '')) as code
      from answers a join resp on resp.response_id = a.response_id
      join instruments i on i.id = resp.instrument_id
     where a.question_key = ${request.question} and ${instrument}
  ),
  valid as (select distinct response_id from given where code is not null)
  select 'code' as kind, code, count(distinct response_id)::int as count from given where code is not null group by code
  union all
  select 'valid', null, count(*)::int from valid
  union all
  select 'missing', null, count(*)::int from asked where response_id not in (select response_id from valid)`;
}

export async function frequencyCounts(db: Queryable, request: FrequencyRequest): Promise<{ codes: FrequencyRow[]; valid: number; missing: number }> {
  await tuneForAggregation(db);
  const found = await rows<{ kind: string; code: string | null; count: number }>(db, frequencyStatement(request));
  return {
    codes: found.filter((row) => row.kind === 'code').map((row) => ({ code: row.code!, count: Number(row.count) })),
    valid: Number(found.find((row) => row.kind === 'valid')?.count ?? 0),
    missing: Number(found.find((row) => row.kind === 'missing')?.count ?? 0),
  };
}

/** Choice codes and labels of the question, from the latest version of each instrument asking it (first seen wins). */
export async function questionChoices(
  db: Queryable,
  question: string,
  instrument: string | null,
): Promise<Array<{ code: string; label: Record<string, string> }> | null> {
  const found = await rows<{ choices: Array<{ code: string; label: Record<string, string> }> | null }>(
    db,
    sql`select q.question -> 'choices' as choices
          from instruments i
          join lateral (select v.definition from instrument_versions v where v.instrument_id = i.id order by v.version desc limit 1) v on true
          cross join lateral jsonb_path_query(v.definition, 'strict $.pages[*].questions[*]') as q(question)
         where q.question ->> 'key' = ${question} and ${instrument === null ? sql`true` : sql`i.key = ${instrument}`}
         order by i.key`,
  );
  if (found.length === 0) return null;
  const seen = new Map<string, { code: string; label: Record<string, string> }>();
  for (const row of found) for (const choice of row.choices ?? []) if (!seen.has(choice.code)) seen.set(choice.code, choice);
  return [...seen.values()];
}
