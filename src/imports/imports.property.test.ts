// Property-based tests (fast-check) of CSV/XLSX imports against the real database: whatever the
// file holds, the import is written whole, rejected with problems naming row and column and
// nothing written, or (with skip-invalid) written for exactly the valid rows — never a crash,
// never a partial write.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { resolveSession, signIn, type Actor } from '../accounts/service.ts';
import { rows, type Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { fuzzParameters, HOSTILE_SNIPPETS } from '../testing/fuzz.ts';
import { createTestOrg, TEST_PASSWORD } from '../testing/http.ts';
import { ImportRejected, importTable } from './importer.ts';
import { importKind, type ImportKindName } from './kinds.ts';
import { readTable, TableError, writeTable } from './table.ts';

const plausible: Record<string, string[]> = {
  participant_id: ['P-1', 'P-2', 'P-3', 'bad id with spaces', ''],
  code: ['ACT-1', 'ACT-2', ''],
  activity_code: ['ACT-1', 'ACT-2', 'NOPE'],
  title: ['Fair recruitment', ''],
  modality: ['blended', 'face_to_face', 'webinar', 'hybrid', ''],
  languages: ['en;fr', 'es', 'xx', ''],
  start_date: ['2024-03-01', '2024-02-30', '01/03/2024', ''],
  end_date: ['2024-03-05', 'soon', ''],
  gender: ['woman', 'man', 'non_binary', 'female', ''],
  birth_year: ['1980', '1890', 'nineteen', '2100', ''],
  nationality: ['SN', 'FR', 'XX', 'sen', ''],
  residence_country: ['NP', 'BD', 'ZZ', ''],
  email: ['a@example.net', 'not-an-email', ''],
  organisation_type: ['ministry_of_labour', 'workers_organisation', 'guild', ''],
  wg_seeing: ['no_difficulty', 'cannot_do', 'blind', ''],
  consent_followup: ['yes', 'no', 'true', 'maybe', ''],
  role: ['participant', 'resource_person', 'boss', ''],
  status: ['completed', 'enrolled', 'done', 'open', ''],
  completion_date: ['2024-03-05', 'yesterday', ''],
  fee_type: ['free', 'fee', 'paid', ''],
  themes: ['ethical_recruitment', 'nonexistent_theme', ''],
};

const cellFor = (column: string) => fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...(plausible[column] ?? ['x', ''])) }, fc.constantFrom(...HOSTILE_SNIPPETS), fc.string({ maxLength: 15 }));

function tableFor(kind: ImportKindName) {
  const columns = importKind(kind).columns;
  const headers: fc.Arbitrary<string[]> = fc
    .shuffledSubarray([...columns], { minLength: Math.max(1, columns.length - 3) })
    .chain((kept) => fc.constantFrom<string[]>(kept, kept, kept, [...kept, 'surprise_column'], [...kept, kept[0]!]));
  return headers.chain((header) =>
    fc.record({
      header: fc.constant(header),
      rows: fc.array(fc.tuple(...header.map((column: string) => cellFor(column))), { maxLength: 6 }),
      format: fc.constantFrom('csv' as const, 'xlsx' as const),
      skipInvalid: fc.boolean(),
    }),
  );
}

describe('imports under arbitrary files', () => {
  let database: Database;
  let orgId: string;
  let actor: Actor;

  before(async () => {
    database = await createTestDatabase();
    const org = await createTestOrg(database, 'fuzz-imports');
    orgId = org.id;
    const signedIn = await signIn(database.system, org.emails.administrator, TEST_PASSWORD);
    assert.ok(signedIn.ok);
    actor = (await resolveSession(database.system, signedIn.sessionToken))!;
  });
  after(() => database.close());

  async function counts(): Promise<string> {
    const [row] = await database.withOrg(orgId, (tx) =>
      rows<Record<string, number>>(
        tx,
        sql`select (select count(*)::int from activities) as activities, (select count(*)::int from participants) as participants,
                   (select count(*)::int from enrolments) as enrolments`,
      ),
    );
    return JSON.stringify(row);
  }

  for (const kind of ['activities', 'participants', 'enrolments'] as const) {
    it(`${kind}: all, none, or exactly the valid rows`, async () => {
      await fc.assert(
        fc.asyncProperty(tableFor(kind), async ({ header, rows: body, format, skipInvalid }) => {
          const bytes = await writeTable(format, header, body.map((row) => row.map(String)));
          const before = await counts();
          try {
            const report = await importTable(database, actor, importKind(kind), { fileName: `fuzz.${format}`, bytes, skipInvalid });
            assert.equal(report.written + report.skipped, report.rows, 'every row is written or reported');
            if (!skipInvalid) assert.equal(report.skipped, 0);
          } catch (error) {
            assert.ok(error instanceof ImportRejected, `unexpected ${(error as Error).name}: ${(error as Error).message}`);
            assert.ok(error.report.issues.length > 0);
            for (const issue of error.report.issues) {
              assert.ok(issue.row >= 1 && issue.message.trim() !== '', 'each problem names its row and says what is wrong');
            }
            assert.equal(await counts(), before, 'a rejected import writes nothing');
          }
        }),
        fuzzParameters(40),
      );
    });
  }

  it('a NUL character in a cell is a problem of its row and column, never a database error (found by this fuzz run)', async () => {
    const bytes = await writeTable('csv', ['participant_id', 'activity_code', 'status'], [['P-1', '\u0000', 'completed']]);
    const before = await counts();
    await assert.rejects(importTable(database, actor, importKind('enrolments'), { fileName: 'nul.csv', bytes, skipInvalid: false }), (error: unknown) => {
      assert.ok(error instanceof ImportRejected, String(error));
      assert.ok(error.report.issues.some((issue) => issue.row === 2 && issue.column === 'activity_code' && /NUL/.test(issue.message)), JSON.stringify(error.report.issues));
      return true;
    });
    assert.equal(await counts(), before);
  });

  it('reads any bytes as a table or refuses them with a TableError', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 1024 }), fc.string({ maxLength: 300 }).map((text) => new TextEncoder().encode(text))), fc.constantFrom('x.csv', 'x.xlsx'), async (bytes, name) => {
        try {
          await readTable(name, bytes);
        } catch (error) {
          assert.ok(error instanceof TableError, `unexpected ${(error as Error).name}: ${(error as Error).message}`);
        }
      }),
      fuzzParameters(300),
    );
  });
});
