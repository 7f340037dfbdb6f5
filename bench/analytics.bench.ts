// Benchmark (not a test): the indicator engine over 1,000,000 answer rows (BENCH_ANSWERS), in one run:
//   1. Tracer's engine on PostgreSQL (the standard set for one year, by gender; and the answer-based part alone)
//   2. the same on PGlite (in memory)
//   3. the answer-based indicators over a one-JSONB-document-per-submission table (KoboToolbox/ODK layout), PostgreSQL
//   4. the same aggregation in DuckDB (@duckdb/node-api) over the same rows, as a near-limit reference
//   npm run bench analytics           (BENCH_ANSWERS=1000000; BENCH_PGLITE=0 skips PGlite; BENCH_RUNS=5)
//   BENCH_ANSWERS=10000000 BENCH_PGLITE=0 npm run bench analytics   (PGlite cannot hold 10M rows in memory)
// Uses a fresh database on the server of BENCH_DATABASE_URL or DATABASE_URL (default
// postgres://root@127.0.0.1:5432/postgres), dropped afterwards. Goals on PostgreSQL at 1M: < 150 ms for the standard
// set by one dimension, ≥ 10× faster than JSONB, within 3× of DuckDB. The data are generated in SQL from hashes of
// row numbers, so PostgreSQL and PGlite hold identical rows; DuckDB is loaded from PostgreSQL. The ratios compare
// equal work: the twelve answer-based standard indicators (shares, text, needs met, paired gains) by gender for one
// year, per cell numerator, denominator and missing, which all three layouts must agree on (checked and reported).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { sql } from 'drizzle-orm';
import { computeKpis } from '../src/analytics/engine.ts';
import { indicatorAggregates } from '../src/analytics/engine-repository.ts';
import { standardIndicators } from '../src/analytics/definitions.ts';
import { openDatabase, openMemoryPglite, rows, type Database, type Queryable } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { createPostgresDatabase } from '../src/testing/database.ts';
import { activityCount, generate, participantCount } from './analytics-data.ts';

const runs = Number(process.env.BENCH_RUNS ?? 5);
const withPglite = process.env.BENCH_PGLITE !== '0';
const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

interface Timing {
  /** Median wall-clock milliseconds. */
  wall: number;
  /** Median CPU milliseconds of the work (the PostgreSQL backend, or this process for DuckDB and PGlite), or null. */
  cpu: number | null;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * Times `work` (warm-up, then BENCH_RUNS runs). `work` returns the CPU milliseconds it used when it
 * can tell: on a machine shared with other work, CPU time is the steadier figure of the two.
 */
async function time(label: string, work: () => Promise<number | null>): Promise<Timing> {
  await work(); // warm-up
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const cpu = await work();
    walls.push(performance.now() - started);
    if (cpu !== null) cpus.push(cpu);
  }
  const timing = { wall: median(walls), cpu: cpus.length === runs ? median(cpus) : null };
  const cpu = timing.cpu === null ? '' : `  cpu ${timing.cpu.toFixed(0).padStart(6)} ms`;
  process.stdout.write(`  ${label.padEnd(58)} median ${timing.wall.toFixed(1).padStart(8)} ms${cpu}  (min ${Math.min(...walls).toFixed(1)}, max ${Math.max(...walls).toFixed(1)})\n`);
  return timing;
}

