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
import { createHash } from 'node:crypto';
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

/** Activities in scope of a request, with their own dimensions. */
function activitiesCte(request: Pick<EngineRequest, 'period' | 'filters'>): SQL {
  const { period, filters } = request;
  return sql`act as (
    select a.id as activity_id, ${periodLabelSql(period)} as period, extract(year from a.end_date)::int as year,
           a.modality::text as modality, a.programme, a.fee_type::text as fee_type, a.languages[1] as language,
           a.cost::float8 as cost, coalesce(a.start_date, a.end_date) as ldc_on
      from activities a
     where ${periodConditionSql(period)} and ${and(activityFilterSql(filters))}
  )`;
}

/**
 * Final responses of the activities of `act`. With `filters` (frequency tables), only those of
 * respondents passing the participant and answer filters; without, all of them (unit results, which
 * are filtered by unit afterwards: every filter is a property of the unit).
 */
function responsesCte(filters: EngineFilters | null): SQL {
  const conditions = filters === null ? [] : [...participantFilterSql(filters), ...answerFilterSql(filters, sql`r.activity_id`, sql`coalesce(r.participant_id, r.id)`)];
  return sql`resp as (
    select r.id as response_id, r.activity_id, coalesce(r.participant_id, r.id) as unit_id, r.participant_id,
           r.instrument_id, r.instrument_version_id, i.purpose, r.score, r.max_score, r.submitted_at
      from responses r
      join act on act.activity_id = r.activity_id
      join instruments i on i.id = r.instrument_id${filters === null || conditions.length === 0 ? sql`` : sql`
      left join participants p on p.id = r.participant_id`}
     where r.status = 'complete' and ${and(conditions)}
  )`;
}

/**
 * Enrolments (role participant) of the activities in scope with `statuses`, with their cells, whether
 * they count as completed, and the value of each property_share indicator (null: not stated).
 * One scan serves property_share, response_rate and cost_per_completion.
 */
