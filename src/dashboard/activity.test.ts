// The activity page (/activities/:id) and the exports of the dashboard and of the activity page,
// over real HTTP on PGlite and PostgreSQL. Two organisations: the engine's hand-computed fixture
// (indicators, pre/post tests, a wave) with a suppression threshold of 4, and the evidence fixture
// (comments, trainer ratings of two resource persons). The page's figures are compared field by
// field with /api/kpi, /api/kpi/tests and /api/wave-rates; exports are parsed back (CSV and XLSX)
// and compared with the same APIs; a trainer sees only their own ratings, on the page and in exports.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { parseHTML } from 'linkedom';
import type { Actor } from '../accounts/service.ts';
import { seedEngineFixture, type EngineFixture } from '../analytics/engine-fixture.ts';
import { setMinCellSize } from '../analytics/engine.ts';
import type { KpiRecord } from '../analytics/output.ts';
import { setTarget } from '../analytics/service.ts';
import { rows, type Database } from '../db/database.ts';
import { buildEvidenceFixture, fixtureNames, type EvidenceFixture } from '../evidence/fixture.ts';
import type { EvidenceText } from '../evidence/service.ts';
import { readTable } from '../imports/table.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';
import { createWave, type RateRow } from '../waves/service.ts';

const text = (value: unknown) => (value === null || value === undefined ? '' : String(value));

/** The data-* attributes of the elements a selector finds, by name without `data-`. */
function dataOf(html: string, selector: string): Array<Record<string, string> & { text: string }> {
  const { document } = parseHTML(html);
  return [...document.querySelectorAll(selector)].map((element) => {
    const found: Record<string, string> & { text: string } = { text: element.textContent ?? '' };
    for (const attribute of [...element.attributes]) if (attribute.name.startsWith('data-')) found[attribute.name.slice(5)] = attribute.value;
    return found;
  });
}

/** The measures of an API record as the page writes them (data-PREFIX-value…). */
function measures(prefix: string, record: KpiRecord): Record<string, string> {
  return {
    [`${prefix}-value`]: text(record.value),
    [`${prefix}-ci-low`]: text(record.ci_low),
    [`${prefix}-ci-high`]: text(record.ci_high),
    [`${prefix}-n`]: text(record.denominator),
    [`${prefix}-missing`]: text(record.n_missing),
    [`${prefix}-suppressed`]: text(record.suppressed),
  };
}

/** A downloaded table (CSV or XLSX) as records by header, read back by the importers' reader. */
async function download(client: TestClient, path: string): Promise<Array<Record<string, string>>> {
  const response = await client.bytes(path);
  assert.equal(response.status, 200, `${path}: ${response.status} ${Buffer.from(response.bytes).toString('utf8').slice(0, 300)}`);
  const format = path.includes('format=xlsx') ? 'xlsx' : 'csv';
  assert.match(response.headers.get('content-disposition') ?? '', new RegExp(`attachment; filename="[^"]+\\.${format}"`));
  const table = await readTable(`export.${format}`, response.bytes);
  return table.rows.map((row) => Object.fromEntries(table.header.map((name, i) => [name, row[i] ?? ''])));
}

