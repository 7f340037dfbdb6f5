// The data of the analytics benchmarks (analytics.bench.ts, dashboard.bench.ts): an organisation with about
// BENCH_ANSWERS answer rows (default 1,000,000), generated in SQL from hashes of row numbers, so PostgreSQL and
// PGlite hold identical rows. Not a benchmark itself (no .bench.ts suffix).
import { sql } from 'drizzle-orm';
import { createOrganisation } from '../src/accounts/service.ts';
import { installStandardIndicators } from '../src/analytics/service.ts';
import { rows, type Database } from '../src/db/database.ts';
import { endOfActivity, followUp, knowledgeTest } from '../src/instruments/bank.ts';
import type { InstrumentDefinition } from '../src/instruments/model.ts';

export const targetAnswers = Number(process.env.BENCH_ANSWERS ?? 1_000_000);
/** Answer rows per enrolment slot the generator yields (measured: 884,786 rows for 2,137 activities × 24 slots). */
const ROWS_PER_ENROLMENT = 17.25;
export const activityCount = Math.max(30, Math.round(targetAnswers / ROWS_PER_ENROLMENT / 24));
export const participantCount = Math.round((activityCount * 24) / 1.5);

const t = (en: string) => ({ en, fr: en, es: en });
const items = Array.from({ length: 10 }, (_, i) => ({ key: `kq${i + 1}`, label: t(`Item ${i + 1}`), choices: [{ code: 'a', label: t('A') }, { code: 'b', label: t('B') }], correct: ['a'] }));
const forms: Array<{ key: string; purpose: string; definition: InstrumentDefinition; rate: number }> = [
  { key: 'eoa', purpose: 'end_of_activity', definition: endOfActivity, rate: 80 },
  { key: 'fu', purpose: 'follow_up', definition: followUp, rate: 40 },
  { key: 'pre', purpose: 'pre_test', definition: knowledgeTest('pre_test', t('Pre-test'), items), rate: 60 },
  { key: 'post', purpose: 'post_test', definition: knowledgeTest('post_test', t('Post-test'), items), rate: 55 },
];

/** A deterministic number 0–99 from a row key and a salt (same on PostgreSQL and PGlite). */
const h = (key: string, salt: string) => `(abs(hashtext(${key} || '${salt}')) % 100)`;

