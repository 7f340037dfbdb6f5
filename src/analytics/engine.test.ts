// The indicator engine on the hand-computed fixture (engine-fixture.ts), through the service and
// the real HTTP API, on PGlite and PostgreSQL. Every expected number below is worked out by hand
// from the fixture's table; intervals come from statistics.ts, itself checked against published
// worked examples in statistics.test.ts.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';
import { seedEngineFixture } from './engine-fixture.ts';
import { computeKpis, frequencyTable, setMinCellSize, type KpiQuery } from './engine.ts';
import { kpiRecords, type KpiRecord } from './output.ts';
import { indicatorResult } from './indicator-source.ts';
import { setTarget } from './service.ts';
import { meanCell, twoProportionZTest, wilsonInterval, type ShareEstimate } from './statistics.ts';

describe('indicator engine', () => {
  let database: Database;
  let org: TestOrg;
  let server: TestServer;
  let admin: TestClient;
  let viewer: TestClient;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'engine');
    await seedEngineFixture(database, org.id);
    await database.withOrg(org.id, async (tx) => {
      await setTarget(tx, undefined, 'relevance', '2023', { baseline: 0.6, target: 0.75 });
      await setTarget(tx, undefined, 'relevance', '2022-2023', { baseline: null, target: 0.8 });
    });
    server = await startTestServer(database);
    admin = await TestClient.signedIn(server.url, org.emails.administrator);
    viewer = await TestClient.signedIn(server.url, org.emails.viewer);
    const saved = await admin.request('PUT', '/api/indicators/overall_mean', {
      names: { en: 'Overall rating', fr: 'Note globale', es: 'Calificación global' },
      descriptions: { en: 'Mean overall rating.', fr: 'Note moyenne.', es: 'Calificación media.' },
      level: 1,
      criterion: 'relevance',
      direction: 'higher_is_better',
      unit: 'score',
      definition: { kind: 'mean', question: 'eoa_overall' },
    });
    assert.equal(saved.status, 200, saved.text);
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  const kpis = (query: KpiQuery) => database.withOrg(org.id, (tx) => computeKpis(tx, query));
  const recordsOf = async (query: KpiQuery) => {
    const report = await kpis(query);
    return kpiRecords(report.results, report.by);
  };
  const find = (records: KpiRecord[], indicator: string, match: Record<string, string | null> = {}) => {
    const found = records.filter((r) => r.indicator === indicator && Object.entries(match).every(([k, v]) => r[k] === v));
    assert.equal(found.length, 1, `${indicator} ${JSON.stringify(match)}: ${found.length} records`);
    return found[0]!;
  };
  const share = (numerator: number, denominator: number, missing: number, extra: Partial<KpiRecord> = {}) => {
    const interval = wilsonInterval(numerator, denominator);
    return { numerator, denominator, value: numerator / denominator, ci_low: interval.low, ci_high: interval.high, n_missing: missing, suppressed: false, baseline: null, target: null, ...extra };
  };
  const suppressed = (denominator: number, missing: number) => ({ numerator: null, denominator, value: null, ci_low: null, ci_high: null, n_missing: missing, suppressed: true });
  const measures = (record: KpiRecord) => {
    const { indicator: _i, period: _p, ...rest } = record;
    return rest;
  };

  it('computes every kind for 2023, with item non-response as missing and baselines and targets attached', async () => {
    const records = await recordsOf({ period: '2023' });
    // answer_in_set: 10 valid answers (P6 skipped the item: missing), 7 agree or strongly agree.
    assert.deepEqual(measures(find(records, 'relevance')), share(7, 10, 1, { baseline: 0.6, target: 0.75 }));
    // Follow-up answer first, else end of activity: P1 P2(eoa) P4 P5 P7 P9 P12 of 11 respondents.
    assert.deepEqual(measures(find(records, 'needs_met')), share(7, 11, 0));
    // property_share over 13 participations; P6 prefers not to say (missing), 6 women of 12.
    assert.deepEqual(measures(find(records, 'women_share')), share(6, 12, 1));
    assert.deepEqual(measures(find(records, 'ldc_share')), share(5, 13, 0));
    assert.deepEqual(measures(find(records, 'social_partner_share')), share(5, 12, 1));
    // response_rate: 12 completed/certified enrolments, 11 answered the end-of-activity form (not P16).
    assert.deepEqual(measures(find(records, 'response_rate')), share(11, 12, 0));
    // paired: d = 2, 2, 0, −1, 3, 0 (P1–P6); P7 has no post-test, P8 no pre-test.
    assert.deepEqual(measures(find(records, 'knowledge_acquisition')), share(3, 6, 2));
    const gain = find(records, 'knowledge_gain');
    const gainCell = meanCell({ n: 6, sum: 6, sumOfSquares: 18, missing: 2 });
    assert.equal(gainCell.kind, 'estimate');
    assert.deepEqual(measures(gain), {
      numerator: 6, denominator: 6, value: 1, ci_low: gainCell.kind === 'estimate' ? gainCell.interval.low : 0,
      ci_high: gainCell.kind === 'estimate' ? gainCell.interval.high : 0, n_missing: 2, suppressed: false, baseline: null, target: null,
    });
    // normalised: 2/3, 1, 0, −1, 3/4; P6 had a perfect pre-test (undefined) → 3 missing.
    const normalised = find(records, 'knowledge_gain_normalised');
    assert.equal(normalised.denominator, 5);
    assert.equal(normalised.n_missing, 3);
    assert.ok(Math.abs((normalised.value as number) - (2 / 3 + 1 + 0 - 1 + 0.75) / 5) < 1e-8);
    // mean of a numeric question: 5 4 3 2 4 5 4 3 1 4 (P6 skipped it).
    const mean = find(records, 'overall_mean');
    const meanExpected = meanCell({ n: 10, sum: 35, sumOfSquares: 137, missing: 1 });
    assert.equal(mean.value, 3.5);
    assert.equal(mean.denominator, 10);
    assert.equal(mean.numerator, 35);
    assert.equal(mean.n_missing, 1);
    assert.equal(mean.ci_low, meanExpected.kind === 'estimate' ? meanExpected.interval.low : null);
    // cost_per_completion: A1 costs 10,000 for 7 completions; A2's 5 completions have no cost (missing).
    assert.deepEqual(measures(find(records, 'cost_per_completion')), {
      numerator: 10000, denominator: 7, value: 10000 / 7, ci_low: null, ci_high: null, n_missing: 5, suppressed: false, baseline: null, target: null,
    });
    // Below the default threshold of 5: shown as suppressed, with n and missing only.
    assert.deepEqual(measures(find(records, 'application_examples')), { ...suppressed(4, 0), baseline: null, target: null });
    assert.deepEqual(measures(find(records, 'tangible_change')), { ...suppressed(3, 1), baseline: null, target: null });
    assert.deepEqual(measures(find(records, 'knowledge_application')), { ...suppressed(4, 0), baseline: null, target: null });
    assert.deepEqual(measures(find(records, 'cost_per_application')), { ...suppressed(3, 0), baseline: null, target: null });
  });

  it('reports paired t and Wilcoxon signed-rank tests of the pre/post gain', async () => {
    const report = await kpis({ period: '2023' });
    const gain = report.paired.find((p) => p.indicator === 'knowledge_gain')!;
    assert.equal(gain.tests.kind, 'tested');
    if (gain.tests.kind !== 'tested') return;
    // t = mean / (sd/√n) with sd = √((18 − 6·1²)/5) = √2.4.
    assert.ok(Math.abs(gain.tests.tTest!.t - 1 / (Math.sqrt(2.4) / Math.sqrt(6))) < 1e-9);
    assert.equal(gain.tests.tTest!.df, 5);
    // |d| of the non-zero differences 2, 2, −1, 3: ranks 2.5, 2.5, 1, 4 → V = 9; one tie of two (Σ t³ − t = 6), two zeros.
    assert.equal(gain.tests.wilcoxon!.n, 4);
    assert.equal(gain.tests.wilcoxon!.statistic, 9);
    assert.equal(gain.tests.wilcoxon!.method, 'normal_approximation');
    const z = (9 - 5 - 0.5) / Math.sqrt((4 * 5 * 9) / 24 - 6 / 48);
    assert.ok(Math.abs(gain.tests.wilcoxon!.z! - z) < 1e-9);
  });

  it('disaggregates by one dimension and compares groups, never using suppressed cells', async () => {
    const report = await kpis({ period: '2023', by: 'gender', indicators: ['relevance'] });
    const records = kpiRecords(report.results, report.by);
    assert.deepEqual(Object.keys(records[0]!), ['indicator', 'period', 'gender', 'numerator', 'denominator', 'value', 'ci_low', 'ci_high', 'n_missing', 'suppressed', 'baseline', 'target']);
    assert.deepEqual(measures(find(records, 'relevance', { gender: 'woman' })), { gender: 'woman', ...share(4, 5, 0, { baseline: 0.6, target: 0.75 }) });
    assert.deepEqual(measures(find(records, 'relevance', { gender: 'man' })), { gender: 'man', ...share(3, 5, 0, { baseline: 0.6, target: 0.75 }) });
    assert.deepEqual(measures(find(records, 'relevance', { gender: 'prefer_not_to_say' })), { gender: 'prefer_not_to_say', ...suppressed(0, 1), baseline: 0.6, target: 0.75 });
    const womenMen = report.comparisons.find((c) => c.group_a === 'man' && c.group_b === 'woman')!;
    const cell = (n: number, d: number) => ({ kind: 'estimate', statistic: 'share', numerator: n, denominator: d, value: n / d }) as ShareEstimate;
    const expected = twoProportionZTest(cell(3, 5), cell(4, 5));
    // p_man − p_woman = −0.2; pooled 0.7 → z = −0.2 / √(0.7·0.3·0.4).
    assert.ok(Math.abs(womenMen.z! - -0.2 / Math.sqrt(0.7 * 0.3 * 0.4)) < 1e-12);
    assert.equal(womenMen.p_value, expected.pValue);
    assert.equal(womenMen.compared, true);
    const withSuppressed = report.comparisons.filter((c) => c.group_a === 'prefer_not_to_say' || c.group_b === 'prefer_not_to_say');
    assert.equal(withSuppressed.length, 2);
    for (const comparison of withSuppressed) assert.deepEqual([comparison.compared, comparison.p_value, comparison.z], [false, null, null]);
  });

  it('disaggregates by two dimensions under the organisation threshold, which an administrator changes', async () => {
    await database.withOrg(org.id, (tx) => setMinCellSize(tx, undefined, 2));
    try {
      const records = await recordsOf({ period: '2023', by: 'gender,modality', indicators: ['relevance'] });
      const cell = (gender: string, modality: string) => measures(find(records, 'relevance', { gender, modality }));
      const targets = { baseline: 0.6, target: 0.75 };
      assert.deepEqual(cell('woman', 'face_to_face'), { gender: 'woman', modality: 'face_to_face', ...share(3, 3, 0, targets) });
      assert.deepEqual(cell('woman', 'online_tutored'), { gender: 'woman', modality: 'online_tutored', ...share(1, 2, 0, targets) });
      assert.deepEqual(cell('man', 'face_to_face'), { gender: 'man', modality: 'face_to_face', ...share(1, 3, 0, targets) });
      assert.deepEqual(cell('man', 'online_tutored'), { gender: 'man', modality: 'online_tutored', ...share(2, 2, 0, targets) });
      assert.deepEqual(cell('prefer_not_to_say', 'face_to_face'), { gender: 'prefer_not_to_say', modality: 'face_to_face', ...suppressed(0, 1), ...targets });
      assert.equal(records.length, 5);
      // With the threshold at 2, 3 follow-up applications of A1 are shown: 10,000 / 3.
      const cost = find(await recordsOf({ period: '2023', indicators: ['cost_per_application'] }), 'cost_per_application');
      assert.equal(cost.value, 10000 / 3);
    } finally {
      await database.withOrg(org.id, (tx) => setMinCellSize(tx, undefined, 5));
    }
  });

  it('filters by the answer to another question, across a respondent’s forms, and by activity dimensions', async () => {
    // Country-office respondents: P1 P2 P5 P6 P9 P12 (office is asked at the end of the activity).
    const report = await kpis({ period: '2023', filters: ['office=country_office'] });
    const records = kpiRecords(report.results, report.by);
    assert.deepEqual(measures(find(records, 'relevance')), share(5, 5, 1, { baseline: 0.6, target: 0.75 }));
    assert.deepEqual(measures(find(records, 'needs_met')), share(5, 6, 0));
    assert.deepEqual(measures(find(records, 'women_share')), share(4, 5, 1));
    assert.deepEqual(report.omitted.map((o) => o.indicator).sort(), ['cost_per_application', 'cost_per_completion', 'response_rate']);
    const online = await recordsOf({ period: '2023', filters: ['modality=online_tutored'], indicators: ['relevance', 'women_share'] });
    assert.deepEqual(measures(find(online, 'relevance')), { ...suppressed(4, 0), baseline: 0.6, target: 0.75 });
    assert.deepEqual(measures(find(online, 'women_share')), share(2, 5, 0));
    const themed = await recordsOf({ period: '2023', filters: ['theme=migration', 'gender=woman'], indicators: ['women_share'] });
    // A1 (theme migration) women: P1 P2 P5 P8, 4 of 4: below the threshold.
    assert.deepEqual(measures(find(themed, 'women_share')), { ...suppressed(4, 0), baseline: null, target: null });
  });

  it('pools a range of years and, without a period, gives each year its own record', async () => {
    const range = await recordsOf({ period: '2022-2023', indicators: ['relevance'] });
    assert.deepEqual(range.map((r) => [r.period, r.numerator, r.denominator, r.n_missing, r.target]), [['2022-2023', 9, 13, 1, 0.8]]);
    const years = await recordsOf({ indicators: ['relevance'] });
    assert.deepEqual(years.map((r) => [r.period, r.numerator, r.denominator, r.suppressed, r.baseline]), [
      ['2022', null, 3, true, null],
      ['2023', 7, 10, false, 0.6],
    ]);
  });

  it('counts frequencies with labels, percent of valid answers and missing, filtered by another answer', async () => {
    const table = await database.withOrg(org.id, (tx) => frequencyTable(tx, { question: 'eoa_relevance', period: '2023' }));
    assert.deepEqual(
      table.map((r) => [r.option, r.label, r.count, r.percent, r.n_valid, r.n_missing]),
      [
        ['strongly_disagree', 'Strongly disagree', 1, 10, 10, 1],
        ['disagree', 'Disagree', 1, 10, 10, 1],
        ['neutral', 'Neither agree nor disagree', 1, 10, 10, 1],
        ['agree', 'Agree', 5, 50, 10, 1],
        ['strongly_agree', 'Strongly agree', 2, 20, 10, 1],
      ],
    );
    const office = await database.withOrg(org.id, (tx) => frequencyTable(tx, { question: 'eoa_relevance', period: '2023', filters: ['office=country_office'] }));
    assert.deepEqual(office.map((r) => [r.option, r.count]), [['strongly_disagree', 0], ['disagree', 0], ['neutral', 0], ['agree', 4], ['strongly_agree', 1]]);
    assert.deepEqual([office[0]!.n_valid, office[0]!.n_missing], [5, 1]);
    // Multiple choice: one count per selected choice, percent of the 3 respondents who answered.
    const tangible = await database.withOrg(org.id, (tx) => frequencyTable(tx, { question: 'fu_tangible_change', instrument: 'fu' }));
    const counted = tangible.filter((r) => r.count > 0).map((r) => [r.option, r.count, r.n_valid, r.n_missing]);
    assert.deepEqual(counted, [['legislation', 1, 3, 1], ['policy', 1, 3, 1], ['social_dialogue', 1, 3, 1], ['none', 1, 3, 1]]);
  });

  it('answers over HTTP with the same records, documented in OpenAPI, and problems naming the field', async () => {
    const api = await viewer.get<KpiRecord[]>('/api/kpi?period=2023&by=gender&indicator=relevance');
    assert.equal(api.status, 200);
    assert.deepEqual(api.body, await recordsOf({ period: '2023', by: 'gender', indicators: ['relevance'] }));
    const filtered = await viewer.get<KpiRecord[]>('/api/kpi?period=2023&indicator=relevance&filter=office%3Dcountry_office');
    assert.deepEqual([filtered.body[0]!.numerator, filtered.body[0]!.denominator], [5, 5]);
    const tests = await viewer.get<{ comparisons: unknown[]; paired: Array<{ indicator: string; suppressed: boolean }> }>('/api/kpi/tests?period=2023');
    assert.equal(tests.status, 200);
    assert.ok(tests.body.paired.some((p) => p.indicator === 'knowledge_gain' && !p.suppressed));
    const freq = await viewer.get<Array<{ option: string; count: number }>>('/api/freq/eoa_relevance?period=2023');
    assert.equal(freq.status, 200);
    assert.deepEqual(freq.body.find((r) => r.option === 'agree'), { option: 'agree', label: 'Agree', count: 5, percent: 50, n_valid: 10, n_missing: 1 });
    const bad = await viewer.get<{ errors: Array<{ field: string }> }>('/api/kpi?by=shoe_size');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0]!.field, 'querystring/by');
    const badFilter = await viewer.get<{ errors: Array<{ field: string }> }>('/api/kpi?filter=gender%3Dalien');
    assert.equal(badFilter.status, 400);
    assert.equal(badFilter.body.errors[0]!.field, 'querystring/filter');
    const openapi = await viewer.get<{ paths: Record<string, unknown> }>('/api/openapi.json');
    for (const path of ['/api/kpi', '/api/kpi/tests', '/api/freq/{question}', '/api/analytics/settings']) assert.ok(openapi.body.paths[path], path);

    assert.equal((await viewer.request('PUT', '/api/analytics/settings', { minCellSize: 3 })).status, 403);
    const changed = await admin.request<{ minCellSize: number }>('PUT', '/api/analytics/settings', { minCellSize: 3 });
    assert.equal(changed.status, 200);
    assert.deepEqual((await viewer.get('/api/analytics/settings')).body, { minCellSize: 3 });
    const shown = await viewer.get<KpiRecord[]>('/api/kpi?period=2023&indicator=tangible_change');
    assert.deepEqual([shown.body[0]!.suppressed, shown.body[0]!.numerator], [false, 2]);
    assert.equal((await admin.request('PUT', '/api/analytics/settings', { minCellSize: 0 })).status, 400);
    await admin.request('PUT', '/api/analytics/settings', { minCellSize: 5 });
  });

  it('gives evaluations live indicator values (value, interval, n) or says why not', async () => {
    const result = (indicatorKey: string, period: string, filters: Record<string, string> = {}) =>
      database.withOrg(org.id, (tx) => indicatorResult(tx, { indicatorKey, period, filters }));
    const interval = wilsonInterval(7, 10);
    assert.deepEqual(await result('relevance', '2023'), { available: true, value: 0.7, ciLow: interval.low, ciHigh: interval.high, n: 10 });
    assert.deepEqual(await result('relevance', '2023', { office: 'country_office' }), { available: true, value: 1, ciLow: wilsonInterval(5, 5).low, ciHigh: 1, n: 5 });
    assert.deepEqual(await result('cost_per_completion', '2023'), { available: true, value: 10000 / 7, ciLow: null, ciHigh: null, n: 7 });
    assert.deepEqual(await result('tangible_change', '2023'), { available: false, reason: 'fewer than 5 valid answers (n = 3): suppressed' });
    assert.deepEqual(await result('relevance', '2019'), { available: false, reason: 'no data for 2019' });
    assert.equal((await result('happiness', '2023')).available, false);
    assert.equal((await result('response_rate', '2023', { office: 'country_office' })).available, false);
  });

  it('counts anonymous responses for their activity, never in a cell of a participant attribute', async () => {
    // Two anonymous end-of-activity responses arrive for activity A2 (2023); one enrolment (P16) had no
    // identified response, so at most one of them can count: 12 of 12. By gender they cannot be placed.
    await database.withOrg(org.id, (tx) =>
      tx.execute(sql`insert into responses
          select (jsonb_populate_record(null::responses, to_jsonb(r) || jsonb_build_object(
                   'id', gen_random_uuid(), 'participant_id', null, 'client_submission_id', 'anonymous-' || g))).*
            from (select r.* from responses r join instruments i on i.id = r.instrument_id join activities a on a.id = r.activity_id
                   where i.purpose = 'end_of_activity' and r.status = 'complete' and r.participant_id is not null and a.code = 'A2' limit 1) r,
                 generate_series(1, 2) g`),
    );
    const records = await recordsOf({ period: '2023', indicators: ['response_rate'] });
    assert.deepEqual(measures(find(records, 'response_rate')), share(12, 12, 0));
    await database.withOrg(org.id, (tx) => setMinCellSize(tx, undefined, 1));
    try {
      const byGender = (await recordsOf({ period: '2023', indicators: ['response_rate'], by: 'gender' })).filter((r) => r.indicator === 'response_rate');
      assert.equal(byGender.reduce((sum, r) => sum + Number(r.denominator ?? 0), 0), 12);
      assert.equal(byGender.reduce((sum, r) => sum + Number(r.numerator ?? 0), 0), 11, 'only identified responses are placed in gender cells');
    } finally {
      await database.withOrg(org.id, (tx) => setMinCellSize(tx, undefined, 5));
    }
  });
});