function enrolledCte(request: EngineRequest, statuses: readonly EnrolmentStatus[]): SQL {
  const { by, filters } = request;
  const properties = ofKind(request, 'property_share').map(({ definition }, index) => {
    const value = dimensionSql(definition.dimension);
    return sql`, case when ${propertyValidSql(definition.dimension)} then (${value}) = any(${textArray(definition.values)}) end as ${sql.identifier(`property_${index}`)}`;
  });
  return sql`enrolled as (
    select e.activity_id, e.participant_id, e.status in ('completed', 'certified') as completed, act.period, act.cost, ${dimensionColumns(by)}${sql.join(properties, sql``)}
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

function ofKind<K extends IndicatorDefinition['kind']>(request: Pick<EngineRequest, 'indicators'>, kind: K): Array<Kind<K>> {
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

/** Final responses in scope whose version asks one of the questions of `spec`, joined to the spec rows. */
function askedSql(spec: string): SQL {
  return sql`from resp join vq on vq.version_id = resp.instrument_version_id join ${sql.identifier(spec)} s on s.question_key = vq.question_key`;
}

/** The answers to `questions` (those of `spec`: a constant list, an index condition) of the final responses in scope, joined to the spec rows and to their response. */
function answeredSql(spec: string, questions: readonly string[]): SQL {
  return sql`from answers a join ${sql.identifier(spec)} s on s.question_key = a.question_key join resp on resp.response_id = a.response_id
     where a.question_key = any(${textArray([...new Set(questions)])}) and ${ANSWER_IN_SCOPE}`;
}

// ---- unit results: the single source of the rules of the answer-based kinds
//
// Each kind below turns the final responses of the activities of `act` (the `resp` CTE) into one row
// per unit: (indicator, activity_id, unit_id, participant_id, numerator, valid, missing, squares, d),
// the columns of indicator_units (schema.ts). The rollup stores them; a request groups them by cell.

interface UnitPart {
  ctes: SQL[];
  select: SQL;
}

/**
 * answer_in_set: a respondent counts when the first validly answered question of the list has a
 * value in (or outside) the set. Each answer ranks priority × 2 (+ 1 when it misses the set); a
 * respondent's lowest rank names both the first validly answered question and whether it hits.
 * Respondents asked (or who answered) without a valid answer have no rank: missing.
 */
function answerInSetUnits(indicators: ReadonlyArray<Kind<'answer_in_set'>>): UnitPart | null {
  if (indicators.length === 0) return null;
  const spec = valuesList(
    indicators.flatMap(({ key, definition }) =>
      definition.questions.map(
        (question, priority) =>
          sql`(${key}::text, ${question}::text, ${priority}::int, ${textArray(definition.values)}, ${definition.match === 'any_except'}::boolean)`,
      ),
    ),
  );
  const unit = sql`s.indicator, resp.activity_id, resp.unit_id, resp.participant_id`;
  return {
    ctes: [
      sql`ais_spec(indicator, question_key, priority, codes, any_except) as (values ${spec})`,
      sql`ais_units as (
        select indicator, activity_id, unit_id, participant_id, min(rank) as first_valid
          from (select ${unit}, null::int as rank ${askedSql('ais_spec')}
                union all
                select ${unit}, s.priority * 2 + case when (a.choice_code = any(s.codes)) <> s.any_except then 0 else 1 end
                  ${answeredSql('ais_spec', indicators.flatMap(({ definition }) => definition.questions))} and a.choice_code is not null) ranked
         group by indicator, activity_id, unit_id, participant_id
      )`,
    ],
    select: sql`select indicator, activity_id, unit_id, participant_id, (case when first_valid % 2 = 0 then 1 else 0 end)::float8,
           (first_valid is not null)::int, (first_valid is null)::int, null::float8, null::numeric
      from ais_units`,
  };
}

/** text_non_empty: respondents (of the phase, when given) asked the question; counted when they wrote something. */
function textNonEmptyUnits(indicators: ReadonlyArray<Kind<'text_non_empty'>>): UnitPart | null {
  if (indicators.length === 0) return null;
  const spec = valuesList(indicators.map(({ key, definition }) => sql`(${key}::text, ${definition.question}::text, ${definition.among ?? null}::text)`));
  const unit = sql`s.indicator, resp.activity_id, resp.unit_id, resp.participant_id`;
  const among = sql`(s.among is null or s.among = resp.purpose)`;
  return {
    ctes: [
      sql`tne_spec(indicator, question_key, among) as (values ${spec})`,
      sql`tne_units as (
        select indicator, activity_id, unit_id, participant_id, bool_or(written) as written
          from (select ${unit}, true as asked, false as written ${askedSql('tne_spec')} where ${among}
                union all
                select ${unit}, false, true ${answeredSql('tne_spec', indicators.map(({ definition }) => definition.question))} and ${among} and btrim(a.text_value) <> '') rows
         group by indicator, activity_id, unit_id, participant_id
        having bool_or(asked)
      )`,
    ],
    select: sql`select indicator, activity_id, unit_id, participant_id, written::int::float8, 1, 0, null::float8, null::numeric from tne_units`,
  };
}

/** mean: per response asked the question, n, Σx, Σx² of its numeric values (every answer row); n = 0 is missing. */
function meanUnits(indicators: ReadonlyArray<Kind<'mean'>>): UnitPart | null {
  if (indicators.length === 0) return null;
  const spec = valuesList(indicators.map(({ key, definition }) => sql`(${key}::text, ${definition.question}::text)`));
  const unit = sql`s.indicator, resp.activity_id, resp.response_id, resp.participant_id`;
  return {
    ctes: [
      sql`mean_spec(indicator, question_key) as (values ${spec})`,
      sql`mean_responses as (
        select indicator, activity_id, response_id, participant_id, count(x) as n, sum(x) as total, sum(x * x) as squares
          from (select ${unit}, null::float8 as x ${askedSql('mean_spec')}
                union all
                select ${unit}, a.numeric_value ${answeredSql('mean_spec', indicators.map(({ definition }) => definition.question))} and a.numeric_value is not null) valued
         group by indicator, activity_id, response_id, participant_id
      )`,
    ],
    select: sql`select indicator, activity_id, response_id, participant_id, coalesce(total, 0)::float8, n::int, (n = 0)::int, coalesce(squares, 0)::float8, null::numeric
      from mean_responses`,
  };
}

/**
 * paired_gain: participants with a scored final response of the pre phase and of the post phase
 * for the same activity (the latest of each). d = post − pre (points); normalised gain =
 * (post% − pre%) / (1 − pre%), i.e. (post − pre)/(max − pre) when both tests have the same
 * maximum, undefined (missing) for a perfect pre-test; share_improved: d = post% − pre%.
 * Participants with only one of the two are missing (d null).
 */
function pairedGainUnits(indicators: ReadonlyArray<Kind<'paired_gain'>>): UnitPart | null {
  if (indicators.length === 0) return null;
  const phasePairs = [...new Set(indicators.map(({ definition }) => `${definition.pre}>${definition.post}`))];
  const phases = [...new Set(indicators.flatMap(({ definition }) => [definition.pre, definition.post]))];
  const pairCtes = phasePairs.map((pair, index) => {
    const [pre, post] = pair.split('>') as [string, string];
    return sql`${sql.identifier(`pg_pairs_${index}`)} as (
        select coalesce(b.activity_id, f.activity_id) as activity_id, coalesce(b.unit_id, f.unit_id) as unit_id,
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
    return sql`select ${key}::text, activity_id, unit_id, unit_id, 0::float8, 0, 0, null::float8, ${d} from ${pairs}`;
  });
  return {
    ctes: [
      sql`pg_scores as (
        select distinct on (activity_id, unit_id, purpose) activity_id, unit_id, purpose, score / max_score as share, score
          from resp
         where participant_id is not null and score is not null and max_score > 0
           and purpose in (${sql.join(phases.map((phase) => sql`${phase}`), sql`, `)})
         order by activity_id, unit_id, purpose, submitted_at desc
      )`,
      ...pairCtes,
    ],
    select: sql.join(units, sql` union all `),
  };
}

