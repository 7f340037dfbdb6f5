// `tracer waves run-due` and `tracer waves rates` as a person runs them: the real command on an
// embedded database of its own (whatever TEST_DATABASE_URL says), with --at as the clock.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { runCli } from '../testing/cli.ts';
import { createWave } from './service.ts';
import { createWaveFixture } from './test-fixture.ts';

describe('tracer waves', { concurrency: false }, () => {
  let folder: string;
  const env = () => ({ DATABASE_URL: undefined, TRACER_ORG: undefined, TRACER_DATA_DIR: join(folder, 'data'), TRACER_PUBLIC_URL: 'https://surveys.example.org', SMTP_URL: undefined, SMTP_HOST: undefined });

  before(async () => {
    folder = mkdtempSync(join(tmpdir(), 'tracer-waves-cli-'));
    const database = await openDatabase({ kind: 'pglite', dataDir: join(folder, 'data') });
    try {
      await migrate(database);
      const fx = await createWaveFixture(database, 'cli-waves');
      await database.withOrg(fx.org.id, (tx) => createWave(tx, fx.actor, { name: 'EoA A', instrumentId: fx.instruments.eoa, activityIds: [fx.activities.a], anchor: 'end', openDays: 21 }));
    } finally {
      await database.close();
    }
  });
  after(() => rmSync(folder, { recursive: true, force: true }));

  it('queues the invitations that are due once, then nothing more', async () => {
    const before = await runCli(['waves', 'run-due', '--at', '2026-03-05T12:00:00Z'], { env: env() });
    assert.equal(before.code, 0, before.stderr);
    assert.match(before.stdout, /invitations 0,/);
    const first = await runCli(['waves', 'run-due', '--at', '2026-03-06T09:00:00Z'], { env: env() });
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /invitations 3, reminders 0, not contactable 1/); // p1 p2 p3; p6 has no address
    const again = await runCli(['waves', 'run-due', '--at', '2026-03-06T10:00:00Z'], { env: env() });
    assert.match(again.stdout, /invitations 0,/);
    const rates = await runCli(['waves', 'rates', '--by', 'purpose'], { env: env() });
    assert.equal(rates.code, 0, rates.stderr);
    assert.match(rates.stdout, /cli-waves end_of_activity: eligible 4, invited 3, delivered 0, bounced 0, opened 0, partial 0, complete 0, RR1 0\.0%, RR2 0\.0%/);
    const bad = await runCli(['waves', 'run-due', '--at', 'yesterday'], { env: env() });
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--at must be an ISO 8601 date-time/);
  });
});
