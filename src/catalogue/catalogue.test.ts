// Catalogue import and public search against a real database (PGlite or PostgreSQL).
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Actor } from '../accounts/service.ts';
import { rows as rowsOf, type Database } from '../db/database.ts';
import { exportTable, ImportRejected, importTable } from '../imports/importer.ts';
import { readTable } from '../imports/table.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg } from '../testing/http.ts';
import { activityImport, resourceImport } from './import.ts';
import { searchCatalogue } from './search.ts';
import { withPublic } from '../db/public-access.ts';

const header = 'code,title,description,modality,languages,start_date,end_date,country,city,themes,fee_type,programme,status,cost,contact,published';
const activitiesCsv = [
  header,
  'ER-2022,Recrutement éthique des travailleurs migrants,Atelier sur les agences de recrutement,face_to_face,fr,2022-03-01,2022-03-05,SN,Dakar,ethical_recruitment,free,Migration,completed,12500,secret-contact@x.org,yes',
  'MIG-ES,Migraciones laborales en América Latina,Curso sobre políticas migratorias,online_tutored,es,2023-05-01,2023-06-30,,,labour_migration_governance,fee,Migration,completed,900,private@x.org,yes',
  'STAT-EN,Labour migration statistics for policymakers,Measuring migrant workers,blended,en;fr,2099-01-10,2099-01-20,PH,Manila,labour_migration_statistics,sponsored,Statistics,open,5000,hidden@x.org,yes',
  'DRAFT-1,Unpublished draft on ethical recruitment,,webinar,en,2023-01-01,,,,ethical_recruitment,free,,planned,1,draft@x.org,no',
].join('\r\n');

