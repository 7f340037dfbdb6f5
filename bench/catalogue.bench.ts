// Benchmark (not a test): public catalogue search over 100,000 activities and resources on
// PostgreSQL, and participant import throughput.
//   npx tsx bench/catalogue.bench.ts            (BENCH_CATALOGUE_SIZE=100000, BENCH_PARTICIPANTS=20000)
// Uses a fresh database on the server of DATABASE_URL (default postgres://root@127.0.0.1:5432/postgres)
// and drops it afterwards. Goal: search p95 < 30 ms.
// The data varies each attribute on its own cycle (24 topics in three languages, two themes of eleven,
// twelve countries, several languages per activity), so that facets are not correlated and a text query
// matches a realistic share of the catalogue rather than a quarter of it.
//
// Profile (EXPLAIN ANALYZE as tracer_public over this data set, 2026-11-22, load average ~28 on 2 cores):
// - "recrutement éthique" matches 21,280 of 72,000 published activities. The match alone
//   (`published and search_vector @@ q`, no rank, no facets) took ~430 ms under that load: the planner
//   reads all published rows through activities_published_org_idx and filters (12,760 buffers) rather
//   than using the GIN index, since a quarter of the rows match. Ranking, the page and facets add the rest.
// - The match set is held twice (the SECURITY DEFINER function's tuplestore, then the materialised CTE)
//   and spills at work_mem 4 MB (~4,000 temp pages read per search); it is then scanned six times.
// - Tried: all nine facets in one unnest pass (psql timings within the noise of the loaded machine);
//   work_mem 32 MB for the search transaction (this bench: p50 475 → 469 ms, p95 985 → 1191 ms, load
//   32 → 39). Neither showed a gain, so neither was kept.
// - What the goal needs: the match set must be cheap to read — a narrow search projection (ids, facet
//   codes, a small ranking vector) maintained by trigger, filters inside the owner-rights functions so
//   array filters use GIN indexes, and precomputed facet counts for queries without words.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { addMember } from '../src/accounts/service.ts';
import { searchCatalogue, type CatalogueQuery } from '../src/catalogue/search.ts';
import { withPublic } from '../src/db/public-access.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrate } from '../src/db/migrate.ts';
import { importTable } from '../src/imports/importer.ts';
import { participantImport } from '../src/people/import.ts';
import { createPostgresDatabase } from '../src/testing/database.ts';
import { generateCatalogue } from './catalogue-data.ts';

const size = Number(process.env.BENCH_CATALOGUE_SIZE ?? 100_000);
const participantCount = Number(process.env.BENCH_PARTICIPANTS ?? 20_000);
const serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

/** Query shapes, each timed on its own: words in each language, facets only, filters, sorts, a deep page. */
const shapes: Record<string, CatalogueQuery> = {
  'text fr (broad)': { q: 'recrutement éthique' },
  'text es + language': { q: 'migración laboral', language: 'es' },
  'text en + upcoming': { q: 'statistics', when: 'upcoming' },
  'text (resources)': { q: 'toolkit' },
  'text, one org, by date': { q: 'recruitment', org: 'bench-b', sort: 'start_date' },
  'text, page 3': { q: 'seminar governance', page: 3 },
  'facets: theme+modality': { theme: 'social_protection', modality: 'blended' },
  'facets: country+year': { country: 'SN', year: 2020 },
  'browse all': {},
  'browse one org, by title': { org: 'bench-c', sort: 'title' },
  'browse past, page 50': { when: 'past', page: 50 },
};

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

const { url, drop } = await createPostgresDatabase(serverUrl);
const database = await openDatabase({ kind: 'postgres', url });
try {
  await migrate(database);
  let started = performance.now();
  const orgs = await generateCatalogue(database, size);
  console.log(`built ${Math.round(size * 0.8)} activities + ${size - Math.round(size * 0.8)} resources in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  for (const query of Object.values(shapes)) await withPublic(database, (tx) => searchCatalogue(tx, query)); // warm-up
  const rounds = Number(process.env.BENCH_ROUNDS ?? 10);
  const byShape = new Map(Object.keys(shapes).map((name) => [name, [] as number[]]));
  for (let round = 0; round < rounds; round++) {
    for (const [name, query] of Object.entries(shapes)) {
      const start = performance.now();
      await withPublic(database, (tx) => searchCatalogue(tx, query));
      byShape.get(name)!.push(performance.now() - start);
    }
  }
  for (const [name, timings] of byShape) {
    timings.sort((a, b) => a - b);
    console.log(`  ${name.padEnd(26)} p50 ${percentile(timings, 50).toFixed(1).padStart(6)} ms   p95 ${percentile(timings, 95).toFixed(1).padStart(6)} ms`);
  }
  const all = [...byShape.values()].flat().sort((a, b) => a - b);
  console.log(`catalogue search (${all.length} searches, results + facets + resources): p50 ${percentile(all, 50).toFixed(1)} ms, p95 ${percentile(all, 95).toFixed(1)} ms (goal p95 < 30 ms)`);

  const org = orgs[0]!;
  await addMember(database.system, org.id, { email: 'bench@bench.test', role: 'administrator', password: 'bench-password-1234' });
  const header = 'participant_id,given_name,family_name,email,gender,birth_year,nationality,residence_country,organisation,organisation_type,preferred_language,wg_seeing,wg_hearing,wg_walking,wg_cognition,wg_selfcare,wg_communication,consent_followup';
  const lines = [header];
  for (let i = 0; i < participantCount; i++) {
    lines.push(`P${i},Given${i},Family${i},p${i}@example.org,${i % 2 ? 'woman' : 'man'},${1960 + (i % 40)},${['SN', 'PH', 'NP', 'MX'][i % 4]},QA,Org ${i % 300},${['ministry_of_labour', 'workers_organisation', 'employers_organisation', 'ngo_cso'][i % 4]},en,no_difficulty,no_difficulty,${i % 50 ? 'no_difficulty' : 'cannot_do'},no_difficulty,no_difficulty,no_difficulty,yes`);
  }
  started = performance.now();
  const actor = { userId: randomUUID(), orgId: org.id, role: 'administrator' as const, displayName: 'bench', email: 'bench@bench.test' };
  const report = await importTable(database, actor, participantImport, { fileName: 'participants.csv', bytes: Buffer.from(lines.join('\r\n')) });
  const seconds = (performance.now() - started) / 1000;
  console.log(`participant import: ${report.written} rows in ${seconds.toFixed(1)} s = ${Math.round(report.written / seconds)} rows/s`);
} finally {
  await database.close();
  await drop();
}
