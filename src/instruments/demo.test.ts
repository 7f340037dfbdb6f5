import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../db/database.ts';
import { createTestDatabase } from '../testing/database.ts';
import { createTestOrg, type TestOrg } from '../testing/http.ts';
import { loadInstrumentsDemo } from './demo.ts';

describe('demo instruments and responses', () => {
  let database: Database;
  let org: TestOrg;
  before(async () => {
    database = await createTestDatabase();
    org = await createTestOrg(database, 'demo-instruments');
  });
  after(() => database.close());

  it('generates believable pre/post gains, positive but varied ratings and item non-response', async () => {
    const activities = (['face_to_face', 'online'] as const).map((modality, i) => ({
      id: randomUUID(),
      startDate: `2025-0${i + 3}-10`,
      endDate: `2025-0${i + 3}-14`,
      modality,
      participantIds: Array.from({ length: 25 }, () => randomUUID()),
      resourcePersons: [{ id: randomUUID(), name: 'Trainer A' }, { id: randomUUID(), name: 'Trainer B' }],
    }));
    const actor = { userId: randomUUID(), orgId: org.id, role: 'administrator' as const, displayName: 'demo', email: 'demo@x' };
    const { responses } = await database.withOrg(org.id, (tx) => loadInstrumentsDemo(tx, actor, activities));
    assert.ok(responses > 100, `${responses} responses`);
    const [stats] = await rows<{ gain: number; pairs: number; agree_share: number; comments_share: number; trainer_rows: number; follow_ups: number }>(
      database.system,
      sql`select (select avg(post.score / post.max_score - pre.score / pre.max_score) from responses pre
                    join instruments ip on ip.id = pre.instrument_id and ip.key = 'pre_test'
                    join responses post on post.participant_id = pre.participant_id and post.org_id = pre.org_id
                    join instruments io on io.id = post.instrument_id and io.key = 'post_test') as gain,
                 (select count(*)::int from responses pre join instruments ip on ip.id = pre.instrument_id and ip.key = 'pre_test'
                    join responses post on post.participant_id = pre.participant_id and post.instrument_id <> pre.instrument_id
                    join instruments io on io.id = post.instrument_id and io.key = 'post_test') as pairs,
                 (select avg((choice_code in ('agree', 'strongly_agree'))::int) from answers where question_key = 'eoa_can_apply') as agree_share,
                 (select count(*) filter (where data->'answers' ? 'eoa_comments')::float / count(*) from responses r join instruments i on i.id = r.instrument_id and i.key = 'end_of_activity') as comments_share,
                 (select count(*)::int from answers where question_key = 'eoa_trainer_rating') as trainer_rows,
                 (select count(*)::int from responses r join instruments i on i.id = r.instrument_id and i.key = 'follow_up') as follow_ups`,
    );
    assert.ok(stats!.pairs > 25, `pairs ${stats!.pairs}`);
    assert.ok(stats!.gain > 0.1 && stats!.gain < 0.45, `gain ${stats!.gain}`);
    assert.ok(stats!.agree_share > 0.6 && stats!.agree_share < 0.95, `agree ${stats!.agree_share}`);
    assert.ok(stats!.comments_share > 0.15 && stats!.comments_share < 0.6, `comments ${stats!.comments_share}`);
    assert.ok(stats!.trainer_rows > 20);
    assert.ok(stats!.follow_ups > 5 && stats!.follow_ups < 35);
  });
});
