// Repeat blocks on a second sheet of an XLSX workbook, linked to their response on the first
// sheet as KoboToolbox (`_submission__uuid` or `_parent_index`) and ODK Central (`PARENT_KEY`,
// `KEY` ending in `[n]`) export them: the n-th item answers for the activity's n-th resource
// person; bad rows are named by sheet, row and column, and nothing is written.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import type { Actor } from '../accounts/service.ts';
import { activityImport } from '../catalogue/import.ts';
import { rows, type Database } from '../db/database.ts';
import { describeIssue, ImportRejected, importTable, type ImportReport } from '../imports/importer.ts';
import { createStandardInstrument, publish } from '../instruments/service.ts';
import { enrolmentImport, participantImport } from '../people/import.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg } from '../testing/http.ts';
import { responseImport } from './import.ts';

type Cells = Array<Array<string | number>>;

async function workbook(sheets: Array<[name: string, rows: Cells]>): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  for (const [name, rows] of sheets) {
    const sheet = book.addWorksheet(name);
    for (const row of rows) sheet.addRow(row);
  }
  return Buffer.from(await book.xlsx.writeBuffer());
}

const activityColumns = ['eoa_activity/eoa_relevance', 'eoa_activity/eoa_theory_practice', 'eoa_activity/eoa_can_apply', 'eoa_activity/eoa_needs_met', 'eoa_activity/eoa_overall'];
const answers = ['agree', 'agree', 'strongly_agree', 'fully', 5];