/** cost_per_application: the follow-up respondents whose answer reports application (one row each). */
function costPerApplicationUnits(indicators: ReadonlyArray<Kind<'cost_per_application'>>): UnitPart | null {
  if (indicators.length === 0) return null;
  const branches = indicators.map(
    ({ key, definition }) => sql`select distinct ${key}::text, resp.activity_id, resp.unit_id, resp.participant_id, 0::float8, 1, 0, null::float8, null::numeric
      from answers a join resp on resp.response_id = a.response_id
     where a.question_key = ${definition.question} and ${ANSWER_IN_SCOPE}
       and resp.purpose = 'follow_up' and a.choice_code = any(${textArray(definition.values)})`,
  );
  return { ctes: [], select: sql.join(branches, sql` union all `) };
}

/** Kinds whose unit results the rollup holds. */
export const UNIT_KINDS: ReadonlySet<IndicatorDefinition['kind']> = new Set(['answer_in_set', 'text_non_empty', 'mean', 'paired_gain', 'cost_per_application']);

/**
 * The order of the unit-kind indicators in the arrays of a unit row: `keys[i]` at index i + 1, and a
 * digest naming the definitions the rows were computed with (a row is read only under its digest).
 */
export interface Layout {
  keys: readonly string[];
  digest: string;
}

