// LDC status as of a date: Bangladesh, Lao PDR and Nepal graduate on 24 November 2026. The
// reference data (reference/m49.ts) and the database function tracer_ldc_on must agree for every
// country, and the activity breakdown counts LDC nationals on the activity's own date.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { activityImport } from '../catalogue/import.ts';
import { activityIdsByCode } from '../catalogue/repository.ts';
import { rows, type Database } from '../db/database.ts';
import { importTable } from '../imports/importer.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg } from '../testing/http.ts';
import { enrolmentImport, participantImport } from './import.ts';
import { countryCodes, isLdcOn, LDC_GRADUATIONS, LDC_SOURCE, ldcTimeline } from './reference/m49.ts';
import { activityBreakdown } from './repository.ts';

describe('LDC status by date (reference data)', () => {
  it('graduates Bangladesh, Lao PDR and Nepal on 24 November 2026, and no one else that day', () => {
    for (const code of ['BD', 'LA', 'NP']) {
      assert.equal(isLdcOn(code, '2026-11-22'), true, `${code} today`);
      assert.equal(isLdcOn(code, '2026-11-23'), true, `${code} the day before`);
      assert.equal(isLdcOn(code, '2026-11-24'), false, `${code} on graduation day`);
      assert.equal(isLdcOn(code, '2027-06-01'), false, `${code} after`);
    }
    const changed = countryCodes.filter((code) => isLdcOn(code, '2026-11-23') !== isLdcOn(code, '2026-11-24'));
    assert.deepEqual(changed, ['BD', 'LA', 'NP']);
  });

  it('counts the list at dates with known membership', () => {
    const count = (date: string) => countryCodes.filter((code) => isLdcOn(code, date)).length;
    assert.equal(count('2026-11-22'), 44, '44 LDCs after São Tomé and Príncipe, before the three Asian graduations');
    assert.equal(count('2026-11-24'), 41);
    assert.equal(count('2024-06-01'), 45, 'São Tomé and Príncipe still an LDC until 13 December 2024');
    assert.equal(count('2023-06-01'), 46, 'Bhutan too until 13 December 2023');
    assert.equal(count('2028-01-01'), 40, 'Solomon Islands scheduled for 13 December 2027');
    assert.equal(isLdcOn('SN', '2030-01-01'), true, 'no graduation scheduled for Senegal');
    assert.equal(isLdcOn('FR', '2000-01-01'), false);
    assert.equal(isLdcOn(null, '2026-01-01'), false);
    assert.equal(isLdcOn('np', '2026-01-01'), true, 'codes in any case');
  });

  it('names its sources and the date they were checked', () => {
    assert.match(LDC_SOURCE.list, /^https:\/\/www\.un\.org\//);
    assert.match(LDC_SOURCE.graduations, /^https:\/\/www\.un\.org\//);
    assert.equal(LDC_SOURCE.checked, '2026-11-22');
    for (const date of Object.values(LDC_GRADUATIONS)) assert.match(date, /^\d{4}-\d{2}-\d{2}$/);
  });
});

describe('LDC status by date (database)', () => {
  let database: Database;
  let orgId: string;

  before(async () => {
    database = await createTestDatabase();
    const org = await createTestOrg(database, 'ldc-centre');
    orgId = org.id;
    const admin = { userId: randomUUID(), orgId, role: 'administrator' as const, displayName: 'A', email: org.emails.administrator };
    await importTable(database, admin, activityImport, {
      fileName: 'a.csv',
      bytes: Buffer.from('code,title,modality,start_date,end_date\nBEFORE,Dhaka workshop,face_to_face,2026-11-10,2026-11-14\nAFTER,Kathmandu workshop,face_to_face,2026-12-01,2026-12-05\n'),
    });
    await importTable(database, admin, participantImport, { fileName: 'p.csv', bytes: Buffer.from('participant_id,nationality\nNP-1,NP\nBD-1,BD\nSN-1,SN\nFR-1,FR\nXX-1,\n') });
    const enrolments = ['BEFORE', 'AFTER'].flatMap((activity) => ['NP-1', 'BD-1', 'SN-1', 'FR-1', 'XX-1'].map((p) => `${p},${activity}`));
    await importTable(database, admin, enrolmentImport, { fileName: 'e.csv', bytes: Buffer.from(`participant_id,activity_code\n${enrolments.join('\n')}\n`) });
  });
  after(() => database.close());

  it('tracer_ldc_on agrees with the reference data for every country on every boundary date', async () => {
    const dates = [...new Set([...Object.values(LDC_GRADUATIONS).flatMap((date) => [date, dayBefore(date)]), '2000-01-01', '2026-11-22', '2035-01-01'])];
    const expected = dates.flatMap((date) => countryCodes.map((code) => `${code} ${date} ${isLdcOn(code, date)}`));
    const actual = await rows<{ code: string; date: string; ldc: boolean }>(
      database.system,
      sql`select c.code, d.date::text as date, tracer_ldc_on(c.code, d.date) as ldc
            from unnest(${`{${countryCodes.join(',')}}`}::text[]) as c(code)
           cross join unnest(${`{${dates.join(',')}}`}::date[]) as d(date)`,
    );
    assert.equal(actual.length, expected.length);
    assert.deepEqual(actual.map((row) => `${row.code} ${row.date} ${row.ldc}`).sort(), expected.sort());
    const unknown = await rows<{ a: boolean | null; b: boolean | null }>(database.system, sql`select tracer_ldc_on(null, current_date) as a, tracer_ldc_on('NP', null) as b`);
    assert.deepEqual(unknown[0], { a: null, b: null });
    assert.ok(ldcTimeline().length > 44);
  });

  it('counts LDC nationals in an activity on the activity’s date', async () => {
    const ids = await database.withOrg(orgId, (tx) => activityIdsByCode(tx, ['BEFORE', 'AFTER']));
    const ldcOf = async (code: string) =>
      Object.fromEntries(
        (await database.withOrg(orgId, (tx) => activityBreakdown(tx, ids.get(code)!))).filter((b) => b.dimension === 'ldc').map((b) => [b.value, b.count]),
      );
    assert.deepEqual(await ldcOf('BEFORE'), { ldc: 3, non_ldc: 1, unknown: 1 }, 'Nepal, Bangladesh and Senegal before 24 November 2026');
    assert.deepEqual(await ldcOf('AFTER'), { ldc: 1, non_ldc: 3, unknown: 1 }, 'only Senegal after');
  });
});

function dayBefore(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}
