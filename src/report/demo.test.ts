// The demo organisation's evaluation reports look alive: for 2023 and for 2021-2023 every section
// has content — activities and their mix, response rates, every indicator with its target, findings
// under every OECD-DAC criterion (2023), disaggregations with figures, earlier periods, coded
// evidence and quotes, limitations and the commands that reproduce it.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseHTML } from 'linkedom';
import type { Database } from '../db/database.ts';
import { DEMO_PASSWORD, loadDemo } from '../demo/load.ts';
import { createTestDatabase } from '../testing/database.ts';
import { figuresOf } from '../testing/figures.ts';
import { startTestServer, TestClient, type TestServer } from '../testing/http.ts';
import { LOW_RESPONSE_RATE } from './service.ts';

describe('the demo organisation’s evaluation report', () => {
  let database: Database;
  let server: TestServer;
  let viewer: TestClient;

  before(async () => {
    database = await createTestDatabase();
    await loadDemo(database);
    server = await startTestServer(database);
    viewer = await TestClient.signedIn(server.url, 'viewer@demo.tracer', DEMO_PASSWORD);
  });
  after(async () => {
    await server?.close();
    await database?.close();
  });

  const report = async (query: string) => {
    const response = await viewer.request<string>('GET', `/report${query}`);
    assert.equal(response.status, 200, response.text);
    return { html: response.text, document: parseHTML(response.text).document };
  };

  for (const period of ['2023', '2021-2023']) {
    it(`has content in every section for ${period}`, async () => {
      const { html, document } = await report(`?period=${period}`);
      assert.ok(Number(document.querySelector('#scope p[data-activities]')?.getAttribute('data-activities')) >= 15, 'activities covered');
      assert.ok(document.querySelectorAll('#scope table.mix').length === 3, 'modality, language and fee mix');
      const rates = [...document.querySelectorAll('#response-rates tbody tr')].map((row) => row.getAttribute('data-instrument'));
      assert.deepEqual(rates, ['end_of_activity', 'follow_up', 'all']);
      const kpis = figuresOf(html, '#kpis tbody tr[data-section="kpi"]');
      assert.equal(kpis.length, 18, 'every standard indicator has a result');
      assert.ok(kpis.every((row) => row.target !== '' && row.baseline !== ''), 'each with its baseline and target');
      assert.ok(kpis.every((row) => row.suppressed === 'false'));
      const criteria = [...document.querySelectorAll('#criteria .criterion')];
      const empty = criteria.filter((c) => /No indicator result and no evaluation finding/.test(c.textContent ?? '')).map((c) => c.getAttribute('data-criterion'));
      assert.deepEqual(empty, [], 'every OECD-DAC criterion has indicators or findings');
      if (period === '2023') assert.equal(document.querySelectorAll('#criteria .findings li').length, 7, 'the findings of the annual training evaluation 2023');
      const disaggregated = figuresOf(html, 'td[data-section="disaggregation"]').filter((f) => f.suppressed === 'false');
      assert.ok(disaggregated.length >= 60, `disaggregations with figures (${disaggregated.length})`);
      const trend = new Set(figuresOf(html, 'td[data-section="trend"]').map((f) => f.period));
      assert.deepEqual([...trend].sort(), period === '2023' ? ['2021', '2022', '2023'] : ['2021-2023']);
      assert.ok(document.querySelectorAll('#trend-heading ~ figure .chart-svg svg, #trend figure svg').length >= 4, 'a figure per headline indicator');
      assert.ok(document.querySelectorAll('#codes tbody tr').length >= 5, 'coded evidence');
      const quotes = [...document.querySelectorAll('.quote blockquote')].map((q) => q.textContent?.trim());
      assert.ok(quotes.length >= 3 && new Set(quotes).size === quotes.length, `distinct quotes (${quotes.length})`);
      const rateRows = [...document.querySelectorAll('#response-rates tbody tr')].filter((row) => row.getAttribute('data-instrument') !== 'all');
      const followUpRate = Number(rateRows.find((row) => row.getAttribute('data-instrument') === 'follow_up')?.getAttribute('data-rr1'));
      assert.ok(followUpRate >= 0.2 && followUpRate <= 0.35, `the demo's follow-up response rate is realistic (${followUpRate})`);
      const low = rateRows.filter((row) => Number(row.getAttribute('data-rr1')) < LOW_RESPONSE_RATE).length;
      assert.equal(document.querySelectorAll('#limitations li[data-limitation="low_response_rate"]').length, low, 'each response rate under the threshold is stated as a limitation');
      assert.ok(document.querySelectorAll('#reproduce code').length >= 8);
    });
  }
});
