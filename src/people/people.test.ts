// Inclusion derivations, the personal-data guard and participant/enrolment imports.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import type { Actor } from '../accounts/service.ts';
import { activityImport } from '../catalogue/import.ts';
import { rows, type Database } from '../db/database.ts';
import { exportTable, ImportRejected, importTable } from '../imports/importer.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg } from '../testing/http.ts';
import { enrolmentImport, participantImport } from './import.ts';
import { countryCodes, countryInfo } from './reference/m49.ts';
import { activityIdsByCode } from '../catalogue/repository.ts';
import { activityBreakdown } from './repository.ts';
import { ageBandOf, constituentGroupOf, disabilityStatusOf } from './vocabulary.ts';

describe('inclusion derivations', () => {
  it('maps countries to M49 regions and UN development groups', () => {
    assert.equal(countryCodes.length, 249);
    assert.deepEqual(countryInfo('SN'), { code: 'SN', region: 'africa', subRegion: 'sub_saharan_africa', ldcUntil: '', lldc: false, sids: false });
    assert.equal(countryInfo('NP')!.lldc, true);
    assert.equal(countryInfo('NP')!.subRegion, 'southern_asia');
    assert.equal(countryInfo('FJ')!.sids, true);
    assert.equal(countryInfo('FJ')!.region, 'oceania');
    assert.equal(countryInfo('MX')!.subRegion, 'latin_america_caribbean');
    assert.equal(countryInfo('BT')!.ldcUntil, '2023-12-13', 'Bhutan graduated in 2023');
    assert.equal(countryInfo('FR')!.ldcUntil, null);
    assert.equal(countryInfo('ZZ'), undefined);
  });

  it('derives constituent groups, Washington Group status and age bands', () => {
    assert.equal(constituentGroupOf('ministry_of_labour'), 'government');
    assert.equal(constituentGroupOf('workers_organisation'), 'workers');
    assert.equal(constituentGroupOf('employers_organisation'), 'employers');
    assert.equal(constituentGroupOf('ngo_cso'), 'other');
    const none = { seeing: 'no_difficulty', hearing: 'no_difficulty', walking: 'some_difficulty', cognition: 'no_difficulty', selfcare: 'no_difficulty', communication: 'no_difficulty' } as const;
    assert.equal(disabilityStatusOf(none), 'without_disability');
    assert.equal(disabilityStatusOf({ ...none, hearing: 'a_lot_of_difficulty' }), 'with_disability');
    assert.equal(disabilityStatusOf({ walking: 'cannot_do' }), 'with_disability');
    assert.equal(disabilityStatusOf({ seeing: 'some_difficulty' }), 'unknown');
    assert.equal(ageBandOf(1990, 2024), '25_34');
    assert.equal(ageBandOf(null, 2024), null);
  });
});

const participantHeader =
  'participant_id,given_name,family_name,email,gender,birth_year,nationality,residence_country,organisation,organisation_type,preferred_language,wg_seeing,wg_hearing,wg_walking,wg_cognition,wg_selfcare,wg_communication,consent_followup';

