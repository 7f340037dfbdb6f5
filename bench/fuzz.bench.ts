// The long fuzz run: the property-based tests that CI runs briefly, with many more cases
// (FUZZ_RUNS, default 20× CI's), on PostgreSQL. Prints the cases tried per property file.
import { spawnSync } from 'node:child_process';

const runs = Number(process.env.FUZZ_RUNS ?? 2000);
const files = ['src/instruments/instruments.property.test.ts', 'src/imports/imports.property.test.ts', 'src/responses/submissions.property.test.ts'];
const databaseUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
let failed = 0;
for (const file of files) {
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=dot', file], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, FUZZ_RUNS: String(runs), TEST_DATABASE_URL: databaseUrl },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  process.stdout.write(`${file}: ${runs} cases per property, ${result.status === 0 ? 'no failure' : 'FAILED'} (${seconds} s)\n`);
  if (result.status !== 0) failed++;
}
process.exit(failed === 0 ? 0 : 1);
