// Import/export over HTTP: CSV and XLSX round trips, bad rows named by file/row/column with
// nothing written, formula neutralisation, and the whole evaluation as JSON.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, startTestServer, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';
import type { EvaluationDossier } from './service.ts';
import { decodeTable } from './transfer.ts';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('evaluation import and export', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;
  let evaluator: TestClient;
  let viewer: TestClient;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'transfer');
    server = await startTestServer(database);
    evaluator = await TestClient.signedIn(server.url, org.emails.evaluator);
    viewer = await TestClient.signedIn(server.url, org.emails.viewer);
    bearer = (await evaluator.post<{ token: string }>('/api/tokens', { name: 'uploads' })).body.token;
  });
  after(async () => {
    await server.close();
    await database.close();
  });

  const newEvaluation = async (title: string) =>
    (await evaluator.post<{ id: string }>('/api/evaluations', { title, mode: 'internal', kind: 'annual_training' })).body.id;

  // Raw file uploads authenticate with an API token (no cookie, no CSRF token needed).
  let bearer: string;
  const auth = () => ({ authorization: `Bearer ${bearer}` });
  async function upload(path: string, content: Buffer | string, type: string) {
    const response = await fetch(server.url + path, { method: 'POST', headers: { 'content-type': type, ...auth() }, body: typeof content === "string" ? content : new Uint8Array(content) });
    return { status: response.status, body: (await response.json()) as { imported?: number; errors?: Array<{ field: string; message: string }> } };
  }

  const recommendationsCsv = [
    'number,text,level,addressees,priority,criteria,response,response_text,response_date',
    '1,"Prepare an exit strategy, with partners",project,ILO; Project partners,high,sustainability,accepted,Agreed,2012-04-10',
    '2,"=HYPERLINK(""http://evil"")",unit,National authorities,low,,partially_accepted,In part,2012-04-11',
    '3,Include returnees in the Justice for all project,project,European Union,medium,,not_accepted,Out of scope,2012-04-12',
  ].join('\n');

  it('imports recommendations and actions from CSV and exports them back identically, formulas neutralised', async () => {
    const id = await newEvaluation('CSV round trip');
    const recs = await upload(`/api/evaluations/${id}/recommendations/import`, recommendationsCsv, 'text/csv');
    assert.equal(recs.status, 200, JSON.stringify(recs.body));
    assert.equal(recs.body.imported, 3);
    const actionsCsv = ['recommendation_number,description,responsible_unit,due_date,status,completed_on', '1,Draft the strategy,ROAP,2012-05-31,completed,2012-05-20', '2,-Map partners,DOE,2012-06-30,in_progress,'].join('\n');
    const acts = await upload(`/api/evaluations/${id}/actions/import`, actionsCsv, 'text/csv');
    assert.equal(acts.status, 200, JSON.stringify(acts.body));

    const exported = await viewer.get(`/api/evaluations/${id}/recommendations/export?format=csv`);
    assert.equal(exported.status, 200);
    assert.match(exported.text, /'=HYPERLINK/, 'a formula is exported as text');
    const reread = await decodeTable('csv', Buffer.from(exported.text), 'x.csv');
    assert.equal(reread[1]!.text, '=HYPERLINK("http://evil")', 'and read back as the original text');
    assert.equal(reread[0]!.addressees, 'ILO; Project partners');

    const second = await newEvaluation('CSV round trip, second');
    const again = await upload(`/api/evaluations/${second}/recommendations/import`, Buffer.from(exported.text), 'text/csv');
    assert.equal(again.status, 200);
    const actionsExport = await viewer.get(`/api/evaluations/${id}/actions/export?format=csv`);
    assert.equal((await upload(`/api/evaluations/${second}/actions/import`, Buffer.from(actionsExport.text), 'text/csv')).status, 200);
    const [a, b] = await Promise.all([id, second].map(async (e) => (await viewer.get<EvaluationDossier>(`/api/evaluations/${e}`)).body));
    const shape = (d: EvaluationDossier) =>
      d.recommendations.map((r) => ({ ...r, id: '', evaluationId: '', actions: r.actions.map((x) => ({ ...x, id: '', recommendationId: '', createdAt: '' })) }));
    assert.deepEqual(shape(b!), shape(a!));
    assert.equal(a!.recommendations[1]!.actions[0]!.description, '-Map partners');
  });

  it('round-trips through XLSX', async () => {
    const id = await newEvaluation('XLSX source');
    await upload(`/api/evaluations/${id}/recommendations/import`, recommendationsCsv, 'text/csv');
    const response = await fetch(`${server.url}/api/evaluations/${id}/recommendations/export?format=xlsx`, { headers: auth() });
    assert.equal(response.headers.get('content-type'), XLSX);
    const workbook = Buffer.from(await response.arrayBuffer());
    const target = await newEvaluation('XLSX target');
    const imported = await upload(`/api/evaluations/${target}/recommendations/import`, workbook, XLSX);
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    const dossier = (await viewer.get<EvaluationDossier>(`/api/evaluations/${target}`)).body;
    assert.deepEqual(
      dossier.recommendations.map((r) => [r.number, r.text, r.addressees, r.responseDecision, r.responseDate]),
      [
        [1, 'Prepare an exit strategy, with partners', ['ILO', 'Project partners'], 'accepted', '2012-04-10'],
        [2, '=HYPERLINK("http://evil")', ['National authorities'], 'partially_accepted', '2012-04-11'],
        [3, 'Include returnees in the Justice for all project', ['European Union'], 'not_accepted', '2012-04-12'],
      ],
    );
  });

  it('rejects a file with bad rows, naming file, row, column and expectation, and writes nothing', async () => {
    const id = await newEvaluation('Bad rows');
    const bad = [
      'number,text,level,addressees,priority,criteria,response,response_text,response_date',
      '1,Fine row,project,ILO,high,,accepted,ok,2012-04-10',
      'x,,project,ILO,urgent,,accepted,ok,10/04/2012',
    ].join('\n');
    const rejected = await upload(`/api/evaluations/${id}/recommendations/import`, bad, 'text/csv');
    assert.equal(rejected.status, 422);
    assert.deepEqual(
      rejected.body.errors!.map((e) => e.field),
      ['recommendations.csv/row 3/number', 'recommendations.csv/row 3/text', 'recommendations.csv/row 3/priority', 'recommendations.csv/row 3/response_date'],
    );
    assert.match(rejected.body.errors![3]!.message, /YYYY-MM-DD/);
    assert.equal((await viewer.get<EvaluationDossier>(`/api/evaluations/${id}`)).body.recommendations.length, 0, 'the good row was not written either');

    await upload(`/api/evaluations/${id}/recommendations/import`, recommendationsCsv, 'text/csv');
    const actions = ['recommendation_number,description,responsible_unit,due_date,status,completed_on', '1,Fine,ROAP,2012-05-31,,', '3,On a refused one,EU,2012-05-31,,', '9,Unknown,EU,2012-05-31,,'].join('\n');
    const refused = await upload(`/api/evaluations/${id}/actions/import`, actions, 'text/csv');
    assert.equal(refused.status, 422);
    assert.deepEqual(refused.body.errors!.map((e) => e.field), ['actions.csv/row 3/recommendation_number', 'actions.csv/row 4/recommendation_number']);
    const dossier = (await viewer.get<EvaluationDossier>(`/api/evaluations/${id}`)).body;
    assert.equal(dossier.recommendations.flatMap((r) => r.actions).length, 0);
    assert.equal((await upload(`/api/evaluations/${id}/actions/import`, Buffer.from('not a workbook'), XLSX)).status, 422);
  });

  it('exports a whole evaluation as JSON and imports it as a new one', async () => {
    const id = await newEvaluation('JSON source');
    await evaluator.request('PATCH', `/api/evaluations/${id}`, { countries: ['Thailand'], questions: [{ criterion: 'relevance', question: 'Q?', subQuestions: [], methods: ['survey'], dataSources: [] }] });
    await upload(`/api/evaluations/${id}/recommendations/import`, recommendationsCsv, 'text/csv');
    await upload(`/api/evaluations/${id}/actions/import`, 'recommendation_number,description,responsible_unit,due_date,status,completed_on\n1,Draft,ROAP,2012-05-31,completed,2012-05-20\n', 'text/csv');
    await evaluator.post('/api/lessons', { kind: 'good_practice', evaluationId: id, title: 'LoU', text: 'Letter of Understanding signed', published: true });
    const document = await viewer.get<Record<string, unknown>>(`/api/evaluations/${id}/document`);
    assert.equal(document.status, 200);
    const imported = await evaluator.post<{ id: string }>('/api/evaluations/import', document.body);
    assert.equal(imported.status, 201, imported.text);
    const copy = await viewer.get<Record<string, unknown>>(`/api/evaluations/${imported.body.id}/document`);
    assert.deepEqual(copy.body, document.body);
    const broken = structuredClone(document.body) as { recommendations: Array<{ number: number; actions: Array<{ completedOn: string | null }> }> };
    broken.recommendations[1]!.number = 1;
    broken.recommendations[0]!.actions[0]!.completedOn = null;
    const rejected = await evaluator.post<{ errors: Array<{ field: string }> }>('/api/evaluations/import', broken);
    assert.equal(rejected.status, 422);
    assert.deepEqual(rejected.body.errors.map((e) => e.field), ['body/recommendations/0/actions/0/completedOn', 'body/recommendations/1/number']);
  });
});
