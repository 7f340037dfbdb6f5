// The rollup of the answer-based indicators (indicator_units) stays exact: after every kind of write
// that can change a unit's result, the engine's figures over the rollup equal those the same
// statement computes from the responses themselves, and the write did change the figures, so
// that a rollup left stale would fail. On the hand-computed fixture (engine-fixture.ts), on PGlite and PostgreSQL.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { rows, type Database, type Tx } from '../db/database.ts';
import { eraseParticipant } from '../privacy/service.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, type TestOrg } from '../testing/http.ts';
import { seedEngineFixture, type EngineFixture } from './engine-fixture.ts';
import { indicatorAggregates, indicatorStatement, refreshRollup, tuneForAggregation, type AggregateRow, type EngineRequest } from './engine-repository.ts';
import * as repository from './repository.ts';
import { listIndicators } from './service.ts';
import type { DimensionKey } from './dimensions.ts';

describe('indicator rollup', () => {
  let database: Database;
  let org: TestOrg;
  let fixture: EngineFixture;

  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'rollup');
    fixture = await seedEngineFixture(database, org.id);
  });
  after(async () => database.close());

  const shapes: Array<Pick<EngineRequest, 'period' | 'by' | 'filters'>> = [
    { period: { from: 2023, to: 2023 }, by: [], filters: { fields: [], answers: [] } },
    { period: { from: 2023, to: 2023 }, by: ['gender'], filters: { fields: [], answers: [] } },
    { period: null, by: ['gender', 'modality'] as DimensionKey[], filters: { fields: [], answers: [] } },
    { period: { from: 2022, to: 2023 }, by: ['age_band'], filters: { fields: [{ key: 'gender', value: 'woman' }], answers: [] } },
    { period: { from: 2023, to: 2023 }, by: ['ldc'], filters: { fields: [], answers: [{ question: 'office', value: 'country_office' }] } },
  ];

  const plain = (found: AggregateRow[]) =>
    found
      .map((row) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, typeof value === 'string' && key !== 'indicator' && key !== 'period' && key !== 'd1' && key !== 'd2' ? Number(value) : value])))
      .map((row) => ({ ...row, numerator: Number(row.numerator), denominator: Number(row.denominator), missing: Number(row.missing) }));

  /**
   * For every request shape: the rollup is brought up to date and read (never the fallback: no row
   * in scope of another layout), and its figures equal those computed from the responses. Returns the
   * figures of the first shapes (the 2023 cells), to show that a write changed them.
   */
  async function checkExact(): Promise<string> {
    return database.withOrg(org.id, async (tx) => {
      const indicators = (await listIndicators(tx)).map(({ key, definition }) => ({ key, definition }));
      await tuneForAggregation(tx);
      const { layout } = await refreshRollup(tx);
      const [{ marks }] = (await rows<{ marks: number }>(tx, sql`select count(*)::int as marks from indicator_dirty`)) as [{ marks: number }];
      assert.equal(Number(marks), 0, 'a read leaves no mark it could see');
      const snapshots: string[] = [];
      for (const shape of shapes) {
        const request: EngineRequest = { indicators, ...shape };
        const rolled = await rows<AggregateRow>(tx, indicatorStatement(request, 'rollup', layout)!);
        const stale = rolled.find((row) => row.indicator === '~stale');
        assert.equal(Number(stale?.numerator), 0, 'every unit row in scope is of the current layout');
        const live = await rows<AggregateRow>(tx, indicatorStatement(request, 'live')!);
        const fromRollup = plain(rolled.filter((row) => row.indicator !== '~stale'));
        assert.deepEqual(fromRollup, plain(live), `rollup = live for ${JSON.stringify(shape)}`);
        assert.deepEqual(plain(await indicatorAggregates(tx, request)), plain(live));
        snapshots.push(JSON.stringify(fromRollup));
      }
      return snapshots.slice(0, 2).join('\n');
    });
  }

  const inOrg = <T>(work: (tx: Tx) => Promise<T>) => database.withOrg(org.id, work);

  /** A final end-of-activity response with an answer to eoa_relevance, of a participant (identified). */
  async function someResponse(tx: Tx): Promise<{ id: string; participant_id: string; activity_id: string }> {
    const [found] = await rows<{ id: string; participant_id: string; activity_id: string }>(
      tx,
      sql`select r.id, r.participant_id, r.activity_id from responses r join answers a on a.response_id = r.id
           where r.status = 'complete' and r.participant_id is not null and a.question_key = 'eoa_relevance'
           order by r.submitted_at, r.id limit 1`,
    );
    return found!;
  }

  it('is filled on the first read and equals the figures computed from the responses', async () => {
    await checkExact();
    const [{ units }] = (await inOrg((tx) => rows<{ units: number }>(tx, sql`select count(*)::int as units from indicator_units`))) as [{ units: number }];
    assert.ok(Number(units) > 0, 'the rollup holds unit rows');
  });

  it('stays exact after a new submission', async () => {
    const before = await checkExact();
    await inOrg(async (tx) => {
      const source = await someResponse(tx);
      const [{ id: participant }] = (await rows<{ id: string }>(
        tx,
        sql`select p.id from participants p where not exists (select 1 from responses r where r.participant_id = p.id and r.activity_id = ${source.activity_id}) order by p.id limit 1`,
      )) as [{ id: string }];
      const id = randomUUID();
      await tx.execute(sql`insert into responses (org_id, id, instrument_id, instrument_version_id, activity_id, participant_id, status, submitted_at, client_submission_id, data, score, max_score)
        select org_id, ${id}::uuid, instrument_id, instrument_version_id, activity_id, ${participant}::uuid, status, submitted_at, ${`copy-${id}`}, data, score, max_score
          from responses where id = ${source.id}::uuid`);
      await tx.execute(sql`insert into answers (org_id, response_id, position, question_key, item_index, resource_person_id, choice_code, numeric_value, text_value, instrument_id, purpose, activity_id)
        select org_id, ${id}::uuid, position, question_key, item_index, resource_person_id, choice_code, numeric_value, text_value, instrument_id, purpose, activity_id
          from answers where response_id = ${source.id}::uuid`);
    });
    assert.notEqual(await checkExact(), before);
  });

  it('stays exact after a response is edited, withdrawn to partial and deleted', async () => {
    let before = await checkExact();
    const source = await inOrg(someResponse);
    await inOrg((tx) =>
      tx.execute(sql`update answers set choice_code = case when choice_code = 'strongly_disagree' then 'strongly_agree' else 'strongly_disagree' end
                      where response_id = ${source.id}::uuid and question_key = 'eoa_relevance'`),
    );
    let now = await checkExact();
    assert.notEqual(now, before);
    before = now;
    const [{ submitted }] = (await inOrg((tx) => rows<{ submitted: string }>(tx, sql`select submitted_at::text as submitted from responses where id = ${source.id}::uuid`))) as [{ submitted: string }];
    await inOrg((tx) => tx.execute(sql`update responses set status = 'partial', submitted_at = null where id = ${source.id}::uuid`));
    now = await checkExact();
    assert.notEqual(now, before);
    await inOrg((tx) => tx.execute(sql`update responses set status = 'complete', submitted_at = ${submitted}::timestamptz where id = ${source.id}::uuid`));
    assert.equal(await checkExact(), before);
    await inOrg((tx) => tx.execute(sql`delete from responses where id = ${source.id}::uuid`));
    assert.notEqual(await checkExact(), before);
  });

  it('stays exact after a participant attribute changes and after an erasure, without a refresh', async () => {
    const before = await checkExact();
    const source = await inOrg(someResponse);
    await inOrg((tx) => tx.execute(sql`update participants set gender = (case when gender = 'woman' then 'man' else 'woman' end)::participant_gender where id = ${source.participant_id}::uuid`));
    const [{ marks }] = (await inOrg((tx) => rows<{ marks: number }>(tx, sql`select count(*)::int as marks from indicator_dirty`))) as [{ marks: number }];
    assert.equal(Number(marks), 0, 'participant attributes are joined at query time');
    const changed = await checkExact();
    assert.notEqual(changed, before);
    await inOrg((tx) => eraseParticipant(tx, { kind: 'cli' }, source.participant_id));
    assert.equal(await checkExact(), changed, 'an erasure keeps what indicators disaggregate by');
  });

  it('stays exact after an indicator definition is added and changed', async () => {
    await checkExact();
    const spec = {
      key: 'relevance_strict',
      names: { en: 'Strongly agree', fr: 'Tout à fait', es: 'Muy de acuerdo' },
      descriptions: { en: 'Strict.', fr: 'Strict.', es: 'Estricto.' },
      level: 1 as const,
      criterion: 'relevance' as const,
      direction: 'higher_is_better' as const,
      unit: 'share' as const,
      periodBasis: 'activity_end' as const,
    };
    await inOrg((tx) => repository.upsertIndicator(tx, { ...spec, definition: { kind: 'answer_in_set', questions: ['eoa_relevance'], values: ['strongly_agree'] } }));
    const added = await checkExact();
    assert.match(added, /relevance_strict/);
    await inOrg((tx) => repository.upsertIndicator(tx, { ...spec, definition: { kind: 'answer_in_set', questions: ['eoa_relevance'], values: ['strongly_agree', 'agree'] } }));
    assert.notEqual(await checkExact(), added);
  });

  it('reads through a definition the organisation does not hold, computing the unit results itself', async () => {
    await inOrg(async (tx) => {
      const request: EngineRequest = {
        indicators: [{ key: 'relevance', definition: { kind: 'answer_in_set', questions: ['eoa_relevance'], values: ['disagree'] } }],
        period: { from: 2023, to: 2023 },
        by: [],
        filters: { fields: [], answers: [] },
      };
      await tuneForAggregation(tx);
      assert.deepEqual(plain(await indicatorAggregates(tx, request)), plain(await rows<AggregateRow>(tx, indicatorStatement(request, 'live')!)));
    });
    assert.ok(fixture.activityIds);
  });
});
