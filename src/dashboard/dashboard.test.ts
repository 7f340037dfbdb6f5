// The dashboard over real HTTP on the engine's hand-computed fixture (analytics/engine-fixture.ts),
// on PGlite and PostgreSQL: its figures are those /api/kpi returns for the same filters (compared
// field by field, not by eye), suppressed cells read "suppressed", the filters in the address change
// the figures, and only administrators, evaluators and viewers may read it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseHTML } from 'linkedom';
import type { Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';
import { seedEngineFixture } from '../analytics/engine-fixture.ts';
import { setTarget } from '../analytics/service.ts';
import type { KpiRecord } from '../analytics/output.ts';
import { expectedFigures as expected, figuresOf, rawFigures as withoutText, type Figures } from '../testing/figures.ts';
import { chartSvg } from './charts.ts';

const key = (f: Figures) => `${f.indicator}|${f.period}|${f.group ?? ''}`;

describe('dashboard', () => {
  let database: Database;
  let org: TestOrg;
  let server: TestServer;
  let clients: Record<'administrator' | 'evaluator' | 'viewer' | 'trainer', TestClient>;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'dash');
    await seedEngineFixture(database, org.id);
    await database.withOrg(org.id, (tx) => setTarget(tx, undefined, 'relevance', '2023', { baseline: 0.6, target: 0.75 }));
    server = await startTestServer(database);
    clients = {
      administrator: await TestClient.signedIn(server.url, org.emails.administrator),
      evaluator: await TestClient.signedIn(server.url, org.emails.evaluator),
      viewer: await TestClient.signedIn(server.url, org.emails.viewer),
      trainer: await TestClient.signedIn(server.url, org.emails.trainer),
    };
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  const page = async (query: string, client = clients.viewer) => {
    const response = await client.request<string>('GET', `/dashboard${query}`);
    assert.equal(response.status, 200, response.text);
    return response.text;
  };
  const api = async (query: string) => {
    const response = await clients.viewer.request<KpiRecord[]>('GET', `/api/kpi${query}`);
    assert.equal(response.status, 200, response.text);
    return response.body;
  };

  /** Every record of the API appears once on the page with the same figures, and nothing else. */
  const assertSame = (pageFigures: Figures[], records: KpiRecord[], dimension?: string) => {
    assert.ok(records.length > 0, 'the comparison needs records');
    const onPage = new Map(pageFigures.map((f) => [key(f), withoutText(f)]));
    assert.equal(onPage.size, pageFigures.length, 'no row twice');
    assert.equal(pageFigures.length, records.length, 'as many rows as API records');
    for (const record of records) {
      const group = dimension ? String(record[dimension] ?? '') : '';
      const found = onPage.get(`${record.indicator}|${record.period}|${group}`);
      assert.ok(found, `page lacks ${record.indicator} ${record.period} ${group}`);
      assert.deepEqual(found, expected(record));
    }
  };

  const combinations = [
    { page: '?period=2023&programme=labour', api: '?period=2023&filter=programme%3Dlabour' },
    { page: '?modality=face_to_face', api: '?filter=modality%3Dface_to_face' },
  ];

  for (const combination of combinations) {
    it(`shows the figures of /api/kpi for ${combination.page}`, async () => {
      const html = await page(combination.page);
      assertSame(figuresOf(html, '#results tbody tr'), await api(combination.api));
      // The trend: every year under the same programme and modality filters.
      assertSame(figuresOf(html, '#chart-trend tbody tr'), await api(`${combination.api.replace(/period=\d{4}&/, '')}&indicator=relevance`));
    });
  }

  it('draws the modality comparison and a disaggregation with the API figures for the same filters', async () => {
    const html = await page('?period=2023&by=gender&indicator=relevance');
    assertSame(figuresOf(html, '#chart-modality tbody tr'), await api('?period=2023&by=modality&indicator=relevance'), 'modality');
    assertSame(figuresOf(html, '#chart-disaggregation tbody tr'), await api('?period=2023&by=gender&indicator=relevance'), 'gender');
    assertSame(figuresOf(html, '#chart-trend tbody tr'), await api('?indicator=relevance'));
    // The charts are server-drawn SVG with an accessible name and visible n.
    const { document } = parseHTML(html);
    const chart = document.querySelector('#chart-modality [role="img"]');
    assert.ok(chart && chart.querySelector('svg'), 'the modality chart is an SVG');
    assert.match(chart.getAttribute('aria-label') ?? '', /modality/);
    assert.match(document.getElementById(chart.getAttribute('aria-describedby') ?? '')?.textContent ?? '', /95% confidence interval/);
    // n of each bar is written in the chart: face to face 6, online tutored 4.
    assert.match(chart.textContent ?? '', /n = 6/);
    assert.match(chart.textContent ?? '', /n = 4/);
    assert.equal(document.querySelector('#chart-modality style'), null, 'no inline style (CSP)');
    const ids = [...document.querySelectorAll('[id]')].map((element) => element.getAttribute('id'));
    assert.deepEqual(ids.filter((id, i) => ids.indexOf(id) !== i), [], 'every id once');
  });

  it('drills down from the organisation to a programme, with the API figures at each level, and on to the activity page', async () => {
    const top = parseHTML(await page('?period=2023')).document;
    const programmes = [...top.querySelectorAll('nav.drill p a')].map((a) => a.getAttribute('href'));
    assert.deepEqual(programmes, ['/dashboard?period=2023&programme=labour', '/dashboard?period=2023&programme=skills']);
    const html = await page('?period=2023&programme=labour');
    assertSame(figuresOf(html, '#results tbody tr'), await api('?period=2023&filter=programme%3Dlabour'));
    const labour = parseHTML(html).document;
    assert.equal(labour.querySelector('nav.drill [aria-current="page"]')?.textContent, 'labour');
    // The activities link to their own page (activity.test.ts compares its figures with the API).
    const activities = [...labour.querySelectorAll('nav.drill p a')].map((a) => a.textContent);
    assert.deepEqual(activities, ['A1 · Labour migration', 'A2 · Social protection']);
    for (const link of labour.querySelectorAll('nav.drill p a')) assert.match(link.getAttribute('href') ?? '', /^\/activities\/[0-9a-f-]{36}\?period=2023$/);
  });

  it('shows KPI cards for the period with value, interval, n, baseline, target and status', async () => {
    const html = await page('?period=2023');
    const [card] = figuresOf(html, '.kpi-card[data-indicator="relevance"]');
    const [record] = (await api('?period=2023&indicator=relevance')) as [KpiRecord];
    assert.deepEqual(withoutText(card!), expected(record));
    // 7 of 10 against a target of 75 %: below target.
    assert.equal(record.value, 0.7);
    assert.match(card!.text, /70%/);
    assert.match(card!.text, /75%/);
    assert.match(card!.text, /Below target/);
  });

  it('shows suppressed cells as suppressed, never as zero', async () => {
    // Relevance in 2022 (A3 only): 3 valid answers, under the threshold of 5.
    const html = await page('?modality=face_to_face');
    const [row] = figuresOf(html, '#results tbody tr[data-indicator="relevance"][data-period="2022"]');
    assert.ok(row, 'the 2022 row is listed');
    assert.equal(row.suppressed, 'true');
    assert.equal(row.value, '');
    assert.equal(row.n, '3');
    assert.match(row.text, /suppressed/);
    assert.doesNotMatch(row.text, /\b0(\.0)?%/);
    const [point] = figuresOf(html, '#chart-trend tbody tr[data-period="2022"]');
    assert.match(point!.text, /suppressed/);
    const { document } = parseHTML(html);
    assert.match(document.querySelector('#chart-trend svg')?.textContent ?? '', /suppressed \(n = 3\)/);
    // In French too.
    const french = await page('?modality=face_to_face&lang=fr');
    assert.match(figuresOf(french, '#results tbody tr[data-indicator="relevance"][data-period="2022"]')[0]!.text, /masqué/);
  });

  it('changes its figures with the filters in the address', async () => {
    const all = figuresOf(await page('?period=2023'), '#results tbody tr[data-indicator="relevance"]')[0]!;
    const faceToFace = figuresOf(await page('?period=2023&modality=face_to_face'), '#results tbody tr[data-indicator="relevance"]')[0]!;
    // Everyone in 2023: 7 agree of 10; face to face (A1 only): 4 of 6.
    assert.equal(Number(all.value), 7 / 10);
    assert.equal(Number(faceToFace.value), 4 / 6);
    assert.equal(faceToFace.n, '6');
    const html = await page('?period=2023&modality=face_to_face');
    const { document } = parseHTML(html);
    assert.equal(document.querySelector('select#modality option[selected]')?.getAttribute('value'), 'face_to_face');
    assert.equal(document.querySelector('input#period')?.getAttribute('value'), '2023');
  });

  it('is for administrators, evaluators and viewers; trainers and anonymous visitors are refused', async () => {
    for (const role of ['administrator', 'evaluator', 'viewer'] as const) await page('', clients[role]);
    assert.equal((await clients.trainer.request('GET', '/dashboard')).status, 403);
    const anonymous = await new TestClient(server.url).request('GET', '/dashboard');
    assert.ok([302, 303, 401].includes(anonymous.status), `anonymous: ${anonymous.status}`);
    assert.match(await page('', clients.viewer), /<a href="\/dashboard">/);
  });

  it('refuses a malformed period or dimension with a 400 naming the field', async () => {
    const period = await clients.viewer.request('GET', '/dashboard?period=20x3', undefined, { accept: 'application/json' });
    assert.equal(period.status, 400);
    const by = await clients.viewer.request('GET', '/dashboard?by=shoe_size');
    assert.equal(by.status, 400);
  });

  it('escapes labels in the SVG it draws', () => {
    const svg = chartSvg([{ label: '<script>alert(1)</script>', value: 0.5, low: 0.3, high: 0.7, n: 10, suppressed: false }], {
      percent: true,
      target: null,
      kind: 'bars',
      suppressedLabel: 'suppressed',
      nLabel: 'n',
      targetLabel: 'target',
    });
    assert.doesNotMatch(svg, /<script>/);
    assert.match(svg, /&lt;script&gt;/);
    // The bar of 50 % is drawn inside the frame (Plot's percent scale).
    const height = Number(/<rect[^>]*height="([\d.]+)"/.exec(svg)?.[1]);
    assert.ok(height > 0 && height < 280, `bar height ${height}`);
  });
});
