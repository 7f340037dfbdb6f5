import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { addMember } from '../accounts/service.ts';
import { rows, type Database } from '../db/database.ts';
import { readTable } from '../imports/table.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, csrfFromPage, startTestServer, TEST_PASSWORD, TestClient, type TestOrg, type TestServer } from '../testing/http.ts';
import { buildEvidenceFixture, fixtureNames, type EvidenceFixture } from './fixture.ts';
import { evidenceDemoStep } from './demo.ts';
import type { CodeCounts, EvidenceText, TrainerRatings } from './service.ts';

interface TextsPage {
  total: number;
  texts: EvidenceText[];
}

describe('qualitative evidence and trainer ratings', () => {
  let database: Database;
  let server: TestServer;
  let org: TestOrg;
  let fixture: EvidenceFixture;
  let admin: TestClient;
  let evaluator: TestClient;
  let viewer: TestClient;
  let trainer: TestClient;
  let trainer2: TestClient;
  let unlinkedTrainer: TestClient;
  const userIds: Record<string, string> = {};

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'evidence');
    for (const email of ['trainer2@evidence.test', 'trainer3@evidence.test']) {
      await addMember(database.system, org.id, { email, role: 'trainer', password: TEST_PASSWORD });
    }
    for (const row of await rows<{ id: string; email: string }>(database.system, sql`select id, email from users`)) userIds[row.email] = row.id;
    const actor = { userId: userIds[org.emails.administrator]!, orgId: org.id, role: 'administrator' as const, displayName: 'admin', email: org.emails.administrator };
    fixture = await database.withOrg(org.id, (tx) => buildEvidenceFixture(tx, actor));
    server = await startTestServer(database);
    admin = await TestClient.signedIn(server.url, org.emails.administrator);
    evaluator = await TestClient.signedIn(server.url, org.emails.evaluator);
    viewer = await TestClient.signedIn(server.url, org.emails.viewer);
    trainer = await TestClient.signedIn(server.url, org.emails.trainer);
    trainer2 = await TestClient.signedIn(server.url, 'trainer2@evidence.test');
    unlinkedTrainer = await TestClient.signedIn(server.url, 'trainer3@evidence.test');
    for (const [email, person] of [[org.emails.trainer, fixture.resourcePersons.r1], ['trainer2@evidence.test', fixture.resourcePersons.r2]] as const) {
      const linked = await admin.request('PUT', `/api/trainer-links/${userIds[email]}`, { participantId: person });
      assert.equal(linked.status, 204, linked.text);
    }
  });
  after(async () => {
    await server?.close();
    await database?.close();
  });

  const idsOf = (page: TextsPage) => page.texts.map((text) => text.id).sort();
  const textIds = (...labels: string[]) => labels.map((label) => fixture.texts[label]!).sort();

  async function search(query: string): Promise<TextsPage> {
    const response = await viewer.get<TextsPage>(`/api/evidence/texts${query}`);
    assert.equal(response.status, 200, response.text);
    return response.body;
  }

  it('finds application examples and comments by words in English, French or Spanish and by every filter', async () => {
    assert.equal((await search('')).total, 7);
    assert.deepEqual(idsOf(await search('?q=law')), textIds('law', 'domestic'));
    assert.deepEqual(idsOf(await search('?q=laws')), textIds('law', 'domestic'), 'stemmed');
    assert.deepEqual(idsOf(await search('?q=coordination')), textIds('coordination'));
    assert.deepEqual(idsOf(await search('?q=politica')), textIds('politica'), 'accents ignored');
    assert.deepEqual(idsOf(await search('?q=recruitment')), textIds('law', 'dialogue'));
    assert.deepEqual(idsOf(await search('?year=2023')), textIds('dialogue', 'domestic', 'group'));
    assert.deepEqual(idsOf(await search('?question=eoa_comments')), textIds('practical', 'group'));
    // End-of-activity questionnaires are anonymous: their comments have no participant, hence no gender or region.
    assert.deepEqual(idsOf(await search('?gender=woman')), textIds('law', 'politica', 'dialogue'));
    assert.deepEqual(idsOf(await search('?region=americas')), textIds('domestic'));
    assert.deepEqual(idsOf(await search('?modality=online_tutored')), textIds('dialogue', 'domestic', 'group'));
    assert.deepEqual(idsOf(await search('?programme=Migration')), textIds('law', 'coordination', 'politica', 'practical'));
    assert.deepEqual(idsOf(await search(`?activity=${fixture.activities.a2}&q=law`)), textIds('domestic'));
    assert.deepEqual(idsOf(await search('?constituent_group=workers')), []);
    const bad = await viewer.get<{ errors: Array<{ field: string }> }>('/api/evidence/texts?activity=nope');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errors[0]!.field, 'query/activity');

    const page = await viewer.get<string>('/evidence?year=2023&q=law');
    assert.equal(page.status, 200);
    assert.match(page.text, /The new law now protects domestic workers\./);
    assert.doesNotMatch(page.text, /recruitment fees/);
    assert.match(page.text, /<option value="2023" selected/, 'the filter is kept in the form');
    assert.doesNotMatch(page.text, /action="\/evidence\/code"/, 'a viewer gets no coding form');
  });

  it('codes a text with several codes (API and form, with CSRF), records who coded, and refuses unknown codes and other roles', async () => {
    const own = await admin.post('/api/evidence/codebook', { code: 'recruitment_fees', labels: { en: 'Recruitment fees', fr: 'Frais de recrutement', es: 'Tasas de contratación' } });
    assert.equal(own.status, 201, own.text);
    assert.equal((await admin.post('/api/evidence/codebook', { code: 'recruitment_fees', labels: { en: 'x', fr: 'x', es: 'x' } })).status, 409);
    assert.equal((await admin.post('/api/evidence/codebook', { code: 'policy', labels: { en: 'x', fr: 'x', es: 'x' } })).status, 409);
    assert.equal((await viewer.post('/api/evidence/codebook', { code: 'abc', labels: { en: 'x', fr: 'x', es: 'x' } })).status, 403);

    const put = (client: TestClient, label: string, codes: string[], quote?: boolean) =>
      client.request<EvidenceText>('PUT', `/api/evidence/texts/${fixture.texts[label]}/codes`, quote === undefined ? { codes } : { codes, quote });
    const coded = await put(evaluator, 'coordination', ['coordination_mechanism', 'institutional_attention']);
    assert.equal(coded.status, 200, coded.text);
    assert.deepEqual(coded.body.codes.map((c) => c.code), ['coordination_mechanism', 'institutional_attention']);
    assert.ok(coded.body.codes.every((c) => c.codedBy !== null && c.codedAt !== ''));
    assert.equal((await put(evaluator, 'law', ['legislation'], true)).status, 200);
    assert.equal((await put(evaluator, 'politica', ['policy'])).status, 200);
    assert.equal((await put(evaluator, 'dialogue', ['social_dialogue', 'recruitment_fees'], true)).status, 200);
    assert.equal((await put(evaluator, 'domestic', ['legislation'])).status, 200);

    const unknown = await put(evaluator, 'law', ['legislation', 'nonsense']);
    assert.equal(unknown.status, 400);
    assert.match(unknown.text, /nonsense/);
    assert.equal((await put(viewer, 'law', ['policy'])).status, 403);
    assert.equal((await put(trainer, 'law', ['policy'])).status, 403);
    const unchanged = await viewer.get<EvidenceText>(`/api/evidence/texts/${fixture.texts.law}`);
    assert.deepEqual(unchanged.body.codes.map((c) => c.code), ['legislation'], 'a refused change writes nothing');

    // The page form: several checkboxes, CSRF required.
    const page = await admin.get<string>('/evidence?q=domestic');
    assert.match(page.text, /action="\/evidence\/code"/);
    const csrf = csrfFromPage(page.text);
    const form = new URLSearchParams([['_csrf', csrf], ['id', fixture.texts.domestic!], ['codes', 'legislation'], ['codes', 'protection_measure'], ['back', '/evidence?q=domestic']]);
    const posted = await admin.request('POST', '/evidence/code', form, { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(posted.status, 303, posted.text);
    assert.match(posted.headers.get('location')!, /^\/evidence\?q=domestic#text-/);
    const noCsrf = await fetch(`${server.url}/evidence/code`, { method: 'POST', body: new URLSearchParams({ id: fixture.texts.domestic!, codes: 'policy' }), redirect: 'manual' });
    assert.ok([401, 403].includes(noCsrf.status));
    const after = await viewer.get<EvidenceText>(`/api/evidence/texts/${fixture.texts.domestic}`);
    assert.deepEqual(after.body.codes.map((c) => c.code), ['legislation', 'protection_measure']);
    assert.equal((await admin.request('DELETE', '/api/evidence/codebook/recruitment_fees')).status, 409, 'a code in use stays');

    assert.deepEqual(idsOf(await search('?code=legislation')), textIds('law', 'domestic'));
    assert.deepEqual(idsOf(await search('?code=uncoded')), textIds('practical', 'group'));
  });

  it('counts texts per code per year in SQL, as counted by hand', async () => {
    const counts = (await viewer.get<CodeCounts>('/api/evidence/counts')).body;
    const table = Object.fromEntries(counts.codes.map((c) => [c.code, Object.fromEntries(c.counts.map((cell) => [cell.year, cell.texts]))]));
    assert.deepEqual(counts.years, [2022, 2023]);
    assert.deepEqual(counts.totals, [{ year: 2022, texts: 4 }, { year: 2023, texts: 3 }]);
    assert.deepEqual(table, {
      legislation: { 2022: 1, 2023: 1 },
      policy: { 2022: 1, 2023: 0 },
      protection_measure: { 2022: 0, 2023: 1 },
      social_dialogue: { 2022: 0, 2023: 1 },
      coordination_mechanism: { 2022: 1, 2023: 0 },
      institutional_attention: { 2022: 1, 2023: 0 },
      recruitment_fees: { 2022: 0, 2023: 1 },
    });
    const women = (await viewer.get<CodeCounts>('/api/evidence/counts?gender=woman')).body;
    assert.deepEqual(women.totals, [{ year: 2022, texts: 2 }, { year: 2023, texts: 1 }]);
    assert.equal(women.codes.find((c) => c.code === 'legislation')!.total, 1);
    const page = await viewer.get<string>('/evidence/counts?year=2023');
    assert.equal(page.status, 200);
    assert.match(page.text, /<th scope="col">2023<\/th>/);
    assert.doesNotMatch(page.text, /<th scope="col">2022<\/th>/);
  });

  it('shows selected quotes with a stable anonymous respondent id, never a name or participant id', async () => {
    const quotes = await search('?quotes=1');
    assert.deepEqual(idsOf(quotes), textIds('law', 'dialogue'));
    const again = await search('?quotes=1');
    for (const text of quotes.texts) {
      assert.match(text.respondent, /^R-[0-9A-F]{10}$/);
      assert.equal(again.texts.find((t) => t.id === text.id)!.respondent, text.respondent, 'stable');
    }
    assert.notEqual(quotes.texts[0]!.respondent, quotes.texts[1]!.respondent);

    const secrets = [...fixtureNames, ...Object.values(fixture.participants), ...Object.keys(fixture.participants).filter((code) => code.startsWith('P'))];
    const outputs = [
      JSON.stringify((await search('')).texts),
      (await admin.get<string>('/evidence')).text,
      (await admin.get<string>('/evidence?quotes=1')).text,
      (await admin.get<string>('/api/evidence/export/texts?format=csv')).text,
    ];
    const xlsx = await admin.bytes('/api/evidence/export/texts?format=xlsx');
    outputs.push(JSON.stringify(await readTable('texts.xlsx', xlsx.bytes)));
    for (const output of outputs) {
      for (const secret of secrets) assert.ok(!output.includes(secret), `"${secret}" must not appear`);
    }
  });

  it('exports coded texts and counts as CSV and XLSX with the same contents', async () => {
    for (const format of ['csv', 'xlsx'] as const) {
      const file = await viewer.bytes(`/api/evidence/export/texts?format=${format}&year=2023`);
      assert.equal(file.status, 200);
      assert.match(file.headers.get('content-disposition')!, new RegExp(`evidence-texts\\.${format}`));
      const table = await readTable(`texts.${format}`, file.bytes);
      assert.deepEqual(table.header.slice(0, 3), ['id', 'respondent', 'year']);
      const byId = new Map(table.rows.map((row) => [row[0], Object.fromEntries(table.header.map((h, i) => [h, row[i]]))]));
      assert.deepEqual([...byId.keys()].sort(), textIds('dialogue', 'domestic', 'group'));
      const dialogue = byId.get(fixture.texts.dialogue)!;
      assert.equal(dialogue.text, 'Our union started social dialogue with employers on recruitment.');
      assert.equal(dialogue.codes, 'recruitment_fees;social_dialogue');
      assert.equal(dialogue.quote, 'yes');
      assert.equal(dialogue.year, '2023');
      assert.equal(dialogue.activity_code, 'EV-A2');
      assert.match(dialogue.respondent!, /^R-[0-9A-F]{10}$/);
      assert.equal(byId.get(fixture.texts.group)!.codes, '');

      const counts = await readTable(`counts.${format}`, (await viewer.bytes(`/api/evidence/export/counts?format=${format}`)).bytes);
      assert.deepEqual(counts.header, ['code', 'label', '2022', '2023', 'total']);
      const legislation = counts.rows.find((row) => row[0] === 'legislation')!;
      assert.deepEqual(legislation, ['legislation', 'New or amended legislation', '1', '1', '2']);
      assert.deepEqual(counts.rows.find((row) => row[0] === '*'), ['*', 'texts', '4', '3', '7']);
    }
  });

  it('computes each resource person’s mean, n and 95% t-interval per activity and per year, suppressing small cells', async () => {
    const response = await evaluator.get<TrainerRatings>('/api/trainer-ratings');
    assert.equal(response.status, 200, response.text);
    const { cells, scope, minCellSize } = response.body;
    assert.equal(scope, 'all');
    assert.equal(minCellSize, 5);
    const cell = (person: string, grouping: string, key: string | number) =>
      cells.find((c) => c.resourcePersonId === person && c.grouping === grouping && (grouping === 'activity' ? c.activityId === key : c.year === key))!;
    const { r1, r2 } = fixture.resourcePersons;
    // R1 in A1: 5,4,4,5,3,5 → mean 26/6, sd √(2/3), half-width t(0.975, 5) · sd/√6 = 2.5705818 · 0.3333333.
    const a1 = cell(r1, 'activity', fixture.activities.a1);
    assert.equal(a1.n, 6);
    assert.ok(Math.abs(a1.mean! - 26 / 6) < 1e-9);
    assert.ok(Math.abs(a1.ciLow! - (26 / 6 - 0.8568606)) < 1e-6);
    assert.ok(Math.abs(a1.ciHigh! - (26 / 6 + 0.8568606)) < 1e-6);
    // R1 in A2: 4,4,5,5,3 → mean 4.2, sd √0.7, half-width 2.7764451 · √0.7/√5 = 1.0388508.
    const a2 = cell(r1, 'activity', fixture.activities.a2);
    assert.equal(a2.n, 5);
    assert.ok(Math.abs(a2.mean! - 4.2) < 1e-9);
    assert.ok(Math.abs(a2.ciHigh! - (4.2 + 1.0388508)) < 1e-6);
    assert.deepEqual([cell(r1, 'year', 2022).n, cell(r1, 'year', 2023).n], [6, 5]);
    assert.ok(Math.abs(cell(r1, 'year', 2022).mean! - 26 / 6) < 1e-9);
    // R2: three ratings, below the threshold of 5: no estimate at all.
    const small = cell(r2, 'activity', fixture.activities.a1);
    assert.deepEqual([small.n, small.suppressed, small.mean, small.ciLow, small.ciHigh], [3, true, null, null, null]);

    const stricter = (await evaluator.get<TrainerRatings>('/api/trainer-ratings?min_cell_size=6')).body;
    assert.equal(stricter.cells.find((c) => c.grouping === 'activity' && c.activityId === fixture.activities.a2)!.suppressed, true);
    assert.equal((await evaluator.get('/api/trainer-ratings?min_cell_size=2')).status, 400, 'the threshold cannot go below 5');

    const page = await admin.get<string>('/trainer-ratings');
    assert.equal(page.status, 200);
    assert.match(page.text, /4\.33/);
    assert.match(page.text, /Suppressed/);
  });

  it('lets a trainer see only their own ratings through every page, API and export', async () => {
    const { r1, r2 } = fixture.resourcePersons;
    const own = (await trainer.get<TrainerRatings>('/api/trainer-ratings')).body;
    assert.equal(own.scope, 'resource_person');
    assert.ok(own.cells.length > 0);
    assert.ok(own.cells.every((c) => c.resourcePersonId === r1));
    for (const query of [`?resource_person=${r2}`, `?activity=${fixture.activities.a1}&resource_person=${r2}`]) {
      const asked = await trainer.get<TrainerRatings>(`/api/trainer-ratings${query}`);
      assert.equal(asked.status, 200);
      assert.deepEqual(asked.body.cells, []);
    }
    const ofA1 = (await trainer.get<TrainerRatings>(`/api/trainer-ratings?activity=${fixture.activities.a1}`)).body;
    assert.deepEqual(ofA1.cells.map((c) => c.resourcePersonId), [r1, r1]);
    const theirs = (await trainer2.get<TrainerRatings>('/api/trainer-ratings')).body;
    assert.ok(theirs.cells.length > 0 && theirs.cells.every((c) => c.resourcePersonId === r2));

    for (const query of ['', `?resource_person=${r2}`]) {
      const page = await trainer.get<string>(`/trainer-ratings${query}`);
      assert.equal(page.status, 200);
      assert.ok(!page.text.includes('>R2<'), 'no row of R2 on the page');
      if (query === '') {
        assert.match(page.text, />R1</);
        assert.ok(!page.text.includes(r2), 'no trace of R2 on the page');
      }
      for (const format of ['csv', 'xlsx']) {
        const file = await trainer.bytes(`/api/trainer-ratings/export${query}${query ? '&' : '?'}format=${format}`);
        assert.equal(file.status, 200);
        const table = await readTable(`ratings.${format}`, file.bytes);
        assert.ok(table.rows.every((row) => row[0] === 'R1'), `${format} export holds R1 only`);
        if (query === '') assert.ok(table.rows.length > 0);
      }
    }
    const unlinked = (await unlinkedTrainer.get<TrainerRatings>('/api/trainer-ratings')).body;
    assert.deepEqual([unlinked.scope, unlinked.cells], ['none', []]);
    assert.equal(JSON.parse(JSON.stringify((await readTable('x.csv', (await unlinkedTrainer.bytes('/api/trainer-ratings/export')).bytes)).rows)).length, 0);

    // Everything else of the domain is closed to trainers; ratings are closed to viewers.
    for (const path of ['/api/evidence/texts', `/api/evidence/texts/${fixture.texts.law}`, '/api/evidence/counts', '/api/evidence/codebook', '/api/evidence/export/texts', '/api/evidence/export/counts', '/evidence', '/evidence/counts', '/evidence/codebook', '/api/trainer-links', '/trainer-links']) {
      assert.equal((await trainer.get(path)).status, 403, path);
    }
    assert.equal((await trainer.request('PUT', `/api/trainer-links/${userIds[org.emails.trainer]}`, { participantId: r2 })).status, 403, 'a trainer cannot relink themself');
    for (const path of ['/api/trainer-ratings', '/api/trainer-ratings/export', '/trainer-ratings']) {
      assert.equal((await viewer.get(path)).status, 403, path);
    }
  });

  it('writes every export of ratings to the audit log, with whose ratings it held', async () => {
    await database.system.execute(sql`delete from audit_log where action = 'trainer_ratings.exported'`);
    assert.equal((await evaluator.bytes('/api/trainer-ratings/export?format=xlsx')).status, 200);
    assert.equal((await trainer.bytes('/api/trainer-ratings/export?format=csv')).status, 200);
    const logged = await rows<{ actor: string; details: { format: string; scope: string; resourcePersons: string[]; rows: number } }>(
      database.system,
      sql`select actor_user_id as actor, details from audit_log where action = 'trainer_ratings.exported' order by at`,
    );
    assert.equal(logged.length, 2);
    assert.equal(logged[0]!.actor, userIds[org.emails.evaluator]);
    assert.equal(logged[0]!.details.format, 'xlsx');
    assert.equal(logged[0]!.details.scope, 'all');
    assert.deepEqual([...logged[0]!.details.resourcePersons].sort(), [fixture.resourcePersons.r1, fixture.resourcePersons.r2].sort());
    assert.equal(logged[1]!.actor, userIds[org.emails.trainer]);
    assert.deepEqual([logged[1]!.details.scope, logged[1]!.details.resourcePersons], ['resource_person', [fixture.resourcePersons.r1]]);
  });

  it('lets an administrator link trainers on a page (CSRF form), and nobody else', async () => {
    const page = await admin.get<string>('/trainer-links');
    assert.equal(page.status, 200);
    assert.match(page.text, /trainer3@evidence\.test/);
    const csrf = csrfFromPage(page.text);
    const form = new URLSearchParams({ _csrf: csrf, user_id: userIds['trainer3@evidence.test']!, participant_id: fixture.resourcePersons.r2 });
    const posted = await admin.request('POST', '/trainer-links', form, { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(posted.status, 303, posted.text);
    const now = (await unlinkedTrainer.get<TrainerRatings>('/api/trainer-ratings')).body;
    assert.ok(now.cells.length > 0 && now.cells.every((c) => c.resourcePersonId === fixture.resourcePersons.r2));
    const before = (await trainer2.get<TrainerRatings>('/api/trainer-ratings')).body;
    assert.equal(before.scope, 'none', 'a resource person belongs to one account: the former link is moved');
    const notPerson = await admin.request('PUT', `/api/trainer-links/${userIds['trainer2@evidence.test']}`, { participantId: fixture.participants.P01 });
    assert.equal(notPerson.status, 400);
    assert.equal((await evaluator.request('PUT', `/api/trainer-links/${userIds['trainer2@evidence.test']}`, { participantId: fixture.resourcePersons.r2 })).status, 403);
  });

  it('demo step: codes a deterministic share of the texts by what they say and links the demo trainer to the most-rated resource person', async () => {
    const codings = async () => (await rows<{ n: number }>(database.system, sql`select count(*)::int as n from evidence_codings where org_id = ${org.id}`))[0]!.n;
    const before = await codings();
    const first = await evidenceDemoStep({ database, orgId: org.id });
    assert.match(first, /^Evidence: \d+ of 7 texts coded/);
    const afterFirst = await codings();
    assert.ok(afterFirst > before);
    assert.equal(await evidenceDemoStep({ database, orgId: org.id }), first, 'same texts, same codes');
    assert.equal(await codings(), afterFirst, 'a second run adds nothing');
    const codebook = (await viewer.get<Array<{ code: string }>>('/api/evidence/codebook')).body.map((entry) => entry.code);
    assert.ok(codebook.includes('practical_methods') && codebook.includes('legislation'));
    const own = (await trainer.get<TrainerRatings>('/api/trainer-ratings')).body;
    assert.ok(own.cells.length > 0 && own.cells.every((c) => c.resourcePersonId === fixture.resourcePersons.r1), 'R1 has the most ratings');
  });
});
