// `tracer import responses FILE --instrument KEY [--mapping FILE] [--skip-invalid]` end to end.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { sql } from 'drizzle-orm';
import { openDatabase, rows } from '../db/database.ts';
import { createStandardInstrument, publish } from '../instruments/service.ts';
import { runCli } from '../testing/cli.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

describe('tracer import responses', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracer-cli-'));
  const dataDir = join(dir, 'data');
  const env = { TRACER_DATA_DIR: dataDir, DATABASE_URL: undefined };
  after(() => rmSync(dir, { recursive: true, force: true }));
  const cli = (args: string[]) => runCli(args, { env, timeoutMs: 180_000 });

  it('imports a mapped file with progress, refuses bad rows with reasons, and re-imports without duplicating', async () => {
    assert.equal((await cli(['org', 'create', 'cli-org', '--name', 'CLI'])).code, 0);
    writeFileSync(join(dir, 'a.csv'), 'code,title,modality\nACT-2,Statistics,webinar\n');
    writeFileSync(join(dir, 'p.csv'), 'participant_id\nP-002\nP-003\n');
    assert.equal((await cli(['import', 'activities', join(dir, 'a.csv')])).code, 0);
    assert.equal((await cli(['import', 'participants', join(dir, 'p.csv')])).code, 0);
    const database = await openDatabase({ kind: 'pglite', dataDir });
    try {
      const [org] = await rows<{ id: string }>(database.system, sql`select id from organisations where slug = 'cli-org'`);
      const actor = { userId: randomUUID(), orgId: org!.id, role: 'administrator' as const, displayName: 'x', email: 'x@x' };
      await database.withOrg(org!.id, async (tx) => publish(tx, (await createStandardInstrument(tx, actor, 'follow_up')).id));
    } finally {
      await database.close();
    }

    const missing = await cli(['import', 'responses', fixture('other-tool-follow-up.csv')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /needs --instrument KEY/);
    const unknown = await cli(['import', 'responses', fixture('other-tool-follow-up.csv'), '--instrument', 'nope']);
    assert.match(unknown.stderr, /No instrument with the key "nope"/);
    const unmapped = await cli(['import', 'responses', fixture('other-tool-follow-up.csv'), '--instrument', 'follow_up']);
    assert.equal(unmapped.code, 1);
    assert.match(unmapped.stderr, /other-tool-follow-up\.csv, row 1, column respondent: unknown column "respondent"/);
    assert.match(unmapped.stderr, /nothing was written/);

    const args = ['import', 'responses', fixture('other-tool-follow-up.csv'), '--instrument', 'follow_up', '--mapping', fixture('other-tool-mapping.csv')];
    const imported = await cli(args);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stderr, /read 2 rows/);
    assert.match(imported.stdout, /Imported 2 of 2 responses into cli-org\./);
    const again = await cli(args);
    assert.match(again.stdout, /Imported 0 of 2 responses into cli-org; 2 imported before, left unchanged\./);
  });
});
