// `tracer kpi` and `tracer freq` as a user runs them (a child process), over the hand-computed
// fixture of engine-fixture.ts: JSON and CSV checked field by field. On PGlite the fixture is
// written into the data folder the command then opens; with TEST_DATABASE_URL, into a fresh
// PostgreSQL database the command reaches through DATABASE_URL.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createOrganisation } from '../accounts/service.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { runCli } from '../testing/cli.ts';
import { createPostgresDatabase } from '../testing/database.ts';
import { seedEngineFixture } from './engine-fixture.ts';
import { setTarget } from './service.ts';
import { wilsonInterval } from './statistics.ts';

describe('tracer kpi and tracer freq', { concurrency: false }, () => {
  const folder = mkdtempSync(join(tmpdir(), 'tracer-kpi-'));
  const env: Record<string, string | undefined> = { DATABASE_URL: undefined, TRACER_ORG: 'centre', TRACER_DATA_DIR: join(folder, 'data') };
  let drop: (() => Promise<void>) | undefined;

  before(async () => {
    const serverUrl = process.env.TEST_DATABASE_URL;
    if (serverUrl) {
      const created = await createPostgresDatabase(serverUrl);
      drop = created.drop;
      env.DATABASE_URL = created.url;
    }
    const database = await openDatabase(env.DATABASE_URL ? { kind: 'postgres', url: env.DATABASE_URL } : { kind: 'pglite', dataDir: env.TRACER_DATA_DIR! });
    try {
      await migrate(database);
      const org = await createOrganisation(database.system, 'centre', 'Centre');
      await seedEngineFixture(database, org.id);
      await database.withOrg(org.id, (tx) => setTarget(tx, undefined, 'relevance', '2023', { baseline: 0.6, target: 0.75 }));
    } finally {
      await database.close();
    }
  });
  after(async () => {
    rmSync(folder, { recursive: true, force: true });
    await drop?.();
  });

  it('prints one JSON object per indicator and cell with exactly the fields of the issue', async () => {
    const result = await runCli(['kpi', '--period', '2023', '--by', 'gender', '--indicator', 'relevance', '--format', 'json'], { env });
    assert.equal(result.code, 0, result.stderr);
    const records = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    const woman = wilsonInterval(4, 5);
    const man = wilsonInterval(3, 5);
    const targets = { baseline: 0.6, target: 0.75 };
    assert.deepEqual(records, [
      { indicator: 'relevance', period: '2023', gender: 'man', numerator: 3, denominator: 5, value: 0.6, ci_low: man.low, ci_high: man.high, n_missing: 0, suppressed: false, ...targets },
      { indicator: 'relevance', period: '2023', gender: 'prefer_not_to_say', numerator: null, denominator: 0, value: null, ci_low: null, ci_high: null, n_missing: 1, suppressed: true, ...targets },
      { indicator: 'relevance', period: '2023', gender: 'woman', numerator: 4, denominator: 5, value: 0.8, ci_low: woman.low, ci_high: woman.high, n_missing: 0, suppressed: false, ...targets },
    ]);
    for (const record of records) assert.deepEqual(Object.keys(record), ['indicator', 'period', 'gender', 'numerator', 'denominator', 'value', 'ci_low', 'ci_high', 'n_missing', 'suppressed', 'baseline', 'target']);
  });

  it('prints CSV with a header and unrounded numbers, empty fields for null, and filters on another answer', async () => {
    const result = await runCli(['kpi', '--period', '2023', '--indicator', 'relevance', '--indicator', 'needs_met', '--filter', 'office=country_office', '--format', 'csv'], { env });
    assert.equal(result.code, 0, result.stderr);
    const needs = wilsonInterval(5, 6);
    const relevance = wilsonInterval(5, 5);
    assert.deepEqual(result.stdout.trimEnd().split('\n'), [
      'indicator,period,numerator,denominator,value,ci_low,ci_high,n_missing,suppressed,baseline,target',
      `needs_met,2023,5,6,${5 / 6},${needs.low},${needs.high},0,false,,`,
      `relevance,2023,5,5,1,${relevance.low},1,1,false,0.6,0.75`,
    ]);
  });

  it('prints a frequency table as JSON and CSV', async () => {
    const json = await runCli(['freq', 'eoa_relevance', '--instrument', 'eoa', '--period', '2023', '--format', 'json'], { env });
    assert.equal(json.code, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), [
      { option: 'strongly_disagree', label: 'Strongly disagree', count: 1, percent: 10, n_valid: 10, n_missing: 1 },
      { option: 'disagree', label: 'Disagree', count: 1, percent: 10, n_valid: 10, n_missing: 1 },
      { option: 'neutral', label: 'Neither agree nor disagree', count: 1, percent: 10, n_valid: 10, n_missing: 1 },
      { option: 'agree', label: 'Agree', count: 5, percent: 50, n_valid: 10, n_missing: 1 },
      { option: 'strongly_agree', label: 'Strongly agree', count: 2, percent: 20, n_valid: 10, n_missing: 1 },
    ]);
    const csv = await runCli(['freq', 'office', '--period', '2023', '--filter', 'gender=woman', '--format', 'csv'], { env });
    assert.equal(csv.code, 0, csv.stderr);
    // Women answering in 2023: P1 P2 P5 P9 (country office) and P11 (headquarters).
    assert.deepEqual(csv.stdout.trimEnd().split('\n'), [
      'option,label,count,percent,n_valid,n_missing',
      'country_office,Country office,4,80,5,0',
      'headquarters,Headquarters,1,20,5,0',
    ]);
  });

  it('says in one line what is wrong, and sets the suppression threshold', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['kpi', '--by', 'shoe_size'], /Unknown dimension shoe_size/],
      [['kpi', '--filter', 'gender'], /is not a filter: write KEY=VALUE/],
      [['kpi', '--period', '23'], /"23" is not a period/],
      [['freq', 'no_such_question'], /No question "no_such_question"/],
      [['analytics', 'threshold', '0'], /from 1 to 1000/],
    ];
    for (const [args, pattern] of cases) {
      const result = await runCli(args, { env });
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, pattern);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    }
    const set = await runCli(['analytics', 'threshold', '3'], { env });
    assert.equal(set.stdout, 'suppression threshold: 3\n');
    const shown = await runCli(['kpi', '--period', '2023', '--indicator', 'tangible_change', '--format', 'json'], { env });
    const [tangible] = JSON.parse(shown.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual([tangible!.numerator, tangible!.denominator, tangible!.suppressed, tangible!.n_missing], [2, 3, false, 1]);
  });
});
