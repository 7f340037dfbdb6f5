import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freqRecords, kpiFields, kpiRecords, toCsv, toJson, toTable, FREQ_FIELDS, type KpiResult } from './output.ts';
import { meanCell, ratioCell, shareCell, wilsonInterval } from './statistics.ts';

const relevanceWomen: KpiResult = {
  indicator: 'relevance',
  period: '2023',
  by: { gender: 'woman', modality: 'online_tutored' },
  cell: shareCell({ numerator: 81, denominator: 263, missing: 7 }),
  baseline: 0.8,
  target: 0.85,
};
const relevanceSmall: KpiResult = {
  indicator: 'relevance',
  period: '2023',
  by: { gender: 'non_binary', modality: 'online_tutored' },
  cell: shareCell({ numerator: 2, denominator: 3, missing: 1 }),
  baseline: 0.8,
  target: 0.85,
};
const gainUnstated: KpiResult = {
  indicator: 'knowledge_gain',
  period: '2022-2023',
  by: { gender: null, modality: 'blended' },
  cell: meanCell({ n: 8, sum: 40, sumOfSquares: 232, missing: 2 }),
  baseline: null,
  target: 1.5,
};
const costPerCompletion: KpiResult = {
  indicator: 'cost_per_completion',
  period: '2023',
  by: { gender: 'man', modality: 'face_to_face' },
  cell: ratioCell({ numerator: 12000, denominator: 8, missing: 0 }),
  baseline: 1600,
  target: 1400,
};

describe('KPI records', () => {
  const by = ['gender', 'modality'] as const;
  const records = kpiRecords([relevanceWomen, relevanceSmall, gainUnstated, costPerCompletion], by);
  const wilson = wilsonInterval(81, 263);

  it('have the prescribed fields in the prescribed order, one per --by dimension', () => {
    const expected = ['indicator', 'period', 'gender', 'modality', 'numerator', 'denominator', 'value', 'ci_low', 'ci_high', 'n_missing', 'suppressed', 'baseline', 'target'];
    assert.deepEqual(kpiFields(by), expected);
    for (const record of records) assert.deepEqual(Object.keys(record), expected);
    assert.deepEqual(Object.keys(kpiRecords([relevanceWomen], [])[0]!).slice(0, 3), ['indicator', 'period', 'numerator']);
  });

  it('carry a share as 0–1 with its Wilson interval', () => {
    assert.deepEqual(records[0], {
      indicator: 'relevance',
      period: '2023',
      gender: 'woman',
      modality: 'online_tutored',
      numerator: 81,
      denominator: 263,
      value: 81 / 263,
      ci_low: wilson.low,
      ci_high: wilson.high,
      n_missing: 7,
      suppressed: false,
      baseline: 0.8,
      target: 0.85,
    });
  });

  it('show a suppressed cell with its size and missing count only', () => {
    const record = records[1]!;
    assert.equal(record.suppressed, true);
    assert.equal(record.denominator, 3);
    assert.equal(record.n_missing, 1);
    for (const field of ['numerator', 'value', 'ci_low', 'ci_high']) assert.equal(record[field], null, field);
    assert.equal(record.target, 0.85);
  });

  it('carry a mean with the sum as numerator, n as denominator and the t-interval', () => {
    const record = records[2]!;
    assert.equal(record.gender, null);
    assert.equal(record.numerator, 40);
    assert.equal(record.denominator, 8);
    assert.equal(record.value, 5);
    assert.ok((record.ci_low as number) < 5 && (record.ci_high as number) > 5);
    assert.equal(record.baseline, null);
    assert.equal(record.period, '2022-2023');
  });

  it('carry a ratio without an interval', () => {
    assert.deepEqual(
      [records[3]!.numerator, records[3]!.denominator, records[3]!.value, records[3]!.ci_low, records[3]!.ci_high],
      [12000, 8, 1500, null, null],
    );
  });

  it('render as JSON: an array of objects, numbers unrounded, null kept', () => {
    const parsed = JSON.parse(toJson(records)) as Array<Record<string, unknown>>;
    assert.equal(parsed.length, 4);
    assert.deepEqual(parsed[0], records[0]);
    assert.equal(parsed[1]!.value, null);
  });

  it('render as CSV field by field: header, empty for null, true/false for booleans', () => {
    const lines = toCsv(records, kpiFields(by)).trimEnd().split('\n');
    assert.equal(lines[0], 'indicator,period,gender,modality,numerator,denominator,value,ci_low,ci_high,n_missing,suppressed,baseline,target');
    assert.equal(lines[1], `relevance,2023,woman,online_tutored,81,263,${81 / 263},${wilson.low},${wilson.high},7,false,0.8,0.85`);
    assert.equal(lines[2], 'relevance,2023,non_binary,online_tutored,,3,,,,1,true,0.8,0.85');
    assert.equal(lines[3]!.split(',')[2], '');
    assert.equal(lines.length, 5);
  });

  it('render as a table with rounded numbers and a dash for nothing', () => {
    const table = toTable(records, kpiFields(by));
    const [header, rule, first, second] = table.split('\n');
    assert.match(header!, /^indicator\s+period\s+gender\s+modality\s+numerator/);
    assert.match(rule!, /^-+ +-+/);
    assert.match(first!, /relevance\s+2023\s+woman\s+online_tutored\s+81\s+263\s+0\.308\s+0\.255\s+0\.366\s+7\s+false\s+0\.800\s+0\.850$/);
    assert.match(second!, /non_binary .* — .* true/);
  });
});

describe('frequency records', () => {
  const records = freqRecords({
    options: [
      { code: 'country_office', label: 'Country office', count: 12 },
      { code: 'headquarters', label: 'Headquarters, "HQ"', count: 4 },
      { code: 'regional_office', label: 'Regional office', count: 0 },
    ],
    valid: 16,
    missing: 3,
  });

  it('give option, label, count, percent of valid answers (0–100), n valid and n missing', () => {
    assert.deepEqual(records[0], { option: 'country_office', label: 'Country office', count: 12, percent: 75, n_valid: 16, n_missing: 3 });
    assert.equal(records[1]!.percent, 25);
    assert.equal(records[2]!.percent, 0);
    for (const record of records) assert.deepEqual(Object.keys(record), [...FREQ_FIELDS]);
  });

  it('have no percent when nobody answered', () => {
    assert.equal(freqRecords({ options: [{ code: 'a', label: 'A', count: 0 }], valid: 0, missing: 5 })[0]!.percent, null);
  });

  it('render as CSV with quoting and as JSON', () => {
    const lines = toCsv(records, FREQ_FIELDS).trimEnd().split('\n');
    assert.equal(lines[0], 'option,label,count,percent,n_valid,n_missing');
    assert.equal(lines[1], 'country_office,Country office,12,75,16,3');
    assert.equal(lines[2], 'headquarters,"Headquarters, ""HQ""",4,25,16,3');
    assert.deepEqual(JSON.parse(toJson(records)), records);
  });
});