describe('response import: repeat blocks on a second sheet', () => {
  let database: Database;
  let admin: Actor;

  before(async () => {
    database = await createTestDatabase();
    const org = await createTestOrg(database, 'resp-sheets');
    admin = { userId: randomUUID(), orgId: org.id, role: 'administrator', displayName: 'A', email: org.emails.administrator };
    const file = (text: string) => ({ fileName: 'seed.csv', bytes: Buffer.from(text) });
    await importTable(database, admin, activityImport, file('code,title,modality\nACT-2,Labour migration statistics,face_to_face\n'));
    await importTable(database, admin, participantImport, file('participant_id,given_name\nT-1,Ana\nT-2,Bo\n'));
    await importTable(database, admin, enrolmentImport, file('participant_id,activity_code,role,status\nT-1,ACT-2,resource_person,completed\nT-2,ACT-2,resource_person,completed\n'));
    await database.withOrg(org.id, async (tx) => publish(tx, (await createStandardInstrument(tx, admin, 'end_of_activity', 'eoa')).id));
  });
  after(() => database.close());

  const importFile = async (fileName: string, bytes: Uint8Array) =>
    importTable(database, admin, await responseImport(database, admin, { instrumentKey: 'eoa' }), { fileName, bytes });

  const rejection = async (promise: Promise<unknown>): Promise<ImportReport> => {
    const error = await promise.catch((e: unknown) => e);
    assert.ok(error instanceof ImportRejected, `expected a rejection, got ${String(error)}`);
    return error.report;
  };

  /** Trainer ratings stored for the responses of a source: [response, item, trainer, rating]. */
  const ratings = (prefix: string) =>
    database.withOrg(admin.orgId, async (tx) =>
      (
        await rows<{ id: string; item: number; code: string; rating: number }>(
          tx,
          sql`select substr(r.client_submission_id, length(${prefix}) + 1) as id, a.item_index as item, p.code, a.numeric_value as rating from answers a
                join responses r on r.org_id = a.org_id and r.id = a.response_id join participants p on p.id = a.resource_person_id
               where a.question_key = 'eoa_trainer_rating' and r.client_submission_id like ${prefix + '%'} order by 1, 2`,
        )
      ).map((r) => [r.id, r.item, r.code, r.rating]),
    );

  it('reads a KoboToolbox workbook: items linked by _submission__uuid, or by _parent_index; other sheets left alone', async () => {
    const main: Cells = [
      ['_uuid', '_index', 'activity_code', '_submission_time', ...activityColumns, 'eoa_final/eoa_comments'],
      ['k-1', 1, 'ACT-2', '2024-06-01T10:00:00', ...answers, 'Great'],
      ['k-2', 2, 'ACT-2', '2024-06-02T10:00:00', ...answers, ''],
    ];
    const byUuid = await workbook([
      ['End of activity', main],
      ['eoa_trainers', [
        ['eoa_trainers/eoa_trainer_rating', '_index', '_parent_table_name', '_parent_index', '_submission__id', '_submission__uuid'],
        [4, 1, 'End of activity', 1, 101, 'k-1'],
        [5, 2, 'End of activity', 1, 101, 'k-1'],
        [2, 3, 'End of activity', 2, 102, 'k-2'],
      ]],
      ['Notes', [['note'], ['exported from KoboToolbox']]],
    ]);
    const report = await importFile('kobo.xlsx', byUuid);
    assert.deepEqual([report.rows, report.written, report.issues.length], [2, 2, 0]);
    assert.deepEqual(await ratings('import:eoa:k-'), [['1', 1, 'T-1', 4], ['1', 2, 'T-2', 5], ['2', 1, 'T-1', 2]]);

    // The same responses again: nothing duplicated.
    const again = await importFile('kobo.xlsx', byUuid);
    assert.deepEqual([again.written, again.unchanged], [0, 2]);

    const byIndex = await workbook([
      ['End of activity', main.map((row, i) => (i === 0 ? row : [`kx-${i}`, ...row.slice(1)]))],
      ['eoa_trainers', [['eoa_trainer_rating', '_index', '_parent_index'], [3, 1, 2], [1, 2, 2]]],
    ]);
    assert.equal((await importFile('kobo-index.xlsx', byIndex)).written, 2);
    assert.deepEqual(await ratings('import:eoa:kx-'), [['2', 1, 'T-1', 3], ['2', 2, 'T-2', 1]]);
  });

  it('reads an ODK Central workbook: items linked by PARENT_KEY, the n-th resource person from KEY […[n]]', async () => {
    const bytes = await workbook([
      ['eoa', [
        ['SubmissionDate', 'activity_code', ...activityColumns.map((c) => c.replace('/', '-')), 'KEY'],
        ['2024-06-03T09:00:00.000Z', 'ACT-2', ...answers, 'uuid:o-1'],
      ]],
      ['eoa-eoa_trainers', [
        ['eoa_trainer_rating', 'PARENT_KEY', 'KEY'],
        [3, 'uuid:o-1', 'uuid:o-1/eoa_trainers[2]'],
      ]],
    ]);
    assert.equal((await importFile('odk.xlsx', bytes)).written, 1);
    assert.deepEqual(await ratings('import:eoa:o-'), [['1', 2, 'T-2', 3]]);
  });

  it('names sheet, row, column, value and what was expected for bad repeat rows, and writes nothing', async () => {
    const bytes = await workbook([
      ['responses', [
        ['submission_id', 'activity_code', 'submitted_at', ...activityColumns],
        ['b-1', 'ACT-2', '2024-06-01T10:00:00Z', ...answers],
        ['b-2', 'ACT-2', '2024-06-01T10:00:00Z', ...answers],
        ['b-3', '', '2024-06-01T10:00:00Z', ...answers],
      ]],
      ['trainers', [
        ['eoa_trainer_rating', '_submission__uuid'],
        [9, 'b-1'],
        [4, 'b-404'],
        [4, 'b-2'],
        [4, 'b-2'],
        [4, 'b-2'],
        [4, 'b-3'],
      ]],
    ]);
    const report = await rejection(importFile('bad.xlsx', bytes));
    assert.deepEqual(
      report.issues.map((issue) => [issue.sheet, issue.row, issue.column]),
      [['trainers', 3, '_submission__uuid'], ['trainers', 2, 'eoa_trainer_rating'], ['trainers', 6, 'eoa_trainer_rating'], ['trainers', 7, 'eoa_trainer_rating']],
    );
    const [orphan, outOfRange, third, noActivity] = report.issues.map(describeIssue);
    assert.equal(orphan, 'bad.xlsx, sheet trainers, row 3, column _submission__uuid: no response with _uuid "b-404" on the first sheet; expected the _uuid of a response of this file');
    assert.match(outOfRange!, /^bad\.xlsx, sheet trainers, row 2, column eoa_trainer_rating: expected a whole number from 1 to 5, got "9"$/);
    assert.match(third!, /row 6, column eoa_trainer_rating: the activity has 2 resource person\(s\); expected at most 2 repeat item\(s\) per response, got "4"$/);
    assert.match(noActivity!, /row 7, column eoa_trainer_rating: the activity has 0 resource person\(s\); .*\(no activity_code given\)/);
    assert.deepEqual(await ratings('import:eoa:b-'), []);
    const [written] = await database.withOrg(admin.orgId, (tx) => rows<{ n: number }>(tx, sql`select count(*)::int as n from responses where client_submission_id like 'import:eoa:b-%'`));
    assert.equal(written!.n, 0);

    const unknown = await rejection(importFile('h.xlsx', await workbook([
      ['responses', [['submission_id', 'activity_code', 'submitted_at', ...activityColumns], ['h-1', 'ACT-2', '2024-06-01', ...answers]]],
      ['trainers', [['eoa_trainer_rating', 'favourite_colour', 'PARENT_KEY'], [4, 'blue', 'h-1']]],
    ])));
    assert.deepEqual(unknown.issues.map((issue) => [issue.sheet, issue.row, issue.column]), [['trainers', 1, 'favourite_colour']]);
    assert.match(unknown.issues[0]!.message, /expected a question key of a repeat block of this instrument \(eoa_trainer_rating\), parent_key/);
  });
});
