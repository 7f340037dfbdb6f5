// The staff pages of instruments over real HTTP: build a draft of every question type with plain
// forms, reorder, translate, preview without storing, publish (and stay immutable), upload good
// and broken XLSForms, see responses; and who may do what.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as XLSX from 'xlsx';
import type { Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, csrfFromPage, startTestServer, TestClient, type TestServer } from '../testing/http.ts';
import type { InstrumentDefinition, Question } from './model.ts';
import { exportXlsForm } from './xlsform.ts';
import { endOfActivity } from './bank.ts';

type Detail = { id: string; key: string; draft: InstrumentDefinition | null; versions: Array<{ id: string; version: number }> };

describe('instrument staff pages', () => {
  let database: Database;
  let server: TestServer;
  let evaluator: TestClient;
  let viewer: TestClient;
  let trainer: TestClient;
  let id: string;
  let evaluatorEmail: string;

  before(async () => {
    database = await createTestDatabase();
    const org = await createTestOrg(database, 'instui');
    server = await startTestServer(database);
    evaluatorEmail = org.emails.evaluator;
    evaluator = await TestClient.signedIn(server.url, org.emails.evaluator);
    viewer = await TestClient.signedIn(server.url, org.emails.viewer);
    trainer = await TestClient.signedIn(server.url, org.emails.trainer);
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  const page = (client: TestClient, path: string) => client.get<string>(path, { accept: 'text/html' });
  /** Posts a form like a browser (repeated names allowed), with the page's CSRF token. */
  async function post(client: TestClient, path: string, fields: Array<[string, string]> | Record<string, string>, csrfFrom?: string) {
    const params = new URLSearchParams(Array.isArray(fields) ? fields : Object.entries(fields));
    if (csrfFrom) params.set('_csrf', csrfFromPage((await page(client, csrfFrom)).body));
    return client.request<string>('POST', path, params, { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
  }
  const detail = async () => (await evaluator.get<Detail>(`/api/instruments/${id}`)).body;
  const draftQuestions = async () => (await detail()).draft!.pages.flatMap((p) => p.questions);
  const keysByPage = async () => (await detail()).draft!.pages.map((p) => p.questions.map((q) => q.key));

  it('creates an instrument by hand, with refusals shown on the list page', async () => {
    const bad = await post(evaluator, '/instruments', { key: 'has space', purpose: 'other', 'title.en': '' }, '/instruments');
    assert.equal(bad.status, 422);
    assert.match(bad.body, /The key must be a name/);
    assert.match(bad.body, /Give the instrument a title/);
    const created = await post(evaluator, '/instruments', { key: 'pilot', purpose: 'end_of_activity', 'title.en': 'Pilot survey', 'title.fr': 'Enquête pilote' }, '/instruments');
    assert.equal(created.status, 303);
    const location = created.headers.get('location')!;
    assert.match(location, /^\/instruments\/[0-9a-f-]{36}\/draft$/);
    id = location.split('/')[2]!;
    const again = await post(evaluator, '/instruments', { key: 'pilot', purpose: 'other', 'title.en': 'Again' }, '/instruments');
    assert.equal(again.status, 409);
    assert.match(again.body, /exists already/);
    const draft = (await detail()).draft!;
    assert.deepEqual(draft.languages, ['en', 'fr']);
    assert.deepEqual(draft.title, { en: 'Pilot survey', fr: 'Enquête pilote' });
  });

  it('adds questions of every type through the editor, picks from the bank and adds a resource-person page', async () => {
    const add = (type: string, fields: Array<[string, string]>) => post(evaluator, `/instruments/${id}/draft/questions/new?type=${type}&page=page_1`, fields, `/instruments/${id}/draft/questions/new?type=${type}&page=page_1`);
    const editor = await page(evaluator, `/instruments/${id}/draft/questions/new?type=single_choice&page=page_1`);
    assert.equal(editor.status, 200);
    assert.match(editor.body, /aria-label="Question \(English\)"/);
    assert.match(editor.body, /aria-label="Question \(French\)"/);
    assert.match(editor.body, /aria-label="Question \(Spanish\)"/);

    const cases: Array<[string, Array<[string, string]>]> = [
      ['single_choice', [['key', 'sector'], ['label.en', 'Your sector'], ['label.fr', 'Votre secteur'], ['required', 'yes'],
        ['choice.0.code', 'public'], ['choice.0.label.en', 'Public'], ['choice.1.code', 'private'], ['choice.1.label.en', 'Private'], ['choice.2.code', ''], ['choice.2.label.en', '']]],
      ['multiple_choice', [['key', 'topics'], ['label.en', 'Topics'], ['choice.0.code', 'a'], ['choice.0.label.en', 'A'], ['choice.1.code', 'b'], ['choice.1.label.en', 'B'],
        ['constraint', 'count-selected(.) <= 1'], ['constraintMessage.en', 'One at most']]],
      ['scale', [['key', 'useful'], ['label.en', 'It was useful'], ...agreement()]],
      ['rating', [['key', 'stars'], ['label.en', 'Stars'], ['max', '10']]],
      ['integer', [['key', 'years'], ['label.en', 'Years in post'], ['min', '0'], ['max', '60'], ['relevant', "${sector} = 'public'"]]],
      ['decimal', [['key', 'share'], ['label.en', 'Share of time'], ['min', '0'], ['max', '1.5']]],
      ['date', [['key', 'since'], ['label.en', 'Since when'], ['hint.en', 'Day you started']]],
      ['text', [['key', 'story'], ['label.en', 'Tell us'], ['long', 'yes']]],
      ['note', [['key', 'intro'], ['label.en', 'Thank you for answering']]],
      ['knowledge', [['key', 'k1'], ['label.en', 'Which convention covers migrant workers?'], ['points', '2'],
        ['choice.0.code', 'c97'], ['choice.0.label.en', 'C97'], ['choice.0.correct', 'yes'], ['choice.1.code', 'c29'], ['choice.1.label.en', 'C29']]],
      ['matrix', [['key', 'grid'], ['label.en', 'Rate each'], ...agreement(), ['row.0.key', 'content'], ['row.0.label.en', 'Content'], ['row.1.key', 'pace'], ['row.1.label.en', 'Pace']]],
      ['calculate', [['key', 'total'], ['label.en', 'Total'], ['calculation', '${years} * 12']]],
    ];
    for (const [type, fields] of cases) {
      const response = await add(type, fields);
      assert.equal(response.status, 303, `${type}: ${response.text.slice(0, 2000)}`);
    }
    const questions = await draftQuestions();
    assert.deepEqual(questions.map((q) => q.type), cases.map(([type]) => type));
    const byKey = Object.fromEntries(questions.map((q) => [q.key, q])) as Record<string, Question>;
    assert.deepEqual(byKey.sector, { key: 'sector', type: 'single_choice', label: { en: 'Your sector', fr: 'Votre secteur' }, required: true, choices: [{ code: 'public', label: { en: 'Public' } }, { code: 'private', label: { en: 'Private' } }] });
    assert.deepEqual(byKey.k1, { key: 'k1', type: 'knowledge', label: { en: 'Which convention covers migrant workers?' }, multiple: false, points: 2, correct: ['c97'], choices: [{ code: 'c97', label: { en: 'C97' } }, { code: 'c29', label: { en: 'C29' } }] });
    assert.equal(byKey.years?.type === 'integer' && byKey.years.max, 60);
    assert.equal(byKey.years?.relevant, "${sector} = 'public'");
    assert.equal(byKey.stars?.type === 'rating' && byKey.stars.max, 10);
    assert.deepEqual(byKey.grid?.type === 'matrix' && byKey.grid.rows.map((r) => r.key), ['content', 'pace']);
    assert.deepEqual(byKey.topics?.constraintMessage, { en: 'One at most' });
    assert.equal(byKey.story?.type === 'text' && byKey.story.long, true);

    const pageAdded = await post(evaluator, `/instruments/${id}/draft/pages`, { key: 'trainers', kind: 'resource_person_repeat', 'label.en': 'Trainers' }, `/instruments/${id}/draft`);
    assert.equal(pageAdded.status, 303);
    const bank = await post(evaluator, `/instruments/${id}/draft/bank`, [['page', 'trainers'], ['bank', 'eoa_trainer_rating']], `/instruments/${id}/draft`);
    assert.equal(bank.status, 303);
    const bank2 = await post(evaluator, `/instruments/${id}/draft/bank`, [['page', 'page_1'], ['bank', 'eoa_relevance'], ['bank', 'eoa_overall']], `/instruments/${id}/draft`);
    assert.equal(bank2.status, 303);
    const draft = (await detail()).draft!;
    assert.equal(draft.pages[1]!.kind, 'resource_person_repeat');
    assert.deepEqual(draft.pages[1]!.questions.map((q) => q.key), ['eoa_trainer_rating']);
    assert.deepEqual((await keysByPage())[0]!.slice(-2), ['eoa_relevance', 'eoa_overall']);
    assert.deepEqual(draft.languages, ['en', 'fr', 'es'], 'bank questions bring their French and Spanish');
    const builder = await page(evaluator, `/instruments/${id}/draft`);
    assert.match(builder.body, /eoa_relevance<\/code> — .*already in this instrument/s);
  });

  it('refuses a bad expression or a broken choice list, showing the error next to the field and keeping what was typed', async () => {
    const path = `/instruments/${id}/draft/questions/years`;
    const before = await draftQuestions();
    const bad = await post(evaluator, path, [['key', 'years'], ['label.en', 'Years in post'], ['relevant', "pulldata('x', 1)"], ['constraint', '. >']], path);
    assert.equal(bad.status, 422);
    assert.match(bad.body, /id="err-relevant">relevant: unsupported function pulldata\(\)/);
    assert.match(bad.body, /id="err-constraint">constraint: [^<]+/);
    assert.match(bad.body, /value="pulldata\(&#39;x&#39;, 1\)"|value="pulldata\('x', 1\)"/);
    const unknown = await post(evaluator, path, [['key', 'years'], ['label.en', 'Years'], ['relevant', '${nobody} = 1']], path);
    assert.equal(unknown.status, 422);
    assert.match(unknown.body, /names no question/);
    const choices = await post(evaluator, `/instruments/${id}/draft/questions/sector`, [['key', 'sector'], ['label.en', 'Sector'], ['choice.0.code', 'same'], ['choice.0.label.en', 'One'], ['choice.1.code', 'same'], ['choice.1.label.en', 'Two']], `/instruments/${id}/draft/questions/sector`);
    assert.equal(choices.status, 422);
    assert.match(choices.body, /id="err-choices">choice code &quot;same&quot; is used twice|id="err-choices">choice code "same" is used twice/);
    const noCorrect = await post(evaluator, `/instruments/${id}/draft/questions/k1`, [['key', 'k1'], ['label.en', 'Q'], ['choice.0.code', 'a'], ['choice.0.label.en', 'A']], `/instruments/${id}/draft/questions/k1`);
    assert.equal(noCorrect.status, 422);
    assert.match(noCorrect.body, /id="err-correct">no correct answer/);
    const rename = await post(evaluator, path, [['key', 'sector'], ['label.en', 'Years']], path);
    assert.equal(rename.status, 422);
    assert.match(rename.body, /the key is used twice/);
    const removeUsed = await post(evaluator, `/instruments/${id}/draft/remove`, { key: 'sector' }, `/instruments/${id}/draft`);
    assert.equal(removeUsed.status, 422, 'removing a question that a relevance names is refused');
    assert.match(removeUsed.body, /\$\{sector\} names no question/);
    assert.deepEqual(await draftQuestions(), before, 'nothing was saved');
  });

  it('reorders questions and pages with plain buttons, across page boundaries', async () => {
    const move = (key: string, direction: string) => post(evaluator, `/instruments/${id}/draft/move`, { key, direction }, `/instruments/${id}/draft`);
    assert.equal((await move('topics', 'up')).status, 303);
    assert.deepEqual((await keysByPage())[0]!.slice(0, 3), ['topics', 'sector', 'useful']);
    assert.equal((await move('topics', 'down')).status, 303);
    assert.deepEqual((await keysByPage())[0]!.slice(0, 3), ['sector', 'topics', 'useful']);
    assert.equal((await move('eoa_overall', 'down')).status, 303, 'the last question of a page moves to the next page');
    assert.deepEqual((await keysByPage())[1], ['eoa_overall', 'eoa_trainer_rating']);
    assert.equal((await move('eoa_overall', 'up')).status, 303);
    assert.deepEqual((await keysByPage())[1], ['eoa_trainer_rating']);
    assert.equal((await keysByPage())[0]!.at(-1), 'eoa_overall');
    const pageMove = await post(evaluator, `/instruments/${id}/draft/pages/move`, { page: 'trainers', direction: 'up' }, `/instruments/${id}/draft`);
    assert.equal(pageMove.status, 303);
    assert.deepEqual((await detail()).draft!.pages.map((p) => p.key), ['trainers', 'page_1']);
    await post(evaluator, `/instruments/${id}/draft/pages/move`, { page: 'trainers', direction: 'down' }, `/instruments/${id}/draft`);
    assert.deepEqual((await detail()).draft!.pages.map((p) => p.key), ['page_1', 'trainers']);
  });

  it('translates labels, hints and choices side by side, flagging what is missing', async () => {
    const before = await page(evaluator, `/instruments/${id}/draft/translate`);
    assert.equal(before.status, 200);
    const missing = Number(/(\d+) text\(s\) lack a translation/.exec(before.body)?.[1]);
    assert.ok(missing > 10, `${missing} missing`);
    const sectorRow = /<tr data-path="pages\.0\.questions\.0\.label">.*?<\/tr>/s.exec(before.body)![0];
    assert.match(sectorRow, /Votre secteur/);
    assert.equal((sectorRow.match(/>missing</g) ?? []).length, 1, 'only Spanish is missing for the sector label');
    const saved = await post(
      evaluator,
      `/instruments/${id}/draft/translate`,
      { 't.pages.0.questions.0.label.es': 'Su sector', 't.pages.0.questions.0.choices.0.fr': 'Public', 't.pages.0.questions.0.choices.0.es': 'Público', 't.title.es': 'Encuesta piloto' },
      `/instruments/${id}/draft/translate`,
    );
    assert.equal(saved.status, 303);
    const sector = (await draftQuestions()).find((q) => q.key === 'sector')!;
    assert.deepEqual(sector.label, { en: 'Your sector', fr: 'Votre secteur', es: 'Su sector' });
    assert.deepEqual(sector.type === 'single_choice' && sector.choices[0]!.label, { en: 'Public', fr: 'Public', es: 'Público' });
    const after = await page(evaluator, `/instruments/${id}/draft/translate?saved=1`);
    assert.match(after.body, /Translations saved/);
    assert.equal(Number(/(\d+) text\(s\) lack a translation/.exec(after.body)?.[1]), missing - 3);
    const frenchPage = await page(trainer, `/instruments/${id}/draft/translate?lang=fr`); // (switches that client’s interface language)
    assert.match(frenchPage.body, /texte\(s\) sans traduction/);
    const viewerPage = await page(viewer, `/instruments/${id}/draft/translate`);
    assert.equal(viewerPage.status, 200);
    assert.doesNotMatch(viewerPage.body, /Save the translations/);
    assert.equal((await post(viewer, `/instruments/${id}/draft/translate`, { 't.title.es': 'x' })).status, 403);
  });

  it('previews the draft as a respondent sees it, checks answers, and stores nothing', async () => {
    const first = await page(evaluator, `/instruments/${id}/preview?form_lang=fr`);
    assert.equal(first.status, 200);
    assert.match(first.body, /id="respondent-form"/);
    assert.match(first.body, /Votre secteur/);
    assert.match(first.body, /nothing is stored|jamais enregistrées/);
    const csrf = csrfFromPage(first.body);
    const state = /name="_state" value="([^"]*)"/.exec(first.body)![1]!.replace(/&quot;/g, '"');
    const missingRequired = await post(evaluator, `/instruments/${id}/preview?form_lang=fr`, { _csrf: csrf, _page: '0', _action: 'next', _state: state, 'q.years': 'abc' });
    assert.equal(missingRequired.status, 422);
    assert.match(missingRequired.body, /id="summary"/);
    const next = await post(evaluator, `/instruments/${id}/preview?form_lang=en`, [
      ['_csrf', csrf], ['_page', '0'], ['_action', 'next'], ['_state', state], ['q.sector', 'public'], ['q.years', '4'], ['q.eoa_relevance', 'agree'], ['q.eoa_overall', '5'],
      ['q.k1', 'c97'], ['q.grid/content', 'agree'],
    ]);
    assert.equal(next.status, 200, next.text.slice(0, 3000));
    assert.match(next.body, /Sample resource person 1/, 'the repeat page shows sample resource persons');
    const nextState = /name="_state" value="([^"]*)"/.exec(next.body)![1]!.replace(/&quot;/g, '"');
    assert.equal(JSON.parse(nextState).answers.total, 48, 'calculations run as for a respondent');
    const done = await post(evaluator, `/instruments/${id}/preview?form_lang=en`, [['_csrf', csrf], ['_page', '1'], ['_action', 'submit'], ['_state', nextState], ['r.trainers.00000000-0000-4000-8000-000000000001.eoa_trainer_rating', '4']]);
    assert.equal(done.status, 200, done.text.slice(0, 2000));
    assert.match(done.body, /End of the preview/);
    assert.match(done.body, /Public \(public\)/);
    assert.match(done.body, /Sample resource person 1 · How would you rate this resource person/);
    const responses = await evaluator.get<unknown[]>(`/api/instruments/${id}/responses`);
    assert.deepEqual(responses.body, [], 'a preview stores no response');
  });

  it('publishes a version that never changes; editing afterwards starts the next draft', async () => {
    const overview = await page(evaluator, `/instruments/${id}`);
    assert.match(overview.body, /will become version 1/);
    const published = await post(evaluator, `/instruments/${id}/publish`, {}, `/instruments/${id}`);
    assert.equal(published.status, 303);
    assert.equal(published.headers.get('location'), `/instruments/${id}?published=1`);
    assert.match((await page(evaluator, `/instruments/${id}?published=1`)).body, /Version 1 is published/);
    const v1 = (await detail()).versions[0]!;
    const v1Definition = (await evaluator.get<{ definition: InstrumentDefinition }>(`/api/instrument-versions/${v1.id}`)).body.definition;
    assert.equal((await detail()).draft, null);

    const builder = await page(evaluator, `/instruments/${id}/draft`);
    assert.match(builder.body, /copy of version 1, which stays as it is/);
    const edited = await post(evaluator, `/instruments/${id}/draft/questions/sector`, [['key', 'sector'], ['label.en', 'Your sector of work'], ['choice.0.code', 'public'], ['choice.0.label.en', 'Public'], ['choice.1.code', 'private'], ['choice.1.label.en', 'Private']], `/instruments/${id}/draft/questions/sector`);
    assert.equal(edited.status, 303);
    const after = (await evaluator.get<{ definition: InstrumentDefinition }>(`/api/instrument-versions/${v1.id}`)).body.definition;
    assert.deepEqual(after, v1Definition, 'version 1 is unchanged');
    assert.equal((await detail()).draft!.pages[0]!.questions.find((q) => q.key === 'sector')!.label.en, 'Your sector of work');
    const preview = await page(evaluator, `/instruments/${id}/preview?version=${v1.id}`);
    assert.match(preview.body, /Your sector</);
    assert.match(preview.body, /Preview of v1/);
    const second = await post(evaluator, `/instruments/${id}/publish`, {}, `/instruments/${id}`);
    assert.equal(second.headers.get('location'), `/instruments/${id}?published=2`);
    const nothing = await post(evaluator, `/instruments/${id}/publish`, {}, `/instruments/${id}`);
    assert.equal(nothing.status, 409);
    assert.match(nothing.body, /Nothing to publish/);
    const xlsform = await evaluator.get(`/instruments/${id}/xlsform?versionId=${v1.id}`);
    assert.equal(xlsform.status, 200);
    assert.match(xlsform.headers.get('content-disposition') ?? '', /pilot-v1\.xlsx/);
    assert.ok(xlsform.text.startsWith('PK'), 'an .xlsx (zip) file');
    const draftFile = await viewer.get(`/instruments/${id}/xlsform?draft=1`);
    assert.equal(draftFile.status, 200);
    assert.match(draftFile.headers.get('content-disposition') ?? '', /pilot-draft\.xlsx/);
  });

  it('imports an uploaded XLSForm and shows refusals by sheet, row and function', async () => {
    const form = (bytes: Buffer, name: string, fields: Record<string, string> = {}) => {
      const data = new FormData();
      data.set('file', new Blob([new Uint8Array(bytes)]), name);
      for (const [k, v] of Object.entries(fields)) data.set(k, v);
      return data;
    };
    const good = exportXlsForm('eoa_import', 'end_of_activity', endOfActivity);
    const imported = await evaluator.upload('/instruments/import', form(good, 'eoa.xlsx', { key: 'eoa_uploaded', purpose: '' }));
    assert.equal(imported.status, 201, imported.text.slice(0, 2000));
    assert.match(imported.body, /eoa_uploaded/);
    const list = await evaluator.get<Array<{ key: string; purpose: string }>>('/api/instruments');
    assert.deepEqual(list.body.find((i) => i.key === 'eoa_uploaded')?.purpose, 'end_of_activity');

    const broken = workbook({
      survey: [['type', 'name', 'label', 'relevant'], ['text', 'a', 'A', ''], ['text', 'a', 'Again', ''], ['geopoint', 'where', 'Where', ''], ['integer', 'n', 'N', "pulldata('f', 1)"]],
      choices: [['list_name', 'name', 'label']],
    });
    const refused = await evaluator.upload('/instruments/import', form(broken, 'broken.xlsx'));
    assert.equal(refused.status, 422);
    assert.match(refused.body, /survey sheet, row 3 \(a\)[^<]*/);
    assert.match(refused.body, /survey sheet, row 4 \(where\): type &quot;geopoint&quot; is not supported|survey sheet, row 4 \(where\): type "geopoint" is not supported/);
    assert.match(refused.body, /row 5 \(n\), column relevant: unsupported function pulldata\(\)/);
    const noSurvey = await evaluator.upload('/instruments/import', form(workbook({ choices: [['list_name', 'name', 'label']] }), 'nosurvey.xlsx'));
    assert.equal(noSurvey.status, 422);
    assert.match(noSurvey.body, /the workbook has no &quot;survey&quot; sheet|the workbook has no "survey" sheet/);
    const wrongKind = await evaluator.upload('/instruments/import', form(Buffer.from('a,b'), 'form.csv'));
    assert.equal(wrongKind.status, 415);
    assert.match(wrongKind.body, /form\.csv: this kind of file is not accepted here/);
    const viewerUpload = await viewer.upload('/instruments/import', form(good, 'eoa.xlsx', { key: 'nope' }));
    assert.equal(viewerUpload.status, 403);
  });

  it('shows responses per instrument: counts by version and status, a page of the list, one response by label, CSV', async () => {
    const link = await evaluator.post<{ url: string }>(`/api/instruments/${id}/links`, {});
    const anonymous = new TestClient(server.url);
    const submit = (sid: string, final: boolean, answers: Record<string, unknown>) => anonymous.post(`${link.body.url}/submissions`, { clientSubmissionId: sid, final, answers });
    assert.equal((await submit('resp-00001', true, { sector: 'private', eoa_relevance: 'agree', eoa_overall: 4, k1: 'c97', 'grid/content': 'agree', 'grid/pace': 'disagree' })).status, 200);
    assert.equal((await submit('resp-00002', true, { sector: 'public', years: 3, eoa_relevance: 'disagree', eoa_overall: 2, k1: 'c29' })).status, 200);
    assert.equal((await submit('resp-00003', false, { sector: 'public' })).status, 200);

    const list = await page(viewer, `/instruments/${id}/responses`);
    assert.equal(list.status, 200);
    assert.match(list.body, /<tr data-version="2"><th scope="row">v2<\/th><td class="num">1<\/td><td class="num">2<\/td><\/tr>/);
    assert.match(list.body, /<tr data-version="1"><th scope="row">v1<\/th><td class="num">0<\/td><td class="num">0<\/td><\/tr>/);
    assert.match(list.body, /Responses 1–3 of 3/);
    const partial = await page(viewer, `/instruments/${id}/responses?status=partial`);
    assert.match(partial.body, /Responses 1–1 of 1/);
    const responseIds = [...list.body.matchAll(/\/responses\/([0-9a-f-]{36})"/g)].map((m) => m[1]!);
    assert.equal(responseIds.length, 3);
    const shown = await Promise.all(responseIds.map((r) => page(viewer, `/instruments/${id}/responses/${r}`)));
    const first = shown.find((s) => s.body.includes('Private (private)'))!;
    assert.match(first.body, /<th scope="row">Your sector of work<\/th><td>Private \(private\)<\/td>/);
    assert.match(first.body, /Rate each: Pace<\/th><td>Disagree \(disagree\)<\/td>/);
    assert.match(first.body, /2 \/ 2/, 'the knowledge score');

    const csv = await viewer.get(`/instruments/${id}/responses.csv`);
    assert.equal(csv.status, 200);
    assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
    const lines = csv.text.replace(/^\uFEFF/, '').trim().split(/\r\n/);
    assert.equal(lines.length, 4);
    const header = lines[0]!.split(',');
    assert.deepEqual(header.slice(0, 4), ['response_id', 'version', 'status', 'lang']);
    const sectorColumn = header.indexOf('sector');
    assert.deepEqual(lines.slice(1).map((l) => l.split(',')[sectorColumn]).sort(), ['private', 'public', 'public']);
    assert.ok(header.includes('grid/pace'));

    assert.equal((await page(trainer, `/instruments/${id}/responses`)).status, 403, 'trainers do not see responses');
  });

  it('guards every page: viewers read without edit forms, anonymous visitors sign in, CSRF is required', async () => {
    const list = await page(viewer, '/instruments');
    assert.equal(list.status, 200);
    assert.doesNotMatch(list.body, /New instrument/);
    const builder = await page(viewer, `/instruments/${id}/draft`);
    assert.equal(builder.status, 200);
    assert.doesNotMatch(builder.body, /Add a question/);
    assert.equal((await page(viewer, `/instruments/${id}/draft/questions/sector`)).status, 403);
    for (const [path, fields] of [
      [`/instruments/${id}/publish`, {}],
      [`/instruments/${id}/draft/move`, { key: 'sector', direction: 'down' }],
      ['/instruments', { key: 'x', purpose: 'other', 'title.en': 'X' }],
      ['/instruments/standard', { standard: 'follow_up' }],
    ] as const) {
      assert.equal((await post(viewer, path, fields)).status, 403, path);
    }
    const anonymous = await page(new TestClient(server.url), '/instruments');
    assert.equal(anonymous.status, 303);
    assert.match(anonymous.headers.get('location') ?? '', /^\/login/);
    const noToken = await TestClient.signedIn(server.url, evaluatorEmail);
    noToken.csrfToken = undefined;
    const forged = await noToken.request<string>('POST', `/instruments/${id}/draft/move`, new URLSearchParams({ key: 'sector', direction: 'down' }), { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
    assert.equal(forged.status, 403);
  });

  it('filters the list by purpose and status and creates from a standard instrument', async () => {
    const standard = await post(evaluator, '/instruments/standard', { standard: 'follow_up', key: 'fu_2026' }, '/instruments');
    assert.equal(standard.status, 303);
    const followUps = await page(evaluator, '/instruments?purpose=follow_up');
    assert.match(followUps.body, />fu_2026</);
    assert.doesNotMatch(followUps.body, />pilot</);
    const published = await page(evaluator, '/instruments?status=published');
    assert.match(published.body, />pilot</);
    assert.doesNotMatch(published.body, />fu_2026</);
    const drafts = await page(evaluator, '/instruments?status=draft');
    assert.match(drafts.body, />fu_2026</);
  });

  it('edits a page (relevance checked by the parser) and previews a form whose every page is hidden', async () => {
    const created = await post(evaluator, '/instruments', { key: 'hidden', purpose: 'other', 'title.en': 'Hidden' }, '/instruments');
    const hiddenId = created.headers.get('location')!.split('/')[2]!;
    const path = `/instruments/${hiddenId}/draft/pages/page_1`;
    const bad = await post(evaluator, path, { key: 'page_1', kind: 'group', 'label.en': 'Only page', relevant: 'now(' }, path);
    assert.equal(bad.status, 422);
    assert.match(bad.body, /id="err-relevant">relevant: [^<]+/);
    const saved = await post(evaluator, path, { key: 'page_1', kind: 'group', 'label.en': 'Only page', relevant: '1 = 2' }, path);
    assert.equal(saved.status, 303);
    const preview = await page(evaluator, `/instruments/${hiddenId}/preview`);
    assert.equal(preview.status, 200);
    assert.match(preview.body, /End of the preview/);
  });
});

function agreement(): Array<[string, string]> {
  return ['strongly_disagree', 'disagree', 'neutral', 'agree', 'strongly_agree'].flatMap((code, i): Array<[string, string]> => [
    [`choice.${i}.code`, code],
    [`choice.${i}.label.en`, code.replace('_', ' ').replace(/^./, (c) => c.toUpperCase())],
  ]);
}

function workbook(sheets: Record<string, unknown[][]>): Buffer {
  const book = XLSX.utils.book_new();
  for (const [name, rows] of Object.entries(sheets)) XLSX.utils.book_append_sheet(book, XLSX.utils.aoa_to_sheet(rows), name);
  return XLSX.write(book, { type: 'buffer', bookType: 'xlsx' }) as Buffer;
}
