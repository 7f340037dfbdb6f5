// The page forms that edit an evaluation record, over real HTTP: each form succeeds, a bad value
// is a 422 naming the form field, viewers cannot write, only administrators remove; the upload
// forms of the imports show the result or the rejection report; the follow-up page filters and exports.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { saveActivity } from '../catalogue/service.ts';
import type { Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, csrfFromPage, startTestServer, TestClient, TEST_PASSWORD, type TestServer } from '../testing/http.ts';
import { translator } from '../web/i18n/index.ts';
import type { IndicatorResultSource } from './indicator-results.ts';
import { dossierPage } from './pages.tsx';
import * as service from './service.ts';
import type { EvaluationDossier } from './service.ts';


/** A multipart form as a browser sends it: text fields and one file. */
function formWith(fields: Record<string, string>, file: { field: string; name: string; content: string | Buffer; type?: string }): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const bytes = typeof file.content === 'string' ? file.content : new Uint8Array(file.content);
  form.append(file.field, new Blob([bytes], { type: file.type ?? 'application/octet-stream' }), file.name);
  return form;
}

describe('evaluation record forms', () => {
  let database: Database;
  let server: TestServer;
  let admin: TestClient;
  let evaluator: TestClient;
  let viewer: TestClient;
  let activityId: string;
  let orgId: string;
  let id: string;
  let csrf: string;

  before(async () => {
    database = await createTestDatabase();
    const org = await createTestOrg(database, 'forms');
    orgId = org.id;
    activityId = (await database.withOrg(org.id, (tx) => saveActivity(tx, org.id, { code: 'A901', title: 'Fair recruitment academy', modality: 'face_to_face' }))).id;
    server = await startTestServer(database);
    admin = await TestClient.signedIn(server.url, org.emails.administrator, TEST_PASSWORD);
    evaluator = await TestClient.signedIn(server.url, org.emails.evaluator, TEST_PASSWORD);
    viewer = await TestClient.signedIn(server.url, org.emails.viewer, TEST_PASSWORD);
    id = (await evaluator.post<{ id: string }>('/api/evaluations', { title: 'Labour migration academy evaluation', mode: 'independent', kind: 'thematic', criteria: ['relevance'] })).body.id;
    csrf = csrfFromPage((await page(evaluator, `/evaluations/${id}`)).body);
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  const page = (client: TestClient, path: string) => client.get<string>(path, { accept: 'text/html' });
  const dossier = async () => (await viewer.get<EvaluationDossier>(`/api/evaluations/${id}`)).body;
  /** Posts a form as that user's browser would, with its own CSRF token. */
  const post = (client: TestClient, path: string, fields: Record<string, string>) => client.form(path, { _csrf: client.csrfToken!, ...fields });
  /** A 422 page that names the field. */
  function rejects(response: { status: number; text: string }, field: string) {
    assert.equal(response.status, 422, response.text.slice(0, 500));
    assert.match(response.text, new RegExp(`body/${field}`), `the error names ${field}`);
  }

  it('adds, edits and removes findings with indicator evidence that is resolved live', async () => {
    const added = await post(evaluator, `/evaluations/${id}/findings`, {
      criterion: 'relevance',
      text: 'Participants applied what they learned',
      evidence1_key: 'knowledge_application_rate',
      evidence1_period: '2024',
      evidence1_filters: 'thematic_area=labour_migration; country=PH',
    });
    assert.equal(added.status, 303);
    const [finding] = (await dossier()).findings;
    assert.deepEqual(finding!.evidence, [{ indicatorKey: 'knowledge_application_rate', period: '2024', filters: { thematic_area: 'labour_migration', country: 'PH' } }]);
    const shown = await page(viewer, `/evaluations/${id}`);
    assert.match(shown.body, /knowledge_application_rate<\/code> 2024 · country=PH · thematic_area=labour_migration → <span class="muted">not available \(No indicator knowledge_application_rate in this organisation\)/);
    assert.doesNotMatch(shown.body, /Edit this finding/, 'viewers get no forms');
    assert.match((await page(evaluator, `/evaluations/${id}`)).body, /Edit this finding/);

    rejects(await post(evaluator, `/evaluations/${id}/findings`, { criterion: 'relevance', text: 'x', evidence1_period: '2024' }), 'evidence1_key');
    rejects(await post(evaluator, `/evaluations/${id}/findings`, { criterion: 'relevance', text: 'x', evidence2_key: 'k', evidence2_period: '2024', evidence2_filters: 'no equals sign' }), 'evidence2_filters');
    rejects(await post(evaluator, `/evaluations/${id}/findings`, { criterion: 'relevance', text: '' }), 'text');
    assert.equal((await dossier()).findings.length, 1, 'nothing half-written');
    assert.equal((await post(viewer, `/evaluations/${id}/findings`, { criterion: 'relevance', text: 'viewer' })).status, 403);

    const edited = await post(evaluator, `/findings/${finding!.id}`, { evaluationId: id, criterion: 'effectiveness', text: 'Most participants applied it', evidence1_key: 'completion_rate', evidence1_period: '2023', evidence1_filters: '' });
    assert.equal(edited.status, 303);
    const after = (await dossier()).findings[0]!;
    assert.equal(after.criterion, 'effectiveness');
    assert.deepEqual(after.evidence, [{ indicatorKey: 'completion_rate', period: '2023', filters: {} }]);

    assert.equal((await post(evaluator, `/findings/${finding!.id}/delete`, { evaluationId: id })).status, 403, 'evaluators do not delete');
    assert.equal((await post(admin, `/findings/${finding!.id}/delete`, { evaluationId: id })).status, 303);
    assert.equal((await dossier()).findings.length, 0);
  });

  it('fills the questions matrix and the sample table, and only administrators remove rows', async () => {
    const question = await evaluator.form(`/evaluations/${id}/questions`, {
      _csrf: csrf,
      criterion: 'relevance',
      question: 'Did the training meet the needs of constituents?',
      subQuestions: 'Which needs?\nFor whom?',
      methods: 'survey',
      dataSources: 'participants, supervisors',
    });
    assert.equal(question.status, 303);
    const body = new URLSearchParams({ _csrf: csrf, criterion: 'impact', question: 'Was it applied?' });
    body.append('methods', 'desk_review');
    body.append('methods', 'focus_group');
    assert.equal((await evaluator.request('POST', `/evaluations/${id}/questions`, body, { 'content-type': 'application/x-www-form-urlencoded' })).status, 303);
    const { questions } = (await dossier()).evaluation;
    assert.deepEqual(questions[0], { criterion: 'relevance', question: 'Did the training meet the needs of constituents?', subQuestions: ['Which needs?', 'For whom?'], methods: ['survey'], dataSources: ['participants', 'supervisors'] });
    assert.deepEqual(questions[1]!.methods, ['desk_review', 'focus_group']);
    rejects(await post(evaluator, `/evaluations/${id}/questions`, { criterion: 'relevance', question: '' }), 'question');
    rejects(await post(evaluator, `/evaluations/${id}/questions`, { criterion: 'relevance', question: 'q', methods: 'astrology' }), 'methods');

    assert.equal((await post(evaluator, `/evaluations/${id}/sample`, { tool: 'Online survey', targetGroup: 'Former participants', targetSample: '400', actualSample: '' })).status, 303);
    assert.deepEqual((await dossier()).evaluation.sample, [{ tool: 'Online survey', targetGroup: 'Former participants', targetSample: 400, actualSample: null }]);
    rejects(await post(evaluator, `/evaluations/${id}/sample`, { tool: 'Interviews', targetGroup: 'Managers', targetSample: 'twenty' }), 'targetSample');
    rejects(await post(evaluator, `/evaluations/${id}/sample`, { tool: '', targetGroup: 'Managers', targetSample: '20' }), 'tool');
    assert.equal((await post(viewer, `/evaluations/${id}/sample`, { tool: 'x', targetGroup: 'y', targetSample: '1' })).status, 403);

    const shown = await page(evaluator, `/evaluations/${id}`);
    assert.match(shown.body, /Focus group/);
    assert.match(shown.body, /Online survey/);
    assert.equal((await post(evaluator, `/evaluations/${id}/questions/0/delete`, {})).status, 403);
    assert.equal((await post(admin, `/evaluations/${id}/questions/0/delete`, {})).status, 303);
    assert.equal((await post(admin, `/evaluations/${id}/sample/0/delete`, {})).status, 303);
    assert.equal((await post(admin, `/evaluations/${id}/sample/5/delete`, {})).status, 404);
    const evaluation = (await dossier()).evaluation;
    assert.deepEqual(evaluation.questions.map((q) => q.question), ['Was it applied?']);
    assert.deepEqual(evaluation.sample, []);
  });

  it('edits limitations, linked documents, criteria and the scope of catalogue activities', async () => {
    assert.equal((await post(evaluator, `/evaluations/${id}/limitations`, { limitations: 'Low response rate' })).status, 303);
    assert.equal((await post(evaluator, `/evaluations/${id}/documents`, { label: 'Final report', url: 'https://example.org/report.pdf' })).status, 303);
    assert.equal((await post(evaluator, `/evaluations/${id}/documents`, { label: 'Inception report', url: 'inception-report.docx' })).status, 303);
    rejects(await post(evaluator, `/evaluations/${id}/documents`, { label: 'Bad', url: 'javascript:alert(1)' }), 'url');
    const criteria = new URLSearchParams({ _csrf: csrf, otherCriteria: 'Tripartism; value for money' });
    criteria.append('criteria', 'relevance');
    criteria.append('criteria', 'impact');
    assert.equal((await evaluator.request('POST', `/evaluations/${id}/criteria`, criteria, { 'content-type': 'application/x-www-form-urlencoded' })).status, 303);
    assert.equal((await post(evaluator, `/evaluations/${id}/scope`, { activityIds: activityId })).status, 303);
    rejects(await post(evaluator, `/evaluations/${id}/scope`, { activityIds: '00000000-0000-4000-8000-000000000000' }), 'scopeActivityIds');
    rejects(await post(evaluator, `/evaluations/${id}/scope`, { activityIds: 'not-an-id' }), 'activityIds');
    assert.equal((await post(viewer, `/evaluations/${id}/limitations`, { limitations: 'no' })).status, 403);

    const { evaluation } = await dossier();
    assert.equal(evaluation.limitations, 'Low response rate');
    assert.deepEqual(evaluation.documents, [
      { label: 'Final report', url: 'https://example.org/report.pdf' },
      { label: 'Inception report', url: 'inception-report.docx' },
    ]);
    assert.deepEqual(evaluation.criteria, ['relevance', 'impact', 'Tripartism', 'value for money']);
    assert.deepEqual(evaluation.scopeActivityIds, [activityId]);
    const shown = await page(viewer, `/evaluations/${id}`);
    assert.match(shown.body, /A901 · Fair recruitment academy/);
    assert.match(shown.body, /<a href="https:\/\/example.org\/report.pdf">Final report<\/a>/);
    assert.match(shown.body, /Inception report \(<code>inception-report.docx<\/code>\)/, 'a file name is shown, not linked');
    assert.equal((await post(admin, `/evaluations/${id}/documents/1/delete`, {})).status, 303);
    assert.equal((await dossier()).evaluation.documents.length, 1);
    // Clearing the scope: the form always sends an empty value besides the selected options.
    assert.equal((await post(evaluator, `/evaluations/${id}/scope`, { activityIds: '' })).status, 303);
    assert.deepEqual((await dossier()).evaluation.scopeActivityIds, []);
  });

  it('edits the lists of criteria, levels and addressees that the forms offer', async () => {
    const read = await page(viewer, '/evaluations/lists');
    assert.equal(read.status, 200);
    assert.match(read.body, /Overarching/);
    assert.doesNotMatch(read.body, /name="values"/, 'viewers read the lists only');
    assert.equal((await post(viewer, '/evaluations/lists', { list: 'level', values: 'Strategic' })).status, 403);
    assert.equal((await post(evaluator, '/evaluations/lists', { list: 'level', values: 'Strategic\nOperational\n\nStrategic' })).status, 303);
    assert.equal((await post(evaluator, '/evaluations/lists', { list: 'addressee', values: 'The Centre\nMinistry of Labour' })).status, 303);
    rejects(await post(evaluator, '/evaluations/lists', { list: 'colours', values: 'red' }), 'list');
    const lists = await page(viewer, '/evaluations/lists');
    assert.match(lists.body, /<li>Strategic<\/li><li>Operational<\/li>/);
    const form = await page(evaluator, `/evaluations/${id}`);
    assert.match(form.body, /<option value="Strategic">Strategic<\/option>/);
    assert.match(form.body, /name="addressees" value="Ministry of Labour"/);
    // Recommendation with checked addressees, another one typed, and a level from the list.
    const body = new URLSearchParams({ _csrf: csrf, text: 'Plan follow-up with ministries', otherAddressees: 'Donors', level: 'Operational', priority: 'high' });
    body.append('addressees', 'The Centre');
    body.append('addressees', 'Ministry of Labour');
    assert.equal((await evaluator.request('POST', `/evaluations/${id}/recommendations`, body, { 'content-type': 'application/x-www-form-urlencoded' })).status, 303);
    const rec = (await dossier()).recommendations.at(-1)!;
    assert.deepEqual([rec.addressees, rec.level, rec.priority], [['The Centre', 'Ministry of Labour', 'Donors'], 'Operational', 'high']);
    // An emptied list goes back to the defaults.
    assert.equal((await post(evaluator, '/evaluations/lists', { list: 'level', values: '' })).status, 303);
    assert.match((await page(viewer, '/evaluations/lists')).body, /Overarching/);
  });

  it('records progress with a linked indicator, shown with its live result', async () => {
    const rec = (await evaluator.post<{ id: string }>(`/api/evaluations/${id}/recommendations`, { text: 'Track application of learning' })).body;
    await evaluator.request('PUT', `/api/recommendations/${rec.id}/response`, { decision: 'accepted', text: 'Agreed', date: '2024-01-10' });
    const action = (await evaluator.post<{ id: string }>(`/api/recommendations/${rec.id}/actions`, { description: 'Run the follow-up survey', responsibleUnit: 'PRODEV', dueDate: '2030-01-01' })).body;
    rejects(await post(evaluator, `/actions/${action.id}/updates`, { evaluationId: id, on: '2024-02-01', text: 'Survey sent', statusAfter: 'in_progress', indicatorKey: 'knowledge_application_rate', period: '' }), 'period');
    const ok = await post(evaluator, `/actions/${action.id}/updates`, {
      evaluationId: id,
      on: '2024-02-01',
      text: 'Survey sent',
      statusAfter: 'in_progress',
      indicatorKey: 'knowledge_application_rate',
      period: '2024',
      filters: 'activity=A901',
    });
    assert.equal(ok.status, 303);
    const update = (await dossier()).recommendations.find((r) => r.id === rec.id)!.actions[0]!.updates[0]!;
    assert.deepEqual(update.evidenceIndicator, { indicatorKey: 'knowledge_application_rate', period: '2024', filters: { activity: 'A901' } });
    assert.deepEqual(update.evidenceResult, { available: false, reason: 'No indicator knowledge_application_rate in this organisation' });
    assert.match((await page(viewer, `/evaluations/${id}`)).body, /Survey sent.*knowledge_application_rate<\/code> 2024 · activity=A901/s);
  });

  it('adds, edits, publishes and withdraws lessons; only administrators delete them', async () => {
    const added = await post(evaluator, `/evaluations/${id}/lessons`, {
      kind: 'good_practice',
      language: 'fr',
      title: 'Recrutement équitable dès la conception',
      text: 'Associer les agences de recrutement dès la conception du cours.',
      context: 'Philippines',
      replicationConditions: 'Partenaires engagés',
      themes: 'recrutement, migration',
      countries: 'Philippines',
      published: 'yes',
    });
    assert.equal(added.status, 303);
    rejects(await post(evaluator, `/evaluations/${id}/lessons`, { kind: 'good_practice', language: 'fr', title: '', text: 'x' }), 'title');
    rejects(await post(evaluator, `/evaluations/${id}/lessons`, { kind: 'anecdote', language: 'fr', title: 't', text: 'x' }), 'kind');
    const lesson = (await dossier()).lessons[0]!;
    assert.deepEqual([lesson.published, lesson.themes], [true, ['recrutement', 'migration']]);
    const anonymous = new TestClient(server.url);
    assert.match((await page(anonymous, '/public/lessons?q=recrutement')).body, /Recrutement équitable dès la conception/);

    assert.equal((await page(viewer, `/lessons/${lesson.id}/edit`)).status, 403);
    const edit = await page(evaluator, `/lessons/${lesson.id}/edit`);
    assert.equal(edit.status, 200);
    assert.match(edit.body, /value="Recrutement équitable dès la conception"/);
    const changed = await post(evaluator, `/lessons/${lesson.id}`, { kind: 'good_practice', language: 'fr', title: 'Recrutement équitable', text: lesson.text, themes: 'recrutement', countries: '', published: 'yes' });
    assert.equal(changed.status, 303);
    assert.equal((await post(evaluator, `/lessons/${lesson.id}/publish`, { published: 'no' })).status, 303);
    assert.doesNotMatch((await page(anonymous, '/public/lessons?q=recrutement')).body, /Recrutement équitable/);
    const staff = await page(evaluator, '/lessons?q=recrutement');
    assert.match(staff.body, /Recrutement équitable/);
    assert.match(staff.body, new RegExp(`action="/lessons/${lesson.id}/publish"`));
    rejects(await post(evaluator, `/lessons/${lesson.id}/publish`, { published: 'maybe' }), 'published');
    assert.equal((await post(viewer, `/lessons/${lesson.id}/publish`, { published: 'yes' })).status, 403);
    assert.equal((await post(evaluator, `/lessons/${lesson.id}/delete`, {})).status, 403);
    assert.equal((await post(admin, `/lessons/${lesson.id}/delete`, {})).status, 303);
    assert.equal((await dossier()).lessons.length, 0);
  });

  it('imports recommendations and actions through the upload form and shows the rejection report', async () => {
    const target = (await evaluator.post<{ id: string }>('/api/evaluations', { title: 'Upload target', mode: 'internal', kind: 'annual_training' })).body.id;
    assert.equal((await page(viewer, `/evaluations/${target}/import`)).status, 403);
    const form = await page(evaluator, `/evaluations/${target}/import`);
    assert.equal(form.status, 200);
    assert.match(form.body, /enctype="multipart\/form-data"/);
    assert.match(form.body, new RegExp(`/api/evaluations/${target}/actions/export\\?format=xlsx`));
    const token = csrfFromPage(form.body);
    const csv = ['number,text,level,addressees,priority,criteria,response,response_text,response_date', '1,Prepare an exit strategy,project,ILO; Partners,high,sustainability,accepted,Agreed,2012-04-10', '2,Share results,unit,Donors,low,,,,'].join('\n');
    const done = await evaluator.upload(`/evaluations/${target}/import`, formWith({ _csrf: token, what: 'recommendations' }, { field: 'file', name: 'recs.csv', content: csv, type: 'text/csv' }));
    assert.equal(done.status, 200, done.text.slice(0, 500));
    assert.match(done.text, /2 rows imported/);
    const bad = ['recommendation_number,description,responsible_unit,due_date,status,completed_on', '1,Draft,ROAP,31/05/2012,not_started,', '9,Other,ROAP,2012-05-31,not_started,'].join('\n');
    const rejected = await evaluator.upload(`/evaluations/${target}/import`, formWith({ _csrf: token, what: 'actions' }, { field: 'file', name: 'actions.csv', content: bad, type: 'text/csv' }));
    assert.equal(rejected.status, 422);
    assert.match(rejected.text, /actions.csv was not imported/);
    assert.match(rejected.text, /<code>due_date<\/code>/);
    const actions = (await viewer.get<EvaluationDossier>(`/api/evaluations/${target}`)).body.recommendations.flatMap((r) => r.actions);
    assert.equal(actions.length, 0, 'nothing written');
    const wrongKind = await evaluator.upload(`/evaluations/${target}/import`, formWith({ _csrf: token, what: 'actions' }, { field: 'file', name: 'notes.txt', content: 'hello' }));
    assert.equal(wrongKind.status, 415);
    const noChoice = await evaluator.upload(`/evaluations/${target}/import`, formWith({ _csrf: token, what: 'lessons' }, { field: 'file', name: 'recs.csv', content: csv }));
    rejects(noChoice, 'what');
    const byViewer = await viewer.upload(`/evaluations/${target}/import`, formWith({ _csrf: viewer.csrfToken!, what: 'recommendations' }, { field: 'file', name: 'recs.csv', content: csv }));
    assert.equal(byViewer.status, 403);
    const exported = await evaluator.get(`/api/evaluations/${target}/recommendations/export?format=csv`);
    assert.match(exported.text, /Prepare an exit strategy/);
  });

  it('imports a whole evaluation from an uploaded JSON document, or lists what is wrong', async () => {
    const form = await page(evaluator, '/evaluations/import');
    assert.equal(form.status, 200);
    assert.equal((await page(viewer, '/evaluations/import')).status, 403);
    const token = csrfFromPage(form.body);
    const document = (await evaluator.get<Record<string, unknown>>(`/api/evaluations/${id}/document`)).body;
    const created = await evaluator.upload('/evaluations/import', formWith({ _csrf: token }, { field: 'file', name: 'evaluation.json', content: JSON.stringify(document), type: 'application/json' }));
    assert.equal(created.status, 303, created.text.slice(0, 500));
    const newId = /\/evaluations\/([0-9a-f-]{36})/.exec(created.headers.get('location') ?? '')![1]!;
    assert.notEqual(newId, id);
    const copy = (await viewer.get<EvaluationDossier>(`/api/evaluations/${newId}`)).body;
    assert.equal(copy.evaluation.title, 'Labour migration academy evaluation');
    assert.deepEqual(copy.evaluation.criteria, (await dossier()).evaluation.criteria);

    const broken = { ...document, recommendations: [{ number: 0, text: '' }] };
    const rejected = await evaluator.upload('/evaluations/import', formWith({ _csrf: token }, { field: 'file', name: 'broken.json', content: JSON.stringify(broken) }));
    assert.equal(rejected.status, 422);
    assert.match(rejected.text, /<code>\/recommendations\/0\/number<\/code>/);
    const notJson = await evaluator.upload('/evaluations/import', formWith({ _csrf: token }, { field: 'file', name: 'broken.json', content: '{ nope' }));
    assert.equal(notJson.status, 422);
    assert.match(notJson.text, /not JSON/);
    const scoped = { ...document, evaluation: { ...(document.evaluation as object), scopeActivityIds: ['00000000-0000-4000-8000-000000000000'] } };
    const unknownScope = await evaluator.upload('/evaluations/import', formWith({ _csrf: token }, { field: 'file', name: 'scoped.json', content: JSON.stringify(scoped) }));
    assert.equal(unknownScope.status, 422);
    assert.match(unknownScope.text, /evaluation\/scopeActivityIds/);
    const count = (await viewer.get<unknown[]>('/api/evaluations')).body.length;
    assert.equal(count, 3, 'rejected documents wrote nothing');
  });

  it('filters the follow-up dashboard by unit, highlights overdue actions per unit and exports what is shown', async () => {
    const rec = (await evaluator.post<{ id: string }>(`/api/evaluations/${id}/recommendations`, { text: 'Close the loop with units' })).body;
    await evaluator.request('PUT', `/api/recommendations/${rec.id}/response`, { decision: 'accepted', text: 'Agreed', date: '2024-01-10' });
    for (const [description, unit] of [['Overdue in DELTA', 'DELTA'], ['Overdue in SPGT', 'SPGT']]) {
      await evaluator.post(`/api/recommendations/${rec.id}/actions`, { description, responsibleUnit: unit, dueDate: '2020-01-31' });
    }
    const all = await page(viewer, '/follow-up');
    assert.match(all.body, /<section aria-label="DELTA"><h3>DELTA<\/h3><ul><li class="overdue">/);
    assert.match(all.body, /Overdue in SPGT/);
    const filtered = await page(viewer, '/follow-up?unit=DELTA');
    assert.match(filtered.body, /Overdue in DELTA/);
    assert.doesNotMatch(filtered.body, /Overdue in SPGT/);
    const link = /href="(\/api\/follow-up\/overdue\/export\?[^"]*format=csv)"/.exec(filtered.body)![1]!.replaceAll('&amp;', '&');
    const csv = await viewer.get(link);
    assert.equal(csv.status, 200);
    assert.match(csv.text, /DELTA,.*Overdue in DELTA/);
    assert.doesNotMatch(csv.text, /SPGT/);
    const xlsxLink = /href="(\/api\/follow-up\/overdue\/export\?[^"]*format=xlsx)"/.exec(filtered.body)![1]!.replaceAll('&amp;', '&');
    const xlsx = await viewer.get(xlsxLink);
    assert.equal(xlsx.status, 200);
    assert.match(xlsx.headers.get('content-type') ?? '', /spreadsheetml/);
  });

  it('shows value, interval and n of an available indicator result, and the reason of an unavailable one', async () => {
    const source: IndicatorResultSource = {
      async resultFor(link) {
        return link.indicatorKey === 'completion_rate'
          ? { available: true, value: 0.72, ciLow: 0.65, ciHigh: 0.79, n: 164, label: 'Completion' }
          : { available: false, reason: `no answers for ${link.period}` };
      },
    };
    const html = await database.withOrg(orgId, async (tx) => {
      const evidence = [
        { indicatorKey: 'completion_rate', period: '2024', filters: {} },
        { indicatorKey: 'application_rate', period: '2025', filters: {} },
      ];
      await service.addFinding(tx, orgId, id, { criterion: 'effectiveness', text: 'Evidence shown live', evidence });
      const found = await service.getDossier(tx, id, { clock: () => new Date('2025-06-01'), indicators: source });
      return dossierPage({ t: translator('en'), lang: 'en', actor: undefined, csrfToken: '', url: '/' }, found, new Map());
    });
    assert.match(html, /completion_rate<\/code> 2024 → <span>Completion: 0.72 \[0.65–0.79\] \(n = 164\)<\/span>/);
    assert.match(html, /application_rate<\/code> 2025 → <span class="muted">not available \(no answers for 2025\)<\/span>/);
  });

  it('lets only administrators delete an evaluation from its page', async () => {
    const doomed = (await evaluator.post<{ id: string }>('/api/evaluations', { title: 'To delete', mode: 'internal', kind: 'thematic' })).body.id;
    assert.doesNotMatch((await page(evaluator, `/evaluations/${doomed}`)).body, /Delete this evaluation/);
    assert.match((await page(admin, `/evaluations/${doomed}`)).body, /Delete this evaluation/);
    assert.equal((await post(evaluator, `/evaluations/${doomed}/delete`, {})).status, 403);
    assert.equal((await post(admin, `/evaluations/${doomed}/delete`, {})).status, 303);
    assert.equal((await viewer.get(`/api/evaluations/${doomed}`)).status, 404);
  });
});
