import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../testing/cli.ts';

describe('tracer indicator', { concurrency: false }, () => {
  const folder = mkdtempSync(join(tmpdir(), 'tracer-indicator-'));
  const env = { DATABASE_URL: undefined, TRACER_ORG: undefined, TRACER_DATA_DIR: join(folder, 'data') };
  before(async () => {
    const created = await runCli(['org', 'create', 'centre', '--name', 'Centre'], { env });
    assert.equal(created.code, 0, created.stderr);
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('sets a baseline and target for a year and a range, and lists them as JSON and CSV', async () => {
    const year = await runCli(['indicator', 'target', 'relevance', '--period', '2023', '--baseline', '0.8', '--target', '0.85'], { env });
    assert.equal(year.code, 0, year.stderr);
    assert.equal(year.stdout, 'relevance 2023: baseline 0.8, target 0.85\n');
    const range = await runCli(['indicator', 'target', 'relevance', '--period', '2022-2023', '--target', '0.9'], { env });
    assert.equal(range.stdout, 'relevance 2022-2023: baseline —, target 0.9\n');

    const json = await runCli(['indicator', 'list', '--format', 'json'], { env });
    assert.equal(json.code, 0, json.stderr);
    const records = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(
      records.filter((record) => record.indicator === 'relevance'),
      [
        { indicator: 'relevance', level: 1, criterion: 'relevance', unit: 'share', period: '2022-2023', baseline: null, target: 0.9 },
        { indicator: 'relevance', level: 1, criterion: 'relevance', unit: 'share', period: '2023', baseline: 0.8, target: 0.85 },
      ],
    );
    assert.deepEqual(records.find((record) => record.indicator === 'cost_per_completion'), {
      indicator: 'cost_per_completion', level: 4, criterion: 'efficiency', unit: 'currency', period: null, baseline: null, target: null,
    });

    const csv = await runCli(['indicator', 'list', '--format', 'csv'], { env });
    const lines = csv.stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'indicator,level,criterion,unit,period,baseline,target');
    assert.ok(lines.includes('relevance,1,relevance,share,2022-2023,,0.9'));
    assert.ok(lines.includes('relevance,1,relevance,share,2023,0.8,0.85'));

    const table = await runCli(['indicator', 'list'], { env });
    assert.match(table.stdout, /^indicator\s+level\s+criterion/);
    assert.match(table.stdout, /relevance\s+1\s+relevance\s+share\s+2023\s+0\.800\s+0\.850/);
  });

  it('says in one line what is wrong', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['indicator', 'target', 'relevance', '--period', '23', '--target', '0.9'], /"23" is not a period/],
      [['indicator', 'target', 'relevance', '--period', '2023', '--target', '85'], /target is a share: between 0 and 1/],
      [['indicator', 'target', 'happiness', '--period', '2023', '--target', '0.5'], /No indicator "happiness"/],
      [['indicator', 'target', 'relevance', '--period', '2023', '--target', 'high'], /--target must be a number/],
      [['indicator', 'target', 'relevance', '--period', '2023'], /give a baseline, a target or both/],
    ];
    for (const [args, pattern] of cases) {
      const result = await runCli(args, { env });
      assert.equal(result.code, 1, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, pattern);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    }
  });
});