/** The layout of `indicators`' unit kinds, sorted by key; its digest covers every definition (a change of any changes it). */
export function layoutOf(indicators: EngineRequest['indicators']): Layout {
  const units = indicators.filter((i) => UNIT_KINDS.has(i.definition.kind)).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const hex = createHash('md5').update(canonical(units.map(({ key, definition }) => [key, definition]))).digest('hex');
  return { keys: units.map((i) => i.key), digest: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` };
}

/**
 * The CTEs computing unit results over `resp` (and `act`): `units_raw` (one row per unit and
 * indicator), then `units_wide` (one row per unit, the indicators' results as arrays in `layout`'s
 * order: the columns of indicator_units).
 */
function unitCtes(indicators: EngineRequest['indicators'], layout: Layout): SQL[] | null {
  const request = { indicators: indicators.filter((i) => layout.keys.includes(i.key)) };
  const parts = [
    answerInSetUnits(ofKind(request, 'answer_in_set')),
    textNonEmptyUnits(ofKind(request, 'text_non_empty')),
    meanUnits(ofKind(request, 'mean')),
    pairedGainUnits(ofKind(request, 'paired_gain')),
    costPerApplicationUnits(ofKind(request, 'cost_per_application')),
  ].filter((part): part is UnitPart => part !== null);
  if (parts.length === 0) return null;
  const ctes: SQL[] = [responsesCte(null)];
  if (['answer_in_set', 'text_non_empty', 'mean'].some((kind) => request.indicators.some((i) => i.definition.kind === kind))) ctes.push(VERSION_QUESTIONS);
  for (const part of parts) ctes.push(...part.ctes);
  ctes.push(sql`units_raw(indicator, activity_id, unit_id, participant_id, numerator, valid, missing, squares, d) as (
    ${sql.join(parts.map((part) => sql`(${part.select})`), sql`\n    union all\n    `)}
  )`);
  const column = (name: string, type: string) =>
    sql`array[${sql.join(layout.keys.map((key) => sql`max(${sql.identifier(name)}) filter (where indicator = ${key})`), sql`, `)}]::${sql.raw(type)}[] as ${sql.identifier(name)}`;
  ctes.push(sql`units_wide as (
    select activity_id, unit_id, participant_id, ${layout.digest}::uuid as layout, ${column('numerator', 'float8')}, ${column('valid', 'int')},
           ${column('missing', 'int')}, ${column('squares', 'float8')}, ${column('d', 'numeric')}
      from units_raw group by activity_id, unit_id, participant_id
  )`);
  return ctes;
}

// ---- cells: the unit results of the request, grouped by cell

/** A request with where each unit-kind indicator's results sit in the arrays of unit rows (1-based). */
interface Plan {
  request: EngineRequest;
  layout: Layout;
}

function position(plan: Plan, key: string): number {
  return plan.layout.keys.indexOf(key) + 1;
}

/**
 * The unit rows of the activities in scope, with their cells, filtered by unit: `source` is the
 * rollup table or the `units_wide` CTE of the same rows.
 */
function unitsCte(request: EngineRequest, source: 'rollup' | 'live'): SQL {
  const { by, filters } = request;
  // The unit rows in scope first (materialised: the planner, without statistics on them, would
  // otherwise join every row of the organisation to its participant before dropping those out of scope).
  return sql`units_in_scope as materialized (
    select u.activity_id, u.unit_id, u.participant_id, u.layout, u.numerator, u.valid, u.missing, u.squares, u.d
      from ${source === 'rollup' ? sql`indicator_units` : sql`units_wide`} u
     where u.activity_id in (select activity_id from act)
  ),
  units as (
    select u.activity_id, u.layout, u.numerator, u.valid, u.missing, u.squares, u.d, act.period, act.cost, ${dimensionColumns(by)}
      from units_in_scope u
      join act on act.activity_id = u.activity_id
      left join participants p on p.id = u.participant_id
     where ${and([...participantFilterSql(filters), ...answerFilterSql(filters, sql`u.activity_id`, sql`coalesce(u.participant_id, u.unit_id)`)])}
  )`;
}

/**
 * Shares of respondents (answer_in_set, text_non_empty) and means: sums of the unit results, all
 * indicators in one pass over the unit rows, then one record per indicator and cell with units.
 */
function summedCells(plan: Plan): { ctes: SQL[]; select: SQL } | null {
  const keys = plan.request.indicators.filter((i) => ['answer_in_set', 'text_non_empty', 'mean'].includes(i.definition.kind)).map((i) => i.key);
  if (keys.length === 0) return null;
  const sums = keys.map((key, index) => {
    const at = sql.raw(String(position(plan, key)));
    return sql`sum(numerator[${at}]) as ${sql.identifier(`n${index}`)}, sum(valid[${at}]) as ${sql.identifier(`v${index}`)}, sum(missing[${at}]) as ${sql.identifier(`m${index}`)},
           sum(squares[${at}]) as ${sql.identifier(`s${index}`)}, count(missing[${at}]) as ${sql.identifier(`c${index}`)}`;
  });
  const records = keys.map(
    (key, index) =>
      sql`(${key}::text, s.${sql.identifier(`n${index}`)}, s.${sql.identifier(`v${index}`)}, s.${sql.identifier(`m${index}`)}, s.${sql.identifier(`s${index}`)}, s.${sql.identifier(`c${index}`)})`,
  );
  return {
    ctes: [sql`summed as (select period, d1, d2, ${sql.join(sums, sql`,\n           `)} from units group by period, d1, d2)`],
    select: sql`select k.indicator, s.period, s.d1, s.d2, k.numerator::float8, k.valid::int, k.missing::int, k.squares::float8, ${NO_RANKS}
      from summed s cross join lateral (values ${sql.join(records, sql`, `)}) as k(indicator, numerator, valid, missing, squares, units)
     where k.units > 0`,
  };
}

/** paired_gain: mean of d (or share of d > 0) per cell, with the signed ranks of the differences. */
function pairedGainCells(plan: Plan): { ctes: SQL[]; select: SQL } | null {
  const indicators = ofKind(plan.request, 'paired_gain');
  if (indicators.length === 0) return null;
  const spec = valuesList(indicators.map(({ key, definition }) => sql`(${key}::text, ${definition.statistic}::text, ${position(plan, key)}::int)`));
  return {
    ctes: [
      sql`pg_spec(indicator, statistic, at) as (values ${spec})`,
      sql`pg_units as (select s.indicator, s.statistic, u.period, u.d1, u.d2, u.d[s.at] as d from units u cross join pg_spec s where u.missing[s.at] is not null)`,
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
    select: sql`select c.indicator, c.period, c.d1, c.d2, c.numerator, c.valid, c.missing, c.squares, r.n_nonzero, r.n_zero, r.positive_rank_sum, r.tie_correction
      from (select indicator, period, d1, d2,
                   case when min(statistic) = 'share_improved' then (count(*) filter (where d > 0))::float8 else coalesce(sum(d), 0)::float8 end as numerator,
                   (count(d))::int as valid, (count(*) filter (where d is null))::int as missing,
                   case when min(statistic) = 'share_improved' then null else coalesce(sum(d * d), 0)::float8 end as squares
              from pg_units group by indicator, period, d1, d2) c
      left join pg_ranks r on r.indicator = c.indicator and r.period = c.period and r.d1 is not distinct from c.d1 and r.d2 is not distinct from c.d2`,
  };
}

/** property_share: share of participations (enrolments) whose participant has the property; unstated is missing. */
function propertyShare(request: EngineRequest): { ctes: SQL[]; select: SQL } | null {
  const indicators = ofKind(request, 'property_share');
  if (indicators.length === 0) return null;
  const branches = indicators.map(({ key }, index) => {
    const property = sql.identifier(`property_${index}`);
    return sql`select ${key}::text, period, d1, d2,
           (count(*) filter (where ${property}))::float8, (count(${property}))::int, (count(*) filter (where ${property} is null))::int, null::float8, ${NO_RANKS}
      from enrolled group by period, d1, d2`;
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
      // Identified final responses of the phases about the activities in scope. The participant and
      // answer filters are those of the enrolments they are matched to.
      sql`rr_respondents as (
        select distinct r.activity_id, r.participant_id, i.purpose
          from responses r join instruments i on i.id = r.instrument_id
         where r.status = 'complete' and r.participant_id is not null and i.purpose = any(${textArray(phases)})
           and r.activity_id = any(array(select activity_id from act))
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
function costPerApplication(plan: Plan): { ctes: SQL[]; select: SQL } | null {
  const indicators = ofKind(plan.request, 'cost_per_application');
  if (indicators.length === 0) return null;
  const spec = valuesList(indicators.map(({ key }) => sql`(${key}::text, ${position(plan, key)}::int)`));
  return {
    ctes: [sql`cpa_spec(indicator, at) as (values ${spec})`],
    select: sql`select indicator, period, d1, d2,
           coalesce(sum(cost * n / applying) filter (where cost is not null), 0)::float8,
           coalesce(sum(n) filter (where cost is not null), 0)::int, coalesce(sum(n) filter (where cost is null), 0)::int, null::float8, ${NO_RANKS}
      from (select s.indicator, u.activity_id, u.period, u.d1, u.d2, u.cost, count(*) as n, sum(count(*)) over (partition by s.indicator, u.activity_id) as applying
              from units u cross join cpa_spec s where u.missing[s.at] is not null group by s.indicator, u.activity_id, u.period, u.d1, u.d2, u.cost) c
     group by indicator, period, d1, d2`,
  };
}

const builders: Array<(plan: Plan) => { ctes: SQL[]; select: SQL } | null> = [
  summedCells,
  pairedGainCells,
  (plan) => propertyShare(plan.request),
  (plan) => responseRate(plan.request),
  (plan) => costPerCompletion(plan.request),
  costPerApplication,
];

const ENROLMENT_KINDS: ReadonlySet<IndicatorDefinition['kind']> = new Set(['property_share', 'response_rate', 'cost_per_completion']);

/** The name of the record that counts unit rows of another layout (rollup source only; never an indicator key). */
const STALE = '~stale';

/**
 * The whole request as one statement (exported for the reviewable snapshots in sql/). `rollup`: the
 * unit results of the answer-based kinds come from indicator_units in `layout` (refreshed first by
 * refreshRollup), plus one record counting rows in scope of another layout (then the caller runs it
 * `live`); `live`: the statement computes the unit results itself, with the same unit SQL.
 */
export function indicatorStatement(request: EngineRequest, source: 'rollup' | 'live' = 'live', layout: Layout = layoutOf(request.indicators)): SQL | null {
  const plan: Plan = { request, layout };
  const parts = builders.map((build) => build(plan)).filter((part): part is { ctes: SQL[]; select: SQL } => part !== null);
  if (parts.length === 0) return null;
  const kinds = new Set(request.indicators.map((i) => i.definition.kind));
  const hasUnits = request.indicators.some((i) => UNIT_KINDS.has(i.definition.kind));
  const ctes: SQL[] = [activitiesCte(request)];
  if (hasUnits) {
    if (source === 'live') ctes.push(...unitCtes(request.indicators, layout)!);
    ctes.push(unitsCte(request, source));
  }
  if ([...kinds].some((kind) => ENROLMENT_KINDS.has(kind))) ctes.push(enrolledCte(request, kinds.has('property_share') ? ENROLLED : COMPLETED));
  for (const part of parts) ctes.push(...part.ctes);
  const selects = parts.map((part) => sql`(${part.select})`);
  if (hasUnits && source === 'rollup') {
    selects.push(sql`(select ${STALE}::text, null::text, null::text, null::text, count(*)::float8, 0, 0, null::float8, ${NO_RANKS} from units where layout <> ${layout.digest}::uuid)`);
  }
  return sql`with ${sql.join(ctes, sql`,\n  `)}
select * from (${sql.join(selects, sql`\nunion all\n`)}) as cells(indicator, period, d1, d2, numerator, denominator, missing, sum_of_squares, n_nonzero, n_zero, positive_rank_sum, tie_correction)
order by indicator, period, d1 nulls last, d2 nulls last`;
}

// ------------------------------------------------------------------ the rollup

/**
 * Recomputes the unit rows of `activityIds` for the organisation's `indicators` (all of its unit
 * kinds, in `layoutOf(indicators)`): one statement, written in primary-key order so that a request
 * reads each activity's rows from neighbouring pages.
 */
export function rollupFillStatement(indicators: EngineRequest['indicators'], activityIds: readonly string[]): SQL | null {
  const ctes = unitCtes(indicators, layoutOf(indicators));
  if (ctes === null) return null;
  return sql`with act as (select a.id as activity_id, a.org_id from activities a where a.id = any(${`{${activityIds.join(',')}}`}::uuid[])),
  ${sql.join(ctes, sql`,\n  `)}
insert into indicator_units (org_id, activity_id, unit_id, participant_id, layout, numerator, valid, missing, squares, d)
select act.org_id, u.activity_id, u.unit_id, u.participant_id, u.layout, u.numerator, u.valid, u.missing, u.squares, u.d
  from units_wide u join act on act.activity_id = u.activity_id
 order by u.activity_id, u.unit_id`;
}

/** JSON with sorted keys: two definitions are the same when their canonical texts are. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Brings indicator_units up to date for the current organisation and returns its layout (of the
 * definitions as the rows hold them). One statement takes the marks of indicator_dirty it can see
 * and reads the definitions, in one snapshot: deleting the marks locks them, so a second reader waits
 * for the first to commit, then finds them gone and reads the rows the first wrote; a mark left by a
 * transaction still running stays for the next reader. Then the unit rows of those activities are
 * deleted and recomputed in one statement.
 */
export async function refreshRollup(db: Queryable): Promise<{ layout: Layout; definitions: Map<string, string> }> {
  const [state] = await rows<{ activities: string[] | null; definitions: Array<{ key: string; definition: IndicatorDefinition }> }>(
    db,
    sql`with taken as (delete from indicator_dirty returning activity_id)
        select (select array_agg(distinct activity_id) from taken) as activities,
               (select coalesce(json_agg(json_build_object('key', d.key, 'definition', d.definition)), '[]'::json) from indicator_definitions d) as definitions`,
  );
  const definitions = state!.definitions.map(({ key, definition }) => ({ key, definition }));
  const taken = state!.activities ?? [];
  if (taken.length > 0) {
    await db.execute(sql`delete from indicator_units where activity_id = any(${`{${taken.join(',')}}`}::uuid[])`);
    const fill = rollupFillStatement(definitions, taken);
    if (fill !== null) await db.execute(fill);
  }
  return { layout: layoutOf(definitions), definitions: new Map(definitions.map(({ key, definition }) => [key, canonical(definition)])) };
}

/**
 * Transaction-local settings for one large aggregation: enough memory that its hashes and sorts
 * stay in memory (the default 4 MB spills to disk at a few hundred thousand answers), no JIT
 * (compiling costs more than it saves on a statement that runs once), and no nested-loop joins:
 * the CTEs carry no statistics, so the planner can take one of tens of thousands of rows for one
 * row and loop over it once per row of the other side (quadratic: measured 48 s instead of 50 ms).
 * Every join of the statement is an equality that hash joins serve. Likewise sorts, where a hash
 * serves: grouping tens of thousands of rows by sorting them on their text keys costs several times
 * a hash aggregate (the sorts the statement needs, for ranks and the final order, still happen).
 */
export async function tuneForAggregation(db: Queryable): Promise<void> {
  await db.execute(
    sql`select set_config('work_mem', '64MB', true), set_config('jit', 'off', true), set_config('enable_nestloop', 'off', true), set_config('enable_sort', 'off', true)`,
  );
}

/**
 * The per-cell aggregates of a request. The answer-based kinds read the rollup, refreshed first,
 * when the request's definitions are the organisation's; otherwise (a caller's own definition), or
 * when rows in scope were computed under other definitions (a definition changed by a transaction
 * that committed meanwhile), the statement computes the unit results itself, with the same SQL.
 */
export async function indicatorAggregates(db: Queryable, request: EngineRequest): Promise<AggregateRow[]> {
  if (request.indicators.length === 0) return [];
  await tuneForAggregation(db);
  let found: AggregateRow[] | null = null;
  if (request.indicators.some((i) => UNIT_KINDS.has(i.definition.kind))) {
    const { layout, definitions } = await refreshRollup(db);
    if (request.indicators.every((i) => !UNIT_KINDS.has(i.definition.kind) || definitions.get(i.key) === canonical(i.definition))) {
      const rolled = await rows<AggregateRow>(db, indicatorStatement(request, 'rollup', layout)!);
      const stale = rolled.find((row) => row.indicator === STALE);
      if (Number(stale?.numerator ?? 0) === 0) found = rolled.filter((row) => row.indicator !== STALE);
    }
  }
  if (found === null) {
    const statement = indicatorStatement(request, 'live');
    if (statement === null) return [];
    found = await rows<AggregateRow>(db, statement);
  }
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
  const instrument = request.instrument === null ? sql`true` : sql`i.key = ${request.instrument}`;
  return sql`with ${activitiesCte(request)}, ${responsesCte(request.filters)}, ${VERSION_QUESTIONS},
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
