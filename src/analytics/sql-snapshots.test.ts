// The committed SQL of the engine (src/analytics/sql/*.sql) must be what the code generates.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { renderSnapshots, SNAPSHOT_FOLDER } from './sql-snapshots.ts';

describe('engine SQL snapshots', () => {
  it('are up to date (run `npm run sql:analytics` after changing a query)', () => {
    const expected = renderSnapshots();
    const committed = readdirSync(SNAPSHOT_FOLDER).filter((name) => name.endsWith('.sql')).sort();
    assert.deepEqual(committed, [...expected.keys()].sort(), 'the set of snapshot files differs: run `npm run sql:analytics`');
    for (const [name, text] of expected) {
      assert.equal(readFileSync(new URL(name, SNAPSHOT_FOLDER), 'utf8'), text, `src/analytics/sql/${name} is stale: run \`npm run sql:analytics\``);
    }
  });
});
