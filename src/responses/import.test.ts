// Importing responses collected elsewhere through the import engine: KoboToolbox, ODK Central and
// Qualtrics exports as they come, our own wide layout (XLSX, repeats as key[n]), a mapping file
// for anything else, every kind of bad row, all-or-nothing, --skip-invalid and idempotent re-import.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Actor } from '../accounts/service.ts';
import { activityImport } from '../catalogue/import.ts';
import { rows, type Database } from '../db/database.ts';
import { ImportRejected, importTable, type ImportReport } from '../imports/importer.ts';
import { writeTable } from '../imports/table.ts';
import { createStandardInstrument, publish } from '../instruments/service.ts';
import { enrolmentImport, participantImport } from '../people/import.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg } from '../testing/http.ts';
import { parseMapping, parseTimestamp, responseImport, type ColumnMapping } from './import.ts';

const fixture = (name: string) => readFile(new URL(`./fixtures/${name}`, import.meta.url));

describe('response import', () => {
  let database: Database;
  let admin: Actor;

  before(async () => {
    database = await createTestDatabase();
    const org = await createTestOrg(database, 'resp-import');
    admin = { userId: randomUUID(), orgId: org.id, role: 'administrator', displayName: 'A', email: org.emails.administrator };
    const file = (text: string) => ({ fileName: 'seed.csv', bytes: Buffer.from(text) });
    await importTable(database, admin, activityImport, file('code,title,modality\nACT-1,Ethical recruitment,webinar\nACT-2,Labour migration statistics,face_to_face\n'));
    await importTable(database, admin, participantImport, file('participant_id,given_name\nP-001,Awa\nP-002,José\nP-003,Yui\nT-1,Ana\nT-2,Bo\n'));
    await importTable(database, admin, enrolmentImport, file('participant_id,activity_code,role,status\nP-001,ACT-1,participant,completed\nT-1,ACT-2,resource_person,completed\nT-2,ACT-2,resource_person,completed\n'));
    await database.withOrg(org.id, async (tx) => {
      for (const [standard, key] of [['follow_up', 'follow_up'], ['end_of_activity', 'eoa']] as const) {
        const instrument = await createStandardInstrument(tx, admin, standard, key);
        await publish(tx, instrument.id);
      }
    });
  });
  after(() => database.close());

  const importFile = async (instrumentKey: string, fileName: string, bytes: Uint8Array, options: { mapping?: ColumnMapping; skipInvalid?: boolean } = {}) =>
    importTable(database, admin, await responseImport(database, admin, { instrumentKey, mapping: options.mapping }), { fileName, bytes, skipInvalid: options.skipInvalid });

  const rejection = async (promise: Promise<unknown>): Promise<ImportReport> => {
    const error = await promise.catch((e: unknown) => e);
    assert.ok(error instanceof ImportRejected, `expected a rejection, got ${String(error)}`);
    return error.report;
  };

  /** The stored responses of a source, comparable. */
  const stored = (prefix: string) =>
    database.withOrg(admin.orgId, (tx) =>
      rows<{ id: string; participant: string | null; activity: string | null; status: string; submitted: string | null; started: string; lang: string | null; source: string; answers: Record<string, unknown> }>(
        tx,
        sql`select substr(r.client_submission_id, length(${prefix}) + 1) as id, p.code as participant, a.code as activity, r.status,
                   to_char(r.submitted_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as submitted, to_char(r.started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS') as started,
                   r.lang, r.source, r.data->'answers' as answers
              from responses r left join participants p on p.id = r.participant_id left join activities a on a.id = r.activity_id
             where r.client_submission_id like ${prefix + '%'} order by r.client_submission_id`,
      ),
    );

  const answerCount = (prefix: string) =>
    database.withOrg(admin.orgId, async (tx) => {
      const [row] = await rows<{ n: number }>(tx, sql`select count(*)::int as n from answers a join responses r on r.org_id = a.org_id and r.id = a.response_id where r.client_submission_id like ${prefix + '%'}`);
      return row!.n;
    });

  it('imports a KoboToolbox export: group paths, labels for missing codes, split select_multiple columns ignored, metadata mapped', async () => {
    const report = await importFile('follow_up', 'kobo-follow-up.csv', await fixture('kobo-follow-up.csv'));
    assert.deepEqual([report.rows, report.written, report.skipped, report.unchanged], [3, 3, 0, 0]);
    const found = await stored('import:follow_up:7f2b1d3e');
    assert.deepEqual(
      found.map((r) => [r.id, r.participant, r.activity, r.status, r.submitted, r.started, r.source]),
      [
        ['-1a2b-4c5d-8e9f-000000000001', 'P-001', 'ACT-1', 'complete', '2024-03-01T08:20:44', '2024-03-01T08:12:03', 'import'],
        ['-1a2b-4c5d-8e9f-000000000002', 'P-002', 'ACT-1', 'complete', '2024-03-02T13:09:10', '2024-03-02T13:00:00', 'import'],
        ['-1a2b-4c5d-8e9f-000000000003', 'P-003', 'ACT-1', 'complete', '2024-03-04T09:41:00', '2024-03-04T09:30:00', 'import'],
      ],
    );
    assert.deepEqual(found[0]!.answers, {
      fu_needs_met: 'great_extent', fu_use: 'significant_input', fu_application_example: 'Drafted the recruitment code of conduct.', fu_competence_change: 'large',
      fu_performance_change: 'moderate', fu_tangible_change: ['legislation', 'policy'], fu_shared_knowledge: 'yes', fu_shared_count: 12,
    });
    // Labels (Kobo "labels" export) became codes.
    assert.deepEqual(found[2]!.answers, {
      fu_needs_met: 'fully', fu_use: 'helpful_specific', fu_application_example: 'Trained two colleagues.', fu_competence_change: 'moderate',
      fu_performance_change: 'large', fu_shared_knowledge: 'yes', fu_shared_count: 3,
    });
    // The answer rows of final submits: 9 + 6 + 7.
    assert.equal(await answerCount('import:follow_up:7f2b1d3e'), 22);
  });

  it('imports an ODK Central export (dash group paths, KEY, `;`-separated choices) and an XLSX of it', async () => {
    const report = await importFile('follow_up', 'odk-follow-up.csv', await fixture('odk-follow-up.csv'));
    assert.deepEqual([report.written, report.unchanged], [2, 0]);
    const found = await stored('import:follow_up:0c1d2e3f');
    assert.deepEqual(found.map((r) => [r.participant, r.activity, r.submitted]), [['P-001', 'ACT-2', '2024-04-10T08:04:30'], ['P-003', 'ACT-2', '2024-04-11T11:52:00']]);
    assert.deepEqual(found[0]!.answers.fu_tangible_change, ['coordination_mechanism', 'institutional_attention']);

    // The same file as XLSX: the same submission ids, so nothing new.
    const csvText = (await fixture('odk-follow-up.csv')).toString('utf8').trim().split('\n').map((line) => line.split(','));
    const xlsx = await writeTable('xlsx', csvText[0]!, csvText.slice(1));
    const again = await importFile('follow_up', 'odk-follow-up.xlsx', xlsx);
    assert.deepEqual([again.rows, again.written, again.unchanged], [2, 0, 2]);
    assert.equal((await stored('import:follow_up:0c1d2e3f')).length, 2);
  });

  it('imports a Qualtrics export: three header rows, ResponseId, ExternalReference, labels with commas, unfinished responses as partial, no personal data', async () => {
    const report = await importFile('follow_up', 'qualtrics-follow-up.csv', await fixture('qualtrics-follow-up.csv'));
    assert.deepEqual([report.rows, report.written], [3, 3]);
    const found = await stored('import:follow_up:R_');
    assert.deepEqual(
      found.map((r) => [r.id, r.participant, r.status, r.submitted, r.lang]),
      [['1aBcDeFgHiJkLmN', 'P-001', 'complete', '2024-05-02T08:09:55', 'fr'], ['2oPqRsTuVwXyZaB', 'P-002', 'complete', '2024-05-03T10:20:00', 'es'], ['3cDeFgHiJkLmNoP', 'P-003', 'partial', null, 'en']],
    );
    assert.deepEqual(found[0]!.answers.fu_tangible_change, ['policy', 'social_dialogue']);
    assert.deepEqual(found[2]!.answers, { fu_needs_met: 'sufficiently' });
    const [personal] = await database.withOrg(admin.orgId, (tx) =>
      rows<{ n: number }>(tx, sql`select count(*)::int as n from responses where data::text like '%example.org%' or data::text like '%Ndiaye%'`),
    );
    assert.equal(personal!.n, 0);
  });

  it('imports any other layout through a mapping file (CSV or JSON), recoding values', async () => {
    const csvMapping = await parseMapping('other-tool-mapping.csv', await fixture('other-tool-mapping.csv'));
    const jsonMapping = await parseMapping('other-tool-mapping.json', await fixture('other-tool-mapping.json'));
    assert.deepEqual([...jsonMapping.columns], [...csvMapping.columns]);
    const bytes = await fixture('other-tool-follow-up.csv');
    const withoutMapping = await rejection(importFile('follow_up', 'other.csv', bytes));
    assert.match(withoutMapping.issues[0]!.message, /unknown column "respondent"; expected participant_id, activity_code, submitted_at, a question key/);
    const report = await importFile('follow_up', 'other.csv', bytes, { mapping: csvMapping });
    assert.deepEqual([report.written, report.unchanged], [2, 0]);
    const found = (await stored('import:follow_up:sha256:')).sort((a, b) => String(a.participant).localeCompare(String(b.participant)));
    assert.deepEqual(found.map((r) => [r.participant, r.activity, r.submitted, r.answers.fu_needs_met, r.answers.fu_use, r.answers.fu_shared_knowledge]), [
      ['P-002', 'ACT-2', '2024-05-06T16:00:00', 'great_extent', 'helpful_specific', 'yes'],
      ['P-003', 'ACT-2', '2024-05-07T00:00:00', 'fully', 'significant_input', 'no'],
    ]);
    // No submission id in the file: the same content is the same response, whichever mapping file.
    const again = await importFile('follow_up', 'other.csv', bytes, { mapping: jsonMapping });
    assert.deepEqual([again.written, again.unchanged], [0, 2]);
  });

  it('imports our wide layout with repeats as key[n] (the n-th resource person of the activity), anonymous instruments without participant', async () => {
    const csv = [
      'submission_id,participant_id,activity_code,submitted_at,eoa_relevance,eoa_theory_practice,eoa_can_apply,eoa_needs_met,eoa_overall,eoa_trainer_rating[1],eoa_trainer_rating[2],eoa_comments',
      'w-1,P-001,ACT-2,2024-06-01T10:00:00Z,agree,agree,strongly_agree,fully,5,4,5,Great',
      'w-2,,ACT-2,2024-06-01T11:00:00+02:00,neutral,agree,agree,partially,3,,2,',
    ].join('\n');
    const report = await importFile('eoa', 'wide.csv', Buffer.from(csv));
    assert.equal(report.written, 2);
    const found = await stored('import:eoa:w-');
    assert.deepEqual(found.map((r) => [r.id, r.participant, r.submitted]), [['1', null, '2024-06-01T10:00:00'], ['2', null, '2024-06-01T09:00:00']]);
    const trainers = await database.withOrg(admin.orgId, (tx) =>
      rows<{ id: string; item: number; code: string; rating: number }>(
        tx,
        sql`select r.client_submission_id as id, a.item_index as item, p.code, a.numeric_value as rating from answers a
              join responses r on r.org_id = a.org_id and r.id = a.response_id join participants p on p.id = a.resource_person_id
             where a.question_key = 'eoa_trainer_rating' and r.client_submission_id like 'import:eoa:w-%' order by 1, 2`,
      ),
    );
    assert.deepEqual(trainers.map((t) => [t.id, t.item, t.code, t.rating]), [['import:eoa:w-1', 1, 'T-1', 4], ['import:eoa:w-1', 2, 'T-2', 5], ['import:eoa:w-2', 2, 'T-2', 2]]);
  });

  it('names file, row, column, value and what was expected for each kind of bad row, and writes nothing', async () => {
    const header = 'submission_id,participant_id,activity_code,submitted_at,fu_needs_met,fu_use,fu_competence_change,fu_performance_change,fu_tangible_change,fu_shared_knowledge,fu_shared_count';
    const good = 'b-0,P-001,ACT-1,2024-01-01,fully,not_used,none,none,none,no,';
    const bad = [
      good,
      'b-1,P-999,ACT-1,2024-01-01,fully,not_used,none,none,none,no,',
      'b-2,P-001,ACT-9,2024-01-01,fully,not_used,none,none,none,no,',
      'b-3,P-001,ACT-1,01/02/2024,fully,not_used,none,none,none,no,',
      'b-4,P-001,ACT-1,2024-01-01,brilliant,not_used,none,none,none,no,',
      'b-5,P-001,ACT-1,2024-01-01,fully,not_used,none,none,none,yes,0',
      'b-6,P-001,ACT-1,2024-01-01,fully,not_used,none,none,none,yes,many',
      'b-7,P-001,ACT-1,2024-01-01,fully,not_used,,none,none,no,',
      'b-8,P-001,ACT-1,2024-01-01,fully,not_used,none,none,none policy,no,',
      'b-0,P-002,ACT-1,2024-01-01,fully,not_used,none,none,none,no,',
      'b-9,P-001,ACT-1,,fully,not_used,none,none,none,no,',
    ];
    const report = await rejection(importFile('follow_up', 'bad.csv', Buffer.from([header, ...bad].join('\n'))));
    const byRow = Object.fromEntries(report.issues.map((i) => [i.row, `${i.file}|${i.column}|${i.message}`]));
    assert.equal(report.issues.length, 10);
    assert.match(byRow[3]!, /^bad\.csv\|participant_id\|no participant "P-999"; expected the participant_id of a participant/);
    assert.match(byRow[4]!, /^bad\.csv\|activity_code\|no activity "ACT-9"; expected the code of an activity/);
    assert.match(byRow[5]!, /^bad\.csv\|submitted_at\|expected a date and time such as 2024-05-06T14:30:00Z \(ISO 8601\), got "01\/02\/2024"/);
    assert.match(byRow[6]!, /^bad\.csv\|fu_needs_met\|expected one of not_at_all, partially, sufficiently, great_extent, fully \(or its label\), got "brilliant"/);
    assert.match(byRow[7]!, /^bad\.csv\|fu_shared_count\|expected a whole number from 1 to 100000, got "0"/);
    assert.match(byRow[8]!, /^bad\.csv\|fu_shared_count\|expected a whole number from 1 to 100000, got "many"/);
    assert.match(byRow[9]!, /^bad\.csv\|fu_competence_change\|an answer is required here/);
    assert.match(byRow[10]!, /^bad\.csv\|fu_tangible_change\|the answer breaks the question's rule .*“None” cannot be combined.*got "none policy"/);
    assert.match(byRow[11]!, /^bad\.csv\|submission_id\|duplicate of row 2/);
    assert.match(byRow[12]!, /^bad\.csv\|submitted_at\|expected the date and time the response was submitted, got an empty cell/);
    assert.equal((await stored('import:follow_up:b-')).length, 0, 'nothing written');

    // --skip-invalid writes the valid row and reports the others.
    const skipped = await importFile('follow_up', 'bad.csv', Buffer.from([header, ...bad].join('\n')), { skipInvalid: true });
    assert.deepEqual([skipped.written, skipped.skipped, skipped.issues.length], [1, 10, 10]);
    assert.deepEqual((await stored('import:follow_up:b-')).map((r) => r.id), ['0']);
  });

  it('refuses repeats beyond the resource persons of the activity and unknown columns', async () => {
    const csv = ['activity_code,submitted_at,eoa_relevance,eoa_theory_practice,eoa_can_apply,eoa_needs_met,eoa_overall,eoa_trainer_rating[3]', 'ACT-2,2024-06-01,agree,agree,agree,fully,5,4'].join('\n');
    const report = await rejection(importFile('eoa', 'r.csv', Buffer.from(csv)));
    assert.deepEqual(report.issues.map((i) => [i.row, i.column]), [[2, 'eoa_trainer_rating[3]']]);
    assert.match(report.issues[0]!.message, /the activity has 2 resource person\(s\); expected answers only for eoa_trainer_rating\[1\]…\[2\], got "4"/);
    const header = await rejection(importFile('eoa', 'h.csv', Buffer.from('submitted_at,eoa_relevance,favourite_colour\n2024-06-01,agree,blue\n')));
    assert.deepEqual(header.issues.map((i) => [i.row, i.column]), [[1, 'favourite_colour']]);
    const noDate = await rejection(importFile('eoa', 'n.csv', Buffer.from('eoa_relevance\nagree\n')));
    assert.match(noDate.issues[0]!.message, /missing column "submitted_at"/);
  });

  it('is all or nothing when the database refuses a row late', async () => {
    // A failure after rows were written (here: the write itself succeeds, then fails) rolls the whole file back.
    const before = (await stored('import:follow_up:atom-')).length;
    const csv = ['submission_id,participant_id,submitted_at,fu_needs_met,fu_use,fu_competence_change,fu_performance_change,fu_shared_knowledge', 'atom-1,P-001,2024-01-01,fully,not_used,none,none,no', 'atom-2,P-002,2024-01-01,fully,not_used,none,none,no'].join('\n');
    const kind = await responseImport(database, admin, { instrumentKey: 'follow_up' });
    const failing = { ...kind, write: async (...args: Parameters<typeof kind.write>) => {
      await kind.write(...args);
      throw new Error('disk full');
    } };
    await assert.rejects(importTable(database, admin, failing, { fileName: 'atom.csv', bytes: Buffer.from(csv) }), /disk full/);
    assert.equal((await stored('import:follow_up:atom-')).length, before);
  });

  it('reads ISO 8601 timestamps from the three tools', () => {
    assert.equal(parseTimestamp('2024-03-01T09:20:44.000+01:00')?.toISOString(), '2024-03-01T08:20:44.000Z');
    assert.equal(parseTimestamp('2024-05-02 08:09:55')?.toISOString(), '2024-05-02T08:09:55.000Z');
    assert.equal(parseTimestamp('2024-04-10T08:05:11.512Z')?.toISOString(), '2024-04-10T08:05:11.512Z');
    assert.equal(parseTimestamp('2024-04-10T08:05+0530')?.toISOString(), '2024-04-10T02:35:00.000Z');
    assert.equal(parseTimestamp('2024-02-30'), null);
    assert.equal(parseTimestamp('yesterday'), null);
  });
});
