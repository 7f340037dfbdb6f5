// The evaluation report on PGlite and PostgreSQL: `tracer report` writes HTML whose figures are
// those of `tracer kpi --format json`; the /report page's figures are those of /api/kpi for the
// same period and programme (KPI table, criteria, disaggregations, earlier periods — compared
// field by field through data-* attributes); suppressed cells read "suppressed" and are counted
// under the limitations; no participant name or e-mail and no trainer rating appears; the page is
// for administrators, evaluators and viewers, in the reader's language.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseHTML } from 'linkedom';
import type { KpiRecord } from '../analytics/output.ts';
import { openDatabase, type Database } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import type { EvidenceFixture } from '../evidence/fixture.ts';
import { fixtureNames } from '../evidence/fixture.ts';
import { runCli } from '../testing/cli.ts';
import { createPostgresDatabase } from '../testing/database.ts';
import { expectedFigures, figuresOf, rawFigures, type Figures } from '../testing/figures.ts';
import { createTestOrg, startTestServer, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';
import { coherenceFinding, seedReportFixture } from './fixture.ts';

/** Every API record is on the page exactly once with the same figures, and nothing else is. */
function assertSameFigures(onPage: Figures[], records: KpiRecord[], group?: string): void {
  assert.ok(records.length > 0, 'the comparison needs records');
  const keyOf = (indicator: string, period: string, value: string) => `${indicator}|${period}|${value}`;
  const byKey = new Map(onPage.map((f) => [keyOf(f.indicator, f.period, f.group ?? ''), rawFigures(f)]));
  assert.equal(byKey.size, onPage.length, 'no figure twice');
  assert.equal(onPage.length, records.length, 'as many figures as API records');
  for (const record of records) {
    const value = group ? String(record[group] ?? '') : '';
    const found = byKey.get(keyOf(record.indicator, record.period, value));
    assert.ok(found, `the report lacks ${record.indicator} ${record.period} ${value}`);
    assert.deepEqual(found, expectedFigures(record));
  }
}

describe('evaluation report', { concurrency: false }, () => {
  const folder = mkdtempSync(join(tmpdir(), 'tracer-report-'));
  const env: Record<string, string | undefined> = { DATABASE_URL: undefined, TRACER_ORG: 'report', TRACER_DATA_DIR: join(folder, 'data') };
  let drop: (() => Promise<void>) | undefined;
  let database: Database;
  let org: TestOrg;
  let fixture: EvidenceFixture;
  let server: TestServer;
  let viewer: TestClient;
  let cliHtml: string;
  let cliKpi: KpiRecord[];

  const open = () => openDatabase(env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL } : { kind: 'pglite', dataDir: env.TRACER_DATA_DIR! });

  before(async () => {
    if (process.env.TEST_DATABASE_URL) {
      const created = await createPostgresDatabase(process.env.TEST_DATABASE_URL);
      drop = created.drop;
      env.DATABASE_URL = created.url;
    }
    // First the commands, on a closed database (PGlite's folder has one user at a time) …
    const seeding = await open();
    try {
      await migrate(seeding);
      org = await createTestOrg(seeding, 'report');
      fixture = await seedReportFixture(seeding, org);
    } finally {
      await seeding.close();
    }
    const out = join(folder, 'report-2023.html');
    const written = await runCli(['report', '--period', '2023', '--out', out], { env });
    assert.equal(written.code, 0, written.stderr);
    assert.match(written.stdout, /Wrote the 2023 report to .*report-2023\.html/);
    cliHtml = readFileSync(out, 'utf8');
    const kpi = await runCli(['kpi', '--period', '2023', '--format', 'json'], { env });
    assert.equal(kpi.code, 0, kpi.stderr);
    cliKpi = JSON.parse(kpi.stdout) as KpiRecord[];
    // … then the server, on the same data.
    database = await open();
    server = await startTestServer(database);
    viewer = await TestClient.signedIn(server.url, org.emails.viewer);
  });
  after(async () => {
    await server?.close();
    await database?.close();
    rmSync(folder, { recursive: true, force: true });
    await drop?.();
  });

  const reportPage = async (query: string, client = viewer) => {
    const response = await client.request<string>('GET', `/report${query}`);
    assert.equal(response.status, 200, response.text);
    return response.text;
  };
  const api = async (query: string) => {
    const response = await viewer.request<KpiRecord[]>('GET', `/api/kpi${query}`);
    assert.equal(response.status, 200, response.text);
    return response.body;
  };

  it('tracer report writes a standalone HTML report whose figures are those of tracer kpi --format json', () => {
    assert.match(cliHtml, /^<!doctype html><html lang="en">/);
    assert.match(cliHtml, /<style>/, 'the stylesheet is inlined: the file stands alone');
    assertSameFigures(figuresOf(cliHtml, '#kpis tbody tr[data-section="kpi"]'), cliKpi);
  });

  it('tracer report refuses PDF in one line when chromium is not installed', async () => {
    const result = await runCli(['report', '--period', '2023', '--out', join(folder, 'x.pdf')], { env: { ...env, CHROMIUM_PATH: join(folder, 'no-chromium') } });
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^tracer: PDF needs Debian's chromium at .*no-chromium .*--out report\.html.*\n$/);
  });

  for (const [query, apiFilter] of [
    ['?period=2023', ''],
    ['?period=2022-2023&programme=Migration', '&filter=programme%3DMigration'],
  ] as const) {
    it(`shows the figures of /api/kpi for ${query}: KPI table, criteria, disaggregations, earlier periods`, async () => {
      const html = await reportPage(query);
      const period = new URLSearchParams(query).get('period')!;
      const all = await api(`?period=${period}${apiFilter}`);
      assertSameFigures(figuresOf(html, '#kpis tbody tr[data-section="kpi"]'), all);
      // Each result again under its OECD-DAC criterion.
      assertSameFigures(figuresOf(html, 'tr[data-section="criterion"]'), all);
      // Disaggregations of the headline indicators, one table per dimension.
      const { document } = parseHTML(html);
      const dimensions = [...document.querySelectorAll('table.disaggregation')].map((table) => table.getAttribute('data-dimension')!);
      assert.deepEqual(dimensions, ['gender', 'age_band', 'region', 'ldc', 'constituent_group', 'modality']);
      for (const dimension of dimensions) {
        const cells = figuresOf(html, `td[data-section="disaggregation"][data-dimension="${dimension}"]`);
        const headline = [...new Set(cells.map((c) => c.indicator))].map((key) => `&indicator=${key}`).join('');
        assertSameFigures(cells, await api(`?period=${period}${apiFilter}&by=${dimension}${headline}`), dimension);
      }
      // The same indicators in the earlier periods of the same length.
      const trend = figuresOf(html, 'td[data-section="trend"]');
      const periods = [...new Set(trend.map((f) => f.period))].sort();
      assert.deepEqual(periods, period === '2023' ? ['2022', '2023'] : ['2022-2023'], 'periods with results (2021 has none)');
      for (const shown of periods) assertSameFigures(trend.filter((f) => f.period === shown), await api(`?period=${shown}${apiFilter}`));
      // The CLI's document and the page's carry the same figures.
      if (period === '2023') assert.deepEqual(figuresOf(cliHtml, '[data-section]').map(rawFigures), figuresOf(html, '[data-section]').map(rawFigures));
    });
  }

  it('writes "suppressed" for cells under the threshold, never a value, and states it under the limitations', async () => {
    const html = await reportPage('?period=2023');
    const rows = figuresOf(html, '#kpis tbody tr[data-section="kpi"]');
    const suppressed = rows.filter((row) => row.suppressed === 'true');
    assert.ok(suppressed.length > 0, 'the two follow-up answers of 2023 are under the threshold of 5');
    for (const row of suppressed) {
      assert.equal(row.value, '');
      assert.match(row.text, /suppressed/);
    }
    const { document } = parseHTML(html);
    const cells = figuresOf(html, '[data-section="kpi"], [data-section="disaggregation"]').filter((f) => f.suppressed === 'true').length;
    const limitation = document.querySelector('#limitations li[data-limitation="suppressed"]')?.textContent ?? '';
    assert.match(limitation, new RegExp(`^${cells} cells .* fewer than 5 valid answers`));
    assert.ok(document.querySelector('#limitations li[data-limitation="no_response_rates"]'), 'no wave: said so');
    assert.ok(document.querySelector('#limitations li[data-limitation="small_n"]'), 'n under 30: said so');
  });

  it('covers the activities, findings and quotes of its period and programme, and says how to reproduce it', async () => {
    const year = parseHTML(await reportPage('?period=2023')).document;
    assert.equal(year.querySelector('.cover .organisation')?.textContent, 'Organisation report', 'the cover names the organisation');
    assert.equal(year.querySelector('#scope p[data-activities]')?.getAttribute('data-activities'), '1');
    assert.match(year.querySelector('#criteria [data-criterion="coherence"]')?.textContent ?? '', new RegExp(coherenceFinding));
    const quotes = [...year.querySelectorAll('.quote blockquote')].map((q) => q.textContent?.trim());
    assert.deepEqual(quotes, ['The new law now protects domestic workers.']);
    assert.match(year.querySelector('.quote figcaption')?.textContent ?? '', /^Respondent R-[0-9A-F]{10}, EV-A2, 2023 · New or amended legislation, .+/);
    assert.equal(year.querySelector('#codes tr[data-code="legislation"]')?.getAttribute('data-texts'), '1');
    const commands = [...year.querySelectorAll('#reproduce code')].map((c) => c.textContent);
    assert.ok(commands.includes('tracer kpi --period 2023 --format json'));
    assert.ok(commands.includes('GET /api/kpi?period=2023'));

    const migration = parseHTML(await reportPage('?period=2022-2023&programme=Migration')).document;
    assert.equal(migration.querySelector('#scope p[data-activities]')?.getAttribute('data-activities'), '1');
    assert.deepEqual([...migration.querySelectorAll('.quote blockquote')].map((q) => q.textContent?.trim()).sort(), [
      'Nous avons créé un mécanisme de coordination entre ministères.',
      'The ministry adopted a new law on recruitment fees.',
    ]);
    assert.doesNotMatch(migration.querySelector('#criteria')?.textContent ?? '', new RegExp(coherenceFinding), 'the evaluation covers the other programme');
    const migrationCommands = [...migration.querySelectorAll('#reproduce code')].map((c) => c.textContent);
    assert.ok(migrationCommands.includes('tracer kpi --period 2022-2023 --filter programme=Migration --format json'));
    assert.ok(migrationCommands.includes('GET /api/kpi?period=2022-2023&filter=programme%3DMigration'));
  });

  it('never shows participant names, e-mails or ids, nor trainer ratings', async () => {
    for (const html of [await reportPage('?period=2022-2023'), cliHtml]) {
      for (const name of fixtureNames) assert.doesNotMatch(html, new RegExp(name), name);
      assert.doesNotMatch(html, /@example\.org/);
      for (const id of Object.values(fixture.participants)) assert.ok(!html.includes(id), 'no participant id');
      assert.doesNotMatch(html, /eoa_trainer_rating|trainer rating/i);
      // R1's mean ratings (4.333… in 2022, 4.2 in 2023) appear nowhere.
      assert.doesNotMatch(html, /4\.33|4,33/);
    }
  });

  it('renders in the reader language, refuses a bad period with a 400, and is for administrators, evaluators and viewers', async () => {
    const french = await reportPage('?period=2023&lang=fr');
    assert.match(french, /<html lang="fr">/);
    assert.match(french, /Rapport d'évaluation des formations|Rapport d&#39;évaluation des formations/);
    assert.match(french, /Constats par critère CAD-OCDE/);
    const spanish = await reportPage('?period=2023&lang=es');
    assert.match(spanish, /Informe de evaluación de la formación/);
    const bad = await viewer.request('GET', '/report?period=2023-2021');
    assert.equal(bad.status, 400);
    const trainer = await TestClient.signedIn(server.url, org.emails.trainer);
    assert.equal((await trainer.request('GET', '/report?period=2023')).status, 403);
    assert.equal((await trainer.request('GET', '/report.pdf?period=2023')).status, 403);
    const anonymous = await new TestClient(server.url).request('GET', '/report?period=2023');
    assert.ok([302, 303, 401].includes(anonymous.status), `anonymous: ${anonymous.status}`);
    const evaluator = await TestClient.signedIn(server.url, org.emails.evaluator);
    await reportPage('?period=2023', evaluator);
  });
});
