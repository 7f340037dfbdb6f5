import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../db/database.ts';
import { activityIdsByCode, writeActivities } from '../catalogue/service.ts';
import { participantIdsByCode, writeParticipants } from '../people/service.ts';
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
    const [admin] = await rows<{ userId: string }>(database.system, sql`select user_id as "userId" from memberships where org_id = ${org.id} and role = 'administrator'`);
    const actor = { userId: admin!.userId, orgId: org.id, role: 'administrator' as const, displayName: 'demo', email: org.emails.administrator };
    const { responses } = await database.withOrg(org.id, async (tx) => {
      // Real activities and participants: responses refer to both (foreign keys).
      const modalities = ['face_to_face', 'online'] as const;
      const codes = modalities.map((_, i) => `DEMO-${i}`);
      await writeActivities(tx, org.id, codes.map((code, i) => ({ code, title: `Activity ${i}`, modality: i === 0 ? 'face_to_face' : 'online_tutored' })));
      const people = (i: number) => [...Array.from({ length: 25 }, (_, n) => `P${i}-${n}`), `RP${i}-A`, `RP${i}-B`];
      await writeParticipants(tx, actor, [0, 1].flatMap((i) => people(i).map((participantId) => ({ participantId }))));
      const activityIds = await activityIdsByCode(tx, codes);
      const participantIds = await participantIdsByCode(tx, [0, 1].flatMap(people));
      const activities = modalities.map((modality, i) => ({
        id: activityIds.get(codes[i]!)!,
        startDate: `2025-0${i + 3}-10`,
        endDate: `2025-0${i + 3}-14`,
        modality,
        participantIds: people(i).slice(0, 25).map((code) => participantIds.get(code)!),
        resourcePersons: [{ id: participantIds.get(`RP${i}-A`)!, name: 'Trainer A' }, { id: participantIds.get(`RP${i}-B`)!, name: 'Trainer B' }],
      }));
      return loadInstrumentsDemo(tx, actor, activities);
    });
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
    // 50 participants, each asked at 6 and at 12 months: about 30% answer each time.
    assert.ok(stats!.follow_ups > 15 && stats!.follow_ups < 45, `follow-ups ${stats!.follow_ups}`);
  });
});