/** CPU milliseconds used by `work` in the PostgreSQL backend of `tx`, read from /proc (null when the server is elsewhere). */
async function backendCpu(tx: Queryable, work: () => Promise<unknown>): Promise<number | null> {
  const [{ pid }] = (await rows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`)) as [{ pid: number }];
  const used = () => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
    } catch {
      return null;
    }
  };
  const before = used();
  await work();
  const after = used();
  return before === null || after === null ? null : after - before;
}
const CLOCK_TICKS = 100;

/** CPU milliseconds used by `work` in this process (DuckDB's threads, PGlite). */
async function processCpu(work: () => Promise<unknown>): Promise<number> {
  const before = process.cpuUsage();
  await work();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

const ANSWER_KINDS = new Set(['answer_in_set', 'text_non_empty', 'paired_gain']);
const answerBased = standardIndicators.filter((i) => ANSWER_KINDS.has(i.definition.kind));
const request = { period: '2023', by: 'gender' };
/** The equal work of the three layouts: the answer-based standard indicators, 2023, by gender, as per-cell aggregates. */
const answerRequest = {
  indicators: answerBased.map(({ key, definition }) => ({ key, definition })),
  period: { from: 2023, to: 2023 },
  by: ['gender' as const],
  filters: { fields: [], answers: [] },
};

interface Cell {
  indicator: string;
  d1: string | null;
  numerator: number;
  denominator: number;
  missing: number;
}

/** Cells where `other` differs from the engine (numerator to 1e-9 relative: sums of floats). */
function disagreements(engine: Cell[], other: Cell[]): string[] {
  const key = (cell: Cell) => `${cell.indicator}/${cell.d1 ?? ''}`;
  const found = new Map(other.map((cell) => [key(cell), cell]));
  const same = (a: number, b: number) => Math.abs(Number(a) - Number(b)) <= 1e-9 * Math.max(1, Math.abs(Number(a)));
  return engine.flatMap((cell) => {
    const twin = found.get(key(cell));
    if (!twin) return [`${key(cell)} missing`];
    const fields = (['numerator', 'denominator', 'missing'] as const).filter((field) => !same(cell[field], twin[field]));
    return fields.map((field) => `${key(cell)} ${field}: engine ${cell[field]}, other ${twin[field]}`);
  });
}

// ------------------------------------------------------------------ the JSONB layout

async function buildJsonb(database: Database): Promise<void> {
  await database.system.execute(sql`
    create table bench_submissions as
    select r.org_id, r.id, r.activity_id, r.participant_id, i.purpose, r.score, r.max_score, r.submitted_at, coalesce(d.data, '{}'::jsonb) as data
      from responses r join instruments i on i.id = r.instrument_id
      left join (select response_id, jsonb_object_agg(question_key, value) as data from (
                   select response_id, question_key, case when count(*) > 1 or min(question_key) = 'fu_tangible_change'
                                             then jsonb_agg(coalesce(choice_code, numeric_value::text, text_value))
                                             else to_jsonb(min(coalesce(choice_code, numeric_value::text, text_value))) end as value
                     from answers group by response_id, question_key) x group by response_id) d on d.response_id = r.id`);
  await database.system.execute(sql`create index on bench_submissions (org_id, purpose)`);
  await database.system.execute(sql`analyze bench_submissions`);
}

/** The answer-based standard indicators by gender, one statement, over one JSONB document per submission. */
const jsonbQuery = (orgId: string) => sql`
  with s as (
    select b.*, p.gender::text as d1, b.activity_id as a_id
      from bench_submissions b join activities a on a.id = b.activity_id join participants p on p.id = b.participant_id
     where b.org_id = ${orgId} and a.end_date >= date '2023-01-01' and a.end_date < date '2024-01-01'
  ),
  shares(indicator, question, codes, purpose) as (values
    ('relevance', 'eoa_relevance', array['agree','strongly_agree'], 'end_of_activity'),
    ('theory_to_practice', 'eoa_theory_practice', array['agree','strongly_agree'], 'end_of_activity'),
    ('can_apply', 'eoa_can_apply', array['agree','strongly_agree'], 'end_of_activity'),
    ('knowledge_application', 'fu_use', array['significant_input','helpful_specific'], 'follow_up'),
    ('competence_improvement', 'fu_competence_change', array['very_large','large'], 'follow_up'),
    ('performance_improvement', 'fu_performance_change', array['very_large','large'], 'follow_up')
  ),
  units as (
    select a_id, participant_id, d1,
           max(data ->> 'fu_needs_met') filter (where purpose = 'follow_up') as fu_needs,
           max(data ->> 'eoa_needs_met') filter (where purpose = 'end_of_activity') as eoa_needs,
           bool_or(purpose in ('end_of_activity', 'follow_up')) as asked_needs,
           max(score / max_score) filter (where purpose = 'pre_test') as pre, max(score / max_score) filter (where purpose = 'post_test') as post,
           max(score) filter (where purpose = 'pre_test') as pre_score, max(score) filter (where purpose = 'post_test') as post_score
      from s group by a_id, participant_id, d1
  )
  select x.indicator, s.d1, count(*) filter (where s.data ->> x.question = any(x.codes))::float8 as numerator,
         count(*) filter (where s.data ? x.question)::int as denominator, count(*) filter (where not s.data ? x.question)::int as missing
    from s join shares x on x.purpose = s.purpose group by x.indicator, s.d1
  union all
  select 'application_examples', d1, count(*) filter (where btrim(data ->> 'fu_application_example') <> ''), count(*), 0
    from s where purpose = 'follow_up' group by d1
  union all
  select 'tangible_change', d1, count(*) filter (where exists (select 1 from jsonb_array_elements_text(data -> 'fu_tangible_change') c where c <> 'none')),
         count(*) filter (where data ? 'fu_tangible_change'), count(*) filter (where not data ? 'fu_tangible_change')
    from s where purpose = 'follow_up' group by d1
  union all
  select 'needs_met', d1, count(*) filter (where coalesce(fu_needs, eoa_needs) in ('fully','great_extent','sufficiently')),
         count(coalesce(fu_needs, eoa_needs))::int, count(*) filter (where coalesce(fu_needs, eoa_needs) is null)
    from units where asked_needs group by d1
  union all
  select 'knowledge_gain', d1, sum(post_score - pre_score), count(post_score - pre_score)::int, count(*) filter (where pre is null or post is null)
    from units where pre is not null or post is not null group by d1
  union all
  select 'knowledge_gain_normalised', d1, sum(case when pre < 1 then (post - pre) / (1 - pre) end),
         count(case when pre < 1 then post end)::int, count(*) filter (where pre is null or post is null or pre >= 1)
    from units where pre is not null or post is not null group by d1
  union all
  select 'knowledge_acquisition', d1, count(*) filter (where post > pre), count(post - pre)::int, count(*) filter (where pre is null or post is null)
    from units where pre is not null or post is not null group by d1`;

// ------------------------------------------------------------------ DuckDB

async function loadDuckDb(database: Database, connection: DuckDBConnection, orgId: string): Promise<void> {
  await connection.run(`
    create table activities (id varchar, end_date date, modality varchar);
    create table participants (id varchar, gender varchar);
    create table responses (id varchar, activity_id varchar, participant_id varchar, purpose varchar, score double, max_score double);
    create table answers (response_id varchar, question_key varchar, choice_code varchar, numeric_value double, text_value varchar)`);
  const append = async (table: string, found: Array<Record<string, unknown>>, columns: string[]) => {
    const appender = await connection.createAppender(table);
    for (const row of found) {
      for (const column of columns) {
        const value = row[column];
        if (value === null || value === undefined) appender.appendNull();
        else if (typeof value === 'number') appender.appendDouble(value);
        else appender.appendVarchar(String(value));
      }
      appender.endRow();
    }
    appender.closeSync();
  };
  const copy = async (table: string, query: ReturnType<typeof sql>, columns: string[]) =>
    append(table, await rows<Record<string, unknown>>(database.system, query), columns);
  await copy('activities', sql`select id::text, end_date::text, modality::text from activities`, ['id', 'end_date', 'modality']);
  await copy('participants', sql`select id::text, gender::text from participants`, ['id', 'gender']);
  await copy('responses', sql`select r.id::text, r.activity_id::text, r.participant_id::text, i.purpose, r.score, r.max_score from responses r join instruments i on i.id = r.instrument_id`, [
    'id', 'activity_id', 'participant_id', 'purpose', 'score', 'max_score',
  ]);
  // Answers in pages along the primary key, to keep memory flat at 10M rows.
  let after = { response: '00000000-0000-0000-0000-000000000000', position: -1 };
  for (;;) {
    const page = await rows<{ response_id: string; position: number }>(
      database.system,
      sql`select a.response_id::text, a.position, a.question_key, a.choice_code, a.numeric_value, a.text_value
            from answers a where a.org_id = ${orgId} and (a.response_id, a.position) > (${after.response}::uuid, ${after.position}::int)
           order by a.response_id, a.position limit 200000`,
    );
    if (page.length === 0) break;
    await append('answers', page as unknown as Array<Record<string, unknown>>, ['response_id', 'question_key', 'choice_code', 'numeric_value', 'text_value']);
    const last = page.at(-1)!;
    after = { response: last.response_id, position: last.position };
  }
}

/** The same answer-based aggregation in DuckDB (relational layout: one row per answer). */
const duckDbQuery = `
  with s as (
    select r.id, r.activity_id, r.participant_id, r.purpose, r.score, r.max_score, p.gender as d1
      from responses r join activities a on a.id = r.activity_id join participants p on p.id = r.participant_id
     where a.end_date >= date '2023-01-01' and a.end_date < date '2024-01-01'
  ),
  shares(indicator, question, codes, purpose) as (values
    ('relevance', 'eoa_relevance', ['agree','strongly_agree'], 'end_of_activity'),
    ('theory_to_practice', 'eoa_theory_practice', ['agree','strongly_agree'], 'end_of_activity'),
    ('can_apply', 'eoa_can_apply', ['agree','strongly_agree'], 'end_of_activity'),
    ('knowledge_application', 'fu_use', ['significant_input','helpful_specific'], 'follow_up'),
    ('competence_improvement', 'fu_competence_change', ['very_large','large'], 'follow_up'),
    ('performance_improvement', 'fu_performance_change', ['very_large','large'], 'follow_up')
  ),
  a as (select a.* from answers a join s on s.id = a.response_id),
  per_response as (
    select s.id, s.d1, x.indicator, bool_or(list_contains(x.codes, a.choice_code)) as hit, count(a.response_id) > 0 as valid
      from s join shares x on x.purpose = s.purpose left join a on a.response_id = s.id and a.question_key = x.question
     group by s.id, s.d1, x.indicator
  ),
  units as (
    select s.activity_id, s.participant_id, s.d1,
           max(a.choice_code) filter (where a.question_key = 'fu_needs_met') as fu_needs,
           max(a.choice_code) filter (where a.question_key = 'eoa_needs_met') as eoa_needs,
           bool_or(s.purpose in ('end_of_activity', 'follow_up')) as asked_needs,
           max(s.score / s.max_score) filter (where s.purpose = 'pre_test') as pre, max(s.score / s.max_score) filter (where s.purpose = 'post_test') as post,
           max(s.score) filter (where s.purpose = 'pre_test') as pre_score, max(s.score) filter (where s.purpose = 'post_test') as post_score
      from s left join a on a.response_id = s.id and a.question_key in ('fu_needs_met', 'eoa_needs_met')
     group by s.activity_id, s.participant_id, s.d1
  )
  select indicator, d1, count(*) filter (where hit)::double as numerator, count(*) filter (where valid)::int as denominator,
         count(*) filter (where not valid)::int as missing from per_response group by indicator, d1
  union all
  select 'application_examples', s.d1, count(distinct s.id) filter (where trim(a.text_value) <> ''), count(distinct s.id), 0
    from s left join a on a.response_id = s.id and a.question_key = 'fu_application_example' where s.purpose = 'follow_up' group by s.d1
  union all
  select 'tangible_change', s.d1, count(distinct s.id) filter (where a.choice_code <> 'none'), count(distinct a.response_id), count(distinct s.id) - count(distinct a.response_id)
    from s left join a on a.response_id = s.id and a.question_key = 'fu_tangible_change' where s.purpose = 'follow_up' group by s.d1
  union all
  select 'needs_met', d1, count(*) filter (where coalesce(fu_needs, eoa_needs) in ('fully','great_extent','sufficiently')),
         count(coalesce(fu_needs, eoa_needs)), count(*) filter (where coalesce(fu_needs, eoa_needs) is null) from units where asked_needs group by d1
  union all
  select 'knowledge_gain', d1, sum(post_score - pre_score), count(post_score - pre_score), count(*) filter (where pre is null or post is null)
    from units where pre is not null or post is not null group by d1
  union all
  select 'knowledge_gain_normalised', d1, sum(case when pre < 1 then (post - pre) / (1 - pre) end),
         count(case when pre < 1 then post end), count(*) filter (where pre is null or post is null or pre >= 1)
    from units where pre is not null or post is not null group by d1
  union all
  select 'knowledge_acquisition', d1, count(*) filter (where post > pre), count(post - pre), count(*) filter (where pre is null or post is null)
    from units where pre is not null or post is not null group by d1`;

// ------------------------------------------------------------------ run

const report: string[] = [];
const { url, drop } = await createPostgresDatabase(serverUrl);
const postgres = await openDatabase({ kind: 'postgres', url });
let duck: DuckDBInstance | undefined;
try {
  await migrate(postgres);
  let started = performance.now();
  const { orgId, answers } = await generate(postgres);
  process.stdout.write(`PostgreSQL: ${answers.toLocaleString('en')} answer rows (${activityCount} activities, ${participantCount} participants) generated in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  // The first read after loading recomputes the rollup of every activity (indicator_units); the times below are of reads of an up-to-date rollup.
  started = performance.now();
  const refreshCpu = await postgres.withOrg(orgId, (tx) => backendCpu(tx, () => computeKpis(tx, request)));
  process.stdout.write(`  first read after loading (rollup of every activity recomputed): ${(performance.now() - started).toFixed(0)} ms${refreshCpu === null ? '' : `, cpu ${refreshCpu.toFixed(0)} ms`}\n`);
  if (process.env.BENCH_EXPLAIN === '1') {
    const { indicatorStatement, layoutOf, tuneForAggregation } = await import('../src/analytics/engine-repository.ts');
    // The statement over the rollup (refreshed by the first read above), in the layout of the organisation's definitions: the standard set.
    const standard = standardIndicators.map(({ key, definition }) => ({ key, definition }));
    const statement = indicatorStatement(
      { indicators: standard, period: { from: 2023, to: 2023 }, by: ['gender'], filters: { fields: [], answers: [] } },
      'rollup',
      layoutOf(standard),
    )!;
    const plan = await postgres.withOrg(orgId, async (tx) => {
      // With the engine's own settings.
      await tuneForAggregation(tx);
      return rows<Record<string, string>>(tx, sql`explain (analyze, buffers off) ${statement}`);
    });
    process.stdout.write(plan.map((row) => Object.values(row)[0]).join('\n') + '\n');
  }
  const pgFull = await time('PostgreSQL engine: standard set, 2023, by gender', () => postgres.withOrg(orgId, (tx) => backendCpu(tx, () => computeKpis(tx, request))));
  const pgAnswers = await time('PostgreSQL engine: answer-based indicators, 2023, by gender', () =>
    postgres.withOrg(orgId, (tx) => backendCpu(tx, () => indicatorAggregates(tx, answerRequest))),
  );
  const engineCells: Cell[] = await postgres.withOrg(orgId, (tx) => indicatorAggregates(tx, answerRequest));

  started = performance.now();
  await buildJsonb(postgres);
  process.stdout.write(`JSONB layout built in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  const jsonb = await time('PostgreSQL JSONB document per submission: same indicators', () =>
    postgres.system.transaction((tx) => backendCpu(tx, () => rows(tx, jsonbQuery(orgId)))),
  );
  const jsonbCells = await rows<Cell>(postgres.system, jsonbQuery(orgId));

  started = performance.now();
  duck = await DuckDBInstance.create(':memory:');
  const connection = await duck.connect();
  await loadDuckDb(postgres, connection, orgId);
  process.stdout.write(`DuckDB loaded in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  const duckTime = await time('DuckDB (in memory, relational): same indicators', () => processCpu(() => connection.runAndReadAll(duckDbQuery)));
  const duckCells = (await connection.runAndReadAll(duckDbQuery)).getRowObjectsJS() as unknown as Cell[];

  // The layouts must agree before their times mean anything.
  for (const [name, cells] of [['JSONB', jsonbCells], ['DuckDB', duckCells]] as const) {
    const differences = disagreements(engineCells, cells);
    process.stdout.write(
      differences.length === 0
        ? `  ${name} agrees with the engine on all ${engineCells.length} cells (numerator, denominator, missing)\n`
        : differences.map((difference) => `  ! ${name} disagrees: ${difference}\n`).join(''),
    );
  }

  let pgliteFull: Timing | null = null;
  if (withPglite) {
    const pglite = await openMemoryPglite();
    try {
      await migrate(pglite);
      started = performance.now();
      const generated = await generate(pglite);
      process.stdout.write(`PGlite: ${generated.answers.toLocaleString('en')} answer rows generated in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
      pgliteFull = await time('PGlite engine: standard set, 2023, by gender', () => processCpu(() => pglite.withOrg(generated.orgId, (tx) => computeKpis(tx, request))));
    } finally {
      await pglite.close();
    }
  }

  const ratio = (of: (timing: Timing) => number | null, numerator: Timing, denominator: Timing) => {
    const [n, d] = [of(numerator), of(denominator)];
    return n === null || d === null ? null : n / d;
  };
  const both = (numerator: Timing, denominator: Timing) => {
    const cpu = ratio((t) => t.cpu, numerator, denominator);
    return { wall: ratio((t) => t.wall, numerator, denominator)!, text: `${ratio((t) => t.wall, numerator, denominator)!.toFixed(2)}× wall${cpu === null ? '' : `, ${cpu.toFixed(2)}× cpu`}` };
  };
  const jsonbRatio = both(jsonb, pgAnswers);
  const duckRatio = both(pgAnswers, duckTime);
  report.push(
    `\nAt ${answers.toLocaleString('en')} answers (DuckDB cpu counts all its threads):`,
    `  PostgreSQL standard set by one dimension: ${pgFull.wall.toFixed(1)} ms wall${pgFull.cpu === null ? '' : `, ${pgFull.cpu.toFixed(0)} ms cpu`} (goal < 150 ms: ${pgFull.wall < 150 ? 'met' : 'NOT met'})`,
    `  JSONB / engine (answer-based indicators): ${jsonbRatio.text} (goal ≥ 10×: ${jsonbRatio.wall >= 10 ? 'met' : 'NOT met'})`,
    `  engine / DuckDB (answer-based indicators): ${duckRatio.text} (goal ≤ 3×: ${duckRatio.wall <= 3 ? 'met' : 'NOT met'})`,
    ...(pgliteFull === null ? [] : [`  PGlite / PostgreSQL (standard set): ${both(pgliteFull, pgFull).text}`]),
  );
  process.stdout.write(`${report.join('\n')}\n`);
} finally {
  duck?.closeSync();
  await postgres.close();
  await drop();
}
