// `npm run bench`: runs every bench/*.bench.ts in turn (each a standalone script that prints its
// own figures). Pass names to run some: `npm run bench -- catalogue submissions`.
// Benchmarks: analytics, catalogue, fuzz, load (500 concurrent respondents for 60 s), response-import
// (1M responses vs COPY), report (the evaluation report over 1M answers), submissions, tenancy.
// Benchmarks that need PostgreSQL use BENCH_DATABASE_URL (default postgres://root@127.0.0.1:5432/postgres).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const folder = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(folder)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => wanted.length === 0 || wanted.some((w) => name.startsWith(w)))
  .sort();

if (files.length === 0) {
  process.stdout.write('No benchmark matched.\n');
  process.exit(1);
}
let failed = 0;
for (const file of files) {
  process.stdout.write(`\n=== ${file}\n`);
  const result = spawnSync(process.execPath, ['--import', 'tsx', `${folder}${file}`], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
