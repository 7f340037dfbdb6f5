// The data of the catalogue benchmark (catalogue.bench.ts): `size` activities and resources (80/20) over
// four organisations, generated in SQL so that every run holds identical rows. Not a benchmark itself.
// Each attribute varies on its own cycle (24 topics in three languages, two themes of eleven (one for a resource), twelve
// countries, several languages per activity), so that facets are not correlated and a text query matches
// a realistic share of the catalogue rather than a quarter of it.
import { sql } from 'drizzle-orm';
import { createOrganisation, type Organisation } from '../src/accounts/service.ts';
import { themeCodes } from '../src/catalogue/service.ts';
import type { Database } from '../src/db/database.ts';

/** The eleven default theme codes (catalogue/vocabulary.ts), in the order the cycles below index them. */
const themeCodeList = ['ethical_recruitment', 'labour_migration_governance', 'labour_migration_statistics', 'social_protection', 'skills_mobility',
  'gender_and_migration', 'return_reintegration', 'diaspora_engagement', 'forced_labour_trafficking', 'social_dialogue', 'international_labour_standards'];
const themeArray = sql.raw(`array[${themeCodeList.map((code) => `'${code}'`).join(',')}]`);

export async function generateCatalogue(database: Database, size: number): Promise<Organisation[]> {
  const orgs: Organisation[] = [];
  for (const slug of ['bench-a', 'bench-b', 'bench-c', 'bench-d']) {
    const org = await createOrganisation(database.system, slug, `Benchmark ${slug}`);
    await database.withOrg(org.id, (tx) => themeCodes(tx, org.id));
    orgs.push(org);
  }
  const activityCount = Math.round(size * 0.8);
  const resourceCount = size - activityCount;
  for (const [index, org] of orgs.entries()) {
    const share = Math.ceil(activityCount / orgs.length);
    await database.system.execute(sql`
      insert into activities (org_id, code, title, description, themes, modality, languages, start_date, end_date, country, region, fee_type, status, target_groups, published)
      select ${org.id}::uuid, 'B' || ${index} || '-' || i,
             topics[1 + i % 24] || ' ' || (array['workshop','course','académie','taller','webinar','seminar','atelier','curso'])[1 + (i / 24) % 8] || ' ' || i,
             'Training on ' || topics[1 + (i * 7) % 24] || ' and ' || topics[1 + (i * 13) % 24] || ' for '
               || (array['ministries','unions','employers','recruiters','inspectors','journalists'])[1 + (i / 7) % 6],
             array[themes[1 + (i * 3) % 11], themes[1 + (i * 5 + 1) % 11]],
             (array['face_to_face','online_tutored','online_self_paced','blended','webinar'])[1 + (i / 3) % 5]::activity_modality,
             string_to_array((array['en','fr','es','en;fr','en;es'])[1 + (i / 11) % 5], ';'),
             date '2015-01-01' + (i * 37) % 4400, date '2015-01-01' + (i * 37) % 4400 + 1 + i % 20,
             countries[1 + (i / 5) % 12], regions[1 + (i / 5) % 12],
             (array['free','fee','sponsored'])[1 + (i / 13) % 3]::activity_fee_type, (array['completed','open','planned','ongoing','cancelled'])[1 + (i / 17) % 5]::activity_status,
             array[(array['ministries','unions','employers','recruiters'])[1 + (i / 19) % 4]], i % 10 <> 0
        from (select array['ethical recruitment','recrutement éthique','migración laboral','labour migration statistics','protection sociale',
                           'skills recognition','diáspora y desarrollo','travail forcé','return and reintegration','social dialogue',
                           'gender and migration','normes internationales du travail','trata de personas','remittances','bilateral labour agreements',
                           'fair recruitment fees','domestic workers','seasonal work','climate mobility','reconnaissance des compétences',
                           'inspección del trabajo','pre-departure orientation','migrant welfare funds','data governance'] as topics,
                     ${themeArray} as themes,
                     array['SN','PH','IT','MX','KE','NP','FR','ES','QA','BD','CO','MA'] as countries,
                     array['africa','asia','europe','americas','africa','asia','europe','europe','asia','asia','americas','africa'] as regions) vocabulary,
             generate_series(1, ${share}::int) i`);
    await database.system.execute(sql`
      insert into resources (org_id, title, description, type, languages, themes, published)
      select ${org.id}::uuid, (array['Guide pratique','Handbook','Caja de herramientas','Toolkit','Manuel','Video','Curso en línea','Dataset'])[1 + i % 8]
               || ' ' || (array['on recruitment','sur la migration','de protección social','on skills','sur le dialogue social','de estadísticas'])[1 + (i / 8) % 6] || ' ' || i,
             'Resource about ' || (array['migration','fees','reintegration','data','gender','standards','welfare'])[1 + (i * 3) % 7] || ' ' || i,
             (array['handbook','toolkit','guide','video'])[1 + i % 4]::resource_type, array[(array['en','fr','es'])[1 + i % 3]],
             array[themes[1 + (i * 7) % 11]], true
        from (select ${themeArray} as themes) vocabulary,
             generate_series(1, ${Math.ceil(resourceCount / orgs.length)}::int) i`);
  }
  // What autovacuum would have done by the time anyone searches (the benchmark server runs with it off):
  // the stored counts are rewritten once per activity inside each bulk insert, and until a vacuum every
  // search reads those dead versions (browse past: ~200 ms instead of ~10).
  await database.system.execute(sql`vacuum analyze`);
  await database.system.execute(sql`analyze`);
  return orgs;
}
