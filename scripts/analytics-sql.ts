// Rewrites src/analytics/sql/*.sql from the engine's query builders (see src/analytics/sql-snapshots.ts).
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { renderSnapshots, SNAPSHOT_FOLDER } from '../src/analytics/sql-snapshots.ts';

mkdirSync(SNAPSHOT_FOLDER, { recursive: true });
const snapshots = renderSnapshots();
for (const name of readdirSync(SNAPSHOT_FOLDER)) if (name.endsWith('.sql') && !snapshots.has(name)) rmSync(new URL(name, SNAPSHOT_FOLDER));
for (const [name, text] of snapshots) writeFileSync(new URL(name, SNAPSHOT_FOLDER), text);
process.stdout.write(`Wrote ${snapshots.size} files to src/analytics/sql/\n`);
