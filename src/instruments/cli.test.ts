import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { runCli } from '../testing/cli.ts';

const forms = new URL('../../../shared/external/pyxform/tests/example_xls/', import.meta.url).pathname;

describe('tracer instrument import/export', { skip: !existsSync(forms) && 'shared/external is not present' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tracer-cli-'));
  const env = { TRACER_DATA_DIR: join(dir, 'data'), DATABASE_URL: undefined };
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('imports a real form, refuses another with reasons, and exports', async () => {
    assert.equal((await runCli(['org', 'create', 'cli-org', '--name', 'CLI'], { env, timeoutMs: 180_000 })).code, 0);
    const imported = await runCli(['instrument', 'import', `${forms}yes_or_no_question.xlsx`, '--publish', '--key', 'yes_no'], { env, timeoutMs: 180_000 });
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /Imported yes_no as version 1/);
    const refused = await runCli(['instrument', 'import', `${forms}widgets.xls`], { env, timeoutMs: 180_000 });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /survey sheet, row 11 \(my_geopoint\): type "geopoint" is not supported/);
    const out = join(dir, 'yes_no.xlsx');
    const exported = await runCli(['instrument', 'export', 'yes_no', '--out', out], { env, timeoutMs: 180_000 });
    assert.equal(exported.code, 0, exported.stderr);
    assert.ok(existsSync(out));
  });
});