describe('catalogue', () => {
  let database: Database;
  let actor: Actor;

  before(async () => {
    database = await createTestDatabase();
    const org = await createTestOrg(database, 'cat-org');
    actor = { userId: randomUUID(), orgId: org.id, role: 'administrator', displayName: 'Admin', email: org.emails.administrator };
    const bytes = Buffer.from('\uFEFF' + activitiesCsv, 'utf8');
    const report = await importTable(database, actor, activityImport, { fileName: 'activities.csv', bytes });
    assert.equal(report.written, 4);
  });
  after(() => database.close());

  const search = (query: Parameters<typeof searchCatalogue>[1]) => withPublic(database, (tx) => searchCatalogue(tx, query));
  const codes = async (query: Parameters<typeof searchCatalogue>[1]) => (await search(query)).activities.map((a) => a.code).sort();

  it('finds French text by a stemmed, unaccented French query', async () => {
    assert.deepEqual(await codes({ q: 'recrutements ethiques' }), ['ER-2022']);
    assert.deepEqual(await codes({ q: 'agence' }), ['ER-2022']);
  });

  it('finds Spanish text by a stemmed, unaccented Spanish query', async () => {
    assert.deepEqual(await codes({ q: 'migraciones américa' }), ['MIG-ES']);
    assert.deepEqual(await codes({ q: 'politica migratoria' }), ['MIG-ES']);
  });

  it('finds English text by stem, and by theme label in another language', async () => {
    assert.deepEqual(await codes({ q: 'measure statistic' }), ['STAT-EN']);
    assert.deepEqual(await codes({ q: 'estadísticas' }), ['STAT-EN']);
  });

  it('counts facets in SQL over published activities only', async () => {
    const results = await search({});
    assert.equal(results.total, 3);
    assert.deepEqual(results.facets.modality.map((f) => [f.value, f.count]).sort(), [['blended', 1], ['face_to_face', 1], ['online_tutored', 1]]);
    assert.deepEqual(results.facets.language, [{ value: 'fr', count: 2 }, { value: 'en', count: 1 }, { value: 'es', count: 1 }]);
    assert.deepEqual(results.facets.region.map((f) => f.value).sort(), ['africa', 'asia']);
    assert.deepEqual(results.facets.year.find((f) => f.value === '2022'), { value: '2022', count: 1 });
    const filtered = await search({ language: 'fr', when: 'upcoming' });
    assert.deepEqual(filtered.activities.map((a) => a.code), ['STAT-EN']);
    assert.equal(filtered.facets.fee_type[0]!.value, 'sponsored');
  });

  it('never exposes cost, contact or unpublished activities publicly', async () => {
    const text = JSON.stringify(await search({ q: 'recruitment' })) + JSON.stringify(await search({}));
    for (const secret of ['12500', 'secret-contact', 'private@x.org', 'hidden@x.org', 'DRAFT-1', 'draft@x.org']) assert.ok(!text.includes(secret), secret);
    await assert.rejects(
      withPublic(database, (tx) => tx.execute(sqlText('select cost from activities'))),
      (error: Error) => /permission denied/.test(String((error.cause as Error | undefined)?.message ?? error.message)),
    );
    const participantsVisible = withPublic(database, (tx) => tx.execute(sqlText('select count(*) from participants')));
    await assert.rejects(participantsVisible);
  });

  it('re-import updates by code instead of duplicating, and export round-trips', async () => {
    const exported = await exportTable(database, actor, activityImport, 'csv');
    const again = await importTable(database, actor, activityImport, { fileName: 'export.csv', bytes: exported });
    assert.equal(again.written, 4);
    const reExported = await exportTable(database, actor, activityImport, 'xlsx');
    const fromXlsx = await importTable(database, actor, activityImport, { fileName: 'export.xlsx', bytes: reExported });
    assert.equal(fromXlsx.written, 4);
    assert.deepEqual((await readTable('a.xlsx', reExported)).rows, (await readTable('a.csv', exported)).rows);
    assert.equal((await search({})).total, 3);
  });

  it('rejects a file with bad rows, naming row and column, and writes nothing', async () => {
    const bad = [header, 'NEW-1,Fine,,webinar,en,2024-01-01,,,,,free,,planned,,,yes', 'NEW-2,Bad,,teleport,english,2024-13-01,,XX,,nope,free,,planned,,,yes'].join('\n');
    const rejected = await importTable(database, actor, activityImport, { fileName: 'bad.csv', bytes: Buffer.from(bad) }).catch((e: unknown) => e);
    assert.ok(rejected instanceof ImportRejected);
    const columns = rejected.report.issues.map((issue) => `${issue.file}:${issue.row}:${issue.column}`).sort();
    assert.deepEqual(columns, ['bad.csv:3:country', 'bad.csv:3:languages', 'bad.csv:3:modality', 'bad.csv:3:start_date', 'bad.csv:3:themes']);
    assert.equal((await search({ q: 'Fine' })).total, 0);
    const partial = await importTable(database, actor, activityImport, { fileName: 'bad.csv', bytes: Buffer.from(bad), skipInvalid: true });
    assert.equal(partial.written, 1);
    assert.equal(partial.issues.length, 5);
  });

  it('neutralises formulas in exports and restores them on import', async () => {
    const csv = [header, 'F-1,"=HYPERLINK(""http://evil"")",@SUM(A1),webinar,en,,,,,,free,-minus,planned,,,yes'].join('\n');
    await importTable(database, actor, activityImport, { fileName: 'formula.csv', bytes: Buffer.from(csv) });
    const exported = (await exportTable(database, actor, activityImport, 'csv')).toString('utf8');
    assert.ok(exported.includes(`'=HYPERLINK`));
    assert.ok(exported.includes(`'@SUM(A1)`));
    assert.ok(!/(^|,)=HYPERLINK/m.test(exported));
    const again = await importTable(database, actor, activityImport, { fileName: 'export.csv', bytes: Buffer.from(exported) });
    assert.ok(again.written > 0);
    assert.equal((await search({ q: 'HYPERLINK' })).activities[0]?.title, '=HYPERLINK("http://evil")');
  });

  it('gives a clear message for a file that is not UTF-8', async () => {
    const latin1 = Buffer.from(`${header}\nX-1,Récrutement,,webinar,fr,,,,,,free,,planned,,,yes\n`, 'latin1');
    const rejected = await importTable(database, actor, activityImport, { fileName: 'latin1.csv', bytes: latin1 }).catch((e: unknown) => e);
    assert.ok(rejected instanceof ImportRejected);
    assert.match(rejected.report.issues[0]!.message, /not UTF-8.*CSV UTF-8/);
  });

  it('keeps the public search projection and its stored facet counts in step with every write', async () => {
    const orgId = actor.orgId;
    const recount = () =>
      database.withOrg(orgId, async (tx) => {
          const [row] = await rowsOf<{ stored: string | null; recomputed: string | null; projected: number; published: number }>(
            tx,
            sql`select (select string_agg(facet_key || '=' || activities, ';' order by facet_key) from catalogue_facet_counts where activities <> 0) as stored,
                       (select string_agg(key || '=' || n, ';' order by key) from (
                          select key, count(*) as n from activities a, unnest(tracer_catalogue_facet_keys(a) || 'total'::text) key
                           where a.published group by key) k) as recomputed,
                       (select count(*)::int from catalogue_activity_search) as projected,
                       (select count(*)::int from activities where published) as published`,
          );
          return row!;
        });
    const periodCounts = () =>
      database.withOrg(orgId, async (tx) => {
        const [row] = await rowsOf<{ stored: string | null; recomputed: string | null }>(
          tx,
          sql`select (select string_agg(concat_ws('/', facet_key, year, month, activities), ';' order by facet_key, year, month)
                        from catalogue_facet_period_counts where activities <> 0) as stored,
                     (select string_agg(concat_ws('/', key, year, month, n), ';' order by key, year, month) from (
                        select key, p.year, p.month, count(*) as n
                          from activities a, unnest(tracer_catalogue_facet_keys(a) || 'total'::text) key,
                               lateral (values (extract(year from coalesce(a.end_date, a.start_date))::int, 0),
                                               (extract(year from coalesce(a.end_date, a.start_date))::int, extract(month from coalesce(a.end_date, a.start_date))::int)) p(year, month)
                         where a.published and coalesce(a.end_date, a.start_date) is not null group by key, p.year, p.month) k) as recomputed`,
        );
        return row!;
      });
    /** Facet counts (and `total`) of the published activities ending before today, or from today on, counted from the activities. */
    const liveCounts = (when: 'past' | 'upcoming') =>
      database.withOrg(orgId, async (tx) => {
        const period = when === 'past' ? sql`coalesce(a.end_date, a.start_date) < current_date` : sql`coalesce(a.end_date, a.start_date) >= current_date`;
        const found = await rowsOf<{ key: string; n: number }>(
          tx,
          sql`select key, count(*)::int as n from activities a, unnest(tracer_catalogue_facet_keys(a) || 'total'::text) key
               where a.published and ${period} group by key order by key`,
        );
        return found.map(({ key, n }) => `${key}=${n}`).join(';');
      });
    const searchedCounts = async (when: 'past' | 'upcoming') => {
      const results = await search({ when });
      const keys: Array<[string, number]> = Object.entries(results.facets).flatMap(([facet, values]) => values.map(({ value, count }): [string, number] => [`${facet}:${value}`, count]));
      if (results.total > 0) keys.push(['total', results.total]);
      return keys.sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, n]) => `${key}=${n}`).join(';');
    };
    const check = async (step: string) => {
      const counts = await recount();
      assert.equal(counts.stored, counts.recomputed, `${step}: stored counts`);
      assert.equal(counts.projected, counts.published, `${step}: one projection row per published activity`);
      const browsed = await search({});
      assert.equal(browsed.total, counts.published, `${step}: total`);
      const periods = await periodCounts();
      assert.equal(periods.stored, periods.recomputed, `${step}: stored counts by year and month`);
      for (const when of ['past', 'upcoming'] as const) assert.equal(await searchedCounts(when), await liveCounts(when), `${step}: ${when} counts`);
    };
    await check('after import');
    await database.withOrg(orgId, (tx) => tx.execute(sql`update activities set themes = array['social_dialogue','gender_and_migration'], country = 'MX', region = 'americas' where code = 'ER-2022'`));
    await check('after a change of facets');
    assert.deepEqual(await codes({ theme: 'social_dialogue', country: 'MX' }), ['ER-2022']);
    await database.withOrg(orgId, (tx) => tx.execute(sql`update activities set published = false where code = 'MIG-ES'`));
    await check('after unpublishing');
    assert.deepEqual(await codes({ q: 'migraciones américa' }), []);
    await database.withOrg(orgId, (tx) => tx.execute(sql`update activities set published = true where code = 'MIG-ES'`));
    await database.withOrg(orgId, (tx) => tx.execute(sql`delete from activities where code = 'F-1'`));
    await check('after republishing and a delete');
    // The current month is counted live, either side of today.
    await database.withOrg(orgId, (tx) => tx.execute(sql`update activities set start_date = current_date - 1, end_date = current_date - 1 where code = 'ER-2022'`));
    await database.withOrg(orgId, (tx) => tx.execute(sql`update activities set start_date = current_date, end_date = null where code = 'MIG-ES'`));
    await check('after moving activities to yesterday and today');
    const [past, upcoming] = [await codes({ when: 'past' }), await codes({ when: 'upcoming' })];
    assert.ok(past.includes('ER-2022') && !past.includes('MIG-ES'), past.join());
    assert.ok(upcoming.includes('MIG-ES') && upcoming.includes('STAT-EN') && !upcoming.includes('ER-2022'), upcoming.join());
    assert.deepEqual(await codes({ q: 'migraciones américa' }), ['MIG-ES']);
  });

  it('imports resources linked to activities and searches them publicly', async () => {
    const csv = 'title,type,description,languages,licence,url,themes,open_access,activities,published\n' +
      '"Guía de contratación ética, 2023",guide,Herramientas prácticas,es,CC BY 4.0,https://example.org/guia,ethical_recruitment,yes,ER-2022;MIG-ES,yes\n';
    const report = await importTable(database, actor, resourceImport, { fileName: 'resources.csv', bytes: Buffer.from(csv) });
    assert.equal(report.written, 1);
    const results = await search({ q: 'contratacion' });
    assert.equal(results.resources[0]?.title, 'Guía de contratación ética, 2023');
  });
});

import { sql } from 'drizzle-orm';
function sqlText(text: string) {
  return sql.raw(text);
}