describe('participants and enrolments', () => {
  let database: Database;
  let admin: Actor;
  let viewer: Actor;

  before(async () => {
    database = await createTestDatabase();
    const org = await createTestOrg(database, 'people-org');
    admin = { userId: randomUUID(), orgId: org.id, role: 'administrator', displayName: 'A', email: org.emails.administrator };
    viewer = { ...admin, role: 'viewer', email: org.emails.viewer };
    const activities = 'code,title,modality\nACT-1,Ethical recruitment,webinar\n';
    await importTable(database, admin, activityImport, { fileName: 'a.csv', bytes: Buffer.from(activities) });
  });
  after(() => database.close());

  const participantsCsv = [
    participantHeader,
    'P-001,Awa,Ndiaye,awa@example.org,woman,1985,SN,FR,Ministère du Travail,ministry_of_labour,fr,no_difficulty,no_difficulty,no_difficulty,no_difficulty,no_difficulty,no_difficulty,yes',
    'P-002,José,Pérez,jose@example.org,man,1979,NP,QA,"Sindicato ""Unidos""",workers_organisation,es,no_difficulty,a_lot_of_difficulty,,,,,no',
    'P-003,,,,self_described,2000,FJ,FJ,Pacific Employers,employers_organisation,en,,,,,,,no',
  ].join('\r\n');

  it('imports participants with derived inclusion data and keeps personal data apart', async () => {
    const report = await importTable(database, admin, participantImport, { fileName: 'p.csv', bytes: Buffer.from('\uFEFF' + participantsCsv) });
    assert.equal(report.written, 3);
    const stored = await database.withOrg(admin.orgId, (tx) =>
      rows<Record<string, unknown>>(tx, sql`select code, region, sub_region, tracer_ldc_on(nationality, date '2026-11-23') as ldc, lldc, sids, constituent_group, disability_status from participants order by code`),
    );
    assert.deepEqual(stored, [
      { code: 'P-001', region: 'africa', sub_region: 'sub_saharan_africa', ldc: true, lldc: false, sids: false, constituent_group: 'government', disability_status: 'without_disability' },
      { code: 'P-002', region: 'asia', sub_region: 'southern_asia', ldc: true, lldc: true, sids: false, constituent_group: 'workers', disability_status: 'with_disability' },
      { code: 'P-003', region: 'oceania', sub_region: 'melanesia', ldc: false, lldc: false, sids: true, constituent_group: 'employers', disability_status: 'unknown' },
    ]);
    const afterGraduation = await database.withOrg(admin.orgId, (tx) =>
      rows<{ code: string; ldc: boolean }>(tx, sql`select code, tracer_ldc_on(nationality, date '2026-11-24') as ldc from participants order by code`),
    );
    assert.deepEqual(afterGraduation.map((row) => row.ldc), [true, false, false], 'Nepal graduates on 24 November 2026');
  });

  it('hides personal data from a transaction that has not opened it, even for its own organisation', async () => {
    const seen = await database.withOrg(admin.orgId, (tx) => rows<{ n: number }>(tx, sql`select count(*)::int as n from participant_personal_data`));
    assert.equal(seen[0]!.n, 0);
    const total = await rows<{ n: number }>(database.system, sql`select count(*)::int as n from participant_personal_data`);
    assert.equal(total[0]!.n, 2);
  });

  it('exports names only when an administrator asks for them; every export is audit-logged', async () => {
    const pseudonymised = (await exportTable(database, admin, participantImport, 'csv')).toString('utf8');
    assert.ok(!pseudonymised.includes('awa@example.org'));
    assert.ok(pseudonymised.includes('P-001'));
    const forAdmin = (await exportTable(database, admin, participantImport, 'csv', { personalData: 'named' })).toString('utf8');
    assert.ok(forAdmin.includes('awa@example.org'));
    assert.ok(forAdmin.includes('"Sindicato ""Unidos"""'));
    const forViewer = (await exportTable(database, viewer, participantImport, 'csv')).toString('utf8');
    assert.ok(!forViewer.includes('awa@example.org'));
    assert.ok(forViewer.includes('P-001'));
    await assert.rejects(exportTable(database, viewer, participantImport, 'csv', { personalData: 'named' }), /only an administrator/);
    const audit = await rows<{ entry: string }>(
      database.system,
      sql`select action || ' ' || (details->>'personalData') as entry from audit_log where org_id = ${admin.orgId}`,
    );
    assert.deepEqual(audit.map((a) => a.entry).sort(), ['personal_data.export named', 'personal_data.export pseudonymised', 'personal_data.export pseudonymised']);
    const again = await importTable(database, admin, participantImport, { fileName: 'export.csv', bytes: Buffer.from(forAdmin) });
    assert.equal(again.written, 3, 'the export imports back as an update');
    const count = await rows<{ n: number }>(database.system, sql`select count(*)::int as n from participants`);
    assert.equal(count[0]!.n, 3);
  });

  it('a viewer cannot import personal data', async () => {
    const rejected = await importTable(database, viewer, participantImport, { fileName: 'p.csv', bytes: Buffer.from(participantsCsv) }).catch((e: unknown) => e);
    assert.ok(rejected instanceof ImportRejected);
    assert.equal(rejected.report.issues[0]!.column, 'given_name');
  });

  it('reports every kind of bad participant row with its row and column, atomically', async () => {
    const bad = [
      participantHeader,
      'P-100,,,,woman,1990,SN,,,,,,,,,,,yes',
      'P-101,,,not-an-email,female,1890,XX,ZZ,,ministry,english,maybe,,,,,,perhaps',
      'P-100,,,,man,,,,,,,,,,,,,',
    ].join('\n');
    const rejected = await importTable(database, admin, participantImport, { fileName: 'bad.csv', bytes: Buffer.from(bad) }).catch((e: unknown) => e);
    assert.ok(rejected instanceof ImportRejected);
    const found = rejected.report.issues.map((i) => `${i.row}:${i.column}`).sort();
    assert.deepEqual(found, ['3:consent_followup', '4:participant_id']);
    const fixedCells = bad.replace(',perhaps', ',no');
    const second = await importTable(database, admin, participantImport, { fileName: 'bad.csv', bytes: Buffer.from(fixedCells) }).catch((e: unknown) => e);
    assert.ok(second instanceof ImportRejected);
    assert.deepEqual(second.report.issues.map((i) => `${i.row}:${i.column}`).sort(), [
      '3:birth_year', '3:email', '3:gender', '3:nationality', '3:organisation_type', '3:preferred_language', '3:residence_country', '3:wg_seeing', '4:participant_id',
    ]);
    const count = await rows<{ n: number }>(database.system, sql`select count(*)::int as n from participants where code = 'P-100'`);
    assert.equal(count[0]!.n, 0, 'nothing written');
  });

  it('imports enrolments, rejects unknown references and breaks an activity down by inclusion group', async () => {
    const csv = 'participant_id,activity_code,role,status,completion_date\nP-001,ACT-1,participant,completed,2024-02-01\nP-002,ACT-1,participant,certified,\nP-003,ACT-1,resource_person,enrolled,\nP-999,NOPE,chair,done,soon\n';
    const rejected = await importTable(database, admin, enrolmentImport, { fileName: 'e.csv', bytes: Buffer.from(csv) }).catch((e: unknown) => e);
    assert.ok(rejected instanceof ImportRejected);
    assert.deepEqual(rejected.report.issues.map((i) => `${i.row}:${i.column}`).sort(), ['5:activity_code', '5:completion_date', '5:participant_id', '5:role', '5:status']);
    const report = await importTable(database, admin, enrolmentImport, { fileName: 'e.csv', bytes: Buffer.from(csv), skipInvalid: true });
    assert.equal(report.written, 3);
    const breakdown = await database.withOrg(admin.orgId, async (tx) => activityBreakdown(tx, (await activityIdsByCode(tx, ['ACT-1'])).get('ACT-1')!));
    const gender = breakdown.filter((b) => b.dimension === 'gender').map((b) => `${b.value}=${b.count}`).sort();
    assert.deepEqual(gender, ['man=1', 'woman=1'], 'resource persons are not counted');
    assert.ok(breakdown.some((b) => b.dimension === 'constituent_group' && b.value === 'workers' && b.count === 1));
  });
});
