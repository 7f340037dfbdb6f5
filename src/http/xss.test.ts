// Stored XSS: hostile payloads go into every free-text field reachable through the API, the forms,
// a collection link and an upload; then every staff and public page (enumerated from the OpenAPI
// document, path parameters filled with every identifier created here) and every export is
// fetched. No payload may come back as live markup, no link may carry a javascript: URL, and no
// exported cell may start a spreadsheet formula. A real browser opens the pages showing the
// payloads and must never see a dialog.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { type Database } from '../db/database.ts';
import { launchBrowser, newContext } from '../testing/browser.ts';
import { createTestDatabase } from '../testing/database.ts';
import { csrfFromPage, createTestOrg, startTestServer, TEST_PASSWORD, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';

/** Each payload starts with a spreadsheet formula so that exports are checked by the same text. */
const PAYLOADS = [
  `=cmd|' /C calc'!A0 <script>alert(1)</script>`,
  `+1+1 "><img src=x onerror=alert(1)>`,
  `@SUM(1) </textarea><svg onload=alert(1)>`,
  `-2+3 '"><script>alert(1)</script><img src=x onerror=alert(1)>`,
];
const JAVASCRIPT_URLS = ['javascript:alert(1)', ' JavaScript:alert(1)', 'data:text/html,<script>alert(1)</script>'];
let counter = 0;
/** A payload with a unique marker, so that its escaped form can be found where it is shown. */
const hostile = () => `${PAYLOADS[counter % PAYLOADS.length]} x${counter++}`;

/** Markup that would run if a payload came back unescaped: a script, an event handler attribute or a javascript: link in a real tag. */
function liveMarkup(html: string): string | undefined {
  const around = (index: number) => html.slice(Math.max(0, index - 80), index + 120);
  const raw = /<script>alert\(1\)|<\/textarea><svg/i.exec(html);
  if (raw) return around(raw.index);
  for (const tag of html.matchAll(/<[a-z][^>]*>/gi)) {
    const attributes = tag[0].replace(/"[^"]*"|'[^']*'/g, '""'); // quoted values hold text, not attributes
    if (/\son(error|load|mouseover|focus)\s*=/i.test(attributes) || /\s(href|src|action|formaction)\s*=\s*["']?\s*(javascript|data):/i.test(tag[0])) return around(tag.index);
  }
  return undefined;
}

describe('stored XSS and formula injection', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;
  let admin: TestClient;
  const ids = new Set<string>();
  const accepted: string[] = [];
  const refused: string[] = [];
  const resumeUrls: string[] = [];

  async function expectOk(label: string, response: { status: number; text: string; body: unknown }): Promise<void> {
    assert.ok(response.status < 400, `${label}: ${response.status} ${response.text}`);
    accepted.push(label);
    const body = response.body as { id?: unknown } | null;
    if (body && typeof body === 'object' && typeof body.id === 'string') ids.add(body.id);
  }
  function expectRefused(label: string, field: string, response: { status: number; text: string }): void {
    assert.ok(response.status >= 400 && response.status < 500, `${label}: a javascript: URL must be refused, got ${response.status} ${response.text}`);
    assert.match(response.text, new RegExp(field), `${label}: the problem names the field ${field}`);
    refused.push(label);
  }

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'xss');
    server = await startTestServer(database);
    admin = await TestClient.signedIn(server.url, org.emails.administrator);

    // Catalogue: activity texts, resource title and URL.
    const activity = await admin.post<{ id: string }>('/api/activities', {
      code: 'XSS-1',
      title: hostile(),
      description: hostile(),
      city: hostile(),
      contact: hostile(),
      replicationNotes: hostile(),
      programme: hostile(),
      modality: 'webinar',
      startDate: '2024-03-01',
      endDate: '2024-03-05',
      status: 'completed',
      published: true,
    });
    await expectOk('activity', activity);
    await expectOk('resource', await admin.post('/api/resources', { title: hostile(), description: hostile(), type: 'guide', url: 'https://example.org/x?a="><script>alert(1)</script>', published: true, activityCodes: ['XSS-1'] }));
    for (const url of JAVASCRIPT_URLS) expectRefused(`resource url ${url}`, 'url', await admin.post('/api/resources', { title: 'Bad link', type: 'guide', url, published: true }));

    // People: organisation and self-described gender.
    await expectOk('participant', await admin.post('/api/participants', { participantId: 'XSS-P1', givenName: hostile(), familyName: hostile(), email: 'p1@example.org', organisation: hostile(), gender: 'self_described', genderDescription: hostile() }));
    await expectOk('enrolment', await admin.post('/api/enrolments', { participantId: 'XSS-P1', activityCode: 'XSS-1', status: 'completed' }));

    // Evaluations: record texts, finding, recommendation, response, action, lesson, documents.
    const evaluation = await admin.post<{ id: string }>('/api/evaluations', {
      title: hostile(),
      mode: 'independent',
      kind: 'thematic',
      summary: hostile(),
      limitations: hostile(),
      commissioningUnit: hostile(),
      countries: [hostile()],
      keywords: [hostile()],
      documents: [{ label: hostile(), url: 'https://example.org/report.pdf' }],
    });
    await expectOk('evaluation', evaluation);
    const evaluationId = evaluation.body.id;
    for (const url of JAVASCRIPT_URLS) {
      expectRefused(`evaluation document ${url}`, 'url', await admin.request('PATCH', `/api/evaluations/${evaluationId}`, { documents: [{ label: 'x', url }] }));
    }
    await expectOk('finding', await admin.post(`/api/evaluations/${evaluationId}/findings`, { criterion: 'effectiveness', text: hostile() }));
    const recommendation = await admin.post<{ id: string }>(`/api/evaluations/${evaluationId}/recommendations`, { text: hostile(), addressees: [hostile()] });
    await expectOk('recommendation', recommendation);
    await expectOk('management response', await admin.request('PUT', `/api/recommendations/${recommendation.body.id}/response`, { decision: 'accepted', text: hostile(), date: '2024-01-10' }));
    const action = await admin.post<{ id: string }>(`/api/recommendations/${recommendation.body.id}/actions`, { description: hostile(), responsibleUnit: hostile(), dueDate: '2024-06-30' });
    await expectOk('action', action);
    await expectOk('action update', await admin.post(`/api/actions/${action.body.id}/updates`, { on: '2024-02-01', text: hostile(), statusAfter: 'in_progress' }));
    expectRefused('action update javascript: evidence', 'evidenceUrl', await admin.post(`/api/actions/${action.body.id}/updates`, { on: '2024-02-02', text: 'x', statusAfter: 'in_progress', evidenceUrl: 'javascript:alert(1)' }));
    await expectOk('lesson', await admin.post('/api/lessons', { kind: 'lesson_learned', evaluationId, title: hostile(), text: hostile(), context: hostile(), replicationConditions: hostile(), published: true }));

    // Evaluation forms: a document given by file name, and a javascript: one.
    const dossier = await admin.get(`/evaluations/${evaluationId}`, { accept: 'text/html' });
    const csrf = csrfFromPage(dossier.text);
    const documentForm = await admin.form(`/evaluations/${evaluationId}/documents`, { _csrf: csrf, label: hostile(), url: `"><img src=x onerror=alert(1)>.docx` });
    assert.ok(documentForm.status === 303 || documentForm.status === 422, `document form: ${documentForm.status}`);
    const jsDocument = await admin.form(`/evaluations/${evaluationId}/documents`, { _csrf: csrf, label: 'x', url: 'javascript:alert(1)' });
    assert.equal(jsDocument.status, 422, 'a javascript: document link is refused by the form');
    assert.equal(liveMarkup(jsDocument.text), undefined, 'the refused form does not echo the link as markup');
    assert.match(jsDocument.text, /url|link|address|http/i);
    const question = await admin.form(`/evaluations/${evaluationId}/questions`, { _csrf: csrf, criterion: 'relevance', question: hostile(), subQuestions: hostile(), dataSources: hostile() });
    assert.equal(question.status, 303, `question form: ${question.status} ${question.text.replace(/<[^>]*>/g, " ").replace(/\s+/g, " ").slice(200, 900)}`);
    accepted.push('question form');

    // Surveys: text answers through collection links.
    for (const [standard, answers] of [
      ['end_of_activity', { eoa_relevance: 'agree', eoa_theory_practice: 'agree', eoa_can_apply: 'agree', eoa_needs_met: 'fully', eoa_overall: 4, eoa_comments: hostile() }],
      ['follow_up', { fu_needs_met: 'fully', fu_use: 'helpful_specific', fu_application_example: hostile(), fu_competence_change: 'large', fu_performance_change: 'moderate', fu_shared_knowledge: 'no' }],
    ] as const) {
      const instrument = await admin.post<{ id: string }>('/api/instruments/standard', { standard, key: `xss-${standard}` });
      await expectOk(`instrument ${standard}`, instrument);
      await expectOk(`publish ${standard}`, await admin.post(`/api/instruments/${instrument.body.id}/versions`));
      const link = await admin.post<{ token: string }>(`/api/instruments/${instrument.body.id}/links`, { activityId: activity.body.id });
      await expectOk(`link ${standard}`, link);
      const respondent = new TestClient(server.url);
      await expectOk(`answers ${standard}`, await respondent.post(`/r/${link.body.token}/submissions`, { clientSubmissionId: `xss-${standard}`, answers, final: true }));
      // A partial response, resumed: its saved answers fill the respondent's form again.
      const partial = await respondent.post<{ responseId: string }>(`/r/${link.body.token}/submissions`, { clientSubmissionId: `xss-partial-${standard}`, answers, final: false });
      await expectOk(`partial answers ${standard}`, partial);
      resumeUrls.push(`/r/${link.body.token}?s=${partial.body.responseId}`);
      const responses = await admin.get<{ responses?: Array<{ id: string }> } | Array<{ id: string }>>(`/api/instruments/${instrument.body.id}/responses`);
      const list = Array.isArray(responses.body) ? responses.body : (responses.body.responses ?? []);
      for (const response of list) ids.add(response.id);
    }

    // Evidence: code labels, and the hostile comment coded as a quote.
    await expectOk('evidence code', await admin.post('/api/evidence/codebook', { code: 'xss_code', labels: { en: hostile(), fr: hostile(), es: hostile() } }));
    const texts = await admin.get<{ texts: Array<{ id: string }> }>('/api/evidence/texts');
    assert.ok(texts.body.texts.length >= 2, 'both text answers reach the evidence list');
    for (const text of texts.body.texts) {
      await expectOk('coding', await admin.request('PUT', `/api/evidence/texts/${text.id}/codes`, { codes: ['xss_code'], quote: true }));
    }

    // Uploads: a hostile file name on the import pages.
    const importsPage = await admin.get('/imports', { accept: 'text/html' });
    const form = new FormData();
    form.set('_csrf', csrfFromPage(importsPage.text));
    form.set('kind', 'activities');
    form.set('file', new Blob(['code,title\n,missing code\n'], { type: 'text/csv' }), `"><img src=x onerror=alert(1)>.csv`);
    const upload = await admin.upload('/imports', form);
    assert.ok(upload.status < 500, `upload: ${upload.status}`);
    const uploadLeak = liveMarkup(upload.text);
    assert.equal(uploadLeak, undefined, `the import page shows the uploaded file name as markup: ${uploadLeak}`);

    ids.add(activity.body.id).add(evaluationId).add(recommendation.body.id).add(action.body.id);
    for (const listing of ['/api/participants', '/api/lessons', '/api/instruments', '/api/resources']) {
      const found = await admin.get<unknown>(listing);
      for (const match of JSON.stringify(found.body).matchAll(/"id":"([0-9a-f-]{36})"/g)) ids.add(match[1]!);
    }
  });
  after(async () => {
    await server?.close();
    await database?.close();
  });

  it('stored payloads in every field the API and forms offer, and refuses javascript: links naming the field', (t) => {
    t.diagnostic(`${accepted.length} writes with payloads (${counter} payloads), ${refused.length} javascript: links refused`);
    assert.ok(accepted.length >= 20, `accepted: ${accepted.join(', ')}`);
    assert.ok(refused.length >= 7, `refused: ${refused.join(', ')}`);
  });

  it('no staff or public page renders a payload as markup', async (t) => {
    const document = (await admin.get<{ paths: Record<string, Record<string, unknown>> }>('/api/openapi.json')).body;
    const pagePaths = Object.entries(document.paths)
      .filter(([path, operations]) => 'get' in operations && !path.startsWith('/api/') && !/\.(csv|css|js)$|xlsform|\/metrics|\/health|unsubscribe|^\/r\//.test(path))
      .map(([path]) => path);
    const anonymous = new TestClient(server.url);
    let pages = 0;
    let showing = 0;
    for (const path of pagePaths) {
      const parameters = path.match(/\{[^}]+\}/g)?.length ?? 0;
      // Paths with two parameters (a response of an instrument, a question of a draft) get every pair.
      const concrete =
        parameters === 0 ? [path]
        : parameters === 1 ? [...ids].map((id) => path.replace(/\{[^}]+\}/, id))
        : [...ids].flatMap((first) => [...ids].map((second) => path.replace(/\{[^}]+\}/, first).replace(/\{[^}]+\}/, second)));
      for (const url of concrete) {
        for (const client of parameters > 1 ? [admin] : [admin, anonymous]) {
          const response = await client.get(url, { accept: 'text/html' });
          assert.ok(response.status < 500, `GET ${url}: ${response.status} ${response.text.slice(0, 300)}`);
          if (response.status !== 200) continue;
          pages++;
          const leak = liveMarkup(response.text);
          assert.equal(leak, undefined, `GET ${url} renders a payload as markup: …${leak}…`);
          if (/&lt;script&gt;alert\(1\)|&lt;img src=x onerror|&lt;\/textarea&gt;&lt;svg/.test(response.text)) showing++;
        }
      }
    }
    t.diagnostic(`${pages} pages checked, ${showing} showing an escaped payload, ${ids.size} identifiers tried`);
    assert.ok(pages >= 30, `pages checked: ${pages}`);
    assert.ok(showing >= 12, `pages showing an escaped payload: ${showing}`);
    for (const path of ['/activities', '/catalogue', '/participants', '/evaluations', '/lessons', '/public/lessons', '/evidence', '/evidence/codebook', '/follow-up']) {
      const response = await (path.startsWith('/public') || path === '/catalogue' ? anonymous : admin).get(path, { accept: 'text/html' });
      assert.match(response.text, /&lt;(script|img|\/textarea)/, `${path} shows the payloads (escaped)`);
    }
  });

  it('the respondent pages show saved hostile answers as text', async () => {
    assert.equal(resumeUrls.length, 2);
    let showing = 0;
    for (const resume of resumeUrls) {
      for (let page = 0; page < 8; page++) {
        const response = await new TestClient(server.url).get(`${resume}&p=${page}`, { accept: 'text/html' });
        assert.ok(response.status < 500, `${resume}&p=${page}: ${response.status}`);
        const leak = liveMarkup(response.text);
        assert.equal(leak, undefined, `${resume}&p=${page} renders a saved answer as markup: …${leak}…`);
        if (/&lt;(script|img|\/textarea)/.test(response.text)) showing++;
      }
    }
    assert.ok(showing >= 2, `respondent pages showing a saved payload: ${showing}`);
  });

  it('the markup detector recognises every payload left unescaped', () => {
    for (const payload of PAYLOADS) assert.notEqual(liveMarkup(`<p>${payload}</p>`), undefined, payload);
    assert.notEqual(liveMarkup('<a href="javascript:alert(1)">x</a>'), undefined);
    for (const payload of PAYLOADS) {
      const escaped = payload.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
      assert.equal(liveMarkup(`<p title="${escaped}">${escaped}</p>`), undefined, payload);
    }
  });

  it('no JSON answer is served as HTML', async () => {
    const activities = await admin.get('/api/activities');
    assert.match(activities.headers.get('content-type') ?? '', /application\/json/);
    assert.match(activities.text, /<script>alert\(1\)/, 'the API returns the stored text itself, as JSON');
  });

  it('every CSV and XLSX export neutralises formulas', async (t) => {
    const instruments = (await admin.get<Array<{ id: string }> | { instruments: Array<{ id: string }> }>('/api/instruments')).body;
    const instrumentIds = (Array.isArray(instruments) ? instruments : instruments.instruments).map((i) => i.id);
    const evaluations = (await admin.get<Array<{ id: string }> | { evaluations: Array<{ id: string }> }>('/api/evaluations')).body;
    const evaluationIds = (Array.isArray(evaluations) ? evaluations : evaluations.evaluations).map((e) => e.id);
    assert.ok(instrumentIds.length >= 2 && evaluationIds.length >= 1);
    const exports: string[] = [];
    for (const format of ['csv', 'xlsx']) {
      for (const kind of ['activities', 'resources', 'participants', 'enrolments']) exports.push(`/api/exports/${kind}.${format}`);
      exports.push(`/api/exports/participants.${format}?personalData=named`); // names and e-mails only when an administrator asks
      exports.push(`/api/evidence/export/texts?format=${format}`, `/api/evidence/export/counts?format=${format}`, `/api/follow-up/overdue/export?format=${format}`);
      for (const id of evaluationIds) exports.push(`/api/evaluations/${id}/recommendations/export?format=${format}`, `/api/evaluations/${id}/actions/export?format=${format}`);
    }
    for (const id of instrumentIds) exports.push(`/instruments/${id}/responses.csv`);
    let cellsWithPayload = 0;
    for (const url of exports) {
      const { status, headers, bytes } = await admin.bytes(url);
      assert.equal(status, 200, `GET ${url}: ${status}`);
      const cells = (headers.get('content-type') ?? '').includes('csv') || url.includes('csv') ? csvCells(bytes) : await xlsxCells(bytes, url);
      for (const cell of cells) {
        assert.doesNotMatch(cell, /^[=+@\t\r]/, `${url}: a cell starts a formula: ${cell}`);
        assert.doesNotMatch(cell, /^-[^0-9.]/, `${url}: a cell starts a formula: ${cell}`);
        if (cell.includes('alert(1)')) cellsWithPayload++;
      }
    }
    t.diagnostic(`${exports.length} exports, ${cellsWithPayload} cells carrying a payload`);
    assert.ok(cellsWithPayload >= 15, `exported cells carrying a payload: ${cellsWithPayload}`);
  });

  it('a real browser opening the pages that show payloads never gets a dialog', async () => {
    const browser = await launchBrowser();
    try {
      const context = await newContext(browser);
      const page = await context.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(`${page.url()}: ${dialog.message()}`);
        void dialog.dismiss();
      });
      await page.goto(`${server.url}/login`);
      await page.fill('#email', org.emails.administrator);
      await page.fill('#password', TEST_PASSWORD);
      await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/login')), page.click('form button[type="submit"]')]);
      const evaluations = (await admin.get<Array<{ id: string }> | { evaluations: Array<{ id: string }> }>('/api/evaluations')).body;
      const evaluationId = (Array.isArray(evaluations) ? evaluations : evaluations.evaluations)[0]!.id;
      const participants = (await admin.get<unknown>('/api/participants')).body;
      const participantId = /"id":"([0-9a-f-]{36})"/.exec(JSON.stringify(participants))![1]!;
      const activities = (await admin.get<unknown>('/api/activities')).body;
      const activityId = /"id":"([0-9a-f-]{36})"/.exec(JSON.stringify(activities))![1]!;
      const urls = ['/activities', `/activities/${activityId}`, '/catalogue', '/resources', '/participants', `/participants/${participantId}`, '/evaluations', `/evaluations/${evaluationId}`, '/lessons', '/public/lessons', '/follow-up', '/evidence', '/evidence/codebook', ...resumeUrls];
      for (const url of urls) {
        const response = await page.goto(server.url + url);
        assert.equal(response?.status(), 200, url);
        await page.waitForLoadState('load');
        // Hover and focus every element so that no injected handler stays unprovoked.
        await page.evaluate(() => {
          for (const element of Array.from(document.querySelectorAll('*'))) {
            for (const type of ['mouseover', 'focus', 'load', 'error']) element.dispatchEvent(new Event(type));
          }
        });
        const injected = await page.evaluate(() => document.querySelectorAll('img[src="x"], svg[onload], script:not([src]):not([type="application/json"])').length);
        assert.equal(injected, 0, `${url}: injected elements in the DOM`);
      }
      assert.deepEqual(dialogs, []);
      await context.close();
    } finally {
      await browser.close();
    }
  });
});

function csvCells(bytes: Uint8Array): string[] {
  const text = Buffer.from(bytes).toString('utf8').replace(/^\uFEFF/, '');
  return (parse(text, { relax_column_count: true }) as string[][]).slice(1).flat();
}

async function xlsxCells(bytes: Uint8Array, url: string): Promise<string[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  const cells: string[] = [];
  workbook.eachSheet((sheet) =>
    sheet.eachRow((row, index) => {
      if (index === 1) return;
      row.eachCell((cell) => {
        assert.ok(!cell.formula, `${url}: a formula cell ${cell.address}`);
        if (typeof cell.value === 'string') cells.push(cell.value);
      });
    }),
  );
  return cells;
}