describe('activity page and exports', () => {
  let database: Database;
  let server: TestServer;
  let engineOrg: TestOrg;
  let engine: EngineFixture;
  let evidenceOrg: TestOrg;
  let evidence: EvidenceFixture;
  let waveId: string;
  let viewer: TestClient;
  let evidenceAdmin: TestClient;
  let evidenceViewer: TestClient;
  let trainer: TestClient;

  before(async () => {
    database = await createTestDatabase();
    engineOrg = await createTestOrg(database, 'activity-page');
    engine = await seedEngineFixture(database, engineOrg.id);
    const actor: Actor = { userId: '00000000-0000-0000-0000-000000000000', orgId: engineOrg.id, role: 'administrator', displayName: 'test', email: '' };
    waveId = await database.withOrg(engineOrg.id, async (tx) => {
      await setMinCellSize(tx, undefined, 4);
      await setTarget(tx, undefined, 'relevance', '2023', { baseline: 0.6, target: 0.75 });
      const [eoa] = await rows<{ id: string }>(tx, sql`select id from instruments where key = 'eoa'`);
      // A name a spreadsheet would run as a formula: exports must neutralise it.
      const wave = await createWave(tx, actor, { name: '=HYPERLINK("http://x.test","end of activity")', instrumentId: eoa!.id, activityIds: [engine.activityIds.A1!], anchor: 'fixed', opensAt: '2022-12-01', closesAt: '2023-12-31' });
      return wave.id;
    });
    evidenceOrg = await createTestOrg(database, 'activity-evidence');
    const [admin] = await rows<{ id: string }>(database.system, sql`select id from users where email = ${evidenceOrg.emails.administrator}`);
    evidence = await database.withOrg(evidenceOrg.id, (tx) =>
      buildEvidenceFixture(tx, { userId: admin!.id, orgId: evidenceOrg.id, role: 'administrator', displayName: 'admin', email: evidenceOrg.emails.administrator }),
    );
    server = await startTestServer(database);
    viewer = await TestClient.signedIn(server.url, engineOrg.emails.viewer);
    evidenceAdmin = await TestClient.signedIn(server.url, evidenceOrg.emails.administrator);
    evidenceViewer = await TestClient.signedIn(server.url, evidenceOrg.emails.viewer);
    trainer = await TestClient.signedIn(server.url, evidenceOrg.emails.trainer);
    const [trainerUser] = await rows<{ id: string }>(database.system, sql`select id from users where email = ${evidenceOrg.emails.trainer}`);
    const linked = await evidenceAdmin.request('PUT', `/api/trainer-links/${trainerUser!.id}`, { participantId: evidence.resourcePersons.r2 });
    assert.equal(linked.status, 204, linked.text);
  });
  after(async () => {
    await server?.close();
    await database?.close();
  });

  const page = async (path: string, client = viewer) => {
    const response = await client.request<string>('GET', path);
    assert.equal(response.status, 200, response.text.slice(0, 500));
    return response.text;
  };
  const api = async <T = KpiRecord[]>(path: string, client = viewer) => {
    const response = await client.request<T>('GET', path);
    assert.equal(response.status, 200, response.text);
    return response.body;
  };
  const a1 = () => `/activities/${engine.activityIds.A1}`;

  it("shows the activity's indicators beside the organisation's with the figures of /api/kpi for the same period", async () => {
    const html = await page(a1());
    const own = await api('/api/kpi?period=2023&filter=activity%3DA1');
    const all = await api('/api/kpi?period=2023');
    const shown = dataOf(html, '#kpi-comparison tbody tr');
    const keys = [...new Set([...own, ...all].map((r) => r.indicator))];
    assert.equal(shown.length, keys.length, 'one row per indicator with a result');
    for (const row of shown) {
      const activity = own.find((r) => r.indicator === row.indicator);
      const organisation = all.find((r) => r.indicator === row.indicator);
      assert.equal(row.period, '2023');
      const expected = { ...(activity ? measures('activity', activity) : {}), ...(organisation ? measures('organisation', organisation) : {}) };
      const actual = Object.fromEntries(Object.entries(row).filter(([name]) => name.startsWith('activity-') || name.startsWith('organisation-')));
      assert.deepEqual(actual, expected, row.indicator);
    }
    // By hand: relevance of A1, 4 agree of 6; of the organisation in 2023, 7 of 10.
    const relevance = shown.find((row) => row.indicator === 'relevance')!;
    assert.equal(Number(relevance['activity-value']), 4 / 6);
    assert.equal(Number(relevance['organisation-value']), 7 / 10);
    assert.match(relevance.text, /66\.7%.*70%/s);
    // Another period, from the address.
    const range = dataOf(await page(`${a1()}?period=2022-2023`), '#kpi-comparison tbody tr[data-indicator="relevance"]')[0]!;
    const [wider] = await api('/api/kpi?period=2022-2023&indicator=relevance');
    assert.equal(range['organisation-value'], text(wider!.value));
    assert.equal(range.period, '2022-2023');
  });

  it('shows suppressed cells as suppressed, never as zero', async () => {
    // A3 (2022): 3 valid answers on relevance, under the threshold of 4.
    const html = await page(`/activities/${engine.activityIds.A3}`);
    const [row] = dataOf(html, '#kpi-comparison tbody tr[data-indicator="relevance"]');
    const [record] = await api('/api/kpi?period=2022&filter=activity%3DA3&indicator=relevance');
    assert.equal(record!.suppressed, true);
    assert.equal(row!['activity-suppressed'], 'true');
    assert.equal(row!['activity-value'], '');
    assert.equal(row!['activity-n'], '3');
    assert.match(row!.text, /suppressed/);
    assert.doesNotMatch(row!.text, /\b0(\.0)?%/);
  });

  it("shows the participants' profile with counts and shares, groups under the threshold suppressed", async () => {
    const html = await page(a1());
    const gender = dataOf(html, '#profile tr[data-dimension="gender"]');
    // A1: 8 participants; women P1 P2 P5 P8 (4), men P3 P4 P7 (3), P6 prefers not to say (1).
    assert.deepEqual(
      gender.map(({ value, count, share, suppressed }) => [value, count, share, suppressed]),
      [
        ['woman', '4', '0.5', 'false'],
        ['man', '', '', 'true'],
        ['prefer_not_to_say', '', '', 'true'],
      ],
    );
    assert.match(gender[1]!.text, /suppressed \(fewer than 4\)/);
    assert.match(html, /Participants’ profile \(n = 8\)/);
    const dimensions = [...new Set(dataOf(html, '#profile tbody tr').map((row) => row.dimension))];
    assert.deepEqual(dimensions, ['gender', 'age_band', 'region', 'constituent_group', 'disability', 'ldc']);
    // LDC nationals on the activity's date: P1 P2 P6 P7 (4) shown, the others (4) too.
    assert.deepEqual(dataOf(html, '#profile tr[data-dimension="ldc"]').map((row) => [row.value, row.count]), [['ldc', '4'], ['non_ldc', '4']]);
  });

  it('shows the response rates of each wave as /api/wave-rates gives them for the activity', async () => {
    const html = await page(a1());
    const [shown] = dataOf(html, `#rates tr[data-wave="${waveId}"]`);
    const [rate] = await api<RateRow[]>(`/api/wave-rates?groupBy=wave&activityId=${engine.activityIds.A1}`);
    assert.ok(shown && rate);
    for (const field of ['eligible', 'invited', 'partial', 'complete', 'rr1', 'rr2'] as const) assert.equal(shown[field], text(rate[field]), field);
    // Eligible: the 7 completed or certified of A1; each answered the end-of-activity form.
    assert.equal(rate.eligible, 7);
    assert.equal(rate.complete, 7);
    assert.match(shown.text, /100%/);
  });

  it('draws the pre/post score distribution with n and the paired tests of /api/kpi/tests', async () => {
    const html = await page(a1());
    const bands = dataOf(html, '#score-bands tbody tr');
    // Pre-test scores of 4: 1 3 2 2 0 4 1 (P1–P7); post-test: 3 4 2 2 3 4 2 (P1–P6, P8).
    assert.deepEqual(
      bands.map((b) => [b.band, b.pre, b.post]),
      [
        ['0', '1', '0'],
        ['1', '2', '0'],
        ['2', '2', '3'],
        ['3', '1', '2'],
        ['4', '1', '2'],
        ['n', '7', '7'],
      ],
    );
    const { document } = parseHTML(html);
    const chart = document.querySelector('#scores [role="img"]');
    assert.ok(chart?.querySelector('svg'), 'an SVG drawn on the server');
    assert.equal(document.querySelector('#scores style'), null, 'no inline style (CSP)');
    assert.match(document.getElementById(chart!.getAttribute('aria-describedby') ?? '')?.textContent ?? '', /pre-test and in the post-test/);
    assert.match(document.querySelector('#scores .chart-n')?.textContent ?? '', /Pre-test: n = 7 · Post-test: n = 7/);
    const tests = await api<{ paired: Array<{ indicator: string; t_test: { n: number; meanDifference: number; pValue: number } | null; wilcoxon: { pValue: number } | null }> }>(
      '/api/kpi/tests?period=2023&filter=activity%3DA1',
    );
    const shown = dataOf(html, '#paired-tests tbody tr');
    assert.equal(shown.length, tests.paired.length);
    for (const record of tests.paired) {
      const row = shown.find((r) => r.indicator === record.indicator)!;
      assert.equal(row['mean-difference'], text(record.t_test?.meanDifference));
      assert.equal(row['t-p'], text(record.t_test?.pValue));
      assert.equal(row['wilcoxon-p'], text(record.wilcoxon?.pValue));
    }
    // Knowledge gain: P1–P6 took both; gains 2 2 0 −1 3 0, mean 1.
    const gain = shown.find((r) => r.indicator === 'knowledge_gain')!;
    assert.equal(gain.n, '6');
    assert.equal(Number(gain['mean-difference']), 1);
  });

  it('shows comments with anonymous respondent ids, never names', async () => {
    const html = await page(`/activities/${evidence.activities.a1}`, evidenceViewer);
    const shown = dataOf(html, '#comments blockquote');
    const { texts } = await api<{ texts: EvidenceText[] }>(`/api/evidence/texts?activity=${evidence.activities.a1}`, evidenceViewer);
    assert.deepEqual(shown.map((s) => s.respondent).sort(), texts.map((t) => t.respondent).sort());
    assert.equal(shown.length, 4, 'three application examples and one comment of EV-A1');
    assert.ok(shown.some((s) => /Very practical sessions/.test(s.text)));
    for (const name of fixtureNames) assert.ok(!dataOf(html, '#comments').some((s) => s.text.includes(name)), name);
    // The viewer reads results but not trainer ratings.
    assert.equal(parseHTML(html).document.querySelector('#ratings'), null);
  });

  it("shows a trainer only their own ratings, on the page and in the page's exports, and no results", async () => {
    const forAdmin = dataOf(await page(`/activities/${evidence.activities.a1}`, evidenceAdmin), '#trainer-ratings tbody tr');
    assert.deepEqual(forAdmin.map((r) => [r['resource-person'], r.n, r.suppressed]).sort(), [
      [evidence.resourcePersons.r1, '6', 'false'],
      [evidence.resourcePersons.r2, '3', 'true'],
    ].sort());
    const html = await page(`/activities/${evidence.activities.a1}`, trainer);
    assert.deepEqual(dataOf(html, '#trainer-ratings tbody tr').map((r) => r['resource-person']), [evidence.resourcePersons.r2]);
    const { document } = parseHTML(html);
    assert.doesNotMatch(document.querySelector('#ratings')?.textContent ?? '', /R1/, "another trainer's code is not in the ratings");
    assert.match(document.querySelector('#ratings')?.textContent ?? '', /R2/);
    for (const section of ['#kpis', '#rates', '#scores', '#comments']) assert.equal(document.querySelector(section), null, `${section} is not for trainers`);
    // The export the page links to holds the trainer's ratings only, and is audit-logged.
    const link = document.querySelector('#ratings a[data-format="csv"]')?.getAttribute('href');
    assert.ok(link);
    await database.system.execute(sql`delete from audit_log where action = 'trainer_ratings.exported'`);
    const exported = await download(trainer, link);
    assert.deepEqual([...new Set(exported.map((r) => r.resource_person))], ['R2']);
    const logged = await rows<{ details: { scope: string; resourcePersons: string[] } }>(database.system, sql`select details from audit_log where action = 'trainer_ratings.exported'`);
    assert.deepEqual(logged.map((l) => [l.details.scope, l.details.resourcePersons]), [['resource_person', [evidence.resourcePersons.r2]]]);
    // The activity's own exports follow the dashboard's roles.
    assert.equal((await trainer.bytes(`/api/activities/${evidence.activities.a1}/export?table=kpis`)).status, 403);
    assert.equal((await trainer.bytes('/api/dashboard/export?table=results')).status, 403);
    assert.equal((await new TestClient(server.url).bytes(`/api/activities/${evidence.activities.a1}/export?table=kpis`)).status, 401);
  });

  for (const format of ['csv', 'xlsx'] as const) {
    it(`exports the activity page's tables as ${format.toUpperCase()} with the figures of the APIs`, async () => {
      const kpis = await download(viewer, `${a1().replace('/activities/', '/api/activities/')}/export?table=kpis&format=${format}`);
      const own = await api('/api/kpi?period=2023&filter=activity%3DA1');
      const all = await api('/api/kpi?period=2023');
      assert.equal(kpis.length, new Set([...own, ...all].map((r) => r.indicator)).size);
      for (const row of kpis) {
        const activity = own.find((r) => r.indicator === row.indicator);
        const organisation = all.find((r) => r.indicator === row.indicator)!;
        assert.equal(row.period, '2023');
        for (const [field, key] of [['value', 'value'], ['ci_low', 'ci_low'], ['ci_high', 'ci_high'], ['n', 'denominator'], ['n_missing', 'n_missing'], ['suppressed', 'suppressed']] as const) {
          assert.equal(row[`activity_${field}`], activity ? text(activity[key]) : '', `${row.indicator} activity ${field}`);
          assert.equal(row[`organisation_${field}`], text(organisation[key]), `${row.indicator} organisation ${field}`);
        }
      }
      const [rate] = await api<RateRow[]>(`/api/wave-rates?groupBy=wave&activityId=${engine.activityIds.A1}`);
      const [rates] = await download(viewer, `/api/activities/${engine.activityIds.A1}/export?table=rates&format=${format}`);
      for (const field of ['eligible', 'invited', 'partial', 'complete', 'rr1', 'rr2'] as const) assert.equal(rates![field], text(rate![field]), field);
      assert.equal(rates!.wave, `'=HYPERLINK("http://x.test","end of activity")`, 'a formula is neutralised');
      const profile = await download(viewer, `/api/activities/${engine.activityIds.A1}/export?table=profile&format=${format}`);
      assert.deepEqual(profile.filter((r) => r.dimension === 'gender').map((r) => [r.value, r.count, r.suppressed]), [['woman', '4', 'false'], ['man', '', 'true'], ['prefer_not_to_say', '', 'true']]);
      assert.deepEqual(profile[0], { dimension: 'total', value: '', label: '', count: '8', share: '1', suppressed: 'false' });
      const distribution = await download(viewer, `/api/activities/${engine.activityIds.A1}/export?table=distribution&format=${format}`);
      assert.deepEqual(distribution.filter((r) => r.phase === 'pre_test').map((r) => r.count), ['1', '2', '2', '1', '1']);
      assert.deepEqual(distribution.filter((r) => r.phase === 'post_test').map((r) => r.count), ['0', '0', '3', '2', '2']);
      const [paired] = (await download(viewer, `/api/activities/${engine.activityIds.A1}/export?table=paired&format=${format}`)).filter((r) => r.indicator === 'knowledge_gain');
      assert.equal(Number(paired!.mean_difference), 1);
      assert.equal(paired!.n, '6');
    });

    it(`exports the dashboard's tables and charts as ${format.toUpperCase()} with the figures of /api/kpi for the same filters`, async () => {
      const compare = (exported: Array<Record<string, string>>, records: KpiRecord[], dimension?: string) => {
        assert.ok(records.length > 0);
        assert.equal(exported.length, records.length);
        for (const record of records) {
          const row = exported.find((r) => r.indicator === record.indicator && r.period === record.period && (!dimension || r[dimension] === text(record[dimension])));
          assert.ok(row, `${record.indicator} ${record.period}`);
          assert.deepEqual(
            [row.value, row.ci_low, row.ci_high, row.n, row.n_missing, row.suppressed, row.baseline, row.target],
            [record.value, record.ci_low, record.ci_high, record.denominator, record.n_missing, record.suppressed, record.baseline, record.target].map(text),
          );
        }
      };
      compare(await download(viewer, `/api/dashboard/export?table=results&format=${format}&period=2023&programme=labour`), await api('/api/kpi?period=2023&filter=programme%3Dlabour'));
      compare(await download(viewer, `/api/dashboard/export?table=trend&format=${format}&programme=labour&indicator=relevance`), await api('/api/kpi?filter=programme%3Dlabour&indicator=relevance'));
      compare(await download(viewer, `/api/dashboard/export?table=modality&format=${format}&period=2023&indicator=relevance`), await api('/api/kpi?period=2023&by=modality&indicator=relevance'), 'modality');
      const byGender = await download(viewer, `/api/dashboard/export?table=disaggregation&format=${format}&period=2023&by=gender&indicator=relevance`);
      compare(byGender, await api('/api/kpi?period=2023&by=gender&indicator=relevance'), 'gender');
      assert.ok(byGender.some((r) => r.gender === 'woman' && r.gender_label === 'Woman'));
    });
  }

  it('links every table and chart of the dashboard to its exports under the same filters', async () => {
    const html = await page('/dashboard?period=2023&programme=labour&by=gender&indicator=relevance');
    const links = [...parseHTML(html).document.querySelectorAll('p.exports a')].map((a) => a.getAttribute('href')!);
    const tables = links.map((href) => new URL(href, server.url)).map((url) => `${url.searchParams.get('table')}.${url.searchParams.get('format')}`);
    assert.deepEqual(tables.sort(), ['disaggregation.csv', 'disaggregation.xlsx', 'modality.csv', 'modality.xlsx', 'results.csv', 'results.xlsx', 'trend.csv', 'trend.xlsx']);
    for (const href of links) {
      const url = new URL(href, server.url);
      assert.equal(url.pathname, '/api/dashboard/export');
      assert.deepEqual([url.searchParams.get('period'), url.searchParams.get('programme'), url.searchParams.get('by'), url.searchParams.get('indicator')], ['2023', 'labour', 'gender', 'relevance']);
      assert.equal((await viewer.bytes(href)).status, 200, href);
    }
    const activityLinks = [...parseHTML(await page(a1())).document.querySelectorAll('p.exports a')].map((a) => a.getAttribute('href')!);
    assert.ok(activityLinks.length >= 10, `activity page export links: ${activityLinks.length}`);
    for (const href of activityLinks) assert.equal((await viewer.bytes(href)).status, 200, href);
  });

  it('is reached from the dashboard drill-down, and the old activity filter redirects to it', async () => {
    const labour = parseHTML(await page('/dashboard?period=2023&programme=labour')).document;
    const activities = [...labour.querySelectorAll('nav.drill p a')].map((a) => [a.getAttribute('href'), a.textContent]);
    assert.deepEqual(activities, [
      [`/activities/${engine.activityIds.A1}?period=2023`, 'A1 · Labour migration'],
      [`/activities/${engine.activityIds.A2}?period=2023`, 'A2 · Social protection'],
    ]);
    // The cards' period and programme lead to the printable report of the same scope, which answers.
    const report = labour.querySelector('p.report-link a')?.getAttribute('href');
    assert.equal(report, '/report?period=2023&programme=labour');
    assert.equal((await viewer.request('GET', report!)).status, 200);
    const redirected = await viewer.request('GET', '/dashboard?period=2023&programme=labour&activity=A2');
    assert.equal(redirected.status, 303);
    assert.equal(redirected.headers.get('location'), `/activities/${engine.activityIds.A2}?period=2023`);
    assert.equal((await viewer.request('GET', '/dashboard?activity=NOPE')).status, 404);
    // And back: the breadcrumbs lead to the organisation and the programme under the same period.
    const crumbs = [...parseHTML(await page(`/activities/${engine.activityIds.A2}?period=2023`)).document.querySelectorAll('nav.drill a')].map((a) => a.getAttribute('href'));
    assert.deepEqual(crumbs, ['/dashboard?period=2023', '/dashboard?period=2023&programme=labour']);
  });

  it('refuses a malformed period or table with a 400 naming the field', async () => {
    const period = await viewer.request<{ errors?: Array<{ field: string }> }>('GET', `${a1()}?period=20x3`, undefined, { accept: 'application/json' });
    assert.equal(period.status, 400);
    const table = await viewer.request<{ errors: Array<{ field: string }> }>('GET', '/api/dashboard/export?table=secrets');
    assert.equal(table.status, 400);
    assert.match(JSON.stringify(table.body), /table/);
    const noBy = await viewer.request<{ errors: Array<{ field: string }> }>('GET', '/api/dashboard/export?table=disaggregation');
    assert.equal(noBy.status, 400);
    assert.equal(noBy.body.errors[0]!.field, 'querystring/table');
    assert.equal((await viewer.request('GET', `/api/activities/${engine.activityIds.A1}/export?table=kpis&format=pdf`)).status, 400);
    assert.equal((await viewer.request('GET', '/api/activities/00000000-0000-4000-8000-000000000000/export?table=kpis')).status, 404);
  });
});
