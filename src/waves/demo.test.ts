// The waves demo step over the demo's catalogue, people and responses: realistic response rates
// (end of activity about 60–80%, follow-ups 20–35%), with invitations, reminders and bounces.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { rows, type Database } from '../db/database.ts';
import { loadDemo } from '../demo/load.ts';
import { createTestDatabase } from '../testing/database.ts';
import { listWaves, responseRates } from './service.ts';

describe('waves demo', () => {
  let database: Database;
  let orgId: string;

  before(async () => {
    database = await createTestDatabase();
    await loadDemo(database, ['catalogue', 'people', 'responses', 'waves']);
    orgId = (await rows<{ id: string }>(database.system, sql`select id from organisations`))[0]!.id;
  });
  after(() => database.close());

  it('derives invitations, reminders and bounces with realistic response rates', async () => {
    const byPurpose = new Map((await database.withOrg(orgId, (tx) => responseRates(tx, 'purpose'))).map((r) => [r.groupKey, r]));
    const eoa = byPurpose.get('end_of_activity')!;
    const followUp = byPurpose.get('follow_up')!;
    assert.ok(eoa.rr1! >= 0.6 && eoa.rr1! <= 0.8, `end of activity RR1 ${eoa.rr1}`);
    // The demo's follow-up answers (about 32% of participants at 6 months, 27% at 12) fall in the
    // 6-month wave (open until 12 months) and the 12-month wave (open until 24 months).
    assert.ok(followUp.rr1! >= 0.2 && followUp.rr1! <= 0.35, `follow-up RR1 ${followUp.rr1}`);
    const waves = await database.withOrg(orgId, (tx) => listWaves(tx));
    const perWave = new Map((await database.withOrg(orgId, (tx) => responseRates(tx, 'wave'))).map((r) => [r.groupKey, r]));
    const twelve = waves.filter((w) => w.name.startsWith('Follow-up at 12 months')).map((w) => perWave.get(w.id)!);
    const rr1Twelve = twelve.reduce((n, r) => n + r.complete, 0) / twelve.reduce((n, r) => n + r.eligible, 0);
    assert.ok(rr1Twelve >= 0.2 && rr1Twelve <= 0.35, `12-month follow-up RR1 ${rr1Twelve}`);
    for (const rate of [eoa, followUp]) {
      assert.ok(rate.bounced > 0 && rate.bounced < rate.invited * 0.1, `bounces ${rate.bounced} of ${rate.invited}`);
      assert.equal(rate.delivered + rate.bounced, rate.invited);
      assert.ok(rate.opened > 0 && rate.opened <= rate.delivered);
    }
    const [reminders] = await rows<{ n: number }>(database.system, sql`select count(*)::int as n from outbound_messages where kind = 'wave_reminder' and status = 'sent'`);
    assert.ok(reminders!.n > 0);
  });
});