export async function generate(database: Database): Promise<{ orgId: string; answers: number }> {
  const org = await createOrganisation(database.system, 'bench', 'Benchmark centre');
  const o = sql.raw(`'${org.id}'::uuid`);
  const db = database.system;
  await db.execute(sql`
    insert into activities (org_id, id, code, title, modality, programme, fee_type, languages, themes, start_date, end_date, cost, status)
    select ${o}, md5('act' || i)::uuid, 'B' || i, 'Bench activity ' || i,
           (array['face_to_face','online_tutored','online_self_paced','blended','webinar'])[1 + i % 5]::activity_modality,
           'programme_' || (i % 8), (array['free','fee','sponsored'])[1 + (i / 5) % 3]::activity_fee_type,
           array[(array['en','fr','es'])[1 + (i / 7) % 3]], array['theme_' || (i % 10)],
           date '2021-01-01' + (i * 7) % 1090, date '2021-01-01' + (i * 7) % 1090 + 4, 4000 + (i % 40) * 250, 'completed'
      from generate_series(1, ${activityCount}::int) as i`);
  await db.execute(sql`
    insert into participants (org_id, id, code, gender, birth_year, region, nationality, constituent_group, disability_status)
    select ${o}, md5('p' || i)::uuid, 'BP' || i,
           (array['woman','man','woman','man','woman','man','non_binary','prefer_not_to_say'])[1 + ${sql.raw(h("i::text", 'g'))} % 8]::participant_gender,
           1955 + ${sql.raw(h("i::text", 'b'))} % 45,
           (array['africa','americas','asia','europe','oceania'])[1 + ${sql.raw(h("i::text", 'r'))} % 5],
           -- about 30 % nationals of a least developed country (LDC status is derived from nationality)
           case when ${sql.raw(h("i::text", 'l'))} < 30 then (array['SN','KH','BD','ET'])[1 + ${sql.raw(h("i::text", 'n'))} % 4] else (array['FR','BR','IN','ZA'])[1 + ${sql.raw(h("i::text", 'n'))} % 4] end,
           (array['government','workers','employers','other'])[1 + ${sql.raw(h("i::text", 'c'))} % 4]::constituent_group,
           (array['with_disability','without_disability','without_disability','without_disability','unknown'])[1 + ${sql.raw(h("i::text", 'd'))} % 5]::disability_status
      from generate_series(1, ${participantCount}::int) as i`);
  await db.execute(sql`
    insert into enrolments (org_id, participant_id, activity_id, role, status)
    select ${o}, md5('p' || (1 + abs(hashtext(a || ':' || k)) % ${participantCount}::int))::uuid, md5('act' || a)::uuid, 'participant',
           (case when ${sql.raw(h("a || ':' || k", 's'))} < 80 then 'completed' when ${sql.raw(h("a || ':' || k", 's'))} < 90 then 'certified'
                 when ${sql.raw(h("a || ':' || k", 's'))} < 95 then 'enrolled' else 'withdrawn' end)::enrolment_status
      from generate_series(1, ${activityCount}::int) as a, generate_series(1, 24) as k
    on conflict do nothing`);
  for (const form of forms) {
    await db.execute(sql`insert into instruments (org_id, id, key, purpose, title) values (${o}, md5(${'i' + form.key})::uuid, ${form.key}, ${form.purpose}, ${JSON.stringify(form.definition.title)}::jsonb)`);
    await db.execute(sql`insert into instrument_versions (org_id, id, instrument_id, version, definition)
                         values (${o}, md5(${'v' + form.key})::uuid, md5(${'i' + form.key})::uuid, 1, ${JSON.stringify(form.definition)}::jsonb)`);
    const key = sql.raw(`'${form.key}' || e.activity_id || e.participant_id`);
    const score =
      form.key === 'pre'
        ? sql`(abs(hashtext(e.activity_id::text || e.participant_id)) % 8)::float8`
        : form.key === 'post'
          ? sql`least(10, abs(hashtext(e.activity_id::text || e.participant_id)) % 8 + abs(hashtext(e.participant_id || 'gain')) % 6 - 1)::float8`
          : sql`null::float8`;
    await db.execute(sql`
      insert into responses (org_id, id, instrument_id, instrument_version_id, activity_id, participant_id, status, submitted_at, client_submission_id, data, score, max_score)
      select ${o}, md5(${key})::uuid, md5(${'i' + form.key})::uuid, md5(${'v' + form.key})::uuid, e.activity_id, e.participant_id, 'complete',
             timestamptz '2023-01-01', md5(${key}), '{"answers":{}}'::jsonb, ${score}, ${form.key === 'pre' || form.key === 'post' ? sql`10::float8` : sql`null::float8`}
        from enrolments e
       where abs(hashtext(${key})) % 100 < ${form.rate}::int and e.status in ('completed', 'certified', 'enrolled')`);
  }
  const scale = (key: string, salt: string) =>
    `(case when ${h(key, salt)} < 3 then 'strongly_disagree' when ${h(key, salt)} < 9 then 'disagree' when ${h(key, salt)} < 20 then 'neutral' when ${h(key, salt)} < 62 then 'agree' else 'strongly_agree' end)`;
  const needs = (key: string, salt: string) =>
    `(case when ${h(key, salt)} < 5 then 'not_at_all' when ${h(key, salt)} < 22 then 'partially' when ${h(key, salt)} < 50 then 'sufficiently' when ${h(key, salt)} < 80 then 'great_extent' else 'fully' end)`;
  const change = (key: string, salt: string) =>
    `(case when ${h(key, salt)} < 8 then 'none' when ${h(key, salt)} < 25 then 'small' when ${h(key, salt)} < 50 then 'moderate' when ${h(key, salt)} < 80 then 'large' else 'very_large' end)`;
  const r = 'r.id::text';
  // [position, question, choice, numeric, text, answered-when]
  const eoa: Array<[number, string, string, string, string, string]> = [
    [0, 'eoa_relevance', scale(r, 'q0'), 'null', 'null', `${h(r, 'm0')} < 97`],
    [1, 'eoa_theory_practice', scale(r, 'q1'), 'null', 'null', `${h(r, 'm1')} < 96`],
    [2, 'eoa_can_apply', scale(r, 'q2'), 'null', 'null', `${h(r, 'm2')} < 96`],
    [3, 'eoa_needs_met', needs(r, 'q3'), 'null', 'null', `${h(r, 'm3')} < 95`],
    [4, 'eoa_overall', 'null', `(1 + ${h(r, 'q4')} % 5)::float8`, 'null', `${h(r, 'm4')} < 97`],
    [5, 'eoa_comments', 'null', 'null', `'Comment ' || ${h(r, 'q5')}`, `${h(r, 'm5')} < 30`],
  ];
  const fu: Array<[number, string, string, string, string, string]> = [
    [0, 'fu_needs_met', needs(r, 'f0'), 'null', 'null', `${h(r, 'n0')} < 95`],
    [1, 'fu_use', `(case when ${h(r, 'f1')} < 45 then 'significant_input' when ${h(r, 'f1')} < 80 then 'helpful_specific' else 'not_used' end)`, 'null', 'null', `${h(r, 'n1')} < 97`],
    [2, 'fu_application_example', 'null', 'null', `'Example ' || ${h(r, 'f2')}`, `${h(r, 'n2')} < 55`],
    [3, 'fu_competence_change', change(r, 'f3'), 'null', 'null', `${h(r, 'n3')} < 95`],
    [4, 'fu_performance_change', change(r, 'f4'), 'null', 'null', `${h(r, 'n4')} < 95`],
    [5, 'fu_tangible_change', `(array['none','policy','social_dialogue','legislation','institutional_attention'])[1 + ${h(r, 'f5')} % 5]`, 'null', 'null', `${h(r, 'n5')} < 90`],
    [6, 'fu_tangible_change', `(array['coordination_mechanism','protection_measure'])[1 + ${h(r, 'f6')} % 2]`, 'null', 'null', `${h(r, 'f5')} % 5 <> 0 and ${h(r, 'n5')} < 90 and ${h(r, 'n6')} < 40`],
    [7, 'fu_shared_knowledge', `(case when ${h(r, 'f7')} < 70 then 'yes' else 'no' end)`, 'null', 'null', 'true'],
  ];
  const insertRows = async (formKey: string, purpose: string, spec: Array<[number, string, string, string, string, string]>) => {
    for (const [position, question, choice, numeric, text, when] of spec) {
      await db.execute(sql.raw(`
        insert into answers (org_id, response_id, position, question_key, item_index, choice_code, numeric_value, text_value, instrument_id, purpose, activity_id)
        select r.org_id, r.id, ${position}, '${question}', 0, ${choice}, ${numeric}, ${text}, r.instrument_id, '${purpose}', r.activity_id
          from responses r where r.instrument_id = md5('i${formKey}')::uuid and ${when}`));
    }
  };
  await insertRows('eoa', 'end_of_activity', eoa);
  await insertRows('fu', 'follow_up', fu);
  for (const [formKey, purpose] of [['pre', 'pre_test'], ['post', 'post_test']] as const) {
    await db.execute(sql.raw(`
      insert into answers (org_id, response_id, position, question_key, item_index, choice_code, numeric_value, text_value, instrument_id, purpose, activity_id)
      select r.org_id, r.id, j - 1, 'kq' || j, 0, case when j <= r.score then 'a' else 'b' end, case when j <= r.score then 1 else 0 end, null,
             r.instrument_id, '${purpose}', r.activity_id
        from responses r, generate_series(1, 10) as j where r.instrument_id = md5('i${formKey}')::uuid`));
  }
  // As autovacuum would before anyone reads: statistics, and the visibility map that index-only scans need.
  await db.execute(sql`vacuum analyze`);
  const [count] = await rows<{ n: number }>(db, sql`select count(*)::int as n from answers`);
  await database.withOrg(org.id, (tx) => installStandardIndicators(tx));
  return { orgId: org.id, answers: count!.n };
}
